"""Radical and compatibility code points that PDF fonts put in place of ordinary characters.

A CJK font draws 人 and the Kangxi radical ⼈ with one glyph, and many PDF writers map that glyph
back to whichever code point comes first, so text copied out of a PDF reads "⼈⺠政府". The
characters look right but match nothing: no search, gazetteer or keyword finds them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache

import opencc

_KANGXI = range(0x2F00, 0x2FE0)
_SUPPLEMENT = range(0x2E80, 0x2F00)
_COMPATIBILITY = range(0xF900, 0xFB00)
_SUPPLEMENT_NAME = re.compile(r"CJK RADICAL (?:C-SIMPLIFIED |SIMPLIFIED )(?P<base>[A-Z -]+)")

# Supplement radicals drawn as a whole character whose equivalent their names cannot give
# (their Kangxi namesake is another variant, or there is none); from Unicode's
# EquivalentUnifiedIdeograph.txt. Radicals that only occur as a component (亻 氵 扌 讠 …) are
# left as they are: no word is written with them alone.
_WHOLE_CHARACTERS = {
    "⺁": "厂",
    "⺊": "卜",
    "⺗": "心",
    "⺜": "日",
    "⺝": "月",
    "⺟": "母",
    "⺠": "民",
    "⺧": "牛",
    "⺫": "目",
    "⺶": "羊",
    "⺼": "肉",
    "⻄": "西",
    "⻆": "角",
    "⻏": "邑",
    "⻑": "長",
    "⻗": "雨",
    "⻘": "青",
    "⻝": "食",
    "⻣": "骨",
    "⻤": "鬼",
    "⻱": "龜",
}


@cache
def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    # NFKC maps every Kangxi radical and nearly every compatibility ideograph to its unified
    # ideograph; applied to these code points alone, it leaves the text's punctuation as written.
    for code in (*_KANGXI, *_COMPATIBILITY):
        folded = unicodedata.normalize("NFKC", chr(code))
        if folded != chr(code) and len(folded) == 1:
            table[code] = folded
    # "CJK RADICAL C-SIMPLIFIED GATE" is the simplified form of "KANGXI RADICAL GATE" (門 -> 门).
    # Where simplifying changes nothing the radical is a component (纟 钅 饣), not a character.
    kangxi = {unicodedata.name(chr(code), "").removeprefix("KANGXI RADICAL "): table.get(code) for code in _KANGXI}
    simplify = opencc.OpenCC("t2s").convert
    for code in _SUPPLEMENT:
        match = _SUPPLEMENT_NAME.fullmatch(unicodedata.name(chr(code), ""))
        traditional = kangxi.get(match["base"]) if match else None
        if traditional and (simplified := simplify(traditional)) != traditional:
            table[code] = simplified
    table.update({ord(radical): character for radical, character in _WHOLE_CHARACTERS.items()})
    # CJK fonts draw "——" with one two-em-dash glyph, which PDF text gives back as U+2E3A.
    table.update({0x2E3A: "——", 0x2E3B: "———"})
    return table


_FOLDABLE = re.compile("[\u2e3a\u2e3b\u2e80-\u2fdf\uf900-\ufaff]")


def fold_radicals(text: str) -> str:
    """⾸⼊⾼⻘⺠ -> 首入高青民: radicals and compatibility ideographs become the ordinary characters.

    Also ⸺ (the two-em dash of a CJK font) -> ——.
    """
    if not _FOLDABLE.search(text):
        return text
    return text.translate(_table())
