"""Which rows a listing holds: the one place the API, the exports and the feeds ask for them.

The order and the search are the pages' own: newest speeches first, or with `q` the matches of
speeches/search.py best first; the FilterSet (the site's, or the API's strict one) narrows them.
"""

from __future__ import annotations

import re

from django.db.models import Count, Prefetch

from ..models import Commitment, Speech, Topic
from ..search import ParsedQuery, parse_query, search_commitments, search_speeches

# What a speech listing leaves out: the long texts and their indexed forms.
_LONG_FIELDS = ("text", "original_text", "search_title", "search_text", "search_folded")


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def search_terms(value: str | None) -> tuple[str, ParsedQuery | None]:
    """The `q` of a request as the pages read it: control characters dropped (PostgreSQL cannot
    compare NUL, XML feeds cannot carry any of them), blank meaning no search; the parsed query
    says why when it cannot be searched."""
    q = _CONTROL.sub("", value or "").strip()
    return q, (parse_query(q) if q else None)


def speech_rows(parsed: ParsedQuery | None = None):
    """Speeches with their place, topics and commitment count; the matches of `parsed` if given."""
    rows = search_speeches(parsed) if parsed is not None else Speech.objects.defer(*_LONG_FIELDS).by_date()
    return rows.select_related("city", "county", "province").prefetch_related("topics").with_counts()


def speech_documents(rows=None):
    """Whole speeches: outline, commitments and their amounts, for the detail and the JSON exports.
    `rows` (a speech_rows() queryset, filtered) chooses which; all of them by default."""
    if rows is None:
        rows = Speech.objects.defer("original_text", "search_title", "search_text", "search_folded")
        rows = rows.select_related("city", "county", "province").with_counts()
    return rows.prefetch_related(
        "topics",
        "sections",
        Prefetch("commitments", Commitment.objects.select_related("topic").prefetch_related("targets")),
    )


def commitment_rows(parsed: ParsedQuery | None = None):
    """Commitments with their speech, place, topic and amounts; the matches of `parsed` if given."""
    rows = search_commitments(parsed) if parsed is not None else Commitment.objects.by_speech_date()
    if parsed is None:
        rows = rows.defer(
            "search_text", "search_sequence", "search_targets", "search_folded", *(f"speech__{f}" for f in _LONG_FIELDS)
        )
    return rows.for_listing()


def topics_with_counts():
    return Topic.objects.annotate(
        speech_count=Count("speeches", distinct=True), commitment_count=Count("commitments", distinct=True)
    ).order_by("position", "slug")
