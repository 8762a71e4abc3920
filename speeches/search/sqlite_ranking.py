"""The best matches of a SQLite commitment search, found without scoring every match.

The commitment index lists rows shortest first (see sqlite_index.CommitmentIndex), and each
matching token counts once in a row, so bm25 gives a row S × F(size): reading matches in that
order, the search stops as soon as the page's worst score beats the most any longer row could
score. The result is the same page, ranks and order as sorting every match by bm25.
"""

from __future__ import annotations

import heapq
import math

from .sqlite_index import CommitmentIndex, checked

# FTS5's bm25 constants.
_K1, _B = 1.2, 0.75


def statistics(connection, index: CommitmentIndex, phrases: tuple[str, ...]) -> tuple[int, int, dict[str, float]]:
    """In one query: the index's row and token counts, and the phrases some commitment has, with
    their idf as bm25 computes it."""
    counts = "".join(f", (SELECT count(*) FROM {index.name} WHERE {index.name} MATCH %s)" for _ in phrases)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT row_count, token_count{counts} FROM {index.totals} WHERE name = %s",
            [*(f'"{phrase}"' for phrase in phrases), index.table],
        )
        rows, tokens, *hits = cursor.fetchone() or (0, 0, *([0] * len(phrases)))
    return (
        rows,
        tokens,
        {
            phrase: max(math.log((rows - found + 0.5) / (found + 0.5)), 1e-6)
            for phrase, found in zip(phrases, hits, strict=True)
            if found
        },
    )


def _ceiling(connection, index: CommitmentIndex, row: tuple[int, float], saturation: float, optional) -> float:
    """The most S a match can have: what the required phrases give every match (one row's S less the
    optional phrases it has), and all the optional phrases."""
    key, score = row
    have = 0.0
    if optional:
        found = ", ".join(
            f"EXISTS (SELECT 1 FROM {index.name} WHERE {index.name} MATCH %s AND rowid = %s)" for _ in optional
        )
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {found}", [value for phrase in optional for value in (f'"{phrase}"', key)])
            have = sum(idf for idf, present in zip(optional.values(), cursor.fetchone(), strict=True) if present)
    return score / saturation - have + sum(optional.values())


def best_matches(connection, plan, count: int) -> list[tuple[int, float]] | None:
    """The `count` best (id, score) of a commitment search, best first (ties by id), as an ORDER BY
    over every match's bm25 would give them, from the few shortest matches.

    Each matching token counts once in a row (the row's tokens are distinct, only search_text
    weighs), so a row's score is S * F(size): S the sum of the idf of the query's phrases the row
    has, F bm25's saturation, falling as the row's size grows. Every match has the required
    phrases; beyond them, a row can only add the optional ones. The index lists rows by size, so
    once the `count`-th best score seen beats what any row at least as long as the last one read
    could score, no row not yet read can enter, and the rest is never read nor scored.

    Two statements are read side by side, each started once (bm25 counts every phrase's rows when it
    starts): the matches in key order, and the scores of the rows `ranking` finds from the first
    match on, of which those of the matches are kept."""
    index = plan.index
    # Read afresh: the results may be read again after the archive changed, and the bound must use
    # the statistics bm25 uses now (the phrases stay those the query was written with).
    rows, tokens, optional = statistics(connection, index, tuple(plan.search.optional))
    if not rows:
        return []
    average = tokens / rows

    def saturation(key: int) -> float:
        size = key >> index.key_bits
        return (_K1 + 1) / (1 + _K1 * (1 - _B + _B * size / average))

    mask = (1 << index.key_bits) - 1

    def order(match: tuple[int, float]) -> tuple[float, int]:
        return (-match[1], match[0] & mask)

    join, checks, params = checked(index, plan.checks)
    weights = ", ".join(map(str, index.weights))
    with connection.cursor() as matches, connection.cursor() as scores:
        matches.execute(
            f"SELECT f.rowid FROM {index.name} f{join} WHERE f.{index.name} MATCH %s{checks} ORDER BY f.rowid",
            [plan.search.matches, *params],
        )
        seen: list[tuple[int, float]] = []
        scored: tuple[int, float] | None = None
        ceiling = None  # the most S any match can have: the required phrases' and every optional one's
        limit = 2 * count
        while True:
            batch = [key for (key,) in matches.fetchmany(limit)]
            if batch and scored is None:
                scores.execute(
                    f"SELECT f.rowid, -bm25(f.{index.name}, {weights}) FROM {index.name} f "
                    f"WHERE f.{index.name} MATCH %s AND f.rowid >= %s ORDER BY f.rowid",
                    [plan.search.ranking, batch[0]],
                )
                scored = scores.fetchone()
            for key in batch:
                while scored is not None and scored[0] < key:  # a row `ranking` finds that is not a match
                    scored = scores.fetchone()
                if scored is None or scored[0] != key:
                    return None  # the row's indexed form lacks a token its match needs: sort them all
                seen.append(scored)
            if len(batch) < limit:
                break  # every match read
            if ceiling is None:
                ceiling = _ceiling(connection, index, seen[0], saturation(seen[0][0]), optional)
            best = heapq.nsmallest(count, seen, key=order)
            if best[-1][1] > ceiling * saturation(batch[-1]) * (1 + 1e-9):
                break
            limit *= 4
    return [(key & mask, score) for key, score in heapq.nsmallest(count, seen, key=order)]
