"""PostgreSQL: the rows the search page's facets are counted from, read once, and for the
commonest words a fixed sample of them.

facets.py counts every facet from one set of rows: the matches with the columns the facets group
by (a materialized CTE). Written as `WHERE c.id IN (<the matches' ids>)`, PostgreSQL reads every
match twice: once to find its id (a GIN bitmap over the table) and once more to read its columns
by that id. `facet_rows` gives the same rows in one read: the match itself selects the columns,
from the narrow table of the matches (postgres_matches.py), which holds them all.

Either way the work grows with the matches: a GIN index cannot count without visiting each
matching row's page (PostgreSQL 15 reads the page to check visibility), so a word in a third of a
million commitments costs a third of a million row visits, whatever is counted. With a `share`
below 1, `facet_rows` reads only the matches among a fixed sample of the table's pages
(TABLESAMPLE SYSTEM, REPEATABLE: the same pages every time, so an unchanged archive shows the
same numbers): work bounded by the sample, not by the matches. Whether to sample is decided
before counting anything, from the planner's estimate of the matches (`estimated_matches`, a
millisecond): the statistics of the tsvector column know how common each token is.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from django.db import connections
from django.db.models import F, QuerySet

from .postgres_matches import FACET_COLUMNS as MATCH_FACET_COLUMNS
from .postgres_matches import matches_sql
from .postgres_ranking import TABLE, RankedPlan

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
    share: float = 1.0  # the share of the table's pages read: 1, every match


def _plan(results: QuerySet) -> RankedPlan | None:
    plan = getattr(results, "_index_plan", None)
    return plan if isinstance(plan, RankedPlan) else None


def estimated_matches(results: QuerySet) -> int | None:
    """The planner's estimate of how many rows a PostgreSQL commitment search matches; None where
    the results are not such a search as it was made."""
    plan = _plan(results)
    if plan is None:
        return None
    sql, params = plan.ids_sql()
    with connections[results.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        (explained,) = cursor.fetchone()
    if isinstance(explained, str):
        explained = json.loads(explained)
    return int(explained[0]["Plan"]["Plan Rows"])


def facet_rows(results: QuerySet, share: float = 1.0) -> FacetRows | None:
    """The matching rows of a PostgreSQL commitment search, each read once; None where the results
    are not such a search as it was made (facets.py then reads them its own way). The columns are
    FACET_FIELDS and FACET_COLUMNS. With a `share` below 1, only the matches among that share of
    the table's pages, always the same pages."""
    plan = _plan(results)
    if plan is None:
        return None
    table = f'FROM "{TABLE}"'
    if plan.matches is not None and share >= 1:
        # Every match: the tsvector matches from the narrow table, the rows indexed in parts from
        # their own. A sample is of the commitments' own pages: the narrow table holds a hundred
        # rows to a page, most of one speech (one year, one place), too few speeches for a sample.
        narrow, narrow_params = matches_sql(plan.filters, plan.tsquery, MATCH_FACET_COLUMNS)
        parts, parts_params = plan.parts_rows_sql(*FACET_FIELDS, **FACET_COLUMNS)
        return FacetRows(f"{narrow} UNION ALL {parts}", [*narrow_params, *parts_params])
    sql, params = plan.rows_sql(*FACET_FIELDS, **FACET_COLUMNS)
    if share >= 1 or sql.count(table) != 2:  # every match (or not the shape rows_sql writes)
        return FacetRows(sql, params)
    # Both sides (tsvector matches, matches found through their parts) read the same sample of pages.
    sample = f"TABLESAMPLE SYSTEM ({share * 100:.6f}) REPEATABLE ({SAMPLE_SEED})"
    return FacetRows(sql.replace(table, f"{table} {sample}"), params, share)
