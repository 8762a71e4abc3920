"""The SQLite backend: search results as QuerySets over the FTS5 index (sqlite_index.py).

The results are a QuerySet joined to the index (any filter, order or aggregate works on it); as
long as nothing narrowed or reordered them, count() is counted in the index and a best-first page
is picked there (sqlite_ranking.py) before any row is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from types import SimpleNamespace

from django.db import connections
from django.db.models import BooleanField, FloatField, QuerySet
from django.db.models.sql.constants import INNER
from django.db.models.sql.datastructures import Join

from . import sqlite_index
from .expressions import CommitmentQuery, commitment_query, fts5_expression, optional_phrases
from .narrowing import CommitmentFilters
from .paging import answered_by_index
from .query import ParsedQuery, unproven_terms
from .sql import AliasedSQL, ordered, verified
from .sqlite_index import CommitmentIndex, SpeechIndex, checked, row_id
from .sqlite_ranking import best_matches, statistics


class _IndexJoin:
    """The FTS5 table joined on rowid, matched in the ON clause: what Django's Join asks of a field.

    The rowid is wrapped in an expression, which keeps SQLite from reading the index once per row
    (and paying bm25's statistics each time): the index always drives, rows follow by primary key."""

    def __init__(self, index, expression: str):
        self.index, self.expression = index, expression
        # Django asks a join's field for the table it leads to when the query holds a subquery.
        self.related_model = SimpleNamespace(_meta=SimpleNamespace(db_table=index.name))

    def get_joining_fields(self):
        return ()

    def get_extra_restriction(self, alias, related_alias):
        return AliasedSQL(
            f'{{alias}}."{self.index.name}" MATCH %s AND "{related_alias}"."id" = {row_id(self.index, "{alias}")}',
            alias,
            [self.expression],
            BooleanField(),
        )


def _sqlite_matches(queryset: QuerySet, index, expression, checks) -> QuerySet:
    """The rows matching `expression` in the SQLite index, each with `search_rank` (-bm25)."""
    queryset = verified(queryset, checks).all()  # a copy: the join goes into its query
    query = queryset.query
    alias = query.join(Join(index.name, query.get_initial_alias(), None, INNER, _IndexJoin(index, expression), False))
    weights = ", ".join(map(str, index.weights))
    rank = AliasedSQL(f'-bm25({{alias}}."{index.name}", {weights})', alias, [], FloatField())
    return queryset.annotate(search_rank=rank)


class _SpeechSearch:
    """A speech search in FTS5's language: one expression for everything."""

    def __init__(self, expression: str):
        self.full = self.matches = self.ranking = expression


class _CommitmentSearch:
    """A commitment search in FTS5's language (see CommitmentQuery), worked out when it first runs:
    which optional phrases some commitment has is asked of the index then, not when the results
    are made (a QuerySet touches the database only when read)."""

    def __init__(self, parsed: ParsedQuery, filters: CommitmentFilters, using: str):
        self.parsed, self.filters, self.using = parsed, filters, using

    @cached_property
    def optional(self) -> dict[str, float]:
        """The optional phrases some commitment has, which the query is written with."""
        phrases = tuple(dict.fromkeys(phrase for term in self.parsed.terms for phrase in optional_phrases(term)))
        return statistics(connections[self.using], CommitmentIndex(), phrases)[2]

    @cached_property
    def written(self) -> CommitmentQuery:
        return commitment_query(self.parsed, self.filters.facets(), self.optional, self.filters.narrow_facets())

    @property
    def full(self) -> str:
        return self.written.full

    @property
    def matches(self) -> str:
        return self.written.matches

    @property
    def ranking(self) -> str:
        return self.written.ranking


@dataclass(frozen=True)
class _IndexPlan:
    """A SQLite search as the full-text index answers it by itself."""

    index: CommitmentIndex | SpeechIndex
    search: _SpeechSearch | _CommitmentSearch
    checks: tuple[tuple[str, bool], ...]  # terms to check on the rows (see query.unproven_terms)
    shape: tuple = ()
    base: QuerySet | None = None  # the rows searched, before the index joined them
    ranked: bool = True  # best first (else newest first: pages come from the table)

    def count(self, connection) -> int:
        join, checks, params = checked(self.index, self.checks)
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {self.index.name} f{join} WHERE f.{self.index.name} MATCH %s{checks}",
                [self.search.matches, *params],
            )
            return cursor.fetchone()[0]

    def ids_sql(self, every: int = 1) -> tuple[str, list]:
        """The ids of every match, from the index (and the checked rows), or of every `every`-th by
        id (a fixed sample): for the facet counts."""
        join, checks, params = checked(self.index, self.checks)
        found = row_id(self.index, "f")
        sample = f" AND {found} %% {int(every)} = 0" if every > 1 else ""  # %%: a literal % beside the parameters
        return (
            f"SELECT {found} FROM {self.index.name} f{join} WHERE f.{self.index.name} MATCH %s{checks}{sample}",
            [self.search.matches, *params],
        )

    def best(self, connection, count: int) -> list[tuple[int, float]] | None:
        if isinstance(self.index, CommitmentIndex):
            return best_matches(connection, self, count)
        with connection.cursor() as cursor:
            # A few thousand speeches: bm25 over every match, then the page.
            index, weights = self.index.name, ", ".join(map(str, self.index.weights))
            join, checks, params = checked(self.index, self.checks)
            cursor.execute(
                f"SELECT f.rowid, -bm25(f.{index}, {weights}) FROM {index} f{join} WHERE f.{index} MATCH %s{checks} "
                f"ORDER BY bm25(f.{index}, {weights}), f.rowid LIMIT %s",
                [self.search.full, *params, count],
            )
            return cursor.fetchall()


def _sqlite_search(base: QuerySet, plan: _IndexPlan, order: str, prefix: str) -> QuerySet:
    """The matches as a QuerySet (any filter, order or aggregate works on it), whose count() and
    best-first pages the index answers while nothing changed it."""
    results = ordered(_sqlite_matches(base, plan.index, lambda: plan.search.full, plan.checks), order, prefix)
    return answered_by_index(results, plan, base, order)


class SQLiteSearch:
    """The SQLite backend (see backends.SearchBackend)."""

    vendor = "sqlite"

    ensure_index = staticmethod(sqlite_index.ensure_index)
    before_migrate = staticmethod(sqlite_index.drop_triggers)
    drop_index = staticmethod(sqlite_index.drop_index)
    reread_index = staticmethod(sqlite_index.reread_index)

    def commitments(self, queryset: QuerySet, parsed: ParsedQuery, filters: CommitmentFilters, order: str) -> QuerySet:
        # The filters are tokens of the index: the queryset stays unfiltered.
        search = _CommitmentSearch(parsed, filters, queryset.db)
        plan = _IndexPlan(CommitmentIndex(), search, unproven_terms(parsed, lambda term: term.one_run))
        return _sqlite_search(queryset, plan, order, "speech__")

    def speeches(self, queryset: QuerySet, parsed: ParsedQuery, narrowed: bool, order: str) -> QuerySet:
        plan = _IndexPlan(
            SpeechIndex(), _SpeechSearch(fts5_expression(parsed)), unproven_terms(parsed, lambda term: term.exact)
        )
        if narrowed:  # the speeches' filters are conditions on the rows, which the index cannot answer
            return ordered(_sqlite_matches(queryset, plan.index, plan.search.full, plan.checks), order, "")
        return _sqlite_search(queryset, plan, order, "")
