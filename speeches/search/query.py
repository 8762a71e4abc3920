"""The query language: what a reader types, parsed into terms that must occur and terms that must not.

Plain strings; no database. Space-separated terms must all occur, "a quoted phrase" must occur as
written, -term must not occur; both sides are folded (text.fold), so 長沙 finds 长沙 and ７００
finds 700. Every backend answers a ParsedQuery with exactly the rows a substring search of the
folded text would find: the index narrows, and where its tokens cannot prove a term (`proven`
below), the term is checked on the rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .text import UNIT_RUN, fold, jieba_words

# A query longer than this is refused with a message rather than cut short without telling.
QUERY_MAX_CHARS = 100
_QUERY_TERM = re.compile(r'(-?)"([^"]*)"?|(-?)(\S+)')


@dataclass(frozen=True)
class Term:
    text: str  # folded; a result's folded text must contain it
    runs: tuple[str, ...]  # its runs of units (ideographs, ASCII letters and digits)
    words: tuple[str, ...] = ()  # jieba's longer words of the term, for ranking only

    @property
    def tokens(self) -> tuple[str, ...]:
        """Index tokens that every text containing the term has: its units, or its unit pairs."""
        return tuple(dict.fromkeys(token for run in self.runs for token in term_tokens(run)))

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
    words = tuple(word for word in dict.fromkeys(jieba_words(text)) if len(word) > 2) if len(text) > 2 else ()
    return Term(text, tuple(UNIT_RUN.findall(text)), words)


def term_tokens(run: str) -> list[str]:
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


def unproven_terms(parsed: ParsedQuery, proven) -> tuple[tuple[str, bool], ...]:
    """The terms the index cannot prove by itself, each with whether it must occur (or must not)."""
    return tuple(
        [(term.text, True) for term in parsed.terms if not proven(term)]
        + [(term.text, False) for term in parsed.excluded if not proven(term)]
    )
