"""The site's pages as the URL configuration lists them, so the tests grow with the site.

Path arguments are filled from the sample archive by name (a speech's pk, a commitment's pk on
commitment pages, a city's code, a topic's slug, a year); an argument of another name gets a
plain value of its converter's type.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser

import django_filters
from django.urls import URLPattern, URLResolver, get_resolver, reverse

# Executable script types; a data block (JSON) is not run and needs no script-src.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}


@dataclass(frozen=True)
class Page:
    name: str
    converters: tuple[tuple[str, str], ...]  # (argument, converter class name)


def public_pages() -> list[Page]:
    """Every named page of the public site (everything outside /admin/)."""
    pages = []

    def visit(patterns, namespace: str = "") -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                if entry.app_name == "admin":
                    continue
                visit(entry.url_patterns, f"{namespace}{entry.namespace}:" if entry.namespace else namespace)
            elif isinstance(entry, URLPattern) and entry.name:
                # path() names a converter per argument; re_path() only names its groups.
                arguments = dict.fromkeys(entry.pattern.regex.groupindex, "StringConverter")
                for argument, converter in getattr(entry.pattern, "converters", {}).items():
                    arguments[argument] = type(converter).__name__
                pages.append(Page(namespace + entry.name, tuple(sorted(arguments.items()))))

    visit(get_resolver().url_patterns)
    return pages


def page_kwargs(page: Page, samples: dict[str, object]) -> dict[str, object]:
    """The page's path arguments; a sample named "<thing>_<argument>" wins on pages named with <thing>."""
    kwargs = {}
    for argument, converter in page.converters:
        specific = [key for key in samples if key.endswith(f"_{argument}") and key.split("_")[0] in page.name]
        default = samples.get(argument, 1 if converter == "IntConverter" else "x")
        kwargs[argument] = samples[specific[0]] if specific else default
    return kwargs


def page_url(page: Page, samples: dict[str, object]) -> str:
    return reverse(page.name, kwargs=page_kwargs(page, samples))


def query_parameters() -> list[str]:
    """The names the pages read from the query string: every FilterSet's form fields, paging, search."""
    from speeches import filters

    names = {"page", "q", "sort", "o", "ordering"}
    for value in vars(filters).values():
        if (
            isinstance(value, type)
            and issubclass(value, django_filters.FilterSet)
            and value.__module__ == filters.__name__
        ):
            names.update(getattr(value, "not_filters", ()))
            try:
                form = value(data={}).form
            except Exception:  # an abstract base without a model has no form
                continue
            for bound in form:
                names.add(bound.html_name)
                names.update(f"{bound.html_name}{suffix}" for suffix in _suffixes(bound.field.widget))
    return sorted(names)


def _suffixes(widget) -> list[str]:
    suffixes = getattr(widget, "suffixes", None)
    if suffixes:
        return [f"_{suffix}" if suffix else "" for suffix in suffixes]
    return []


class InlineCodeFinder(HTMLParser):
    """What a Content-Security-Policy without 'unsafe-inline' would block in a page."""

    def __init__(self):
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "script" and not attributes.get("src") and attributes.get("type") not in DATA_SCRIPT_TYPES:
            self.found.append(f"inline <script> at line {self.getpos()[0]}")
        if tag == "style":
            self.found.append(f"inline <style> at line {self.getpos()[0]}")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"event handler {name}= on <{tag}> at line {self.getpos()[0]}")
            if name == "style":
                self.found.append(f"style= attribute on <{tag}> at line {self.getpos()[0]}")
            if name in {"href", "src", "action"} and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"javascript: URL on <{tag}> at line {self.getpos()[0]}")


def inline_code(html: str) -> list[str]:
    finder = InlineCodeFinder()
    finder.feed(html)
    return finder.found
