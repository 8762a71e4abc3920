"""PostgreSQL: a narrow table of the commitments' matches, for counting them and their facets.

A GIN index cannot count: PostgreSQL 15 visits the heap page of every match to check that the row
is visible, so a count costs one page visit per page holding a match. The commitments' own table
is wide (its text, the indexed form, the stored tsvector: about 1.5 kB a row), five rows to a page;
a word in a tenth of the commitments has a match on almost every other page of it.

`speeches_commitment_match` holds, for each commitment, only what counting needs: its tsvector
(the same one, with its own GIN index, kept out of line) and the values the search filters and the
facets group by, the speech's year and places copied beside the commitment's kind, strength and
topic. Its pages are a quarter of the commitments' (37 MB against 154 MB at 100,000), with no join
to the speeches: a count, a filtered count or the facets' pass reads that much less. Triggers keep
it in step in the same transaction as every write: commitments written or deleted (a statement at
a time), a speech moved to another year or place, a city moved under another region, the table
truncated. Ranking still reads the commitments' own tsvector.

Beside the commitment's tsvector, `filters` holds its filters' values as tokens of their own
(`#kind…`, `#year…`, `#city…`, as the SQLite index has them), and one GIN index covers both: a
filtered search is the intersection of the index's lists, and only the rows left are visited,
where a condition on the columns visits every match of the words first (就业 in one city: 67
rows, against the word's 3,155). The columns stay, for the facets to group by. The tsvector is
the commitment's own datum, copied as stored (out of line where it is in the commitments' table):
a tsvector written afresh stays in the row whenever the row is under 2 kB, which took the table
from 367 MB to 988 MB at 1,000,000 commitments, and every count visits those pages.

`speeches_commitment_token` holds how many rows of the narrow table hold each token, kept by its
triggers in the same transaction: a search for one word (改革, in a tenth of the archive) is
counted by reading one row, where counting its matches visits a page for each (at 1,000,000
commitments, 47,000 pages); 改革 -农村 is 改革's count less the few rows holding both.
"""

from __future__ import annotations

from .narrowing import CommitmentFilters

MATCHES = "speeches_commitment_match"
# Written on the table (COMMENT): a table written another way is rewritten by ensure_index.
VERSION = "4: tsvector, filter tokens, size, token counts"
TOKENS = "speeches_commitment_token"
# Before every filter token: the text's tokens are units, unit pairs and words of them (text.py),
# never this character, so no text can hold a filter token.
FILTER_MARK = "#"
_COLUMNS = "id, vector, filters, size, kind, strength, topic_id, year, province_id, city_id, city_parent_id, county_id"
# A commitment's filter tokens (SQL about c, s and r), named as CommitmentFilters.facets() names
# them; a year also as its five years and its decade, so a range of years is a few lists.
_FILTER_TOKENS = (
    f"array_remove(ARRAY['{FILTER_MARK}kind' || c.kind, '{FILTER_MARK}strength' || c.strength,"
    f" '{FILTER_MARK}topic' || c.topic_id, '{FILTER_MARK}year' || s.year,"
    f" '{FILTER_MARK}lustrum' || (s.year / 5 * 5), '{FILTER_MARK}decade' || (s.year / 10 * 10),"
    f" '{FILTER_MARK}province' || s.province_id, '{FILTER_MARK}city' || s.city_id,"
    f" '{FILTER_MARK}city' || r.parent_id, '{FILTER_MARK}city' || s.county_id], NULL)"
)
# One commitment's row, from the commitment (c), its speech (s) and the speech's city (r); a row
# indexed in parts (no tsvector) has none here either. `size` is the commitment's number of distinct
# tokens, which bounds its score (postgres_ranking.py).
_SELECT = (
    f"SELECT c.id, c.search_vector, array_to_tsvector({_FILTER_TOKENS}), length(c.search_vector), c.kind, c.strength,"
    " c.topic_id, s.year, s.province_id, s.city_id, r.parent_id, s.county_id FROM speeches_commitment c"
    " JOIN speeches_speech s ON s.id = c.speech_id LEFT JOIN speeches_region r ON r.id = s.city_id"
)
_UPSERT = (
    " ON CONFLICT (id) DO UPDATE SET (vector, filters, size, kind, strength, topic_id, year, province_id, city_id,"
    " city_parent_id, county_id) = (EXCLUDED.vector, EXCLUDED.filters, EXCLUDED.size, EXCLUDED.kind, EXCLUDED.strength, EXCLUDED.topic_id,"
    " EXCLUDED.year, EXCLUDED.province_id, EXCLUDED.city_id, EXCLUDED.city_parent_id, EXCLUDED.county_id)"
)


def match_table_sql() -> list[str]:
    """The table, its indexes and the triggers that keep it; idempotent, filling it where empty."""
    return [
        f"""CREATE TABLE IF NOT EXISTS {MATCHES} (
  id bigint PRIMARY KEY, vector tsvector, filters tsvector, size integer, kind text NOT NULL, strength text NOT NULL,
  topic_id bigint, year smallint, province_id bigint, city_id bigint, city_parent_id bigint, county_id bigint)
  WITH (toast_tuple_target = 128)""",
        # The tsvectors kept out of line, uncompressed: the rows hold little more than the filters'
        # values, many to a page, which is what a count visits (the GIN index has the tokens).
        f"ALTER TABLE {MATCHES} ALTER COLUMN vector SET STORAGE EXTERNAL",
        f"ALTER TABLE {MATCHES} ADD COLUMN IF NOT EXISTS size integer",  # a table of an earlier version
        f"ALTER TABLE {MATCHES} ADD COLUMN IF NOT EXISTS filters tsvector",
        # Imports write commitments by the thousand, and a speech deleted takes its commitments with
        # it: inserts and deletes are kept a statement at a time, from its transition table.
        f"""CREATE OR REPLACE FUNCTION {MATCHES}_inserted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {MATCHES} ({_COLUMNS}) {_SELECT} WHERE c.id IN (SELECT id FROM written){_UPSERT};
  RETURN NULL;
END
$$""",
        f"""CREATE OR REPLACE FUNCTION {MATCHES}_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM {MATCHES} WHERE id IN (SELECT id FROM deleted);
  RETURN NULL;
END
$$""",
        f"""CREATE OR REPLACE FUNCTION {MATCHES}_updated() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {MATCHES} ({_COLUMNS}) {_SELECT} WHERE c.id = NEW.id{_UPSERT};
  RETURN NULL;
END
$$""",
        # A speech moved to another year or place, a city under another region: the filter tokens
        # of their commitments change with the columns.
        f"""CREATE OR REPLACE FUNCTION {MATCHES}_speech() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {MATCHES} ({_COLUMNS}) {_SELECT} WHERE c.speech_id = NEW.id{_UPSERT};
  RETURN NULL;
END
$$""",
        f"""CREATE OR REPLACE FUNCTION {MATCHES}_region() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO {MATCHES} ({_COLUMNS}) {_SELECT} WHERE s.city_id = NEW.id{_UPSERT};
  RETURN NULL;
END
$$""",
        f"""CREATE OR REPLACE FUNCTION {MATCHES}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE {MATCHES};
  RETURN NULL;
END
$$""",
        *_drop_commitment_triggers(),
        f"CREATE TRIGGER {MATCHES}_inserted AFTER INSERT ON speeches_commitment REFERENCING NEW TABLE AS written"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {MATCHES}_inserted()",
        f"CREATE TRIGGER {MATCHES}_deleted AFTER DELETE ON speeches_commitment REFERENCING OLD TABLE AS deleted"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {MATCHES}_deleted()",
        f"CREATE TRIGGER {MATCHES}_updated AFTER UPDATE OF search_text, search_targets, kind, strength, topic_id,"
        f" speech_id ON speeches_commitment FOR EACH ROW EXECUTE FUNCTION {MATCHES}_updated()",
        f"CREATE TRIGGER {MATCHES}_truncate AFTER TRUNCATE ON speeches_commitment"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {MATCHES}_truncate()",
        f"DROP TRIGGER IF EXISTS {MATCHES}_speech ON speeches_speech",
        f"CREATE TRIGGER {MATCHES}_speech AFTER UPDATE OF year, province_id, city_id, county_id ON speeches_speech"
        f" FOR EACH ROW WHEN (OLD.year IS DISTINCT FROM NEW.year OR OLD.province_id IS DISTINCT FROM NEW.province_id"
        " OR OLD.city_id IS DISTINCT FROM NEW.city_id OR OLD.county_id IS DISTINCT FROM NEW.county_id)"
        f" EXECUTE FUNCTION {MATCHES}_speech()",
        f"DROP TRIGGER IF EXISTS {MATCHES}_region ON speeches_region",
        f"CREATE TRIGGER {MATCHES}_region AFTER UPDATE OF parent_id ON speeches_region"
        f" FOR EACH ROW WHEN (OLD.parent_id IS DISTINCT FROM NEW.parent_id) EXECUTE FUNCTION {MATCHES}_region()",
        # The rows as they are now: a migration may have changed them while the triggers were away
        # (see drop_match_triggers_sql); only rows that differ are written.
        f"INSERT INTO {MATCHES} ({_COLUMNS}) {_SELECT}{_UPSERT} WHERE ({MATCHES}.vector, {MATCHES}.filters, {MATCHES}.size, {MATCHES}.kind,"
        f" {MATCHES}.strength, {MATCHES}.topic_id, {MATCHES}.year, {MATCHES}.province_id, {MATCHES}.city_id,"
        f" {MATCHES}.city_parent_id, {MATCHES}.county_id) IS DISTINCT FROM (EXCLUDED.vector, EXCLUDED.filters, EXCLUDED.size, EXCLUDED.kind,"
        " EXCLUDED.strength, EXCLUDED.topic_id, EXCLUDED.year, EXCLUDED.province_id, EXCLUDED.city_id,"
        " EXCLUDED.city_parent_id, EXCLUDED.county_id)",
        f"DELETE FROM {MATCHES} m WHERE NOT EXISTS (SELECT 1 FROM speeches_commitment c WHERE c.id = m.id)",
        # The index and the token counts after the rows: a table filled afresh is indexed and counted
        # once, not row by row (where the counts were kept already, their triggers followed the rows).
        f"DROP INDEX IF EXISTS {MATCHES}_vector",  # the index of an earlier version
        f"CREATE INDEX IF NOT EXISTS {MATCHES}_matched ON {MATCHES} USING gin (vector, filters)",
        *_token_count_sql(),
        f"COMMENT ON TABLE {MATCHES} IS '{VERSION}'",
        f"ANALYZE {MATCHES}",
    ]


def _token_count_sql() -> list[str]:
    """The count of each token's rows and the triggers on the narrow table that keep it, filled
    from the rows where it is new (the triggers follow every row written after)."""

    # What a statement changed: +1 for each token of each row written, -1 of each row replaced or
    # deleted; tokens whose count is unchanged are not written.
    def changes(*sides: tuple[str, int]) -> str:
        rows = " UNION ALL ".join(
            f"SELECT unnest(tsvector_to_array(vector)), {sign} FROM {side}" for side, sign in sides
        )
        return (
            f"INSERT INTO {TOKENS} (token, matches) SELECT token, sum(n) FROM ({rows}) AS t(token, n)"
            f" GROUP BY token HAVING sum(n) <> 0 ORDER BY token"
            f" ON CONFLICT (token) DO UPDATE SET matches = {TOKENS}.matches + EXCLUDED.matches;"
        )

    return [
        f"CREATE TABLE IF NOT EXISTS {TOKENS} (token text PRIMARY KEY, matches bigint NOT NULL)",
        f"""INSERT INTO {TOKENS} (token, matches) SELECT token, count(*) FROM {MATCHES},
  unnest(tsvector_to_array(vector)) AS token WHERE NOT EXISTS (SELECT 1 FROM {TOKENS}) GROUP BY token""",
        f"""CREATE OR REPLACE FUNCTION {TOKENS}_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  -- A common token's row is changed by nearly every write. Two transactions writing commitments
  -- a statement at a time would each hold some of those rows and wait for the other's: one
  -- writer at a time, from its first commitment to its commit.
  PERFORM pg_advisory_xact_lock('{TOKENS}'::regclass::oid::bigint);
  IF TG_OP = 'INSERT' THEN
    {changes(("added", 1))}
  ELSIF TG_OP = 'DELETE' THEN
    {changes(("removed", -1))}
  ELSE
    {changes(("added", 1), ("removed", -1))}
  END IF;
  RETURN NULL;
END
$$""",
        f"""CREATE OR REPLACE FUNCTION {TOKENS}_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  TRUNCATE {TOKENS};
  RETURN NULL;
END
$$""",
        f"DROP TRIGGER IF EXISTS {TOKENS}_added ON {MATCHES}",
        f"DROP TRIGGER IF EXISTS {TOKENS}_changed ON {MATCHES}",
        f"DROP TRIGGER IF EXISTS {TOKENS}_removed ON {MATCHES}",
        f"DROP TRIGGER IF EXISTS {TOKENS}_truncate ON {MATCHES}",
        f"CREATE TRIGGER {TOKENS}_added AFTER INSERT ON {MATCHES} REFERENCING NEW TABLE AS added"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {TOKENS}_kept()",
        f"CREATE TRIGGER {TOKENS}_changed AFTER UPDATE ON {MATCHES} REFERENCING OLD TABLE AS removed"
        f" NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION {TOKENS}_kept()",
        f"CREATE TRIGGER {TOKENS}_removed AFTER DELETE ON {MATCHES} REFERENCING OLD TABLE AS removed"
        f" FOR EACH STATEMENT EXECUTE FUNCTION {TOKENS}_kept()",
        f"CREATE TRIGGER {TOKENS}_truncate AFTER TRUNCATE ON {MATCHES} FOR EACH STATEMENT"
        f" EXECUTE FUNCTION {TOKENS}_truncate()",
    ]


# The columns the table and its triggers read: until a migration has made them all, there is none.
NEEDS = {
    "speeches_commitment": ("search_vector", "search_text", "search_targets", "kind", "strength", "topic_id"),
    "speeches_speech": ("year", "province_id", "city_id", "county_id"),
    "speeches_region": ("parent_id",),
}


def _drop_commitment_triggers() -> list[str]:
    return [
        f"DROP TRIGGER IF EXISTS {MATCHES}_{name} ON speeches_commitment"
        for name in ("inserted", "deleted", "updated", "truncate")
    ]


def drop_match_triggers_sql() -> list[str]:
    """Before a migration: the triggers, which name columns a migration may take away or not have
    made yet; match_table_sql() puts them back and brings the rows up to date."""
    return [
        *_drop_commitment_triggers(),
        f"DROP TRIGGER IF EXISTS {MATCHES}_speech ON speeches_speech",
        f"DROP TRIGGER IF EXISTS {MATCHES}_region ON speeches_region",
    ]


def drop_match_table_sql() -> list[str]:
    return [
        *drop_match_triggers_sql(),
        f"DROP FUNCTION IF EXISTS {MATCHES}_inserted(), {MATCHES}_deleted(), {MATCHES}_updated(),"
        f" {MATCHES}_speech(), {MATCHES}_region(), {MATCHES}_truncate()",
        f"DROP TABLE IF EXISTS {MATCHES}, {TOKENS}",
        f"DROP FUNCTION IF EXISTS {TOKENS}_kept(), {TOKENS}_truncate()",
    ]


def has_match_table(cursor) -> bool:
    """Whether the table is there with its triggers, written as this version writes it."""
    cursor.execute(
        "SELECT count(*) FROM pg_trigger WHERE tgname = %s AND obj_description(to_regclass(%s), 'pg_class') = %s",
        [f"{MATCHES}_region", MATCHES, VERSION],
    )
    return bool(cursor.fetchone()[0])


# The columns facets.py groups the matches by (postgres_counts.FACET_FIELDS and FACET_COLUMNS).
FACET_COLUMNS = "m.id, m.kind, m.strength, m.topic_id, m.year, m.province_id, m.city_id, m.city_parent_id, m.county_id"


def matches_sql(filters: CommitmentFilters, tsquery: str, columns: str = "m.id") -> tuple[str, list]:
    """SQL for the commitments whose tsvector matches `tsquery` and which the filters leave, read
    from the match table alone (as `m`); `columns` chooses what it selects. Each group of the
    filters' tokens is one of which a row must have one."""
    groups = [" | ".join(f"'{FILTER_MARK}{token}'" for token in group) for group in filters.facets()]
    sql, params = f"SELECT {columns} FROM {MATCHES} m WHERE m.vector @@ %s::tsquery", [tsquery]
    if groups:
        sql += " AND m.filters @@ %s::tsquery"
        params.append(" & ".join(f"({group})" for group in groups))
    return sql, params


def token_count_sql(token: str, excluded: list[str]) -> tuple[str, list]:
    """SQL for the number of narrow rows holding `token` and none of `excluded`, from the token
    counts: the rows holding both are few where the word excluded narrows the search."""
    counted = f"coalesce((SELECT matches FROM {TOKENS} WHERE token = %s), 0)"
    if not excluded:
        return f"SELECT {counted}", [token]
    words = " | ".join(f"'{word}'" for word in excluded)
    both, both_params = matches_sql(CommitmentFilters(), f"'{token}' & ({words})")
    return f"SELECT {counted} - (SELECT count(*) FROM ({both}) b)", [token, *both_params]
