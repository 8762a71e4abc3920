"""Citable places in a speech: anchors built from where a part stands in its outline.

    #s2         二、            the second headed part at the top of the outline
    #s2.3       二、（三）       its third headed sub-part
    #s2.3-p4    the fourth paragraph of 二、（三）
    #s0-p1      the first paragraph before any heading (the opening)
    #c-<id>     a commitment, by its id (re-extraction keeps the id of a commitment found again)

A part's number is its place among the parts beside it that have a marker or a heading, counted
from 1: not its database id, and not the numeral its marker writes. The anchors of a speech are
therefore the same after it is re-extracted or imported again, and a text that starts at 三、 or
repeats a numeral still has exactly one anchor per part. A part with neither marker nor heading
(the opening) is number 0 under its parent. A paragraph's number counts the non-empty lines of
its part's own text, its heading not counted, from 1.

The speech page (speeches/templatetags/speech_text.py) gives its sections and paragraphs these
ids; anything else linking into a speech (search results, the text reuse lists) builds its links
here: `outlines()` reads the outlines of many speeches in one query, and `Outline` answers for a
section id and a paragraph, given as the line number the reuse fingerprints store or as a
character offset into the section's text.

Links made before (`#s-<section id>`, `#p-<section id>-<line>`) stay on the page as empty
elements inside the part or paragraph they named, so they still scroll to it; `Outline.legacy()`
translates one into the stable anchor.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from .models import Section

OPENING = "s0"
_LEGACY = re.compile(r"^(?:s-(\d+)|p-(\d+)-(\d+))$")


class SectionLike(Protocol):
    pk: int
    parent_id: int | None
    marker: str
    heading: str


def is_headed(section: SectionLike) -> bool:
    return bool(section.marker.strip() or section.heading.strip())


def section_anchors(sections: Iterable[SectionLike]) -> dict[int, str]:
    """Each section's anchor, by section id. `sections` in reading order (parents before children)."""
    anchors: dict[int, str] = {}
    counts: dict[int | None, int] = {}  # parent id -> headed children seen so far
    taken: set[str] = set()
    for section in sections:
        parent = anchors.get(section.parent_id) if section.parent_id is not None else None
        if is_headed(section):
            counts[section.parent_id] = number = counts.get(section.parent_id, 0) + 1
        else:
            number = 0
        anchor = f"{parent}.{number}" if parent else f"s{number}"
        while anchor in taken:  # a second part without heading beside the first: never in parsed speeches
            anchor += ".0"
        taken.add(anchor)
        anchors[section.pk] = anchor
    return anchors


def paragraph_anchor(section_anchor: str, number: int) -> str:
    """The anchor of the `number`th paragraph (from 1) of the part whose anchor is `section_anchor`."""
    return f"{section_anchor}-p{number}"


def commitment_anchor(commitment_id: int) -> str:
    return f"c-{commitment_id}"


def paragraph_numbers(text: str) -> dict[int, int]:
    """Line number (from 1, as `text.split("\\n")` counts, empty lines too) -> paragraph number."""
    numbers: dict[int, int] = {}
    for line, paragraph in enumerate(text.split("\n"), start=1):
        if paragraph.strip():
            numbers[line] = len(numbers) + 1
    return numbers


class Outline:
    """One speech's anchors. `sections` in reading order; their text is needed only to place
    paragraphs (a section read without its text answers for itself, not for its paragraphs)."""

    def __init__(self, sections: Iterable[Section]):
        self.sections = list(sections)
        self.anchors = section_anchors(self.sections)
        self._texts = {
            section.pk: section.text for section in self.sections if "text" in section.__dict__
        }  # deferred text is not read

    def section(self, section_id: int | None) -> str | None:
        return self.anchors.get(section_id)

    def paragraph(self, section_id: int, line: int) -> str | None:
        """The anchor of the paragraph on line `line` (from 1) of the section's text; a line that is
        empty or beyond the text gives the section's anchor, an unknown section None."""
        anchor = self.anchors.get(section_id)
        if anchor is None:
            return None
        text = self._texts.get(section_id)
        number = paragraph_numbers(text).get(line) if text is not None else None
        return paragraph_anchor(anchor, number) if number else anchor

    def at_offset(self, section_id: int, offset: int) -> str | None:
        """The anchor of the paragraph holding character `offset` of the section's text."""
        text = self._texts.get(section_id)
        if text is None:
            return self.section(section_id)
        return self.paragraph(section_id, text.count("\n", 0, max(offset, 0)) + 1)

    def legacy(self, old: str) -> str | None:
        """The stable anchor for an id the page gave before (s-<section id>, p-<section id>-<line>)."""
        match = _LEGACY.match(old.removeprefix("#"))
        if match is None:
            return None
        if match.group(1):
            return self.section(int(match.group(1)))
        return self.paragraph(int(match.group(2)), int(match.group(3)))


def outlines(speech_ids: Iterable[int], with_text: bool = True) -> dict[int, Outline]:
    """The outlines of these speeches, in one query: speech id -> Outline."""
    rows = Section.objects.filter(speech__in=set(speech_ids)).order_by("speech", "position")
    fields = ["pk", "speech_id", "parent_id", "position", "marker", "heading", *(["text"] if with_text else [])]
    grouped: dict[int, list[Section]] = {}
    for section in rows.only(*fields):
        grouped.setdefault(section.speech_id, []).append(section)
    return {speech_id: Outline(sections) for speech_id, sections in grouped.items()}
