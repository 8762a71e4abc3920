"""PostgreSQL: the best matches of a commitment search read from a RUM index, shortest first.

A GIN index finds the matches but has no order, so ranking them means scoring every one. A RUM
index (the `rum` extension) can also list the matches of a tsquery ordered by a number stored
beside each row's tsvector: here `search_size`, the row's number of distinct tokens. That order
bounds the score of the rows not yet read, which lets the search stop early, as on SQLite:

- the score is ts_rank_cd(PG_WEIGHTS, vector, query, 1), the one the GIN path sorts by: the cover
  density of the query's tokens divided by ln(1 + the row's token count);
- a row holds each token once, so a matching row has one cover, and where none of the query's
  tokens is among its amounts (weight A) every token in it weighs D: its cover density is at most
  D, its score at most D / ln(1 + size);
- the rows with a query token among their amounts are few, found by an index of the amounts'
  tokens, and scored exactly.

Reading matches by size, once the page's worst score beats D / ln(1 + size of the last row read),
no row not yet read can enter: the page is the one the GIN path gives, same rows, ranks and order
(ties by id). Without the extension, the GIN path answers alone.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass

from django.db import DatabaseError, transaction
from django.db.models import BooleanField, IntegerField, QuerySet

from .sql import AliasedSQL

TABLE = "speeches_commitment"
RANKED_INDEX = f"{TABLE}_search_ranked"
AMOUNTS_INDEX = f"{TABLE}_search_amounts"
# ts_rank_cd's weight of the body text (D in PG_WEIGHTS): the most a row's cover density can be
# when none of the query's tokens is among its amounts.
BODY_WEIGHT = 0.25


def ranked_index_sql(vector: str) -> list[str]:
    """The token count beside the tsvector, the RUM index ordered by it, and the amounts' tokens."""
    return [
        f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS search_size integer GENERATED ALWAYS AS (length({vector})) STORED",
        f"CREATE INDEX IF NOT EXISTS {RANKED_INDEX} ON {TABLE} USING rum (search_vector rum_tsvector_addon_ops, "
        "search_size) WITH (attach = 'search_size', to = 'search_vector')",
        f"CREATE INDEX IF NOT EXISTS {AMOUNTS_INDEX} ON {TABLE} USING gin "
        "(to_tsvector('simple'::regconfig, search_targets)) WHERE search_targets <> ''",
    ]


def ensure_ranked_index(connection, cursor, vector: str) -> bool:
    """The RUM index, where the extension can be had; whether the index is there."""
    if has_ranked_index(cursor):
        return True
    cursor.execute("SELECT count(*) FROM pg_available_extensions WHERE name = 'rum'")
    if not cursor.fetchone()[0]:
        return False
    try:
        with transaction.atomic(using=connection.alias):
            cursor.execute("CREATE EXTENSION IF NOT EXISTS rum")
            for statement in ranked_index_sql(vector):
                cursor.execute(statement)
    except DatabaseError:  # not allowed to create the extension, say: GIN answers alone
        return False
    return True


def has_ranked_index(cursor) -> bool:
    cursor.execute("SELECT count(*) FROM pg_indexes WHERE tablename = %s AND indexname = %s", [TABLE, RANKED_INDEX])
    return bool(cursor.fetchone()[0])


def drop_ranked_index_sql() -> list[str]:
    return [
        f"DROP INDEX IF EXISTS {AMOUNTS_INDEX}",
        f"DROP INDEX IF EXISTS {RANKED_INDEX}",
        f"ALTER TABLE {TABLE} DROP COLUMN IF EXISTS search_size",
    ]


def _bound(size: int) -> float:
    """The most a row of `size` distinct tokens, none of the query's among its amounts, can score."""
    return BODY_WEIGHT / math.log(1 + max(size, 1))


@dataclass(frozen=True)
class RankedPlan:
    """A PostgreSQL commitment search as its indexes answer it (see paging.py): the matches counted
    by GIN, the best page read from the RUM index where there is one."""

    rows: QuerySet  # the commitments narrowed by the filters and checks, not yet matched
    tsquery: str
    tokens: tuple[str, ...]  # every token of the query, any of which may be among a row's amounts
    rank: AliasedSQL  # the score, as the GIN path sorts by it
    unindexed: QuerySet  # the matches too long for one tsvector (score 0)
    in_index: bool = True  # whether the RUM index is there to read the best page from
    shape: tuple = ()
    base: QuerySet | None = None
    ranked: bool = True

    def _vector_matches(self) -> QuerySet:
        alias = self.rows.query.get_initial_alias()
        return self.rows.filter(
            AliasedSQL("{alias}.search_vector @@ %s::tsquery", alias, [self.tsquery], BooleanField())
        )

    def count(self, connection) -> int:
        # Apart, each count is answered by its own index; as one condition (tsvector OR parts), every
        # match's tsvector would be read again to decide which side it is on.
        return self._vector_matches().count() + self.unindexed.count()

    def best(self, connection, count: int) -> list[tuple[int, float]] | None:
        if not self.in_index:
            return None  # GIN: every match scored and sorted
        alias = self.rows.query.get_initial_alias()
        matches = self._vector_matches().annotate(search_rank=self.rank)
        # The rows with a query token among their amounts, from the amounts' own index first (few).
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT id FROM {TABLE} WHERE search_targets <> '' AND "
                "to_tsvector('simple'::regconfig, search_targets) @@ %s::tsquery",
                [" | ".join(f"'{token}'" for token in self.tokens)],
            )
            amounts = [pk for (pk,) in cursor.fetchall()]
        seen: dict[int, float] = (
            dict(matches.filter(pk__in=amounts).order_by().values_list("pk", "search_rank")) if amounts else {}
        )
        shortest_first = matches.annotate(
            search_size=AliasedSQL("{alias}.search_size", alias, [], IntegerField())
        ).order_by(AliasedSQL("{alias}.search_size <=> 0", alias, [], IntegerField()).asc())

        def order(match: tuple[int, float]) -> tuple[float, int]:
            return (-match[1], match[0])

        limit = 2 * count
        while True:
            read = list(shortest_first.values_list("pk", "search_rank", "search_size")[:limit])
            seen.update((pk, rank) for pk, rank, _ in read)
            if len(read) < limit:  # every match read, and those without a tsvector score 0
                seen.update((pk, 0.0) for pk in self.unindexed.values_list("pk", flat=True) if pk not in seen)
                break
            best = heapq.nsmallest(count, seen.items(), key=order)
            if len(best) == count and best[-1][1] > _bound(read[-1][2]) * (1 + 1e-6):
                break
            limit *= 4
        return heapq.nsmallest(count, seen.items(), key=order)
