"""The entry points: search_commitments and search_speeches, whatever the database."""

from __future__ import annotations

from django.db import connections
from django.db.models import Q, QuerySet

from ..models import Commitment, Speech
from .backends import backend_for
from .narrowing import CommitmentFilters, place_condition, region_id, topic_id, years_of
from .query import ParsedQuery, parse_query
from .snippets import highlighted

_SPEECH_TEXTS = ("text", "original_text", "search_title", "search_text", "search_folded")


def search_commitments(
    query: str | ParsedQuery,
    *,
    city=None,
    province=None,
    topic=None,
    year=None,
    kind: str | None = None,
    strength: str | None = None,
    order: str = "relevance",
) -> QuerySet:
    """Commitments whose text contains every term of the query, best first (or newest first with
    order="date"); each carries `search_rank` and `snippet` (escaped HTML, matches in <mark>).
    `city` includes the city's counties; `year` is a year, a range() or a (first, last) pair."""
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    # The speech comes along for its title and place, not its (long) texts.
    queryset = Commitment.objects.select_related("speech").defer(
        "search_text", "search_sequence", "search_targets", *(f"speech__{name}" for name in _SPEECH_TEXTS)
    )
    if not parsed:
        return highlighted(queryset.none(), parsed)
    filters = CommitmentFilters(
        region_id(city), region_id(province), topic_id(topic), years_of(year), kind or None, strength or None
    )
    backend = backend_for(connections[queryset.db])
    return highlighted(backend.commitments(queryset, parsed, filters, order), parsed)


def search_speeches(
    query: str | ParsedQuery,
    *,
    city=None,
    province=None,
    topic=None,
    year=None,
    order: str = "relevance",
) -> QuerySet:
    """Speeches whose title or text contains every term of the query, best first; a match in the
    title counts most. Each carries `search_rank`, `snippet` (from the text) and `title_snippet`."""
    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    queryset = Speech.objects.defer(*(name for name in _SPEECH_TEXTS if name not in {"text", "search_folded"}))
    if not parsed:
        return highlighted(queryset.none(), parsed)
    condition = place_condition("", region_id(city), region_id(province))
    topic, years = topic_id(topic), years_of(year)
    if topic is not None:
        condition &= Q(topics=topic)
    if years is not None:
        condition &= Q(year__in=years)
    if condition:
        queryset = queryset.filter(condition)
    backend = backend_for(connections[queryset.db])
    return highlighted(backend.speeches(queryset, parsed, bool(condition), order), parsed)
