"""What every backend shares: SQL about a table alias, the exact check of terms the index cannot
prove, the two orders of results, and whether a migration has made the columns an index reads."""

from __future__ import annotations

import copy

from django.db.models import Expression, F, QuerySet, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import Exact, GreaterThan


class AliasedSQL(Expression):
    """SQL about one table alias of the query, kept right when Django renames aliases (as it does
    when the results are used as a subquery): `{alias}` in the template is the quoted alias."""

    def __init__(self, template: str, alias: str, params: list, output_field):
        super().__init__(output_field=output_field)
        self.template, self.alias, self.params = template, alias, params

    def as_sql(self, compiler, connection):
        # A parameter may be worked out only when the query runs (see sqlite.CommitmentSearch).
        params = [param() if callable(param) else param for param in self.params]
        return self.template.format(alias=compiler.quote_name_unless_alias(self.alias)), params

    def relabeled_clone(self, change_map):
        clone = copy.copy(self)
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def get_group_by_cols(self):
        return [self]

    @property
    def identity(self):
        return (type(self), self.template, self.alias, tuple(self.params))


def verified(queryset: QuerySet, checks: tuple[tuple[str, bool], ...]) -> QuerySet:
    """The exact check, where the index alone cannot prove a term: the folded text holds it (or
    does not). On the row's own columns, so it stays right inside subqueries."""
    for text, occurs in checks:
        position = StrIndex("search_folded", Value(text))
        queryset = queryset.filter(GreaterThan(position, 0) if occurs else Exact(position, 0))
    return queryset


def ordered(queryset: QuerySet, order: str, prefix: str) -> QuerySet:
    if order == "relevance":
        return queryset.order_by("-search_rank", "pk")
    if order == "date":
        return queryset.order_by(
            F(f"{prefix}year").desc(nulls_last=True),
            F(f"{prefix}delivered_on").desc(nulls_last=True),
            "-search_rank",
            "pk",
        )
    raise ValueError(f"unknown order {order!r}: 'relevance' or 'date'")


def has_columns(connection, cursor, needs: dict[str, tuple[str, ...]]) -> bool:
    """Whether every table of `needs` has its columns (a database migrated back may not yet)."""
    tables = set(connection.introspection.table_names(cursor))
    for table, columns in needs.items():
        if table not in tables:
            return False
        present = {column.name for column in connection.introspection.get_table_description(cursor, table)}
        if not set(columns) <= present:
            return False
    return True
