"""Snippets: a result's text, escaped, with the query's terms marked, read from its folded text."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.db.models.query import ModelIterable
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .query import ParsedQuery
from .text import fold

# How much text a snippet shows around the first match.
SNIPPET_CHARS = 120


def highlight(text: str, folded: str, terms: Iterable[str], limit: int | None = SNIPPET_CHARS) -> SafeString:
    """`text` escaped, with each occurrence of a (folded) term marked; found in `folded`, which is
    as long as `text`, so traditional or full-width text is marked where the term is. With a
    `limit`, only a window of that many characters around the first match, … where cut."""
    spans = _spans(folded, terms)
    start, end = 0, len(text)
    if limit is not None and len(text) > limit:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - limit // 4, len(text) - limit))
        end = start + limit
    pieces = ["…" if start > 0 else ""]
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, position), min(span_end, end)
        pieces.append(escape(text[position:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(escape(text[position:end]))
    pieces.append("…" if end < len(text) else "")
    return mark_safe("".join(pieces))


def _spans(folded: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the terms occur, overlapping occurrences merged, in order."""
    found = []
    for term in terms:
        start = folded.find(term)
        while start >= 0:
            found.append((start, start + len(term)))
            start = folded.find(term, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


class _HighlightedIterable(ModelIterable):
    """Model instances, each given `snippet` (and `title_snippet` for speeches) as it is read."""

    terms: tuple[str, ...] = ()

    def __iter__(self) -> Iterator:
        for instance in super().__iter__():
            _annotate_snippet(instance, self.terms)
            yield instance


def _annotate_snippet(instance, terms: tuple[str, ...]) -> None:
    if instance._meta.model_name == "speech":
        title, text = instance.title, instance.text
        folded = instance.search_folded
        if len(folded) != len(title) + 1 + len(text):  # changed behind save()'s back
            folded = f"{fold(title)}\n{fold(text)}"
        instance.title_snippet = highlight(title, folded[: len(title)], terms, limit=None)
        instance.snippet = highlight(text, folded[len(title) + 1 :], terms)
    else:
        text, folded = instance.text, instance.search_folded
        if len(folded) != len(text):
            folded = fold(text)
        instance.snippet = highlight(text, folded, terms)


def highlighted(queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
    # The iterable class travels with every clone of the queryset (filter, order_by, slicing).
    queryset._iterable_class = type(
        "HighlightedIterable", (_HighlightedIterable,), {"terms": tuple(term.text for term in parsed.terms)}
    )
    return queryset
