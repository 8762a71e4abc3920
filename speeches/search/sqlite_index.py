"""SQLite's full-text index: FTS5 tables over the indexed form, the triggers that keep them in step,
and what a migration does to them.

Both tables use external content (the rows themselves), so the index stores tokens, not text; the
triggers keep it in step in the same transaction as every insert, update and delete.
"""

from __future__ import annotations

from .sql import has_columns
from .text import TARGET_PREFIX

_TOKENIZER = "tokenize='unicode61 remove_diacritics 0'"


class SpeechIndex:
    """SQLite: FTS5 over a speech's title and text (external content: the speech table), rowid the
    speech's id, kept in step by triggers. A few thousand long rows: bm25 over all matches is cheap."""

    table = "speeches_speech"
    name = "speeches_speech_fts"
    columns = ("search_title", "search_text")
    weights = (5.0, 1.0)  # a match in the title counts five times one in the text

    def create_table_sql(self) -> str:
        return (
            f"CREATE VIRTUAL TABLE {self.name} USING fts5({', '.join(self.columns)}, content='{self.table}', "
            f"content_rowid='id', {_TOKENIZER})"
        )

    def triggers(self) -> dict[str, str]:
        """Each trigger that keeps the index in step, by name."""
        names = ", ".join(self.columns)
        new = ", ".join(f"new.{column}" for column in self.columns)
        old = ", ".join(f"old.{column}" for column in self.columns)
        changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in self.columns)
        delete = f"INSERT INTO {self.name}({self.name}, rowid, {names}) VALUES ('delete', old.id, {old});"
        insert = f"INSERT INTO {self.name}(rowid, {names}) VALUES (new.id, {new});"
        return _named_triggers(
            f"CREATE TRIGGER {self.name}_insert AFTER INSERT ON {self.table} BEGIN {insert} END",
            f"CREATE TRIGGER {self.name}_delete AFTER DELETE ON {self.table} BEGIN {delete} END",
            f"CREATE TRIGGER {self.name}_update AFTER UPDATE OF {names} ON {self.table} WHEN {changed} "
            f"BEGIN {delete} {insert} END",
        )

    def support_sql(self) -> list[str]:
        return []

    def rebuild_sql(self) -> list[str]:
        return [f"INSERT INTO {self.name}({self.name}) VALUES ('rebuild')"]

    def needs(self) -> dict[str, tuple[str, ...]]:
        return {self.table: self.columns}

    def drop_sql(self) -> list[str]:
        return [f"DROP TRIGGER IF EXISTS {name}" for name in self.triggers()]


def _named_triggers(*statements: str) -> dict[str, str]:
    return {statement.split()[2]: statement for statement in statements}


def _token_count(sql: str) -> str:
    """How many tokens a space-separated token list (one space between tokens) holds, in SQL."""
    return f"(CASE WHEN {sql} = '' THEN 0 ELSE length({sql}) - length(replace({sql}, ' ', '')) + 1 END)"


class CommitmentIndex:
    """SQLite: FTS5 over a commitment's tokens, the pairs of its text in order, and its filters.

    - `search_text`: the commitment's tokens (each once) and its amounts' tokens prefixed with
      TARGET_PREFIX; the only column bm25 weighs.
    - `search_sequence`: the pair sequence, for phrase queries that prove a longer term occurs.
    - `search_facets`: what search_commitments filters by (kind, strength, topic, the speech's
      year, province, city, and for a county the city it belongs to), as tokens the text never
      makes: a filter is answered inside the index, however common the words searched.

    The rowid is the row's *key*: its number of tokens in the high bits, its id in the low 32 (four
    billion commitments, far beyond any archive). The index lists matches by rowid, so shortest
    first; with each token counted once, bm25 ranks a shorter row above a longer one with the same
    matching tokens, which lets the best matches be found without scoring every match (see
    sqlite_ranking.best_matches).

    The filters come from the speech and its city, so the triggers on the speech table re-index
    its commitments when its year or place changes; `..._keys` keeps each row's key and filter
    tokens as indexed, which the 'delete' of FTS5's external content needs, whatever order rows are
    deleted in. `..._content` (a view) is the external content; `speeches_search_totals` keeps the
    row and token counts bm25 uses, up to date inside a transaction too.
    """

    table = "speeches_commitment"
    name = "speeches_commitment_fts"
    keys = "speeches_commitment_fts_keys"
    content = "speeches_commitment_fts_content"
    totals = "speeches_search_totals"
    columns = ("search_text", "search_sequence", "search_facets")
    weights = (1.0, 0.0, 0.0)
    key_bits = 32
    # What the triggers watch: a change to any of these re-indexes the row.
    watched = ("search_text", "search_targets", "search_sequence", "kind", "strength", "topic_id", "speech_id")
    watched_in_speech = ("year", "province_id", "city_id", "county_id")

    _ranked = (
        "trim(c.search_text || CASE WHEN c.search_targets = '' THEN '' "
        f"ELSE ' {TARGET_PREFIX}' || replace(c.search_targets, ' ', ' {TARGET_PREFIX}') END)"
    )
    # A year also as its five years and its decade: a range of years is then a few tokens
    # (2015-2020: lustrum2015, year2020), and FTS5 merges a few long lists faster than many short ones.
    _facets = (
        "'kind' || c.kind || ' strength' || c.strength || coalesce(' topic' || c.topic_id, '')"
        " || coalesce(' year' || s.year || ' lustrum' || (s.year / 5 * 5) || ' decade' || (s.year / 10 * 10), '')"
        " || coalesce(' province' || s.province_id, '')"
        " || coalesce(' city' || s.city_id, '') || coalesce(' city' || r.parent_id, '')"
        " || coalesce(' city' || s.county_id, '')"
    )

    def create_table_sql(self) -> str:
        return (
            f"CREATE VIRTUAL TABLE {self.name} USING fts5({', '.join(self.columns)}, content='{self.content}', "
            f"content_rowid='key', {_TOKENIZER})"
        )

    def _add(self, where: str) -> list[str]:
        """Index the commitments `where` chooses (SQL about `c`), as they are now."""
        size = f"{_token_count(self._ranked)} + {_token_count('c.search_sequence')} + {_token_count(self._facets)}"
        chosen = f"SELECT id FROM {self.table} c WHERE {where}"
        return [
            f"INSERT INTO {self.keys}(id, key, facets) SELECT c.id, (({size}) << {self.key_bits}) + c.id, "
            f"{self._facets} FROM {self.table} c LEFT JOIN speeches_speech s ON s.id = c.speech_id "
            f"LEFT JOIN speeches_region r ON r.id = s.city_id WHERE {where};",
            f"INSERT INTO {self.name}(rowid, {', '.join(self.columns)}) SELECT key, search_text, search_sequence, "
            f"search_facets FROM {self.content} WHERE id IN ({chosen});",
            *self._count(chosen, "+"),
        ]

    def _remove(self, where: str) -> list[str]:
        """Take the commitments `where` chooses out of the index, as they were indexed."""
        chosen = f"SELECT id FROM {self.table} c WHERE {where}"
        return [
            *self._count(chosen, "-"),
            f"INSERT INTO {self.name}({self.name}, rowid, {', '.join(self.columns)}) SELECT 'delete', key, "
            f"search_text, search_sequence, search_facets FROM {self.content} WHERE id IN ({chosen});",
            f"DELETE FROM {self.keys} WHERE id IN ({chosen});",
        ]

    def _count(self, chosen: str, sign: str) -> list[str]:
        totals = self.totals
        return [
            f"UPDATE {totals} SET (row_count, token_count) = (SELECT {totals}.row_count {sign} count(*), "
            f"{totals}.token_count {sign} coalesce(sum(key >> {self.key_bits}), 0) FROM {self.keys} "
            f"WHERE id IN ({chosen})) WHERE name = '{self.table}';"
        ]

    def triggers(self) -> dict[str, str]:
        """Each trigger that keeps the index in step, by name."""
        changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in self.watched)
        moved = " OR ".join(f"old.{column} IS NOT new.{column}" for column in self.watched_in_speech)
        watched, watched_in_speech = ", ".join(self.watched), ", ".join(self.watched_in_speech)

        def body(statements: list[str]) -> str:
            return " ".join(statements)

        return _named_triggers(
            f"CREATE TRIGGER {self.name}_insert AFTER INSERT ON {self.table} "
            f"BEGIN {body(self._add('c.id = new.id'))} END",
            f"CREATE TRIGGER {self.name}_delete BEFORE DELETE ON {self.table} "
            f"BEGIN {body(self._remove('c.id = old.id'))} END",
            f"CREATE TRIGGER {self.name}_update_before BEFORE UPDATE OF {watched} ON {self.table} WHEN {changed} "
            f"BEGIN {body(self._remove('c.id = old.id'))} END",
            f"CREATE TRIGGER {self.name}_update_after AFTER UPDATE OF {watched} ON {self.table} WHEN {changed} "
            f"BEGIN {body(self._add('c.id = new.id'))} END",
            f"CREATE TRIGGER {self.name}_speech_before BEFORE UPDATE OF {watched_in_speech} ON speeches_speech "
            f"WHEN {moved} BEGIN {body(self._remove('c.speech_id = old.id'))} END",
            f"CREATE TRIGGER {self.name}_speech_after AFTER UPDATE OF {watched_in_speech} ON speeches_speech "
            f"WHEN {moved} BEGIN {body(self._add('c.speech_id = new.id'))} END",
        )

    def support_sql(self) -> list[str]:
        """The tables and view the index and its triggers use; idempotent."""
        return [
            f"CREATE TABLE IF NOT EXISTS {self.keys} (id INTEGER PRIMARY KEY, key INTEGER NOT NULL, facets TEXT NOT NULL)",
            f"CREATE TABLE IF NOT EXISTS {self.totals} "
            "(name TEXT PRIMARY KEY, row_count INTEGER NOT NULL, token_count INTEGER NOT NULL)",
            f"INSERT OR IGNORE INTO {self.totals} VALUES ('{self.table}', 0, 0)",
            f"CREATE VIEW IF NOT EXISTS {self.content} AS SELECT k.key, c.id, {self._ranked} AS search_text, "
            f"c.search_sequence, k.facets AS search_facets FROM {self.table} c JOIN {self.keys} k ON k.id = c.id",
        ]

    def rebuild_sql(self) -> list[str]:
        return [
            f"INSERT INTO {self.name}({self.name}) VALUES ('delete-all')",
            f"DELETE FROM {self.keys}",
            f"UPDATE {self.totals} SET row_count = 0, token_count = 0 WHERE name = '{self.table}'",
            *(statement.rstrip(";") for statement in self._add("1")),
        ]

    def needs(self) -> dict[str, tuple[str, ...]]:
        """The columns the index reads, table by table."""
        return {
            self.table: (*self.watched, "search_folded"),
            "speeches_speech": self.watched_in_speech,
            "speeches_region": ("parent_id",),
        }

    def drop_sql(self) -> list[str]:
        return [f"DROP TRIGGER IF EXISTS {name}" for name in self.triggers()] + [f"DROP VIEW IF EXISTS {self.content}"]


SQLITE_INDEXES = (CommitmentIndex(), SpeechIndex())


def row_id(index, alias: str) -> str:
    """The id of the table's row an index row stands for."""
    if isinstance(index, CommitmentIndex):
        return f"({alias}.rowid & {(1 << index.key_bits) - 1})"
    return f"({alias}.rowid + 0)"


def checked(index, checks: tuple[tuple[str, bool], ...]) -> tuple[str, str, list[str]]:
    """For SQL over the index as `f`: the join to the table's rows (as `t`) and the conditions
    that check the terms on them, with their parameters; nothing when there is nothing to check."""
    if not checks:
        return "", "", []
    join = f" JOIN {index.table} t ON t.id = {row_id(index, 'f')}"
    sql = "".join(f" AND instr(t.search_folded, %s) {'>' if occurs else '='} 0" for _, occurs in checks)
    return join, sql, [text for text, _ in checks]


# --- creating, migrating and dropping the index -------------------------------------------------


def ensure_index(connection) -> None:
    """Create the FTS5 tables and what keeps them in step, where missing or made for another
    version of the index; idempotent.

    Django rebuilds a table to alter it, which drops its triggers, and views or triggers naming
    another table stand in the way of such a rebuild: `drop_triggers` takes them away before a
    migration and this puts them back after it, re-reading the index from the rows (a migration
    may have changed them meanwhile)."""
    with connection.cursor() as cursor:
        for index in SQLITE_INDEXES:
            if not has_columns(connection, cursor, index.needs()):
                continue  # migrated back to before the index's columns existed: it waits for them
            cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [index.name])
            row = cursor.fetchone()
            current = row is not None and row[0] == index.create_table_sql()
            if not current:  # missing, or made for another version of the index
                for statement in index.drop_sql():
                    cursor.execute(statement)
                cursor.execute(f"DROP TABLE IF EXISTS {index.name}")
                cursor.execute(index.create_table_sql())
            expected = index.triggers()
            cursor.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name IN "
                f"({', '.join(['%s'] * len(expected))})",
                list(expected),
            )
            # Missing, or written by another version of the index (its tokens may differ).
            if dict(cursor.fetchall()) != expected or not current:
                for statement in index.drop_sql():
                    cursor.execute(statement)
                for statement in index.support_sql():
                    cursor.execute(statement)
                for statement in index.triggers().values():
                    cursor.execute(statement)
                for statement in index.rebuild_sql():
                    cursor.execute(statement)


def drop_triggers(connection) -> None:
    """Before a migration: the triggers and view, which ensure_index puts back."""
    with connection.cursor() as cursor:
        for index in SQLITE_INDEXES:
            for statement in index.drop_sql():
                cursor.execute(statement)


def drop_index(connection) -> None:
    with connection.cursor() as cursor:
        for index in SQLITE_INDEXES:
            for statement in index.drop_sql():
                cursor.execute(statement)
            cursor.execute(f"DROP TABLE IF EXISTS {index.name}")
        cursor.execute(f"DROP TABLE IF EXISTS {CommitmentIndex.keys}")
        cursor.execute(f"DROP TABLE IF EXISTS {CommitmentIndex.totals}")


def reread_index(connection) -> None:
    """After every row's indexed form was recomputed: the index read afresh from the rows, merged."""
    with connection.cursor() as cursor:
        for index in SQLITE_INDEXES:
            for statement in index.rebuild_sql():
                cursor.execute(statement)
            cursor.execute(f"INSERT INTO {index.name}({index.name}) VALUES ('optimize')")
