"""One file's clean lines -> the speeches in it.

A collection (a web page of several speeches) repeats a heading with a running number:
"…讲话篇一", "…讲话篇二", or "第一篇". Each such heading starts a speech; whatever comes
before the first one (the page's introduction) belongs to no speech. A file without such
headings is one speech.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .normalize import Line
from .numerals import to_number

_COLLECTION_HEADING = re.compile(
    r"^(?P<prefix>.{0,50}?)(?:篇|第|范文)(?P<number>[一二三四五六七八九十]{1,3}|\d{1,2})篇?$"
)


@dataclass
class SpeechLines:
    heading: str | None  # the collection heading that opened it, if any
    lines: list[Line]


def _number(text: str) -> int:
    return int(text) if text.isdigit() else int(to_number(text, "smart"))


def split_speeches(lines: list[Line]) -> list[SpeechLines]:
    headings = []
    for index, line in enumerate(lines):
        match = _COLLECTION_HEADING.match(line.text)
        if match and len(line.text) <= 60 and not re.search(r"[，。；！？]", line.text):
            headings.append((index, _number(match.group("number"))))
    # A real collection counts 1, 2, 3…; keep the longest such run.
    run: list[int] = []
    for index, number in headings:
        if number == len(run) + 1:
            run.append(index)
    if len(run) < 2:
        return [SpeechLines(None, lines)]
    speeches = []
    for start, end in zip(run, [*run[1:], len(lines)], strict=True):
        speeches.append(SpeechLines(lines[start].text, lines[start + 1 : end]))
    return speeches
