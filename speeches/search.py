"""Full-text search of commitments and speeches: the one entry point, one backend per database vendor.

Chinese has no spaces, and neither SQLite's nor PostgreSQL's full-text engine segments it. So each
row carries an *indexed form* computed here in Python when it is saved or bulk-created:

- `search_folded`: the searchable text folded (traditional -> simplified, full width -> half width,
  ASCII lower case) character by character, so it is exactly as long as the original text;
- `search_text`: tokens for the full-text index, each once: every character ("unit": a CJK
  ideograph, an ASCII letter or digit) of the folded text, every pair of adjacent units, and the
  words jieba (search mode) finds;
- for commitments, `search_sequence`: the unit pairs in text order, run by run, and
  `search_targets`: the tokens of its amounts (700亿元以上).

A query term that is a substring of a text has all its units and unit pairs among the text's
tokens, however jieba cut either of them: a term of one or two units is one token, which finds
exactly the rows containing it. A longer term is, for commitments on SQLite, a phrase of its pairs
in `search_sequence`, whose positions are the text's own (never jieba's): that too finds exactly
the rows containing it. Elsewhere (PostgreSQL, speeches, a term with spaces or punctuation inside)
a longer term is the AND of its pairs, and each candidate is checked, `instr`/`strpos` of the
folded term in `search_folded`. Either way the results are exactly those of a substring search.
jieba's words, and the term among a commitment's amounts, only weigh in the ranking.

SQLite keeps FTS5 tables (external content), PostgreSQL a generated tsvector ('simple'
configuration) with a GIN index; both are kept in step by the database itself (triggers, a
generated column), in the same transaction as every insert, update and delete. Ranking is bm25() in
FTS5 and ts_rank_cd() in PostgreSQL, with matches in a commitment's amounts and in a speech's title
weighted up. The SQLite commitment index also holds the filters of search_commitments as tokens,
and lists rows shortest first, so that the best matches of a common word are found without scoring
all of them (CommitmentIndex, _best_matches).
"""

from __future__ import annotations

import copy
import dataclasses
import heapq
import math
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache, cached_property, lru_cache
from types import SimpleNamespace

import jieba
import opencc
from django.db import connections, transaction
from django.db.models import BooleanField, Expression, F, FloatField, Q, QuerySet, Value
from django.db.models.functions import StrIndex
from django.db.models.lookups import Exact, GreaterThan
from django.db.models.query import ModelIterable
from django.db.models.sql.constants import INNER
from django.db.models.sql.datastructures import Join
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

# A query longer than this is refused with a message rather than cut short without telling.
QUERY_MAX_CHARS = 100
# How much text a snippet shows around the first match.
SNIPPET_CHARS = 120

# The ideographs of CJK Unified Ideographs, Extension A, the compatibility block and the
# supplementary planes; ASCII letters and digits (after folding) are units too.
_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_UNIT_RUN = re.compile(f"[0-9a-z{_CJK}]+")
_CJK_WORD = re.compile(f"[{_CJK}]{{2,}}")
_QUERY_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')
# Index tokens the text never makes (those are one or two units, or words of ideographs only):
# the break between runs of a commitment's pair sequence, and prefixes of amounts and filters.
SEQUENCE_BREAK = "brk"
TARGET_PREFIX = "tgt"

# bm25 weights of the FTS5 columns, and the PostgreSQL weights {D, C, B, A}: amounts and titles
# (weight A in PostgreSQL) count several times the body text (weight D).
COMMITMENT_WEIGHTS = (1.0, 4.0)  # search_text, search_targets
SPEECH_WEIGHTS = (5.0, 1.0)  # search_title, search_text
PG_WEIGHTS = "{0.25, 0.5, 0.75, 1.0}"


# --- folding and the indexed form -------------------------------------------------------------


@cache
def _fold_table() -> dict[int, str]:
    """A character -> character table: folding never changes a text's length, so a match found in
    the folded text is at the same place in the original.

    Traditional characters fold with OpenCC's t2s, one character at a time so that a term folds the
    same way alone as inside a sentence. Characters of GB 2312 (the simplified standard set) are
    left alone even where t2s would change them (著, 乾, 於 are simplified characters too): a
    simplified query on simplified text matches exactly as a plain substring search does.
    """
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)}  # full width -> ASCII
    table[0x3000] = " "
    for code in range(ord("A"), ord("Z") + 1):
        table[code] = chr(code + 32)
        table[code + 0xFEE0] = chr(code + 32)
    t2s = opencc.OpenCC("t2s")
    for first, last in ((0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF)):
        for code in range(first, last + 1):
            char = chr(code)
            try:
                char.encode("gb2312")
                continue
            except UnicodeEncodeError:
                pass
            simplified = t2s.convert(char)
            if len(simplified) == 1 and simplified != char:
                table[code] = simplified
    return table


@cache
def _foldable() -> re.Pattern:
    # Most text has nothing to fold: finding the few characters that do is faster than
    # str.translate looking up every character.
    return re.compile("[" + "".join(re.escape(chr(code)) for code in sorted(_fold_table())) + "]")


def fold(text: str) -> str:
    """Traditional -> simplified, full width -> half width, ASCII lower case; same length as `text`."""
    table = _fold_table()
    return _foldable().sub(lambda match: table[ord(match[0])], text)


def _units(folded: str) -> list[str]:
    """Every unit and every pair of adjacent units, run by run."""
    tokens: list[str] = []
    for run in _UNIT_RUN.findall(folded):
        tokens.extend(run)
        tokens.extend(map(str.__add__, run, run[1:]))
    return tokens


def _words(folded: str) -> list[str]:
    """jieba's search-mode words of two or more ideographs (shorter ones are units already)."""
    return [word for word in jieba.cut_for_search(folded, HMM=False) if _CJK_WORD.fullmatch(word)]


def _search_mode(words: Iterable[str]) -> list[str]:
    """What jieba's search mode makes of words already cut: each word, and its two- and
    three-character parts that are words of jieba's dictionary."""
    return [token for word in words for token in _search_parts(word)]


@lru_cache(maxsize=200_000)
def _search_parts(word: str) -> tuple[str, ...]:
    # A speech's words repeat from clause to clause and speech to speech: each is read once.
    jieba.dt.check_initialized()
    dictionary = jieba.dt.FREQ
    folded = fold(word)  # fold() keeps lengths, so a part of the word is the same slice of its folded form
    found = [
        folded[i : i + size]
        for size in (2, 3)
        if len(word) > size
        for i in range(len(word) - size + 1)
        if dictionary.get(word[i : i + size])
    ]
    found.append(folded)
    return tuple(token for token in found if _CJK_WORD.fullmatch(token))


def commitment_search_fields(
    text: str, target_texts: Iterable[str] = (), words: list[str] | None = None
) -> dict[str, str]:
    """The indexed form of a commitment, as keyword arguments for Commitment(...) or update().

    `words`, the commitment's words as the parser already cut them, spare segmenting it again."""
    folded = fold(text)
    tokens = _units(folded) + (_search_mode(words) if words is not None else _words(folded))
    return {
        "search_folded": folded,
        # Each token once: a commitment is a sentence or two, where a repeat says little, and a
        # ranking that depends on a row's length alone lets the best matches be found first.
        "search_text": " ".join(dict.fromkeys(tokens)),
        "search_sequence": _sequence(folded),
        "search_targets": targets_search_text(target_texts),
    }


def _sequence(folded: str) -> str:
    """The unit pairs of the text in order, run by run, with a break between runs: a phrase of
    pairs (固定 定资 资产) then matches only where the text holds the characters one after another."""
    tokens = []
    for run in _UNIT_RUN.findall(folded):
        if len(run) > 1:
            tokens.extend(map(str.__add__, run, run[1:]))
            tokens.append(SEQUENCE_BREAK)
    return " ".join(tokens)


def targets_search_text(target_texts: Iterable[str]) -> str:
    """The indexed form of a commitment's amounts as written (700亿元以上): ranking weighs it up."""
    return " ".join(dict.fromkeys(_units(fold(" ".join(target_texts)))))


def speech_search_fields(title: str, text: str) -> dict[str, str]:
    """The indexed form of a speech. A speech is long and its words repeat, so its body keeps each
    token once: that keeps the index small (and PostgreSQL's tsvector within its size limit), and
    jieba reads only the title, which keeps imports fast."""
    folded_title = fold(title)
    folded = fold(text)
    return {
        "search_folded": f"{folded_title}\n{folded}",
        "search_title": " ".join(_units(folded_title) + _words(folded_title)),
        "search_text": " ".join(dict.fromkeys(_units(folded))),
    }


# --- the index in the database ------------------------------------------------------------------

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


def _postgres_index_sql(table: str) -> list[str]:
    weighted, body = _PG_WEIGHTED[table]
    vector = (
        f"CASE WHEN octet_length({weighted}) + octet_length({body}) <= {PG_MAX_INDEXED_BYTES} THEN "
        f"setweight(to_tsvector('simple'::regconfig, {weighted}), 'A') || to_tsvector('simple'::regconfig, {body}) END"
    )
    return [
        f"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS search_vector tsvector GENERATED ALWAYS AS ({vector}) STORED",
        f"CREATE INDEX IF NOT EXISTS {table}_search_vector ON {table} USING gin (search_vector)",
        f"CREATE INDEX IF NOT EXISTS {table}_search_unindexed ON {table} (id) WHERE search_vector IS NULL",
    ]


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
    _best_matches).

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


def ensure_search_index(connection) -> None:
    """Create the full-text index and what keeps it in step, where missing; idempotent.

    On SQLite, Django rebuilds a table to alter it, which drops its triggers, and views or
    triggers naming another table stand in the way of such a rebuild: `drop_search_triggers`
    takes them away before a migration and this puts them back after it, re-reading the index from
    the rows (a migration may have changed them meanwhile)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for index in SQLITE_INDEXES:
                if not _has_columns(connection, cursor, index.needs()):
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
        elif connection.vendor == "postgresql":
            for table in _PG_WEIGHTED:
                # Only when missing: even a no-op ALTER TABLE waits for the table's lock.
                cursor.execute(
                    "SELECT count(*) FROM pg_indexes WHERE tablename = %s AND indexname LIKE %s",
                    [table, f"{table}_search_%"],
                )
                if cursor.fetchone()[0] < 2:
                    for statement in _postgres_index_sql(table):
                        cursor.execute(statement)
                cursor.execute("SELECT count(*) FROM pg_trigger WHERE tgname = %s", [f"{_part_table(table)}_keep"])
                if not cursor.fetchone()[0]:
                    for statement in _postgres_parts_sql(table):
                        cursor.execute(statement)


def _has_columns(connection, cursor, needs: dict[str, tuple[str, ...]]) -> bool:
    tables = set(connection.introspection.table_names(cursor))
    for table, columns in needs.items():
        if table not in tables:
            return False
        present = {column.name for column in connection.introspection.get_table_description(cursor, table)}
        if not set(columns) <= present:
            return False
    return True


def drop_search_triggers(connection) -> None:
    """Before a migration, on SQLite: the triggers and view, which ensure_search_index puts back."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            for index in SQLITE_INDEXES:
                for statement in index.drop_sql():
                    cursor.execute(statement)


def drop_search_index(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for index in SQLITE_INDEXES:
                for statement in index.drop_sql():
                    cursor.execute(statement)
                cursor.execute(f"DROP TABLE IF EXISTS {index.name}")
            cursor.execute(f"DROP TABLE IF EXISTS {CommitmentIndex.keys}")
            cursor.execute(f"DROP TABLE IF EXISTS {CommitmentIndex.totals}")
        elif connection.vendor == "postgresql":
            for table in _PG_WEIGHTED:
                cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")
                parts = _part_table(table)
                cursor.execute(f"DROP TRIGGER IF EXISTS {parts}_keep ON {table}")
                cursor.execute(f"DROP TRIGGER IF EXISTS {parts}_truncate ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {parts}_keep(), {parts}_truncate()")
                cursor.execute(f"DROP TABLE IF EXISTS {parts}")


def rebuild_search_index(progress=None, batch_size: int = 2000) -> dict[str, int]:
    """Recompute every row's indexed form and rebuild the full-text index from the rows.

    `progress(done, total)` is called as rows are read; returns how many rows of each table had
    an indexed form that changed. Each batch is its own transaction: reads go on meanwhile."""
    from .models import Commitment, Speech, Target

    connection = connections[Commitment.objects.db]
    ensure_search_index(connection)
    total = Speech.objects.count() + Commitment.objects.count()
    done = 0
    changed = {"speeches": 0, "commitments": 0}

    def batches(queryset):
        last = 0
        while rows := list(queryset.filter(pk__gt=last).order_by("pk")[:batch_size]):
            yield rows
            last = rows[-1].pk

    speech_fields = ("search_title", "search_text", "search_folded")
    for rows in batches(Speech.objects.only("title", "text", *speech_fields)):
        stale = [row for row in rows if _refill(row, speech_search_fields(row.title, row.text))]
        with transaction.atomic(using=connection.alias):
            Speech.objects.bulk_update(stale, speech_fields)
        changed["speeches"] += len(stale)
        done += len(rows)
        if progress:
            progress(done, total)
    commitment_fields = ("search_text", "search_sequence", "search_targets", "search_folded")
    for rows in batches(Commitment.objects.only("text", *commitment_fields)):
        targets: dict[int, list[str]] = {}
        for commitment_id, text in Target.objects.filter(commitment__in=rows).values_list("commitment_id", "text"):
            targets.setdefault(commitment_id, []).append(text)
        stale = [row for row in rows if _refill(row, commitment_search_fields(row.text, targets.get(row.pk, ())))]
        with transaction.atomic(using=connection.alias):
            Commitment.objects.bulk_update(stale, commitment_fields)
        changed["commitments"] += len(stale)
        done += len(rows)
        if progress:
            progress(done, total)
    if connection.vendor == "sqlite":
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            for index in SQLITE_INDEXES:
                for statement in index.rebuild_sql():
                    cursor.execute(statement)
                cursor.execute(f"INSERT INTO {index.name}({index.name}) VALUES ('optimize')")
    return changed


def _refill(row, fields: dict[str, str]) -> bool:
    """Set the fields on the row; whether any of them changed."""
    stale = False
    for name, value in fields.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            stale = True
    return stale


# --- the query language -----------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    text: str  # folded; a result's folded text must contain it
    runs: tuple[str, ...]  # its runs of units (ideographs, ASCII letters and digits)
    words: tuple[str, ...] = ()  # jieba's longer words of the term, for ranking only

    @property
    def tokens(self) -> tuple[str, ...]:
        """Index tokens that every text containing the term has: its units, or its unit pairs."""
        return tuple(dict.fromkeys(token for run in self.runs for token in _term_tokens(run)))

    @property
    def exact(self) -> bool:
        """Whether one index token proves the term: one unit, or one pair of units."""
        return self.text in self.tokens

    @property
    def one_run(self) -> bool:
        """Whether the term is one run of units, which a commitment's pair sequence proves."""
        return self.runs == (self.text,)


@dataclass(frozen=True)
class ParsedQuery:
    """A query as the user typed it, parsed: every term must occur, no excluded term may."""

    query: str
    terms: tuple[Term, ...] = ()
    excluded: tuple[Term, ...] = ()
    problem: str | None = None  # why the query finds nothing before looking, in the user's words

    def __bool__(self) -> bool:
        return self.problem is None


def _term(text: str) -> Term:
    words = tuple(word for word in dict.fromkeys(_words(text)) if len(word) > 2) if len(text) > 2 else ()
    return Term(text, tuple(_UNIT_RUN.findall(text)), words)


def _term_tokens(run: str) -> list[str]:
    return [run] if len(run) == 1 else list(map(str.__add__, run, run[1:]))


def parse_query(query: str) -> ParsedQuery:
    """Space-separated terms must all occur; "a quoted phrase" must occur as written, spaces and
    all; -term must not occur. Both sides are folded, so 長沙 finds 长沙 and ７００ finds 700."""
    query = (query or "").strip()
    if not query:
        return ParsedQuery(query, problem="请输入要搜索的词语。")
    if len(query) > QUERY_MAX_CHARS:
        return ParsedQuery(query, problem=f"搜索词过长：最多 {QUERY_MAX_CHARS} 个字。")
    folded = fold(query).replace("“", '"').replace("”", '"')
    terms: dict[str, Term] = {}
    excluded: dict[str, Term] = {}
    for match in _QUERY_TERM.finditer(folded):
        minus, text = (match[1], match[2]) if match[2] is not None else (match[3], match[4])
        if not text.strip():
            continue
        if minus:
            excluded.setdefault(text, _term(text))
        else:
            terms.setdefault(text, _term(text))
    if not terms:
        return ParsedQuery(query, problem="请至少输入一个要查找的词（“-词语”只用来排除）。")
    if not any(term.runs for term in terms.values()):
        return ParsedQuery(query, problem="搜索词里没有汉字、字母或数字。")
    return ParsedQuery(query, tuple(terms.values()), tuple(excluded.values()))


# --- index expressions --------------------------------------------------------------------------
# Tokens are units, unit pairs, words of ideographs or prefixed such tokens: quoting them needs no
# escaping, and nothing the user typed reaches the full-text engine's syntax.


def _quoted(tokens: Iterable[str], quote: str) -> list[str]:
    return [f"{quote}{token}{quote}" for token in tokens]


def _term_expression(term: Term, quote: str, and_: str, or_: str) -> str:
    """The term as the AND of its tokens (a superset of the rows holding it, checked after)."""
    required = f" {and_} ".join(_quoted(term.tokens, quote))
    if not term.words:
        return f"({required})"
    # Always true given `required` (its first token is required), but it brings jieba's words of
    # the term into the score of the rows that have them.
    optional = f" {or_} ".join(_quoted((*term.words, term.tokens[0]), quote))
    return f"({required} {and_} ({optional}))"


def fts5_expression(parsed: ParsedQuery) -> str:
    """The speeches' FTS5 query."""
    expression = " AND ".join(_term_expression(term, '"', "AND", "OR") for term in parsed.terms if term.tokens)
    excluded = [f'"{term.text}"' for term in parsed.excluded if term.exact]
    return f"({expression}) NOT ({' OR '.join(excluded)})" if excluded else expression


def tsquery_expression(parsed: ParsedQuery) -> str:
    """PostgreSQL's tsquery, for both tables."""
    expression = " & ".join(_term_expression(term, "'", "&", "|") for term in parsed.terms if term.tokens)
    excluded = [f"'{term.text}'" for term in parsed.excluded if term.exact]
    return f"({expression}) & !({' | '.join(excluded)})" if excluded else expression


def _proof(run: str) -> str:
    """What finds exactly the commitments holding a run of units: its token, or its pairs as a
    phrase of the pair sequence."""
    if len(run) <= 2:
        return f'"{run}"'
    return f'{{search_sequence}}: "{" ".join(_term_tokens(run))}"'


def _optional(term: Term) -> tuple[str, ...]:
    """Phrases a commitment holding the term may have, which raise its score: jieba's longer words
    of the term, and the term's tokens among the commitment's amounts."""
    return (*term.words, *(f"{TARGET_PREFIX}{token}" for token in term.tokens))


@dataclass(frozen=True)
class CommitmentQuery:
    """A commitment search in FTS5's language, three ways."""

    full: str  # which rows match, and their bm25: what the rows are joined on
    matches: str  # which rows match, and no more: to count them, and list them shortest first
    ranking: str  # what weighs in bm25: the same score as `full` gives a matching row, more cheaply


def commitment_query(
    parsed: ParsedQuery,
    facets: Iterable[Iterable[str]] = (),
    present: Iterable[str] | None = None,
    narrow: Iterable[Iterable[str]] = (),
) -> CommitmentQuery:
    """Each term proven by the index (a token, or a phrase of its pairs) or narrowed to the rows
    holding all its tokens (and checked); each group of filter tokens, one of which a row must have.

    Only the tokens of search_text weigh: the pair phrases and filter tokens, in columns of weight
    0, and excluded terms add 0 to a row's bm25, so `ranking` leaves them out; in `full` they come
    first in each term, so the sums are the same floating-point numbers. `present`, the optional
    phrases some commitment has (all, if not given): the others could only add 0 to a score.
    `narrow`, the filters few rows have (a city, a topic): in `ranking` too, they spare scoring the
    rows they leave out, where counting a wide filter's rows (a kind: a third of the archive) would
    cost more than scoring the rows it leaves out."""
    present = None if present is None else set(present)
    proofs, ranked, full = [], [], []
    used: set[str] = set()  # an optional phrase once in all: _ceiling counts each once
    for term in parsed.terms:
        if not term.runs:
            continue
        proof = [_proof(run) for run in term.runs]
        # What weighs for each run: itself if one or two units, else its rarest-looking pair (every
        # row holding the run has all its pairs, so more of them would add the same to every match,
        # and bm25 counts the rows of each); jieba's words of the term and its amounts add to that.
        tokens = _quoted(dict.fromkeys(run if len(run) <= 2 else _anchor(run) for run in term.runs), '"')
        optional = [
            phrase for phrase in _optional(term) if (present is None or phrase in present) and phrase not in used
        ]
        used.update(optional)
        scored = " AND ".join(tokens)
        if optional:  # (... OR a token of the term) is always true: it only brings the phrases into the score
            either = " OR ".join([*_quoted(optional, '"'), tokens[0]])
            scored += f" AND ({either})"
        proofs.append(f"({' AND '.join(proof)})")
        ranked.append(f"({scored})")
        full.append(f"({' AND '.join([*(phrase for phrase in proof if phrase not in tokens), scored])})")
    filters = [f"({' OR '.join(group)})" for group in map(tuple, facets)]
    excluded = [_proof(term.runs[0]) for term in parsed.excluded if term.one_run]

    def written(parts: list[str]) -> str:
        expression = " AND ".join(parts)
        return f"({expression}) NOT ({' OR '.join(excluded)})" if excluded else expression

    narrowed = [f"({' OR '.join(group)})" for group in map(tuple, narrow)]
    return CommitmentQuery(written(full + filters), written(proofs + filters), " AND ".join(ranked + narrowed))


def _anchor(run: str) -> str:
    """A pair of a longer run, preferably a rare one (bm25 counts its rows): a pair across two of
    jieba's words (本公 in 基本公共服务) is rarer than a word (基本)."""
    pairs = _term_tokens(run)
    return next((pair for pair in pairs if pair not in jieba.dt.FREQ), pairs[0])


def _checks(parsed: ParsedQuery, proven) -> tuple[tuple[str, bool], ...]:
    """The terms the index cannot prove by itself, each with whether it must occur (or must not)."""
    return tuple(
        [(term.text, True) for term in parsed.terms if not proven(term)]
        + [(term.text, False) for term in parsed.excluded if not proven(term)]
    )


def _verified(queryset: QuerySet, checks: tuple[tuple[str, bool], ...]) -> QuerySet:
    """The exact check, where the index alone cannot prove a term: the folded text holds it (or
    does not). On the row's own columns, so it stays right inside subqueries."""
    for text, occurs in checks:
        position = StrIndex("search_folded", Value(text))
        queryset = queryset.filter(GreaterThan(position, 0) if occurs else Exact(position, 0))
    return queryset


def _checked(index, checks: tuple[tuple[str, bool], ...]) -> tuple[str, str, list[str]]:
    """For SQL over the index as `f`: the join to the table's rows (as `t`) and the conditions
    that check the terms on them, with their parameters; nothing when there is nothing to check."""
    if not checks:
        return "", "", []
    join = f" JOIN {index.table} t ON t.id = {_row_id(index, 'f')}"
    sql = "".join(f" AND instr(t.search_folded, %s) {'>' if occurs else '='} 0" for _, occurs in checks)
    return join, sql, [text for text, _ in checks]


class _AliasedSQL(Expression):
    """SQL about one table alias of the query, kept right when Django renames aliases (as it does
    when the results are used as a subquery): `{alias}` in the template is the quoted alias."""

    def __init__(self, template: str, alias: str, params: list, output_field):
        super().__init__(output_field=output_field)
        self.template, self.alias, self.params = template, alias, params

    def as_sql(self, compiler, connection):
        # A parameter may be worked out only when the query runs (see _CommitmentSearch).
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


def _row_id(index, alias: str) -> str:
    """The id of the table's row an index row stands for."""
    if isinstance(index, CommitmentIndex):
        return f"({alias}.rowid & {(1 << index.key_bits) - 1})"
    return f"({alias}.rowid + 0)"


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
        return _AliasedSQL(
            f'{{alias}}."{self.index.name}" MATCH %s AND "{related_alias}"."id" = {_row_id(self.index, "{alias}")}',
            alias,
            [self.expression],
            BooleanField(),
        )


def _sqlite_matches(queryset: QuerySet, index, expression, checks) -> QuerySet:
    """The rows matching `expression` in the SQLite index, each with `search_rank` (-bm25)."""
    queryset = _verified(queryset, checks).all()  # a copy: the join goes into its query
    query = queryset.query
    alias = query.join(Join(index.name, query.get_initial_alias(), None, INNER, _IndexJoin(index, expression), False))
    weights = ", ".join(map(str, index.weights))
    rank = _AliasedSQL(f'-bm25({{alias}}."{index.name}", {weights})', alias, [], FloatField())
    return queryset.annotate(search_rank=rank)


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


def _postgres_matches(queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
    """A stored tsvector ('simple') over the indexed form, with a GIN index; rows whose indexed
    form is too long for one tsvector have none and are found through their parts."""
    alias = queryset.query.get_initial_alias()
    tsquery = tsquery_expression(parsed)
    parts, parts_params = _postgres_parts_match(queryset.model._meta.db_table, parsed)
    matches = _AliasedSQL(
        f"({{alias}}.search_vector @@ %s::tsquery OR ({{alias}}.search_vector IS NULL AND {{alias}}.id IN ({parts})))",
        alias,
        [tsquery, *parts_params],
        BooleanField(),
    )
    rank = _AliasedSQL(
        "coalesce(ts_rank_cd(%s::float4[], {alias}.search_vector, %s::tsquery, 1), 0)",
        alias,
        [PG_WEIGHTS, tsquery],
        FloatField(),
    )
    return _verified(queryset.filter(matches), _checks(parsed, lambda term: term.exact)).annotate(search_rank=rank)


def _vendor(queryset: QuerySet) -> str:
    vendor = connections[queryset.db].vendor
    if vendor not in {"sqlite", "postgresql"}:
        raise NotImplementedError(f"全文检索不支持 {vendor} 数据库")
    return vendor


# --- the best matches of a commitment search, without scoring every match ----------------------

# FTS5's bm25 constants.
_K1, _B = 1.2, 0.75


def _statistics(connection, index: CommitmentIndex, phrases: tuple[str, ...]) -> tuple[int, int, dict[str, float]]:
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


def _best_matches(connection, plan: _IndexPlan, count: int) -> list[tuple[int, float]] | None:
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
    rows, tokens, optional = _statistics(connection, index, tuple(plan.search.optional))
    if not rows:
        return []
    average = tokens / rows

    def saturation(key: int) -> float:
        size = key >> index.key_bits
        return (_K1 + 1) / (1 + _K1 * (1 - _B + _B * size / average))

    mask = (1 << index.key_bits) - 1

    def order(match: tuple[int, float]) -> tuple[float, int]:
        return (-match[1], match[0] & mask)

    join, checks, params = _checked(index, plan.checks)
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


# --- snippets ---------------------------------------------------------------------------------


def highlight(text: str, folded: str, terms: Iterable[str], limit: int | None = SNIPPET_CHARS) -> SafeString:
    """`text` escaped, with each occurrence of a (folded) term marked; found in `folded`, which is
    as long as `text`, so traditional or full-width text is marked where the term is. With a
    `limit`, only a window of that many characters around the first match, … where cut."""
    spans = _spans(folded, terms)
    start, end = 0, len(text)
    if limit is not None and len(text) > limit:
        first = spans[0][0] if spans else 0
        start = max(0, min(first - limit // 4, len(text) - limit))
        end = start + limit
    pieces = ["…" if start > 0 else ""]
    position = start
    for span_start, span_end in spans:
        if span_end <= start or span_start >= end:
            continue
        span_start, span_end = max(span_start, position), min(span_end, end)
        pieces.append(escape(text[position:span_start]))
        pieces.append(f"<mark>{escape(text[span_start:span_end])}</mark>")
        position = span_end
    pieces.append(escape(text[position:end]))
    pieces.append("…" if end < len(text) else "")
    return mark_safe("".join(pieces))


def _spans(folded: str, terms: Iterable[str]) -> list[tuple[int, int]]:
    """Where the terms occur, overlapping occurrences merged, in order."""
    found = []
    for term in terms:
        start = folded.find(term)
        while start >= 0:
            found.append((start, start + len(term)))
            start = folded.find(term, start + 1)
    merged: list[tuple[int, int]] = []
    for start, end in sorted(found):
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


class _HighlightedIterable(ModelIterable):
    """Model instances, each given `snippet` (and `title_snippet` for speeches) as it is read."""

    terms: tuple[str, ...] = ()

    def __iter__(self) -> Iterator:
        for instance in super().__iter__():
            _annotate_snippet(instance, self.terms)
            yield instance


def _annotate_snippet(instance, terms: tuple[str, ...]) -> None:
    from .models import Speech

    if isinstance(instance, Speech):
        title, text = instance.title, instance.text
        folded = instance.search_folded
        if len(folded) != len(title) + 1 + len(text):  # changed behind save()'s back
            folded = f"{fold(title)}\n{fold(text)}"
        instance.title_snippet = highlight(title, folded[: len(title)], terms, limit=None)
        instance.snippet = highlight(text, folded[len(title) + 1 :], terms)
    else:
        text, folded = instance.text, instance.search_folded
        if len(folded) != len(text):
            folded = fold(text)
        instance.snippet = highlight(text, folded, terms)


def _highlighted(queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
    # The iterable class travels with every clone of the queryset (filter, order_by, slicing).
    queryset._iterable_class = type(
        "HighlightedIterable", (_HighlightedIterable,), {"terms": tuple(term.text for term in parsed.terms)}
    )
    return queryset


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
        phrases = tuple(dict.fromkeys(phrase for term in self.parsed.terms for phrase in _optional(term)))
        return _statistics(connections[self.using], CommitmentIndex(), phrases)[2]

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
    checks: tuple[tuple[str, bool], ...]  # terms to check on the rows (see _checks)
    shape: tuple = ()
    base: QuerySet | None = None  # the rows searched, before the index joined them
    ranked: bool = True  # best first (else newest first: pages come from the table)


class _AnsweredByIndex:
    """Search results that, as long as nothing narrowed or reordered them, the full-text index
    answers by itself: count() counts there, and a page is picked there before any row is read.
    Either way a common word's many matches are not each looked up in the table."""

    _index_plan: _IndexPlan | None = None

    def _clone(self):
        clone = super()._clone()
        clone._index_plan = self._index_plan
        return clone

    def _untouched(self) -> _IndexPlan | None:
        plan = self._index_plan
        if plan is not None and self._result_cache is None and _shape(self.query) == plan.shape:
            return plan
        return None

    def count(self):
        plan = self._untouched()
        if plan is None or self.query.is_sliced:
            return super().count()
        join, checks, params = _checked(plan.index, plan.checks)
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {plan.index.name} f{join} WHERE f.{plan.index.name} MATCH %s{checks}",
                [plan.search.matches, *params],
            )
            return cursor.fetchone()[0]

    def _fetch_all(self):
        plan = self._untouched()
        if plan is None or not plan.ranked or self.query.high_mark is None:
            return super()._fetch_all()
        if isinstance(plan.index, CommitmentIndex):
            best = _best_matches(connections[self.db], plan, self.query.high_mark)
            if best is None:
                return super()._fetch_all()
            ranks = dict(best)
        else:
            with connections[self.db].cursor() as cursor:
                # A few thousand speeches: bm25 over every match, then the page.
                index, weights = plan.index.name, ", ".join(map(str, plan.index.weights))
                join, checks, params = _checked(plan.index, plan.checks)
                cursor.execute(
                    f"SELECT f.rowid, -bm25(f.{index}, {weights}) FROM {index} f{join} WHERE f.{index} MATCH %s{checks} "
                    f"ORDER BY bm25(f.{index}, {weights}), f.rowid LIMIT %s",
                    [plan.search.full, *params, self.query.high_mark],
                )
                ranks = dict(cursor.fetchall())
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


def _sqlite_search(base: QuerySet, plan: _IndexPlan, order: str, prefix: str, parsed: ParsedQuery) -> QuerySet:
    """The matches as a QuerySet (any filter, order or aggregate works on it), whose count() and
    best-first pages the index answers while nothing changed it."""
    results = _highlighted(
        _ordered(_sqlite_matches(base, plan.index, lambda: plan.search.full, plan.checks), order, prefix), parsed
    )
    results.__class__ = _answered_by_index(type(results))
    results._index_plan = dataclasses.replace(plan, shape=_shape(results.query), base=base, ranked=order == "relevance")
    return results


# --- the entry points -------------------------------------------------------------------------


def _region_id(value) -> int | None:
    """A Region, its primary key or its code; an unknown code gives an id that matches nothing."""
    from .models import Region

    if value is None or isinstance(value, int):
        return value
    if isinstance(value, Region):
        return value.pk
    return Region.objects.filter(code=str(value)).values_list("pk", flat=True).first() or 0


def _topic_id(value) -> int | None:
    """A Topic, its primary key or its slug."""
    from .models import Topic

    if value is None or isinstance(value, int):
        return value
    if isinstance(value, Topic):
        return value.pk
    return Topic.objects.filter(slug=str(value)).values_list("pk", flat=True).first() or 0


def _years(year) -> list[int] | None:
    """The years a filter allows: one, a range(), or a (first, last) pair, both included."""
    from .filters import FIRST_YEAR, LAST_YEAR

    if year is None:
        return None
    if isinstance(year, range):
        first, last = year.start, year.stop - 1
    elif isinstance(year, tuple | list):
        first, last = (int(value) for value in year)
    else:
        first = last = int(year)
    return list(range(max(first, FIRST_YEAR), min(last, LAST_YEAR) + 1))


@dataclass(frozen=True)
class CommitmentFilters:
    """What search_commitments narrows by: ids, kinds and years, already resolved."""

    city: int | None = None
    province: int | None = None
    topic: int | None = None
    years: list[int] | None = None
    kind: str | None = None
    strength: str | None = None

    def facets(self) -> list[list[str]]:
        """As the index's filter tokens (see CommitmentIndex): each group, one of which must be there."""
        groups = []
        if self.city is not None:
            groups.append([f"city{self.city}"])
        if self.province is not None:
            groups.append([f"province{self.province}"])
        if self.topic is not None:
            groups.append([f"topic{self.topic}"])
        if self.years is not None:
            groups.append(year_tokens(self.years) or ["year0"])
        if self.kind:
            groups.append([f"kind{_token_safe(self.kind)}"])
        if self.strength:
            groups.append([f"strength{_token_safe(self.strength)}"])
        return groups

    def narrow_facets(self) -> list[list[str]]:
        """The filter tokens few rows have: a place, a topic, a single year."""
        wide = ("kind", "strength", "lustrum", "decade", *(("year",) * (len(self.years or ()) > 1)))
        return [group for group in self.facets() if not group[0].startswith(wide)]

    def condition(self) -> Q:
        """As a condition on the rows, where the index has no filter tokens (PostgreSQL)."""
        condition = _place_condition("speech__", self.city, self.province)
        if self.topic is not None:
            condition &= Q(topic=self.topic)
        if self.years is not None:
            condition &= Q(speech__year__in=self.years)
        if self.kind:
            condition &= Q(kind=self.kind)
        if self.strength:
            condition &= Q(strength=self.strength)
        return condition


def _place_condition(prefix: str, city: int | None, province: int | None) -> Q:
    from .models import Region

    condition = Q()
    if city is not None:
        # A speech placed in one of the city's counties is a speech of the city too; a county's code
        # chooses the speeches of that county.
        condition &= Q(**{f"{prefix}city__in": Region.objects.filter(Q(pk=city) | Q(parent=city))}) | Q(
            **{f"{prefix}county": city}
        )
    if province is not None:
        condition &= Q(**{f"{prefix}province": province})
    return condition


def year_tokens(years: list[int]) -> list[str]:
    """The fewest year, lustrum (five years) and decade tokens covering consecutive years."""
    tokens, year, last = [], years[0] if years else 0, years[-1] if years else -1
    while year <= last:
        for size, name in ((10, "decade"), (5, "lustrum")):
            if year % size == 0 and year + size - 1 <= last:
                tokens.append(f"{name}{year}")
                year += size
                break
        else:
            tokens.append(f"year{year}")
            year += 1
    return tokens


def _token_safe(value: str) -> str:
    # Kinds and strengths are ASCII words; anything else cannot match one, nor break the query.
    return value if re.fullmatch(r"[a-z]+", value) else "unknown"


def _ordered(queryset: QuerySet, order: str, prefix: str) -> QuerySet:
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


_SPEECH_TEXTS = ("text", "original_text", "search_title", "search_text", "search_folded")


def search_commitments(
    query: str | ParsedQuery,
    *,
    city=None,
    province=None,
    topic=None,
    year=None,
    kind: str | None = None,
    strength: str | None = None,
    order: str = "relevance",
) -> QuerySet:
    """Commitments whose text contains every term of the query, best first (or newest first with
    order="date"); each carries `search_rank` and `snippet` (escaped HTML, matches in <mark>).
    `city` includes the city's counties; `year` is a year, a range() or a (first, last) pair."""
    from .models import Commitment

    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    # The speech comes along for its title and place, not its (long) texts.
    queryset = Commitment.objects.select_related("speech").defer(
        "search_text", "search_sequence", "search_targets", *(f"speech__{name}" for name in _SPEECH_TEXTS)
    )
    if not parsed:
        return _highlighted(queryset.none(), parsed)
    filters = CommitmentFilters(
        _region_id(city), _region_id(province), _topic_id(topic), _years(year), kind or None, strength or None
    )
    if _vendor(queryset) == "postgresql":
        return _highlighted(
            _ordered(_postgres_matches(queryset.filter(filters.condition()), parsed), order, "speech__"), parsed
        )
    search = _CommitmentSearch(parsed, filters, queryset.db)
    plan = _IndexPlan(CommitmentIndex(), search, _checks(parsed, lambda term: term.one_run))
    return _sqlite_search(queryset, plan, order, "speech__", parsed)


def search_speeches(
    query: str | ParsedQuery,
    *,
    city=None,
    province=None,
    topic=None,
    year=None,
    order: str = "relevance",
) -> QuerySet:
    """Speeches whose title or text contains every term of the query, best first; a match in the
    title counts most. Each carries `search_rank`, `snippet` (from the text) and `title_snippet`."""
    from .models import Speech

    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    queryset = Speech.objects.defer(*(name for name in _SPEECH_TEXTS if name not in {"text", "search_folded"}))
    if not parsed:
        return _highlighted(queryset.none(), parsed)
    condition = _place_condition("", _region_id(city), _region_id(province))
    topic_id, years = _topic_id(topic), _years(year)
    if topic_id is not None:
        condition &= Q(topics=topic_id)
    if years is not None:
        condition &= Q(year__in=years)
    if condition:
        queryset = queryset.filter(condition)
    if _vendor(queryset) == "postgresql":
        return _highlighted(_ordered(_postgres_matches(queryset, parsed), order, ""), parsed)
    plan = _IndexPlan(SpeechIndex(), _SpeechSearch(fts5_expression(parsed)), _checks(parsed, lambda term: term.exact))
    if condition:  # the speeches' filters are conditions on the rows, which the index cannot answer
        index = plan.index
        return _highlighted(
            _ordered(_sqlite_matches(queryset, index, plan.search.full, plan.checks), order, ""), parsed
        )
    return _sqlite_search(queryset, plan, order, "", parsed)
