"""Full-text search of commitments and speeches: the one entry point, one backend per database vendor.

Chinese has no spaces, and neither SQLite's nor PostgreSQL's full-text engine segments it. So each
row carries an *indexed form* computed here in Python when it is saved or bulk-created:

- `search_folded`: the searchable text folded (traditional -> simplified, full width -> half width,
  ASCII lower case) character by character, so it is exactly as long as the original text;
- `search_text`: tokens for the full-text index: every character ("unit": a CJK ideograph, an ASCII
  letter or digit) of the folded text, every pair of adjacent units, and the words jieba (search
  mode) finds.

A query term that is a substring of a text has all its units and unit pairs among the text's
tokens, however jieba cut either of them. So a term becomes the AND of its unit pairs (or its one
unit), which the index answers fast and which finds every row containing the term; then each
candidate is checked exactly, `instr`/`strpos` of the folded term in `search_folded`. The results
are therefore exactly those of a substring search, with no reliance on token positions. jieba's
words only weigh in the ranking: a row where jieba reads the term as a word of its own ranks higher.

SQLite keeps an FTS5 table (external content) over `search_text`, and PostgreSQL a generated
tsvector ('simple' configuration) with a GIN index; both are created in migration 0004 and kept in
step by the database itself (triggers, a generated column), in the same transaction as every
insert, update and delete. Ranking is bm25() in FTS5 and ts_rank_cd() in PostgreSQL, with matches
in a commitment's amounts (`search_targets`) and in a speech's title (`search_title`) weighted up.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
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
    dictionary = jieba.dt.FREQ
    found = []
    for word in words:
        for size in (2, 3):
            if len(word) > size:
                found.extend(part for i in range(len(word) - size + 1) if dictionary.get(part := word[i : i + size]))
        found.append(word)
    return [word for word in map(fold, found) if _CJK_WORD.fullmatch(word)]


def commitment_search_fields(
    text: str, target_texts: Iterable[str] = (), words: list[str] | None = None
) -> dict[str, str]:
    """The indexed form of a commitment, as keyword arguments for Commitment(...) or update().

    `words`, the commitment's words as the parser already cut them, spare segmenting it again."""
    folded = fold(text)
    return {
        "search_folded": folded,
        "search_text": " ".join(_units(folded) + (_search_mode(words) if words is not None else _words(folded))),
        "search_targets": targets_search_text(target_texts),
    }


def targets_search_text(target_texts: Iterable[str]) -> str:
    """The indexed form of a commitment's amounts as written (700亿元以上): ranking weighs it up."""
    return " ".join(_units(fold(" ".join(target_texts))))


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

# The indexed columns of each table: for FTS5 in bm25 weight order (see the *_WEIGHTS above); for
# PostgreSQL the first of the pair is weighted A, the second D.
INDEXED_COLUMNS = {
    "speeches_commitment": ("search_text", "search_targets"),
    "speeches_speech": ("search_title", "search_text"),
}
_PG_WEIGHTED = {
    "speeches_commitment": ("search_targets", "search_text"),
    "speeches_speech": ("search_title", "search_text"),
}
# A tsvector may not exceed 1 MB; an indexed form this long (a few times any real speech) gets
# none, and such rows are checked directly on every search instead.
PG_MAX_INDEXED_BYTES = 400_000


def _sqlite_index_sql(table: str, columns: tuple[str, ...]) -> list[str]:
    index = f"{table}_fts"
    names = ", ".join(columns)
    new = ", ".join(f"new.{column}" for column in columns)
    old = ", ".join(f"old.{column}" for column in columns)
    changed = " OR ".join(f"old.{column} IS NOT new.{column}" for column in columns)
    delete = f"INSERT INTO {index}({index}, rowid, {names}) VALUES ('delete', old.id, {old});"
    insert = f"INSERT INTO {index}(rowid, {names}) VALUES (new.id, {new});"
    return [
        f"CREATE VIRTUAL TABLE IF NOT EXISTS {index} USING fts5({names}, content='{table}', content_rowid='id', "
        "tokenize='unicode61 remove_diacritics 0')",
        f"CREATE TRIGGER IF NOT EXISTS {index}_insert AFTER INSERT ON {table} BEGIN {insert} END",
        f"CREATE TRIGGER IF NOT EXISTS {index}_delete AFTER DELETE ON {table} BEGIN {delete} END",
        f"CREATE TRIGGER IF NOT EXISTS {index}_update AFTER UPDATE OF {names} ON {table} WHEN {changed} "
        f"BEGIN {delete} {insert} END",
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


def ensure_search_index(connection) -> None:
    """Create the full-text index and what keeps it in step, where missing; idempotent.

    On SQLite, Django rebuilds a table to alter it (most AddField and AlterField operations), which
    drops the table's triggers: run this after migrating (rebuild_search_index does), and it puts
    them back and re-reads the index from the rows."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            for table, columns in INDEXED_COLUMNS.items():
                cursor.execute(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s AND name LIKE %s",
                    [table, f"{table}_fts_%"],
                )
                complete = cursor.fetchone()[0] == 3
                for statement in _sqlite_index_sql(table, columns):
                    cursor.execute(statement)
                if not complete:
                    cursor.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")
        elif connection.vendor == "postgresql":
            for table in INDEXED_COLUMNS:
                # Only when missing: even a no-op ALTER TABLE waits for the table's lock.
                cursor.execute(
                    "SELECT count(*) FROM pg_indexes WHERE tablename = %s AND indexname LIKE %s",
                    [table, f"{table}_search_%"],
                )
                if cursor.fetchone()[0] < 2:
                    for statement in _postgres_index_sql(table):
                        cursor.execute(statement)


def drop_search_index(connection) -> None:
    with connection.cursor() as cursor:
        for table in INDEXED_COLUMNS:
            if connection.vendor == "sqlite":
                for action in ("insert", "delete", "update"):
                    cursor.execute(f"DROP TRIGGER IF EXISTS {table}_fts_{action}")
                cursor.execute(f"DROP TABLE IF EXISTS {table}_fts")
            elif connection.vendor == "postgresql":
                cursor.execute(f"ALTER TABLE {table} DROP COLUMN IF EXISTS search_vector")


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
    commitment_fields = ("search_text", "search_targets", "search_folded")
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
        with connection.cursor() as cursor:
            for table in INDEXED_COLUMNS:
                cursor.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('rebuild')")
                cursor.execute(f"INSERT INTO {table}_fts({table}_fts) VALUES ('optimize')")
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
    tokens: tuple[str, ...]  # index tokens that every text containing `text` has
    words: tuple[str, ...] = ()  # jieba's longer words of the term, for ranking only

    @property
    def exact(self) -> bool:
        """Whether the index alone proves the term: one unit, or one pair of units."""
        return self.text in self.tokens


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
    tokens = dict.fromkeys(token for run in _UNIT_RUN.findall(text) for token in _term_tokens(run))
    words = tuple(word for word in dict.fromkeys(_words(text)) if len(word) > 2) if len(text) > 2 else ()
    return Term(text, tuple(tokens), words)


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
    if not any(term.tokens for term in terms.values()):
        return ParsedQuery(query, problem="搜索词里没有汉字、字母或数字。")
    return ParsedQuery(query, tuple(terms.values()), tuple(excluded.values()))


# --- backends ---------------------------------------------------------------------------------


def _quoted(tokens: Iterable[str], quote: str) -> list[str]:
    # Tokens are units only (ideographs, ASCII letters and digits), so quoting needs no escaping
    # and nothing the user typed reaches the full-text engine's syntax.
    return [f"{quote}{token}{quote}" for token in tokens]


def _term_expression(term: Term, quote: str, and_: str, or_: str) -> str:
    required = f" {and_} ".join(_quoted(term.tokens, quote))
    if not term.words:
        return f"({required})"
    # Always true given `required` (its first token is required), but it brings jieba's words of
    # the term into the score of the rows that have them.
    optional = f" {or_} ".join(_quoted((*term.words, term.tokens[0]), quote))
    return f"({required} {and_} ({optional}))"


def fts5_expression(parsed: ParsedQuery) -> str:
    expression = " AND ".join(_term_expression(term, '"', "AND", "OR") for term in parsed.terms if term.tokens)
    excluded = [f'"{term.text}"' for term in parsed.excluded if term.exact]
    return f"({expression}) NOT ({' OR '.join(excluded)})" if excluded else expression


def tsquery_expression(parsed: ParsedQuery) -> str:
    expression = " & ".join(_term_expression(term, "'", "&", "|") for term in parsed.terms if term.tokens)
    excluded = [f"'{term.text}'" for term in parsed.excluded if term.exact]
    return f"({expression}) & !({' | '.join(excluded)})" if excluded else expression


def _needs_check(parsed: ParsedQuery) -> bool:
    return not all(term.exact for term in (*parsed.terms, *parsed.excluded))


def _verified(queryset: QuerySet, parsed: ParsedQuery) -> QuerySet:
    """The exact check: the folded text holds every term and no excluded one, where the index alone
    cannot prove it (it can for one unit or one pair). On the row's own columns, so it stays right
    inside subqueries."""
    for term in parsed.terms:
        if not term.exact:
            queryset = queryset.filter(GreaterThan(StrIndex("search_folded", Value(term.text)), 0))
    for term in parsed.excluded:
        if not term.exact:
            queryset = queryset.filter(Exact(StrIndex("search_folded", Value(term.text)), 0))
    return queryset


class _AliasedSQL(Expression):
    """SQL about one table alias of the query, kept right when Django renames aliases (as it does
    when the results are used as a subquery): `{alias}` in the template is the quoted alias."""

    def __init__(self, template: str, alias: str, params: list, output_field):
        super().__init__(output_field=output_field)
        self.template, self.alias, self.params = template, alias, params

    def as_sql(self, compiler, connection):
        return self.template.format(alias=compiler.quote_name_unless_alias(self.alias)), list(self.params)

    def relabeled_clone(self, change_map):
        clone = copy.copy(self)
        clone.alias = change_map.get(self.alias, self.alias)
        return clone

    def get_group_by_cols(self):
        return [self]

    @property
    def identity(self):
        return (type(self), self.template, self.alias, tuple(self.params))


class _IndexJoin:
    """The FTS5 table joined on rowid, matched in the ON clause: what Django's Join asks of a field.

    `rowid + 0` keeps SQLite from reading the index once per row (and paying bm25's statistics
    each time): the index always drives, and rows follow by primary key."""

    def __init__(self, index: str, expression: str):
        self.index, self.expression = index, expression
        # Django asks a join's field for the table it leads to when the query holds a subquery.
        self.related_model = SimpleNamespace(_meta=SimpleNamespace(db_table=index))

    def get_joining_fields(self):
        return ()

    def get_extra_restriction(self, alias, related_alias):
        return _AliasedSQL(
            f'{{alias}}."{self.index}" MATCH %s AND "{related_alias}"."id" = {{alias}}.rowid + 0',
            alias,
            [self.expression],
            BooleanField(),
        )


class SqliteBackend:
    """FTS5 over `search_text` (and `search_targets` / `search_title`), external content."""

    def filter(self, queryset: QuerySet, parsed: ParsedQuery, weights: tuple[float, ...]) -> QuerySet:
        index = f"{queryset.model._meta.db_table}_fts"
        queryset = _verified(queryset, parsed).all()  # a copy: the join goes into its query
        query = queryset.query
        alias = query.join(
            Join(index, query.get_initial_alias(), None, INNER, _IndexJoin(index, fts5_expression(parsed)), False)
        )
        rank = _AliasedSQL(f'-bm25({{alias}}."{index}", {", ".join(map(str, weights))})', alias, [], FloatField())
        return queryset.annotate(search_rank=rank)


class PostgresBackend:
    """A stored tsvector ('simple') over the indexed form, with a GIN index; rows whose indexed
    form is too long for a tsvector have none and are checked directly."""

    def filter(self, queryset: QuerySet, parsed: ParsedQuery, weights: tuple[float, ...]) -> QuerySet:
        alias = queryset.query.get_initial_alias()
        tsquery = tsquery_expression(parsed)
        matches = _AliasedSQL(
            "({alias}.search_vector @@ %s::tsquery OR {alias}.search_vector IS NULL)", alias, [tsquery], BooleanField()
        )
        rank = _AliasedSQL(
            "coalesce(ts_rank_cd(%s::float4[], {alias}.search_vector, %s::tsquery, 1), 0)",
            alias,
            [PG_WEIGHTS, tsquery],
            FloatField(),
        )
        return _verified(queryset.filter(matches), parsed).annotate(search_rank=rank)


def backend(using: str = "default") -> SqliteBackend | PostgresBackend:
    vendor = connections[using].vendor
    if vendor == "sqlite":
        return SqliteBackend()
    if vendor == "postgresql":
        return PostgresBackend()
    raise NotImplementedError(f"全文检索不支持 {vendor} 数据库")


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


@dataclass(frozen=True)
class _IndexOnly:
    """An unfiltered search, best first, whose matches the index proves by itself."""

    index: str
    expression: str
    weights: tuple[float, ...]
    shape: tuple
    base: QuerySet  # the rows searched, before the index joined them
    ranked: bool  # best first (else newest first: pages come from the table)


class _AnsweredByIndex:
    """Search results that, as long as nothing narrowed or reordered them, the full-text index
    answers by itself: count() counts there, and a page is picked there before any row is read.
    Either way a common word's many matches are not each looked up in the table."""

    _index_only: _IndexOnly | None = None

    def _clone(self):
        clone = super()._clone()
        clone._index_only = self._index_only
        return clone

    def _untouched(self) -> _IndexOnly | None:
        index_only = self._index_only
        if index_only is not None and self._result_cache is None and _shape(self.query) == index_only.shape:
            return index_only
        return None

    def count(self):
        index_only = self._untouched()
        if index_only is None or self.query.is_sliced:
            return super().count()
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f'SELECT count(*) FROM "{index_only.index}" WHERE "{index_only.index}" MATCH %s',
                [index_only.expression],
            )
            return cursor.fetchone()[0]

    def _fetch_all(self):
        index_only = self._untouched()
        if index_only is None or not index_only.ranked or self.query.high_mark is None:
            return super()._fetch_all()
        # The page is the first high_mark rows by bm25 (ties by id, as the results are ordered),
        # read from the index; only those rows are then read from the table.
        index, weights = index_only.index, ", ".join(map(str, index_only.weights))
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f'SELECT rowid, -bm25("{index}", {weights}) FROM "{index}" WHERE "{index}" MATCH %s '
                f'ORDER BY bm25("{index}", {weights}), rowid LIMIT %s',
                [index_only.expression, self.query.high_mark],
            )
            ranks = dict(cursor.fetchall())
        page = index_only.base.filter(pk__in=list(ranks)).order_by()
        page.query.select_related = self.query.select_related
        page.query.deferred_loading = self.query.deferred_loading
        page._prefetch_related_lookups = self._prefetch_related_lookups
        page._iterable_class = self._iterable_class
        rows = {row.pk: row for row in page}
        for pk, rank in ranks.items():
            rows[pk].search_rank = rank
        self._result_cache = [rows[pk] for pk in ranks if pk in rows][self.query.low_mark :]
        self._prefetch_done = True


@cache
def _answered_by_index(queryset_class: type) -> type:
    return type(f"Indexed{queryset_class.__name__}", (_AnsweredByIndex, queryset_class), {})


def _index_shortcuts(
    queryset: QuerySet, base: QuerySet, parsed: ParsedQuery, weights: tuple[float, ...], order: str
) -> QuerySet:
    """Unfiltered results whose matches the index proves (terms of one or two units) get count()
    and, best first, their pages straight from the index."""
    if connections[queryset.db].vendor != "sqlite" or _needs_check(parsed):
        return queryset
    queryset = queryset.all()
    queryset.__class__ = _answered_by_index(type(queryset))
    index = f"{queryset.model._meta.db_table}_fts"
    shape = _shape(queryset.query)
    queryset._index_only = _IndexOnly(index, fts5_expression(parsed), weights, shape, base, order == "relevance")
    return queryset


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


def _year_filter(prefix: str, year) -> Q:
    if year is None:
        return Q()
    if isinstance(year, range):
        return Q(**{f"{prefix}year__gte": year.start, f"{prefix}year__lt": year.stop})
    if isinstance(year, tuple | list):
        first, last = year
        return Q(**{f"{prefix}year__gte": first}) & Q(**{f"{prefix}year__lte": last})
    return Q(**{f"{prefix}year": int(year)})


def _place_filter(prefix: str, city, province) -> Q:
    from .models import Region

    condition = Q()
    city_id = _region_id(city)
    if city_id is not None:
        # A speech placed in one of the city's counties is a speech of the city too.
        condition &= Q(**{f"{prefix}city__in": Region.objects.filter(Q(pk=city_id) | Q(parent=city_id))})
    province_id = _region_id(province)
    if province_id is not None:
        condition &= Q(**{f"{prefix}province": province_id})
    return condition


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
    order="date"); each carries `search_rank` and `snippet` (escaped HTML, matches in <mark>)."""
    from .models import Commitment

    parsed = query if isinstance(query, ParsedQuery) else parse_query(query)
    # The speech comes along for its title and place, not its (long) texts.
    queryset = Commitment.objects.select_related("speech").defer(
        "search_text", "search_targets", *(f"speech__{name}" for name in _SPEECH_TEXTS)
    )
    if not parsed:
        return _highlighted(queryset.none(), parsed)
    condition = _place_filter("speech__", city, province) & _year_filter("speech__", year)
    if topic is not None:
        condition &= Q(topic=_topic_id(topic))
    if kind:
        condition &= Q(kind=kind)
    if strength:
        condition &= Q(strength=strength)
    if condition:
        queryset = queryset.filter(condition)
    results = _highlighted(
        _ordered(backend(queryset.db).filter(queryset, parsed, COMMITMENT_WEIGHTS), order, "speech__"), parsed
    )
    return results if condition else _index_shortcuts(results, queryset, parsed, COMMITMENT_WEIGHTS, order)


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
    condition = _place_filter("", city, province) & _year_filter("", year)
    if topic is not None:
        condition &= Q(topics=_topic_id(topic))
    if condition:
        queryset = queryset.filter(condition)
    results = _highlighted(_ordered(backend(queryset.db).filter(queryset, parsed, SPEECH_WEIGHTS), order, ""), parsed)
    return results if condition else _index_shortcuts(results, queryset, parsed, SPEECH_WEIGHTS, order)
