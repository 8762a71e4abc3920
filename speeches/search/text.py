"""Folding and the indexed form: what a speech or commitment row stores for the full-text index.

Plain strings in, plain strings out; no database. Chinese has no spaces, and neither SQLite's nor
PostgreSQL's full-text engine segments it, so each row carries an *indexed form* computed here when
it is saved or bulk-created:

- `search_folded`: the searchable text folded (traditional -> simplified, full width -> half width,
  ASCII lower case) character by character, so it is exactly as long as the original text;
- `search_text`: tokens for the full-text index, each once: every character ("unit": a CJK
  ideograph, an ASCII letter or digit) of the folded text, every pair of adjacent units, and the
  words jieba (search mode) finds;
- for commitments, `search_sequence`: the unit pairs in text order, run by run, and
  `search_targets`: the tokens of its amounts (700亿元以上).

A query term that is a substring of a text has all its units and unit pairs among the text's
tokens, however jieba cut either of them (see query.py for how a term is looked up).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache, lru_cache

import jieba
import opencc

# The ideographs of CJK Unified Ideographs, Extension A, the compatibility block and the
# supplementary planes; ASCII letters and digits (after folding) are units too.
CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
UNIT_RUN = re.compile(f"[0-9a-z{CJK}]+")
CJK_WORD = re.compile(f"[{CJK}]{{2,}}")
# Index tokens the text never makes (those are one or two units, or words of ideographs only):
# the break between runs of a commitment's pair sequence, and the prefix of amounts in the SQLite index.
SEQUENCE_BREAK = "brk"
TARGET_PREFIX = "tgt"


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


def units(folded: str) -> list[str]:
    """Every unit and every pair of adjacent units, run by run."""
    tokens: list[str] = []
    for run in UNIT_RUN.findall(folded):
        tokens.extend(run)
        tokens.extend(map(str.__add__, run, run[1:]))
    return tokens


def jieba_words(folded: str) -> list[str]:
    """jieba's search-mode words of two or more ideographs (shorter ones are units already)."""
    return [word for word in jieba.cut_for_search(folded, HMM=False) if CJK_WORD.fullmatch(word)]


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
    return tuple(token for token in found if CJK_WORD.fullmatch(token))


def commitment_search_fields(
    text: str, target_texts: Iterable[str] = (), words: list[str] | None = None
) -> dict[str, str]:
    """The indexed form of a commitment, as keyword arguments for Commitment(...) or update().

    `words`, the commitment's words as the parser already cut them, spare segmenting it again."""
    folded = fold(text)
    tokens = units(folded) + (_search_mode(words) if words is not None else jieba_words(folded))
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
    for run in UNIT_RUN.findall(folded):
        if len(run) > 1:
            tokens.extend(map(str.__add__, run, run[1:]))
            tokens.append(SEQUENCE_BREAK)
    return " ".join(tokens)


def targets_search_text(target_texts: Iterable[str]) -> str:
    """The indexed form of a commitment's amounts as written (700亿元以上): ranking weighs it up."""
    return " ".join(dict.fromkeys(units(fold(" ".join(target_texts)))))


def speech_search_fields(title: str, text: str) -> dict[str, str]:
    """The indexed form of a speech. A speech is long and its words repeat, so its body keeps each
    token once: that keeps the index small (and PostgreSQL's tsvector within its size limit), and
    jieba reads only the title, which keeps imports fast."""
    folded_title = fold(title)
    folded = fold(text)
    return {
        "search_folded": f"{folded_title}\n{folded}",
        "search_title": " ".join(units(folded_title) + jieba_words(folded_title)),
        "search_text": " ".join(dict.fromkeys(units(folded))),
    }
