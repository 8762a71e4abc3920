"""The search page's facet counts, all from one pass over the matches.

The browsing lists count each facet with a grouped query of its own (filters.FacetedFilterSet).
Over a search, each of those queries would search again: a common word's tens of thousands of
matches, six times. Here the matches are read once, with the few columns the facets group by, and
every facet is counted from that one set, each over the rows the *other* chosen filters leave, as
FacetedFilterSet.facets counts them (the tests compare both). The same pass counts the rows the
page lists, so the paginator does not count them again.

Above SPEECHES_SEARCH_EXACT_UP_TO matches, the pass reads a fixed sample of about SAMPLE_MATCHES
of them: every n-th by id on SQLite, whose index counts the matches in milliseconds; a fixed
sample of pages on PostgreSQL, whose exact count visits every match, so that there the page's
total is estimated too. The counts are scaled up and marked as estimates (the page says 约); the
same archive gives the same numbers each time.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from django.conf import settings
from django.db import connections
from django.db.models import QuerySet

from ..filters import NONE, CommitmentFilter, Facet, FacetOption

# A sample of the matches (above SPEECHES_SEARCH_EXACT_UP_TO of them) holds about this many: a
# value with a tenth of the matches is then known to within about ±7 % (one standard error).
SAMPLE_MATCHES = 2_000

_REGION = "SELECT id FROM speeches_region WHERE code = %s"
# What each chosen filter keeps, as SQL over the matches' columns (see _MATCHES).
_KEEPS = {
    "province": f"province_id IN ({_REGION})",
    "city": f"(city_id IN ({_REGION}) OR city_parent_id IN ({_REGION}) OR county_id IN ({_REGION}))",
    "topic": "topic_id IN (SELECT id FROM speeches_topic WHERE slug = %s)",
    "year": "year = %s",
    "year_min": "year >= %s",
    "year_max": "year <= %s",
    "kind": "kind = %s",
    "strength": "strength = %s",
}
# What choosing the bucket of rows without a value (NONE) keeps.
_KEEPS_NONE = {
    "province": "province_id IS NULL",
    "city": "city_id IS NULL",
    "topic": "topic_id IS NULL",
    "year": "year IS NULL",
}
# The column each facet groups by.
_GROUPS = {
    "province": "province_id",
    "city": "city_id",
    "topic": "topic_id",
    "year": "year",
    "kind": "kind",
    "strength": "strength",
}
# The facets whose values are rows of another table: (table, value, label, order) columns.
_NAMED = {
    "province": ("speeches_region", "code", "name", "code"),
    "city": ("speeches_region", "code", "name", "code"),
    "topic": ("speeches_topic", "slug", "name", "position"),
}
_MATCHES = (
    "SELECT c.id, c.kind, c.strength, c.topic_id, s.year, s.province_id, s.city_id, r.parent_id AS city_parent_id,"
    " s.county_id FROM speeches_commitment c JOIN speeches_speech s ON s.id = c.speech_id"
    " LEFT JOIN speeches_region r ON r.id = s.city_id WHERE c.id IN ({ids})"
)


@dataclass(frozen=True)
class SearchCounts:
    """What the search page counts in its one pass over the matches."""

    facets: list[Facet]
    total: int | None  # the matches every chosen filter leaves (what the page lists); None: not counted here
    estimated: bool = False  # the facets are estimates from a sample of the matches
    total_estimated: bool = False  # and so is `total`


@dataclass(frozen=True)
class _Matches:
    sql: str  # the matches (or a sample of them) with the columns the facets group by
    params: list
    every_match: bool  # a PostgreSQL statement reading every match, run through every_match
    share: float = 1.0  # the share of the matches the sample holds


def _match_rows(results: QuerySet, share: float | None = None) -> _Matches:
    """The matches with the columns the facets group by: every one, or a fixed sample of them above
    SPEECHES_SEARCH_EXACT_UP_TO (the share is then set by their number, or by `share`)."""
    bound = settings.SPEECHES_SEARCH_EXACT_UP_TO
    if connections[results.db].vendor == "postgresql":
        from .postgres_counts import estimated_matches, facet_rows

        # PostgreSQL: the index's match selects the columns itself, each match read once rather
        # than found by id and read again. An exact count visits every match, so whether to sample
        # is told by the planner's estimate.
        if share is None:
            estimate = estimated_matches(results)
            share = SAMPLE_MATCHES / estimate if estimate and estimate > bound else 1.0
        rows = facet_rows(results, share)
        if rows is not None:
            return _Matches(rows.sql, list(rows.params), True, rows.share)
    plan = getattr(results, "_index_plan", None)
    if plan is not None and hasattr(plan, "ids_sql"):
        # The index counts its matches in a few milliseconds: a sample is every n-th of them by id.
        matches = results.count()
        every = math.ceil(matches / SAMPLE_MATCHES) if matches > bound else 1
        ids, params = plan.ids_sql(every)
        return _Matches(_MATCHES.format(ids=ids), list(params), False, 1 / every)
    ids, params = results.order_by().values("pk").query.get_compiler(using=results.db).as_sql()
    return _Matches(_MATCHES.format(ids=ids), list(params), False)


def commitment_facets(filters: CommitmentFilter, results: QuerySet) -> SearchCounts:
    """The facets of CommitmentFilter over `results` (a search's matches, not yet filtered), and
    the number of matches the chosen filters leave."""
    filters.is_valid()
    if results.query.is_empty():  # a query refused before searching: nothing to count
        return SearchCounts([Facet(spec.param, spec.label, []) for spec in filters.facet_specs], 0)
    chosen = {
        name: value for name, value in filters.form.cleaned_data.items() if name in _KEEPS and value not in (None, "")
    }
    matches = _match_rows(results)
    counts, totals = _counted(filters, chosen, results, matches)
    if matches.share < 1 and totals["matches"] / matches.share <= settings.SPEECHES_SEARCH_EXACT_UP_TO:
        # Fewer matches than the estimate said: count them all.
        matches = _match_rows(results, share=1.0)
        counts, totals = _counted(filters, chosen, results, matches)
    facets = [_facet(spec, counts[spec.param], str(filters.data.get(spec.param, ""))) for spec in filters.facet_specs]
    if matches.share == 1:
        return SearchCounts(facets, totals["total"])
    for facet in facets:
        estimates = scaled(
            {option.value: option.count for option in facet.options},
            round(sum(option.count for option in facet.options) / matches.share),
        )
        for option in facet.options:
            option.count = estimates[option.value]
        facet.estimated = True
    if not matches.every_match:  # the index counts the page's rows exactly, in milliseconds
        return SearchCounts(facets, None, estimated=True)
    # An estimate is said with three significant figures, not as if it were exact.
    total = round(totals["total"] / matches.share)
    total = round(total, 2 - len(str(total))) if total >= 1000 else total
    return SearchCounts(facets, total, estimated=True, total_estimated=True)


def _counted(filters: CommitmentFilter, chosen: dict, results: QuerySet, matches: _Matches) -> tuple[dict, dict]:
    """Each facet's counts over the rows the other chosen filters leave, in one statement; and the
    rows every chosen filter leaves ("total") and all of them ("matches")."""
    parts, values = [], list(matches.params)

    def keeps(leaving: str = "") -> list[tuple[str, object]]:
        return [
            (_KEEPS_NONE[name], None) if value == NONE and name in _KEEPS_NONE else (_KEEPS[name], value)
            for name, value in chosen.items()
            if name != leaving
        ]

    for spec in filters.facet_specs:
        kept = keeps(spec.param)
        column = _GROUPS[spec.param]
        # With a bucket for rows without a value, those rows are counted too (as NULL).
        conditions = (
            [sql for sql, _ in kept] if spec.none_label else [f"{column} IS NOT NULL"] + [sql for sql, _ in kept]
        )
        where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
        grouped = f"SELECT {column} AS k, count(*) AS n FROM m{where} GROUP BY {column}"
        # The names come in the same query: a place's code and name, a topic's slug, name and place.
        named = _NAMED.get(spec.param)
        if named is None:
            parts.append(f"SELECT '{spec.param}', CAST(g.k AS TEXT), NULL, NULL, g.n FROM ({grouped}) g")
        else:
            table, value, label, order = named
            parts.append(
                f"SELECT '{spec.param}', x.{value}, x.{label}, CAST(x.{order} AS TEXT), g.n FROM ({grouped}) g"
                f" LEFT JOIN {table} x ON x.id = g.k"
            )
        for sql, value in kept:
            values.extend([value] * sql.count("%s"))
    every = keeps()
    where = f" WHERE {' AND '.join(sql for sql, _ in every)}" if every else ""
    parts.append(f"SELECT '', 'total', NULL, NULL, count(*) FROM m{where}")
    for sql, value in every:
        values.extend([value] * sql.count("%s"))
    parts.append("SELECT '', 'matches', NULL, NULL, count(*) FROM m")
    sql = f"WITH m AS MATERIALIZED ({matches.sql}) " + " UNION ALL ".join(parts)
    counts: dict[str, dict] = {spec.param: {} for spec in filters.facet_specs}
    totals = {}
    with connections[results.db].cursor() as cursor:
        if matches.every_match:
            from .postgres_ranking import every_match

            rows = every_match(cursor, sql, values)
        else:
            cursor.execute(sql, values)
            rows = cursor.fetchall()
    for param, value, label, order, count in rows:
        if param:
            counts[param][value] = (label, order, count)
        else:
            totals[value] = count
    return counts, totals


def _facet(spec, counts: dict, chosen: str) -> Facet:
    """The facet's options as FacetedFilterSet shows them: values, labels and order. `counts` maps
    each value (None: the rows without one) to its (label, order, count)."""
    unknown = counts.pop(None, None)
    if spec.param in _NAMED:
        key = (lambda item: item[1][1]) if spec.param != "topic" else (lambda item: (int(item[1][1]), item[0]))
        rows = [(value, label, count) for value, (label, _, count) in sorted(counts.items(), key=key)]
    elif spec.param == "year":
        rows = [(year, f"{year}{spec.suffix}", counts[year][2]) for year in sorted(counts, key=int, reverse=True)]
    else:
        labels = dict(spec.choices)
        rows = [(value, labels[value], counts[value][2]) for value in labels if value in counts]
        rows += [(value, value, row[2]) for value, row in sorted(counts.items()) if value not in labels]
    if unknown is not None:  # the rows without a value, last
        rows.append((NONE, spec.none_label, unknown[2]))
    return Facet(
        spec.param, spec.label, [FacetOption(value, label, n, selected=value == chosen) for value, label, n in rows]
    )


def scaled(counts: dict, total: int) -> dict:
    """A facet's counts over a sample as whole-number estimates of its counts over every match,
    summing exactly to `total`: each sample count times total/sample, rounded down, the remaining
    units to the largest remainders (ties by the larger count, then the order given). A value seen
    in the sample keeps an estimate of at least 1 while units last."""
    sample = sum(counts.values())
    if not counts or sample == 0:
        return dict.fromkeys(counts, 0)
    exact = {value: count * total / sample for value, count in counts.items()}
    result = {value: int(estimate) for value, estimate in exact.items()}
    left = total - sum(result.values())
    ranked = sorted(counts, key=lambda value: (result[value] > 0, -(exact[value] - result[value]), -counts[value]))
    for value in ranked[:left]:
        result[value] += 1
    return result
