"""PostgreSQL: the best matches of a commitment search read from a RUM index, shortest first.

A GIN index finds the matches but has no order, so ranking them means scoring every one. A RUM
index (the `rum` extension) can also list the matches of a tsquery ordered by a number stored
beside each row's tsvector: here the narrow table's (postgres_matches.py) `size`, the commitment's
number of distinct tokens; a filter is tested on the narrow row each match is read with (its
filter tokens), with no join to the speeches. That order bounds the score of the rows not yet
read, which lets the search stop early, as on SQLite:

- the score is ts_rank_cd(PG_WEIGHTS, vector, query, 1) over the commitment's own tsvector, the one
  the GIN path sorts by: the cover density of the query's tokens divided by ln(1 + the row's token
  count);
- a row holds each token once, so a matching row has one cover, and where none of the query's
  tokens is among its amounts (weight A) every token in it weighs D: its cover density is at most
  D, its score at most D / ln(1 + size);
- the rows with a query token among their amounts are few, found by an index of the amounts'
  tokens, and scored exactly.

Reading matches by size, once the page's worst score beats D / ln(1 + size of the last row read),
no row not yet read can enter: the page is the one the GIN path gives, same rows, ranks and order
(ties by id). A term the tokens cannot prove (a longer one) is checked on the rows read, which are
then candidates: the bound holds for every candidate not yet read. Without the extension, the GIN
path answers alone.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db import DatabaseError, connections, transaction
from django.db.models import BooleanField, QuerySet

from .postgres_matches import MATCHES, matches_sql
from .sql import AliasedSQL

if TYPE_CHECKING:
    from .narrowing import CommitmentFilters

TABLE = "speeches_commitment"
RANKED_INDEX = f"{MATCHES}_ranked"
AMOUNTS_INDEX = f"{TABLE}_search_amounts"
# Where the RUM index was before it moved to the narrow table: taken away where it is still there.
_FORMER_RANKED_INDEX = f"{TABLE}_search_ranked"
# ts_rank_cd's weight of the body text (D in PG_WEIGHTS): the most a row's cover density can be
# when none of the query's tokens is among its amounts.
BODY_WEIGHT = 0.25
# Up to this many matches (as last counted), scoring and sorting them all (GIN) costs less than
# reading the RUM index in order: the ordered read has statements of its own, and for several
# terms, whose tokens may lie apart, the bound is met only after many rows.
SORTED_UP_TO = 500
# With several terms, a match's tokens may lie apart and score well below the bound, which is then
# met only after several statements, each reading four times as many rows as the last: sorting
# wins up to more matches.
SORTED_UP_TO_SEVERAL_TERMS = 5000


def ranked_index_sql() -> list[str]:
    """The RUM index of the narrow table's tokens ordered by size, and the amounts' tokens."""
    return [
        f"DROP INDEX IF EXISTS {_FORMER_RANKED_INDEX}",
        f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_size",
        f"CREATE INDEX IF NOT EXISTS {RANKED_INDEX} ON {MATCHES} USING rum (vector rum_tsvector_addon_ops, size)"
        " WITH (attach = 'size', to = 'vector')",
        f"CREATE INDEX IF NOT EXISTS {AMOUNTS_INDEX} ON {TABLE} USING gin "
        "(to_tsvector('simple'::regconfig, search_targets)) WHERE search_targets <> ''",
    ]


def ensure_ranked_index(connection, cursor) -> bool:
    """The RUM index, where the extension can be had and the narrow table is there; whether the
    index is there."""
    if has_ranked_index(cursor):
        return True
    cursor.execute("SELECT count(*) FROM pg_available_extensions WHERE name = 'rum'")
    if not cursor.fetchone()[0]:
        return False
    try:
        with transaction.atomic(using=connection.alias):
            cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
            for statement in ranked_index_sql():
                cursor.execute(statement)
    except DatabaseError:  # not allowed to create the extension, say: GIN answers alone
        return False
    return True


def has_ranked_index(cursor) -> bool:
    cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s AND indexname = %s", [MATCHES, RANKED_INDEX])
    return bool(cursor.fetchone()[0])


def drop_ranked_index_sql() -> list[str]:
    return [
        f"DROP INDEX IF EXISTS {AMOUNTS_INDEX}",
        f"DROP INDEX IF EXISTS {RANKED_INDEX}",
        f"DROP INDEX IF EXISTS {_FORMER_RANKED_INDEX}",
        f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_size",
    ]


def _bound(size: int) -> float:
    """The most a row of `size` distinct tokens, none of the query's among its amounts, can score."""
    return BODY_WEIGHT / math.log(1 + max(size, 1))


# A statement that reads every match (a count, the facets' rows) is run with three planner settings
# changed for itself alone. For a word in a large share of the rows the planner prefers reading the
# whole table and testing each row's tsvector, which detoasts the long ones (at 100,000 commitments,
# 发展: 210,000 buffers read against 16,000 for the GIN bitmap, whose matches need no test); a
# bitmap larger than work_mem turns lossy, and every row of a lossy page is tested too (改革 at
# 1,000,000: 540,000 buffers against 80,000); and past jit_above_cost the statement is compiled
# first, a few hundred milliseconds for a count.
_EVERY_MATCH = {"jit": "off", "enable_seqscan": "off", "work_mem": "64MB"}
_EVERY_MATCH_BEFORE = (
    "SELECT "
    + ", ".join(
        f"set_config('archive_search.{name}', current_setting('{name}'), true), set_config('{name}', '{value}', true)"
        for name, value in _EVERY_MATCH.items()
    )
    + "; "
)
_EVERY_MATCH_AFTER = "; SELECT " + ", ".join(
    f"set_config('{name}', current_setting('archive_search.{name}'), true)" for name in _EVERY_MATCH
)


def every_match(cursor, sql: str, params) -> list[tuple]:
    """The rows of `sql`, a statement reading every match, planned without JIT and with the GIN
    bitmap rather than a scan of the whole table (the settings are back as they were after it).
    One round trip where the parameters are bound on the client (Django's default): the three
    statements go together, so outside a transaction they are one."""
    import psycopg

    if not isinstance(cursor.cursor, psycopg.ClientCursor):  # server-side binding: one statement at a time
        with transaction.atomic(using=cursor.db.alias):
            cursor.execute(_EVERY_MATCH_BEFORE.rstrip("; "))
            cursor.execute(sql, params)
            rows = cursor.fetchall()
            cursor.execute(_EVERY_MATCH_AFTER.lstrip("; "))
        return rows
    cursor.execute(_EVERY_MATCH_BEFORE + sql + _EVERY_MATCH_AFTER, params)
    cursor.cursor.nextset()
    rows = cursor.fetchall()
    while cursor.cursor.nextset():
        pass
    return rows


def _sql(queryset: QuerySet) -> tuple[str, tuple]:
    return queryset.query.get_compiler(using=queryset.db).as_sql()


def _rows(queryset: QuerySet) -> list[tuple]:
    """A values_list queryset's rows, read by every_match."""
    sql, params = _sql(queryset)
    with connections[queryset.db].cursor() as cursor:
        return every_match(cursor, sql, params)


@dataclass(frozen=True)
class RankedPlan:
    """A PostgreSQL commitment search as its indexes answer it (see paging.py): the matches counted
    by GIN, the best page read from the RUM index where there is one and the matches are many."""

    rows: QuerySet  # the commitments narrowed by the filters and checks, not yet matched
    tsquery: str  # which rows match (without the words only the ranking weighs)
    tokens: tuple[str, ...]  # every token of the query, any of which may be among a row's amounts
    rank: AliasedSQL  # the score, as the GIN path sorts by it
    unindexed: QuerySet  # the matches too long for one tsvector (score 0)
    in_index: bool = True  # whether the RUM index is there to read the best page from
    several_terms: bool = False
    # The tsvector matches the filters leave, as SQL over the narrow table (postgres_matches.py),
    # for counting them and their facets; None: read from the commitments' own table.
    matches: tuple[str, list] | None = None
    filters: CommitmentFilters | None = None  # the search's filters, which `matches` was written from
    # SQL for the count of the tsvector matches from the token counts (one word, no filter), else None.
    token_counted: tuple[str, list] | None = None
    shape: tuple = ()
    base: QuerySet | None = None
    ranked: bool = True
    # The number of matches when last counted (the results' clones share it): only which way the
    # best page is read depends on it, never which page it is.
    counted: dict = field(default_factory=dict, compare=False)

    def _vector_matches(self) -> QuerySet:
        alias = self.rows.query.get_initial_alias()
        return self.rows.filter(
            AliasedSQL("{alias}.search_vector @@ %s::tsquery", alias, [self.tsquery], BooleanField())
        )

    def _vector_ids(self) -> tuple[str, list]:
        if self.matches is not None:
            return self.matches
        return _sql(self._vector_matches().order_by().values("pk"))

    def count(self, connection) -> int:
        # Apart, each count is answered by its own index; as one condition (tsvector OR parts), every
        # match's tsvector would be read again to decide which side it is on. One statement all the same.
        if self.token_counted is not None:
            vector, vector_params = self.token_counted
        else:
            vector, vector_params = self._vector_ids()
            vector = f"SELECT count(*) FROM ({vector}) v"
        parts, parts_params = _sql(self.unindexed.order_by().values("pk"))
        with connection.cursor() as cursor:
            ((matched,),) = every_match(
                cursor,
                f"SELECT ({vector}) + (SELECT count(*) FROM ({parts}) p)",
                (*vector_params, *parts_params),
            )
        self.counted["matches"] = matched
        return matched

    def ids_sql(self) -> tuple[str, list]:
        """SQL for the ids of the matches, each side by its own index (see count)."""
        vector, vector_params = self._vector_ids()
        parts, parts_params = _sql(self.unindexed.order_by().values("pk"))
        return f"{vector} UNION ALL {parts}", [*vector_params, *parts_params]

    def rows_sql(self, *fields: str, **expressions) -> tuple[str, list]:
        """SQL for the matches themselves with these columns (as QuerySet.values takes them), each
        match read once (see postgres_counts.py)."""
        vector, vector_params = _sql(self._vector_matches().order_by().values(*fields, **expressions))
        parts, parts_params = self.parts_rows_sql(*fields, **expressions)
        return f"{vector} UNION ALL {parts}", [*vector_params, *parts_params]

    def parts_rows_sql(self, *fields: str, **expressions) -> tuple[str, list]:
        """SQL for the matches indexed in parts, with these columns (as QuerySet.values takes them)."""
        return _sql(self.unindexed.order_by().values(*fields, **expressions))

    def best(self, connection, count: int) -> list[tuple[int, float]] | None:
        matched = self.counted.get("matches")
        few = SORTED_UP_TO_SEVERAL_TERMS if self.several_terms else SORTED_UP_TO
        if not self.in_index or (matched is not None and matched <= few):
            return self._sorted(count)
        return self._shortest_first(connection, count)

    def _sorted(self, count: int) -> list[tuple[int, float]]:
        """Every match scored and the best `count` kept (GIN finds them): only ids and scores are
        sorted, the page's rows are read after."""
        matches = self._vector_matches()
        if self.matches is not None and self.filters.facets():
            # Narrowed by filters: which rows match, from the narrow table, which holds the filters'
            # values (the commitments' table would join each match to its speech); only they are
            # scored. Without filters the commitments' own GIN index finds them as cheaply.
            sql, params = self.matches
            alias = self.rows.query.get_initial_alias()
            matches = self.rows.model._base_manager.filter(
                AliasedSQL(f"{{alias}}.id IN ({sql})", alias, list(params), BooleanField())
            )
        best = _rows(
            matches.annotate(search_rank=self.rank)
            .order_by("-search_rank", "pk")
            .values_list("pk", "search_rank")[:count]
        )
        if len(best) == count and best[-1][1] > 0:
            return best  # the matches too long for a tsvector score 0: none of them can enter
        known = {pk for pk, _ in best}
        best += [(pk, 0.0) for pk in self.unindexed.values_list("pk", flat=True) if pk not in known]
        return heapq.nsmallest(count, best, key=lambda match: (-match[1], match[0]))

    def _shortest_first(self, connection, count: int) -> list[tuple[int, float]]:
        """The matches read from the narrow table's RUM index in order of size, until no unread
        row can enter."""
        alias = self.rows.query.get_initial_alias()
        matches = self._vector_matches().annotate(search_rank=self.rank).order_by()
        # The rows with a query token among their amounts (few), by the amounts' own index, scored.
        among_amounts = matches.filter(
            AliasedSQL(
                f"{{alias}}.id = ANY(ARRAY(SELECT id FROM {TABLE} WHERE search_targets <> '' AND "
                "to_tsvector('simple'::regconfig, search_targets) @@ %s::tsquery))",
                alias,
                [" | ".join(f"'{token}'" for token in self.tokens)],
                BooleanField(),
            )
        ).values_list("pk", "search_rank")
        # The shortest candidates, in order of size from the RUM index (the filters tested on the
        # narrow rows); those that are matches (a longer term checked on the row), scored once picked.
        candidates, candidates_params = matches_sql(self.filters, self.tsquery, "m.id, m.size")
        picked = matches.filter(
            AliasedSQL("{alias}.id IN (SELECT id FROM shortest)", alias, [], BooleanField())
        ).values_list("pk", "search_rank")
        amounts_sql, amounts_params = _sql(among_amounts)
        picked_sql, picked_params = _sql(picked)

        def shortest(limit: int, amounts: bool = False) -> tuple[str, list]:
            # 0: a row with the query among its amounts; 1: a candidate and its size; 2: a match
            # among the candidates and its score.
            sql = (
                f"WITH shortest AS MATERIALIZED ({candidates} ORDER BY m.size <=> 0 LIMIT %s) "
                "SELECT 1, id, NULL::float4, size FROM shortest "
                f"UNION ALL SELECT 2, p.*, NULL FROM ({picked_sql}) p"
            )
            params = [*candidates_params, limit, *picked_params]
            if amounts:
                sql += f" UNION ALL SELECT 0, a.*, NULL FROM ({amounts_sql}) a"
                params += amounts_params
            return sql, params

        def order(match: tuple[int, float]) -> tuple[float, int]:
            return (-match[1], match[0])

        limit = 2 * count
        seen: dict[int, float] = {}
        # The RUM index sorts every candidate by size before the first is read: with work_mem, in memory.
        with connection.cursor() as cursor:
            rows = every_match(cursor, *shortest(limit, amounts=True))
        while True:
            sizes = [size for part, _, _, size in rows if part == 1]
            seen.update((pk, rank) for part, pk, rank, _ in rows if part != 1)
            if len(sizes) < limit:  # every candidate read, and the matches without a tsvector score 0
                seen.update((pk, 0.0) for pk in self.unindexed.values_list("pk", flat=True) if pk not in seen)
                break
            best = heapq.nsmallest(count, seen.items(), key=order)
            if len(best) == count and best[-1][1] > _bound(max(sizes)) * (1 + 1e-6):
                break
            limit *= 4
            with connection.cursor() as cursor:
                rows = every_match(cursor, *shortest(limit))
        return heapq.nsmallest(count, seen.items(), key=order)
