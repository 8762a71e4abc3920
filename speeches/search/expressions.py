"""Index expressions: a ParsedQuery written in FTS5's and PostgreSQL's tsquery languages.

Plain strings; no database. Tokens are units, unit pairs, words of ideographs or prefixed such
tokens: quoting them needs no escaping, and nothing the user typed reaches the full-text engine's
syntax.

A term of one or two units is one token, which finds exactly the rows containing it. A longer
term is, for commitments on SQLite, a phrase of its pairs in `search_sequence`, whose positions are
the text's own (never jieba's): that too finds exactly the rows containing it. Elsewhere
(PostgreSQL, speeches, a term with spaces or punctuation inside) a longer term is the AND of its
pairs, and each candidate is checked on the rows. jieba's words, and the term among a commitment's
amounts, only weigh in the ranking.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import jieba

from .query import ParsedQuery, Term, term_tokens
from .text import TARGET_PREFIX


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


def tsquery_expression(parsed: ParsedQuery, ranked: bool = True) -> str:
    """PostgreSQL's tsquery, for both tables. Without `ranked`, only what decides which rows match:
    jieba's words of a term, always true beside its tokens, are left out, and the index has fewer
    lists to read (the ranking keeps them: ts_rank_cd scores them)."""
    expression = " & ".join(
        _term_expression(term if ranked else Term(term.text, term.runs), "'", "&", "|")
        for term in parsed.terms
        if term.tokens
    )
    excluded = [f"'{term.text}'" for term in parsed.excluded if term.exact]
    return f"({expression}) & !({' | '.join(excluded)})" if excluded else expression


def _proof(run: str) -> str:
    """What finds exactly the commitments holding a run of units: its token, or its pairs as a
    phrase of the pair sequence."""
    if len(run) <= 2:
        return f'"{run}"'
    return f'{{search_sequence}}: "{" ".join(term_tokens(run))}"'


def optional_phrases(term: Term) -> tuple[str, ...]:
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
            phrase for phrase in optional_phrases(term) if (present is None or phrase in present) and phrase not in used
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
    pairs = term_tokens(run)
    return next((pair for pair in pairs if pair not in jieba.dt.FREQ), pairs[0])


# --- the filters as index tokens (SQLite) -----------------------------------------------------


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


def token_safe(value: str) -> str:
    # Kinds and strengths are ASCII words; anything else cannot match one, nor break the query.
    return value if re.fullmatch(r"[a-z]+", value) else "unknown"
