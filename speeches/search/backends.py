"""One search backend per database vendor, behind one small interface.

Each backend owns its full-text index (creating it, keeping it through migrations, dropping it) and
answers the two searches over it. Whatever the backend, a search finds exactly the rows whose
folded text holds every term and no excluded one (tests/search/test_conformance.py holds every
backend to that, to the filters and to a ranking whose ties fall the same way).
"""

from __future__ import annotations

from typing import Protocol

from django.db.models import QuerySet

from .narrowing import CommitmentFilters
from .postgres import PostgresSearch
from .query import ParsedQuery
from .sqlite import SQLiteSearch


class SearchBackend(Protocol):
    vendor: str

    def ensure_index(self, connection) -> None:
        """Create the index and what keeps it in step, where missing; idempotent (after migrate)."""

    def before_migrate(self, connection) -> None:
        """Take away what would stand in the way of a migration; ensure_index puts it back."""

    def drop_index(self, connection) -> None:
        """Remove the index and everything that keeps it (migrating back before the search)."""

    def reread_index(self, connection) -> None:
        """After rebuild_search_index recomputed every row's indexed form."""

    def commitments(self, queryset: QuerySet, parsed: ParsedQuery, filters: CommitmentFilters, order: str) -> QuerySet:
        """The commitments of `queryset` matching the query and the filters, each with `search_rank`,
        in `order` ("relevance": best first, ties by id; "date": newest speech first)."""

    def speeches(self, queryset: QuerySet, parsed: ParsedQuery, narrowed: bool, order: str) -> QuerySet:
        """The speeches of `queryset` matching the query, each with `search_rank`; `narrowed` says
        whether `queryset` is already narrowed by a filter."""


BACKENDS: dict[str, SearchBackend] = {backend.vendor: backend for backend in (SQLiteSearch(), PostgresSearch())}


def backend_for(connection) -> SearchBackend:
    backend = BACKENDS.get(connection.vendor)
    if backend is None:
        raise NotImplementedError(f"全文检索不支持 {connection.vendor} 数据库")
    return backend
