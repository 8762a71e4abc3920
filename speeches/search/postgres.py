"""The PostgreSQL backend: a stored tsvector ('simple' configuration) over the indexed form, with a
GIN index, kept in step by the database (a generated column); ranking is ts_rank_cd(), with matches
in a commitment's amounts and in a speech's title (weight A) counting more than the body (weight D).
"""

from __future__ import annotations

from django.db import connections
from django.db.models import BooleanField, FloatField, QuerySet

from .expressions import tsquery_expression
from .narrowing import CommitmentFilters
from .paging import answered_by_index
from .postgres_matches import NEEDS as MATCH_NEEDS
from .postgres_matches import (
    drop_match_table_sql,
    drop_match_triggers_sql,
    has_match_table,
    match_table_sql,
    matches_sql,
    token_count_sql,
)
from .postgres_ranking import RankedPlan, drop_ranked_index_sql, ensure_ranked_index, has_ranked_index
from .query import ParsedQuery, unproven_terms
from .sql import AliasedSQL, has_columns, ordered, verified

# ts_rank_cd's weights {D, C, B, A}: amounts and titles (A) count four times the body text (D).
PG_WEIGHTS = "{0.25, 0.5, 0.75, 1.0}"

# A tsvector may not exceed 1 MB; an indexed form this long (a few times any real speech) gets
# none in its own row. It is indexed in parts instead, in a side table ({table}_search_part), each
# part a tsvector over a run of the row's tokens no longer than PG_PART_BYTES: a term's tokens may
# then lie in different parts, so a row matches when each required token is in one of its parts.
PG_MAX_INDEXED_BYTES = 400_000
PG_PART_BYTES = 200_000
# PostgreSQL: each table's tsvector, the first column weighted A, the second D.
_PG_WEIGHTED = {
    "speeches_commitment": ("search_targets", "search_text"),
    "speeches_speech": ("search_title", "search_text"),
}


def _part_table(table: str) -> str:
    return f"{table}_search_part"


def _postgres_parts_sql(table: str) -> list[str]:
    """The side table of the rows too long for one tsvector, and the trigger that keeps it in step
    in the same transaction as every insert, update, delete and truncate of the table."""
    weighted, body = _PG_WEIGHTED[table]
    parts = _part_table(table)
    return [
        f"CREATE TABLE IF NOT EXISTS {parts} (row_id bigint NOT NULL, part integer NOT NULL, vector tsvector NOT NULL)",
        f"CREATE INDEX IF NOT EXISTS {parts}_row ON {parts} (row_id)",
        f"CREATE INDEX IF NOT EXISTS {parts}_vector ON {parts} USING gin (vector)",
        f"""CREATE OR REPLACE FUNCTION {parts}_keep() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP IN ('UPDATE', 'DELETE') THEN
    DELETE FROM {parts} WHERE row_id = OLD.id;
  END IF;
  IF TG_OP IN ('INSERT', 'UPDATE')
     AND octet_length(NEW.{weighted}) + octet_length(NEW.{body}) > {PG_MAX_INDEXED_BYTES} THEN
    -- The tokens in order, cut wherever the bytes so far pass another PG_PART_BYTES.
    INSERT INTO {parts} (row_id, part, vector)
    SELECT NEW.id, n, to_tsvector('simple'::regconfig, string_agg(token, ' ' ORDER BY i))
    FROM (
      SELECT token, i, (sum(octet_length(token) + 1) OVER (ORDER BY i)) / {PG_PART_BYTES} AS n
      FROM unnest(string_to_array(NEW.{weighted} || ' ' || NEW.{body}, ' ')) WITH ORDINALITY AS t(token, i)
    ) AS tokens
    GROUP BY n;
  END IF;
  RETURN NULL;
END
$$""",
        f"""CREATE OR REPLACE FUNCTION {parts}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE {parts};
  RETURN NULL;
END
$$""",
        f"DROP TRIGGER IF EXISTS {parts}_keep ON {table}",
        f"CREATE TRIGGER {parts}_keep AFTER INSERT OR DELETE OR UPDATE OF {weighted}, {body} ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION {parts}_keep()",
        f"DROP TRIGGER IF EXISTS {parts}_truncate ON {table}",
        f"CREATE TRIGGER {parts}_truncate AFTER TRUNCATE ON {table} FOR EACH STATEMENT EXECUTE FUNCTION {parts}_truncate()",
        # The rows already there: rewriting the columns fires the trigger.
        f"UPDATE {table} SET {body} = {body} WHERE octet_length({weighted}) + octet_length({body}) > {PG_MAX_INDEXED_BYTES}",
    ]


def _vector(table: str) -> str:
    """The row's tsvector, NULL where its indexed form is too long for one (it has parts instead)."""
    weighted, body = _PG_WEIGHTED[table]
    return (
        f"CASE WHEN octet_length({weighted}) + octet_length({body}) <= {PG_MAX_INDEXED_BYTES} THEN "
        f"setweight(to_tsvector('simple'::regconfig, {weighted}), 'A') || to_tsvector('simple'::regconfig, {body}) END"
    )


def _postgres_index_sql(table: str) -> list[str]:
    vector = _vector(table)
    return [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS ({vector}) STORED",
        f"CREATE INDEX IF NOT EXISTS {table}_search_vector ON {table} USING gin (search_vector)",
        f"CREATE INDEX IF NOT EXISTS {table}_search_unindexed ON {table} (id) WHERE search_vector IS NULL",
    ]


# --- creating, migrating and dropping the index -------------------------------------------------


def ensure_index(connection) -> None:
    """Create the tsvector, its GIN index, the side table of parts and, where the rum extension can
    be had, the commitments' RUM index, where missing; idempotent."""
    with connection.cursor() as cursor:
        for table in _PG_WEIGHTED:
            # Only when missing: even a no-op ALTER TABLE waits for the table's lock.
            cursor.execute(
                "SELECT count(*) FROM pg_indexes WHERE tablename = %s AND indexname IN (%s, %s)",
                [table, f"{table}_search_vector", f"{table}_search_unindexed"],
            )
            if cursor.fetchone()[0] < 2:
                for statement in _postgres_index_sql(table):
                    cursor.execute(statement)
            cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = %s", [f"{_part_table(table)}_keep"])
            if not cursor.fetchone()[0]:
                for statement in _postgres_parts_sql(table):
                    cursor.execute(statement)
        present = has_match_table(cursor)
        if not present and has_columns(connection, cursor, MATCH_NEEDS):
            for statement in match_table_sql():
                cursor.execute(statement)
            present = True
        connection.search_match_table = present
        # The RUM index is the narrow table's.
        connection.search_ranked_index = present and ensure_ranked_index(connection, cursor)


def drop_index(connection) -> None:
    with connection.cursor() as cursor:
        for statement in drop_ranked_index_sql():
            cursor.execute(statement)
        connection.search_ranked_index = False
        for statement in drop_match_table_sql():
            cursor.execute(statement)
        connection.search_match_table = False
        for table in _PG_WEIGHTED:
            cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
            parts = _part_table(table)
            cursor.execute(f"DROP TRIGGER IF EXISTS {parts}_keep ON {table}")
            cursor.execute(f"DROP TRIGGER IF EXISTS {parts}_truncate ON {table}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {parts}_keep(), {parts}_truncate()")
            cursor.execute(f"DROP TABLE IF EXISTS {parts}")


# --- matching and ranking -----------------------------------------------------------------------


def _postgres_parts_match(table: str, parsed: ParsedQuery) -> tuple[str, list[str]]:
    """The ids of the rows indexed in parts that hold every token the query requires and none of
    the tokens it excludes, each token looked for in all of a row's parts."""
    parts = _part_table(table)
    required = dict.fromkeys(token for term in parsed.terms for token in term.tokens)
    excluded = [term.text for term in parsed.excluded if term.exact]
    select = f"SELECT row_id FROM {parts} WHERE vector @@ %s::tsquery"
    sql = " INTERSECT ".join([select] * len(required))
    params = [f"'{token}'" for token in required]
    if excluded:
        sql += f" EXCEPT {select}"
        params.append(" | ".join(f"'{token}'" for token in excluded))
    return sql, params


def _rank(alias: str, tsquery: str) -> AliasedSQL:
    return AliasedSQL(
        "coalesce(ts_rank_cd(%s::float4[], {alias}.search_vector, %s::tsquery, 1), 0)",
        alias,
        [PG_WEIGHTS, tsquery],
        FloatField(),
    )


def _unindexed(queryset: QuerySet, parsed: ParsedQuery) -> AliasedSQL:
    """The rows too long for one tsvector that match, found through their parts."""
    alias = queryset.query.get_initial_alias()
    parts, parts_params = _postgres_parts_match(queryset.model._meta.db_table, parsed)
    return AliasedSQL(
        f"({{alias}}.search_vector IS NULL AND {{alias}}.id IN ({parts}))", alias, parts_params, BooleanField()
    )


def _postgres_matches(queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
    """A stored tsvector ('simple') over the indexed form, with a GIN index; rows whose indexed
    form is too long for one tsvector have none and are found through their parts."""
    alias = queryset.query.get_initial_alias()
    tsquery = tsquery_expression(parsed)
    parts, parts_params = _postgres_parts_match(queryset.model._meta.db_table, parsed)
    matches = AliasedSQL(
        f"({{alias}}.search_vector @@ %s::tsquery OR ({{alias}}.search_vector IS NULL AND {{alias}}.id IN ({parts})))",
        alias,
        [tsquery_expression(parsed, ranked=False), *parts_params],
        BooleanField(),
    )
    return verified(queryset.filter(matches), unproven_terms(parsed, lambda term: term.exact)).annotate(
        search_rank=_rank(alias, tsquery)
    )


def _known(connection, name: str, ask) -> bool:
    """Whether a part of the index is there, asked once per connection (ensure_index and
    drop_index set the answer as they change it)."""
    known = getattr(connection, name, None)
    if known is None:
        with connection.cursor() as cursor:
            known = ask(cursor)
        setattr(connection, name, known)
    return known


def _ranked_in_index(connection) -> bool:
    """Whether the narrow table's RUM index is there."""
    return _known(connection, "search_ranked_index", has_ranked_index)


def _match_table(connection) -> bool:
    """Whether the narrow table of the matches is there."""
    return _known(connection, "search_match_table", has_match_table)


class PostgresSearch:
    """The PostgreSQL backend (see backends.SearchBackend)."""

    vendor = "postgresql"

    ensure_index = staticmethod(ensure_index)
    drop_index = staticmethod(drop_index)
    # Whether a best-first page comes from the RUM index where there is one (else GIN's matches
    # are all scored and sorted); the results are the same either way.
    rank_in_index = True

    def before_migrate(self, connection) -> None:
        """The narrow table's triggers, which name columns of three tables, go for the migration
        (ensure_index puts them back and brings the table up to date); PostgreSQL alters a table
        in place, and the generated column and the parts' triggers stay."""
        with connection.cursor() as cursor:
            for statement in drop_match_triggers_sql():
                cursor.execute(statement)
        connection.search_match_table = False

    def reread_index(self, connection) -> None:
        """Nothing: the generated column and the triggers followed every row as it was rewritten."""

    def commitments(self, queryset: QuerySet, parsed: ParsedQuery, filters: CommitmentFilters, order: str) -> QuerySet:
        narrowed = queryset.filter(filters.condition())
        results = ordered(_postgres_matches(narrowed, parsed), order, "speech__")
        rows = verified(narrowed, unproven_terms(parsed, lambda term: term.exact))
        tsquery = tsquery_expression(parsed)
        tokens = tuple(dict.fromkeys(token for term in parsed.terms for token in (*term.tokens, *term.words)))
        matching = tsquery_expression(parsed, ranked=False)
        # Counted from the narrow table where a match needs no check on the text itself.
        counted_apart = not unproven_terms(parsed, lambda term: term.exact) and _match_table(connections[queryset.db])
        # One word (one token), no filter: its count is kept; words excluded take their few rows off it.
        (first, *more) = parsed.terms
        one_word = counted_apart and not more and len(first.tokens) == 1 and not filters.facets()
        plan = RankedPlan(
            rows,
            matching,
            tokens,
            _rank(rows.query.get_initial_alias(), tsquery),
            rows.filter(_unindexed(rows, parsed)),
            in_index=order == "relevance"
            and self.rank_in_index
            and _match_table(connections[queryset.db])
            and _ranked_in_index(connections[queryset.db]),
            several_terms=len(parsed.terms) > 1,
            matches=matches_sql(filters, matching) if counted_apart else None,
            token_counted=token_count_sql(first.tokens[0], [term.text for term in parsed.excluded])
            if one_word
            else None,
            filters=filters,
        )
        return answered_by_index(results, plan, queryset, order)

    def speeches(self, queryset: QuerySet, parsed: ParsedQuery, narrowed: bool, order: str) -> QuerySet:
        return ordered(_postgres_matches(queryset, parsed), order, "")
