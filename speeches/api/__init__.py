"""The archive's open data as a read-only JSON API under /api/ (Django REST framework).

It lists and filters with the site's own FilterSets and searches with speeches/search.py, so a
query gives the same rows in the API, on the pages and in the exports; its field names are those
of the import report (`import_speeches --json`) wherever they mean the same thing.
"""
