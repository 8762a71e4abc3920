"""PostgreSQL: the rows the search page's facets are counted from, read once, and for the
commonest words a sample of them, clearly an estimate.

facets.py counts every facet from one set of rows: the matches with the columns the facets group
by (a materialized CTE). Written as `WHERE c.id IN (<the matches' ids>)`, PostgreSQL reads every
match twice: once to find its id (a GIN bitmap over the table) and once more to read its columns
by that id. `facet_rows` gives the same rows in one read: the GIN (or parts) match itself selects
the columns.

Either way the work grows with the matches: a GIN index cannot count without visiting each
matching row's page (PostgreSQL 15 reads the page to check visibility), so a word in a third of a
million commitments costs a third of a million row visits, whatever is counted. Above
`SAMPLED_ABOVE` matches, `facet_rows(..., sampled=True)` reads the matches among a fixed sample of
the table's pages (TABLESAMPLE SYSTEM, REPEATABLE: the same pages every time, so an unchanged
archive shows the same numbers) sized to hold about `SAMPLE_MATCHES` of them: bounded work. Such
counts are estimates: `scaled` turns one facet's sample counts into whole numbers summing exactly
to the total the page shows (largest remainders), and the page must say they are approximate (约).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import F, QuerySet

from .postgres_ranking import TABLE, RankedPlan

# Above this many matches, the facets may be counted from a sample (see facet_rows).
SAMPLED_ABOVE = 20_000
# About this many matches in the sample: a share of 1 % of them is known to within about ±15 %.
SAMPLE_MATCHES = 5_000
# Which pages the sample takes (TABLESAMPLE ... REPEATABLE): fixed, so the estimates are stable.
SAMPLE_SEED = 17

# The columns facets.py groups the matches by, named as its SQL names them.
FACET_FIELDS = ("id", "kind", "strength", "topic_id")
FACET_COLUMNS = {
    "year": F("speech__year"),
    "province_id": F("speech__province_id"),
    "city_id": F("speech__city_id"),
    "city_parent_id": F("speech__city__parent_id"),
    "county_id": F("speech__county_id"),
}


@dataclass(frozen=True)
class FacetRows:
    sql: str  # the rows, with the columns FACET_FIELDS and FACET_COLUMNS
    params: list
    sampled: float | None = None  # the share of the table's pages read, or None: every match


def facet_rows(results: QuerySet, matches: int | None = None, sampled: bool = False) -> FacetRows | None:
    """The matching rows of a PostgreSQL commitment search, each read once; None
    where the results are not a PostgreSQL search as it was made (facets.py then reads them its
    own way). The columns are FACET_FIELDS and FACET_COLUMNS. With `sampled` and more than SAMPLED_ABOVE `matches` (the results' count), only the
    matches among a fixed sample of pages, about SAMPLE_MATCHES of them."""
    plan = getattr(results, "_index_plan", None)
    if not isinstance(plan, RankedPlan):
        return None
    sql, params = plan.rows_sql(*FACET_FIELDS, **FACET_COLUMNS)
    if not sampled or matches is None or matches <= SAMPLED_ABOVE:
        return FacetRows(sql, params)
    share = min(1.0, SAMPLE_MATCHES / matches)
    table = f'FROM "{TABLE}"'
    # Both sides (tsvector matches, matches found through their parts) read the same sample of pages.
    sample = f"{table} TABLESAMPLE SYSTEM ({share * 100:.6f}) REPEATABLE ({SAMPLE_SEED})"
    if sql.count(table) != 2:  # not the shape rows_sql writes: count every match instead
        return FacetRows(sql, params)
    return FacetRows(sql.replace(table, sample), params, share)


def scaled(counts: dict, total: int) -> dict:
    """A facet's counts over a sample as whole-number estimates of its counts over every match,
    summing exactly to `total` (the matches the page shows): each sample count times total/sample,
    rounded down, the remaining units to the largest remainders (ties by the larger count, then
    the order given). A value seen in the sample keeps an estimate of at least 1 while units last."""
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
