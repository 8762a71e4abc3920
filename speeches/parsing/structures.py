"""The plain data that parsing produces: no Django, just dataclasses.

The import service maps these onto rows; the JSON report of `import_speeches`
serialises them with `as_report()` so that a dry run and a real import agree.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from itertools import accumulate


@dataclass
class ParsedSection:
    """One node of a speech's outline; `text` is the body below the heading line."""

    marker: str  # "一、", "（一）", "1.", "" for the opening or an unmarked heading
    heading: str
    text: str
    level: int  # 1 for top-level parts; the opening before any heading is level 1 too
    children: list[ParsedSection] = field(default_factory=list)

    def walk(self) -> Iterator[ParsedSection]:
        yield self
        for child in self.children:
            yield from child.walk()

    @property
    def label(self) -> str:
        return f"{self.marker}{self.heading}".strip()

    def as_report(self) -> dict:
        return {
            "marker": self.marker,
            "heading": self.heading,
            "text": self.text,
            "level": self.level,
            "children": [child.as_report() for child in self.children],
        }


def walk_sections(sections: list[ParsedSection]) -> Iterator[ParsedSection]:
    """Every section in document order (pre-order)."""
    for section in sections:
        yield from section.walk()


@dataclass
class ParsedTarget:
    """An amount pledged: 700亿元以上 -> value 700, unit 亿元, qualifier 以上."""

    value: Decimal
    unit: str
    value_max: Decimal | None = None
    qualifier: str | None = None
    text: str = ""  # the amount as written in the sentence

    def as_report(self) -> dict:
        return {
            "value": _number(self.value),
            "value_max": _number(self.value_max),
            "unit": self.unit,
            "qualifier": self.qualifier,
        }


@dataclass
class ParsedDeadline:
    """A time limit as written and what it resolves to (any part may be unknown)."""

    text: str
    year: int | None = None
    month: int | None = None
    day: int | None = None

    def as_report(self) -> dict:
        return {"text": self.text, "year": self.year, "month": self.month, "day": self.day}


@dataclass
class ParsedCommitment:
    text: str
    kind: str  # "target" | "deadline" | "action"
    strength: str  # "binding" | "planned" | "aspirational"
    section_index: int  # position of its section in walk_sections() order
    position: int  # order within the speech
    targets: list[ParsedTarget] = field(default_factory=list)
    deadline: ParsedDeadline | None = None
    responsible: str | None = None
    section_path: list[str] = field(default_factory=list)
    topic: str | None = None  # slug of the taxonomy topic its own words point to

    def as_report(self) -> dict:
        return {
            "text": self.text,
            "kind": self.kind,
            "strength": self.strength,
            "targets": [target.as_report() for target in self.targets],
            "deadline": self.deadline.as_report() if self.deadline else None,
            "responsible": self.responsible,
            "section_path": self.section_path,
            "topic": self.topic,
        }


# Between words when a speech's words travel as one string: a control character no text keeps.
_WORD_BREAK = "\x1f"


@dataclass
class ParsedSpeech:
    """One speech cut out of a file, with everything extraction found in it."""

    title: str
    text: str  # the normalized body, paragraphs separated by "\n" (what the content hash covers)
    original_text: str = ""  # the lines of the file this speech came from, as decoded
    sections: list[ParsedSection] = field(default_factory=list)
    year: int | None = None
    year_source: str = ""  # how the year was found (dating.py's names), "" when unknown
    delivered_on: date | None = None
    speaker: str | None = None
    occasion: str | None = None
    city_code: str | None = None  # the prefecture-level city (a municipality's city record)
    province_code: str | None = None
    county_code: str | None = None  # the district or county, when the text is theirs
    topics: list[str] = field(default_factory=list)  # slugs, primary first
    commitments: list[ParsedCommitment] = field(default_factory=list)
    # The text's words as extraction segmented it (joined, they give `text` back); the search
    # index reuses them rather than segmenting every commitment again.
    words: list[str] = field(default_factory=list, repr=False)

    def words_of(self, part: str, start: int = 0) -> list[str] | None:
        """The words lying inside the first occurrence of `part` at or after `start`; None if
        `part` is not in the text or its ends cut a word."""
        begin = self.text.find(part, start)
        if begin < 0 or not self.words:
            return None
        offsets = self._word_offsets()
        first = bisect_left(offsets, begin)
        last = bisect_left(offsets, begin + len(part))
        inside = self.words[first:last]
        return inside if first < len(offsets) and offsets[first] == begin and "".join(inside) == part else None

    # Read in one process and written in another (parsing/pool.py): the words travel as one string,
    # which pickles in a fraction of the time a list of a hundred thousand strings takes.
    def __getstate__(self) -> dict:
        state = {name: value for name, value in self.__dict__.items() if name != "_offsets"}
        if _WORD_BREAK not in self.text:  # the words are the text cut up: then none holds the break
            state["words"] = _WORD_BREAK.join(self.words)
        return state

    def __setstate__(self, state: dict) -> None:
        words = state.pop("words")
        if isinstance(words, str):
            words = words.split(_WORD_BREAK) if words else []
        self.__dict__.update(state, words=words)

    def _word_offsets(self) -> list[int]:
        if len(getattr(self, "_offsets", ())) != len(self.words):
            self._offsets = list(accumulate((len(word) for word in self.words[:-1]), initial=0))
        return self._offsets


def _number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)
