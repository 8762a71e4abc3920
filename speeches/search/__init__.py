"""Full-text search of commitments and speeches: exactly what a substring search finds, ranked.

Where to find what (each module says more):

- text.py: folding (traditional -> simplified, full width -> half width) and the *indexed form*
  each row stores: the tokens the full-text index reads. Plain strings, no database.
- query.py: the query language (terms, "phrases", -exclusions) parsed into a ParsedQuery.
  Plain strings, no database.
- expressions.py: a ParsedQuery written as an FTS5 or tsquery expression. Plain strings.
- backends.py: the interface every database's backend implements, and the backend of a connection:
  - sqlite_index.py, sqlite_ranking.py, sqlite.py: FTS5 tables kept by triggers; the best page of
    a common word found shortest first, without scoring every match;
  - postgres.py: a generated tsvector with a GIN index, or a RUM index that ranks inside the index
    (postgres_ranking.py); a narrow table of the matches to count them and their facets
    (postgres_matches.py, postgres_counts.py).
- narrowing.py: the filters (place, topic, year, kind, strength), resolved once.
- snippets.py: snippets, the matches marked.
- facets.py: the search page's facet counts, from one pass over the matches (a fixed sample of them
  past SPEECHES_SEARCH_EXACT_UP_TO).
- entry.py: search_commitments and search_speeches, the two entry points.
- maintenance.py: the migration hooks (apps.py) and rebuild_search_index.

The plain-string modules import no Django; the rest are loaded on first use, so the models can use
the indexed form (text.py) without importing the search backends that use the models.
"""

from __future__ import annotations

from importlib import import_module

from .expressions import CommitmentQuery, commitment_query, fts5_expression, tsquery_expression, year_tokens
from .query import QUERY_MAX_CHARS, ParsedQuery, Term, parse_query
from .text import commitment_search_fields, fold, speech_search_fields, targets_search_text

# Names of the modules that use Django, by the module that defines them.
_ON_FIRST_USE = {
    "search_commitments": "entry",
    "search_speeches": "entry",
    "commitment_facets": "facets",
    "CommitmentFilters": "narrowing",
    "SNIPPET_CHARS": "snippets",
    "highlight": "snippets",
    "SearchBackend": "backends",
    "backend_for": "backends",
    "PG_MAX_INDEXED_BYTES": "postgres",
    "PG_PART_BYTES": "postgres",
    "ensure_search_index": "maintenance",
    "drop_search_triggers": "maintenance",
    "drop_search_index": "maintenance",
    "rebuild_search_index": "maintenance",
}

__all__ = [
    "QUERY_MAX_CHARS",
    "CommitmentQuery",
    "ParsedQuery",
    "Term",
    "commitment_query",
    "commitment_search_fields",
    "fold",
    "fts5_expression",
    "parse_query",
    "speech_search_fields",
    "targets_search_text",
    "tsquery_expression",
    "year_tokens",
    *_ON_FIRST_USE,
]


def __getattr__(name: str):
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
