"""Search results whose count and best page an index answers by itself, while nothing changed them.

A backend's search returns a plain QuerySet of the matches (any filter, order or aggregate works
on it) that also carries a *plan*: how its index counts the matches and picks the best `count` of
them without reading every matching row. The plan is used only while the results are exactly as
the search made them (sliced at most); anything else reads the rows the ordinary way.
"""

from __future__ import annotations

import dataclasses
from functools import cache
from typing import Protocol

from django.db import connections
from django.db.models import QuerySet


class IndexPlan(Protocol):
    shape: tuple  # the results' query as the search made it (see _shape)
    base: QuerySet | None  # the rows searched, before the index joined them
    ranked: bool  # best first (else newest first: pages come from the table)

    def count(self, connection) -> int | None:
        """How many rows match, or None to count them the ordinary way."""

    def best(self, connection, count: int) -> list[tuple[int, float]] | None:
        """The `count` best (id, rank), best first, ties by id; None to read them the ordinary way."""


def _shape(query) -> tuple:
    """What a later filter, reordering or grouping of the results would change (not a slice)."""
    return (
        len(query.where.children),
        tuple(query.alias_map),
        query.order_by,
        query.distinct,
        query.combinator,
        query.group_by,
        query.values_select,
        tuple(query.annotations),
    )


class _AnsweredByIndex:
    _index_plan: IndexPlan | None = None

    def _clone(self):
        clone = super()._clone()
        clone._index_plan = self._index_plan
        return clone

    def _untouched(self) -> IndexPlan | None:
        plan = self._index_plan
        if plan is not None and self._result_cache is None and _shape(self.query) == plan.shape:
            return plan
        return None

    def knowing_count(self, matches: int):
        """These results, known to number `matches` (counted exactly elsewhere, with the facets):
        the best page is then read the way that many matches call for, without counting them."""
        plan = self._untouched()
        if plan is not None and hasattr(plan, "counted"):
            plan.counted["matches"] = matches
        return self

    def count(self):
        plan = self._untouched()
        counted = None if plan is None or self.query.is_sliced else plan.count(connections[self.db])
        return super().count() if counted is None else counted

    def _fetch_all(self):
        plan = self._untouched()
        if plan is None or not plan.ranked or self.query.high_mark is None:
            return super()._fetch_all()
        best = plan.best(connections[self.db], self.query.high_mark)
        if best is None:
            return super()._fetch_all()
        ranks = dict(best)
        # Only the page's rows are read from the table, in the order the index gave.
        page = plan.base.filter(pk__in=list(ranks)).order_by()
        page.query.select_related = self.query.select_related
        page.query.deferred_loading = self.query.deferred_loading
        page._prefetch_related_lookups = self._prefetch_related_lookups
        page._iterable_class = self._iterable_class
        rows = {row.pk: row for row in page}
        for pk, rank in ranks.items():
            if pk in rows:
                rows[pk].search_rank = rank
        self._result_cache = [rows[pk] for pk in ranks if pk in rows][self.query.low_mark :]
        self._prefetch_done = True


@cache
def _answered_by_index(queryset_class: type) -> type:
    return type(f"Indexed{queryset_class.__name__}", (_AnsweredByIndex, queryset_class), {})


def answered_by_index(results: QuerySet, plan, base: QuerySet, order: str) -> QuerySet:
    """`results` (the matches of `base`, in `order`), counted and paged by `plan` while untouched."""
    results.__class__ = _answered_by_index(type(results))
    results._index_plan = dataclasses.replace(plan, shape=_shape(results.query), base=base, ranked=order == "relevance")
    return results
