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
"""

from __future__ import annotations

from .narrowing import CommitmentFilters

MATCHES = "speeches_commitment_match"
_COLUMNS = "id, vector, kind, strength, topic_id, year, province_id, city_id, city_parent_id, county_id"
# One commitment's row, from the commitment (c), its speech (s) and the speech's city (r).
_SELECT = (
    "SELECT c.id, c.search_vector, c.kind, c.strength, c.topic_id, s.year, s.province_id, s.city_id,"
    " r.parent_id, s.county_id FROM speeches_commitment c JOIN speeches_speech s ON s.id = c.speech_id"
    " LEFT JOIN speeches_region r ON r.id = s.city_id"
)
_UPSERT = (
    " ON CONFLICT (id) DO UPDATE SET (vector, kind, strength, topic_id, year, province_id, city_id,"
    " city_parent_id, county_id) = (EXCLUDED.vector, EXCLUDED.kind, EXCLUDED.strength, EXCLUDED.topic_id,"
    " EXCLUDED.year, EXCLUDED.province_id, EXCLUDED.city_id, EXCLUDED.city_parent_id, EXCLUDED.county_id)"
)


def match_table_sql() -> list[str]:
    """The table, its indexes and the triggers that keep it; idempotent, filling it where empty."""
    return [
        f"""CREATE TABLE IF NOT EXISTS {MATCHES} (
  id bigint PRIMARY KEY, vector tsvector, kind text NOT NULL, strength text NOT NULL,
  topic_id bigint, year smallint, province_id bigint, city_id bigint, city_parent_id bigint, county_id bigint)
  WITH (toast_tuple_target = 128)""",
        # The tsvectors kept out of line, uncompressed: the rows hold little more than the filters'
        # values, many to a page, which is what a count visits (the GIN index has the tokens).
        f"ALTER TABLE {MATCHES} ALTER COLUMN vector SET STORAGE EXTERNAL",
        f"CREATE INDEX IF NOT EXISTS {MATCHES}_vector ON {MATCHES} USING gin (vector)",
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
        f"""CREATE OR REPLACE FUNCTION {MATCHES}_speech() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE {MATCHES} m SET year = NEW.year, province_id = NEW.province_id, city_id = NEW.city_id,
    city_parent_id = (SELECT parent_id FROM speeches_region WHERE id = NEW.city_id), county_id = NEW.county_id
  FROM speeches_commitment c WHERE c.speech_id = NEW.id AND m.id = c.id;
  RETURN NULL;
END
$$""",
        f"""CREATE OR REPLACE FUNCTION {MATCHES}_region() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  UPDATE {MATCHES} SET city_parent_id = NEW.parent_id WHERE city_id = NEW.id;
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
        f"INSERT INTO {MATCHES} ({_COLUMNS}) {_SELECT}{_UPSERT} WHERE ({MATCHES}.vector, {MATCHES}.kind,"
        f" {MATCHES}.strength, {MATCHES}.topic_id, {MATCHES}.year, {MATCHES}.province_id, {MATCHES}.city_id,"
        f" {MATCHES}.city_parent_id, {MATCHES}.county_id) IS DISTINCT FROM (EXCLUDED.vector, EXCLUDED.kind,"
        " EXCLUDED.strength, EXCLUDED.topic_id, EXCLUDED.year, EXCLUDED.province_id, EXCLUDED.city_id,"
        " EXCLUDED.city_parent_id, EXCLUDED.county_id)",
        f"DELETE FROM {MATCHES} m WHERE NOT EXISTS (SELECT 1 FROM speeches_commitment c WHERE c.id = m.id)",
        f"ANALYZE {MATCHES}",
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
        f"DROP TABLE IF EXISTS {MATCHES}",
    ]


def has_match_table(cursor) -> bool:
    cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = %s", [f"{MATCHES}_region"])
    return bool(cursor.fetchone()[0])


# The columns facets.py groups the matches by (postgres_counts.FACET_FIELDS and FACET_COLUMNS).
FACET_COLUMNS = "m.id, m.kind, m.strength, m.topic_id, m.year, m.province_id, m.city_id, m.city_parent_id, m.county_id"


def matches_sql(filters: CommitmentFilters, tsquery: str, columns: str = "m.id") -> tuple[str, list]:
    """SQL for the commitments whose tsvector matches `tsquery` and which the filters leave, read
    from the match table alone (as `m`); `columns` chooses what it selects."""
    conditions, params = ["m.vector @@ %s::tsquery"], [tsquery]
    if filters.city is not None:
        # A city's speeches and its counties' (see narrowing.place_condition).
        conditions.append("(m.city_id = %s OR m.city_parent_id = %s OR m.county_id = %s)")
        params += [filters.city] * 3
    if filters.province is not None:
        conditions.append("m.province_id = %s")
        params.append(filters.province)
    if filters.topic is not None:
        conditions.append("m.topic_id = %s")
        params.append(filters.topic)
    if filters.years is not None:
        conditions.append("m.year = ANY(%s)")
        params.append(list(filters.years))
    if filters.kind:
        conditions.append("m.kind = %s")
        params.append(filters.kind)
    if filters.strength:
        conditions.append("m.strength = %s")
        params.append(filters.strength)
    return f"SELECT {columns} FROM {MATCHES} m WHERE {' AND '.join(conditions)}", params
