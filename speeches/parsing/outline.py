"""Paragraphs of one speech -> its section tree.

Markers (一、 （一） 1、/1. （1） 第一， 一是) open sections. Nesting follows the order in which
marker styles appear, as people write them: the first style seen is the top level, a new
style goes one level down, a style already open closes everything below it. A marker
that does not continue its sequence is ordinary text, so a stray "3." inside a paragraph
or an amount such as "1.5亿元" never opens a section.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from .numerals import to_number
from .structures import ParsedSection

_CN = NUMERALS = "一二三四五六七八九十"
MARKER = (
    rf"(?:[{_CN}]{{1,3}}、"
    rf"|[（(]\s*[{_CN}]{{1,3}}\s*[）)]"
    r"|\d{1,2}(?:、|[.．](?!\d))"
    r"|[（(]\s*\d{1,2}\s*[）)]"
    rf"|第[{_CN}]{{1,3}}[，、,：:]"
    rf"|[{_CN}]{{1,3}}是(?=[^，。；：\d]))"
)

# style name -> pattern capturing the number
_STYLES = (
    ("cn", re.compile(rf"^([{_CN}]{{1,3}})、")),
    ("paren-cn", re.compile(rf"^[（(]\s*([{_CN}]{{1,3}})\s*[）)]\s*")),
    ("paren-arabic", re.compile(r"^[（(]\s*(\d{1,2})\s*[）)]\s*")),
    ("arabic", re.compile(r"^(\d{1,2})(?:、|[.．](?!\d))")),
    ("ordinal", re.compile(rf"^第([{_CN}]{{1,3}})[，、,：:]")),
    ("shi", re.compile(rf"^([{_CN}]{{1,3}})是(?=[^，。；：\d])")),
)
_SENTENCE_END = re.compile(r"[。！？!?]")
_NOTES = re.compile(r"^(?:附[:：]?)?(?:名词解释|注释|注解|附注|注)[:：]?$")
# "附件1", "附件：2026年十件民生实事": an appendix after the speech, with an outline of its own.
_APPENDIX = re.compile(r"^附件\s*\d{0,2}\s*[:：]?[^。，；]{0,40}$")
# How the styles rank in a government text when both stand in it: 一、 over （一） over 1. over （1）.
_RANK = {"cn": 0, "paren-cn": 1, "arabic": 2, "paren-arabic": 3}
# A text copied from the middle of a speech may start in its second or third part, not later.
_RESUMED_AT_MOST = 3
_HEADING_MAX = 300  # a "heading" longer than this is a paragraph that happens to start with a marker
_LEADING_YEAR = re.compile(r"^\d{4}年")
_PLAIN_HEADING = re.compile(r"^[^，。；！？：:,;!?\s]{4,30}$")


@dataclass
class _Marker:
    style: str
    number: int
    marker: str
    rest: str


def read_marker(paragraph: str) -> _Marker | None:
    for style, pattern in _STYLES:
        match = pattern.match(paragraph)
        if match:
            try:
                number = _number(match.group(1))
            except ValueError:
                return None
            return _Marker(style, number, match.group(0), paragraph[match.end() :])
    return None


@functools.lru_cache(maxsize=2048)
def _number(numeral: str) -> int:
    # cn2an costs about 20 µs a call; a file of many short marked lines would spend most of
    # its parse here, and the numerals of markers are few (at most three characters).
    return int(numeral) if numeral.isdigit() else int(to_number(numeral, "smart"))


def _split_heading(rest: str) -> tuple[str, str]:
    """A marked line's heading is its first sentence (with its full stop); the rest is body."""
    end = _SENTENCE_END.search(rest)
    if end is None:
        return rest, ""
    return rest[: end.end()], rest[end.end() :]


def _table_of_contents(paragraphs: list[str], markers: list[_Marker | None]) -> set[int]:
    """Indexes of a table of contents printed before the body: its headings come again later."""
    # Where each paragraph, and each marked heading, is seen last: "does it come again after the
    # contents" is then one look-up, not a scan of the rest of the text for every candidate.
    last_seen = {paragraph: index for index, paragraph in enumerate(paragraphs)}
    last_heading = {(m.style, m.rest): index for index, m in enumerate(markers) if m}
    firsts = [i for i, m in enumerate(markers) if m and m.number == 1 and len(paragraphs[i]) <= 60]
    for start in firsts:
        first = markers[start]
        run = [start]
        # A run stops at the next first heading of its own style, so the runs of one style never
        # overlap and all of them together read each paragraph at most once per style.
        for j in range(start + 1, len(paragraphs)):
            marker = markers[j]
            if not marker or len(paragraphs[j]) > 60 or _SENTENCE_END.search(paragraphs[j]):
                break
            if marker.style == first.style and marker.number == first.number:
                break  # the body's first heading right after the contents
            run.append(j)
        if len(run) < 3:
            continue
        end = run[-1]
        if last_seen[paragraphs[start]] > end or last_heading[(first.style, first.rest)] > end:
            return set(run)
    return set()


def _is_plain_heading(paragraph: str, following: str | None) -> bool:
    """A short line without punctuation, followed by prose, heads a section of its own."""
    return (
        bool(_PLAIN_HEADING.match(paragraph))
        and not paragraph.startswith(("—", "-", "―"))
        and not re.search(r"\d", _LEADING_YEAR.sub("", paragraph))  # "2026年重点工作", but no dates
        and following is not None
        and len(following) > 2 * len(paragraph)
        and bool(_SENTENCE_END.search(following))
    )


def build_outline(paragraphs: list[str]) -> list[ParsedSection]:
    """The section tree; every character of `paragraphs` lands in exactly one section."""
    roots: list[ParsedSection] = []
    opening = ParsedSection(marker="", heading="", text="", level=1)
    opening_placed = False
    # Open sections with their style and last number, outermost first.
    stack: list[tuple[str, int, ParsedSection]] = []
    current = opening
    # Each section's paragraphs, joined once at the end: adding to a growing string instead
    # copies the section's whole text for every paragraph, quadratic in a long section.
    texts: dict[int, tuple[ParsedSection, list[str]]] = {id(opening): (opening, [])}
    markers = [read_marker(paragraph) for paragraph in paragraphs]
    toc = _table_of_contents(paragraphs, markers)
    body_started = False
    in_notes = False

    def new_section(marker: str, heading: str, body: str, level: int) -> ParsedSection:
        section = ParsedSection(marker=marker, heading=heading, text="", level=level)
        texts[id(section)] = (section, [body] if body else [])
        return section

    def append_text(section: ParsedSection, text: str) -> None:
        texts[id(section)][1].append(text)

    def open_section(section: ParsedSection, depth: int) -> None:
        nonlocal current, opening_placed
        del stack[depth:]
        if depth == 0:
            if texts[id(opening)][1] and not opening_placed:
                roots.append(opening)
                opening_placed = True
            roots.append(section)
        else:
            stack[-1][2].children.append(section)
        current = section

    for index, paragraph in enumerate(paragraphs):
        if in_notes or index in toc:
            append_text(current, paragraph)
            continue
        if body_started and _NOTES.match(paragraph):
            open_section(new_section("", paragraph, "", 1), 0)
            stack.append(("notes", 0, current))
            in_notes = True
            continue
        if body_started and _APPENDIX.match(paragraph):
            open_section(new_section("", paragraph, "", 1), 0)
            stack.append(("appendix", 0, current))
            continue
        marker = markers[index]
        if marker and len(marker.rest) > 1:
            depth = next((d for d, (style, _, _) in enumerate(stack) if style == marker.style), None)
            if depth is not None:
                previous = stack[depth][1]
                accepted = marker.number > previous or marker.number == 1
            else:
                depth = len(stack)
                accepted = marker.number <= 2
                above = _RANK.get(marker.style)
                outranked = [
                    d for d, (style, _, _) in enumerate(stack) if above is not None and _RANK.get(style, -1) > above
                ]
                if outranked and marker.number <= _RESUMED_AT_MOST:
                    # "二、2024年工作安排" after "（一）…（七）" of a text that starts inside its first part: 一、
                    # ranks above （一）, so the part it opens stands beside them, not below.
                    depth, accepted = outranked[0], True
            heading, body = _split_heading(marker.rest)
            if accepted and len(heading) <= _HEADING_MAX:
                section = new_section(marker.marker, heading, body, depth + 1)
                open_section(section, depth)
                stack.append((marker.style, marker.number, section))
                body_started = True
                continue
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        if body_started and _is_plain_heading(paragraph, following):
            depth = next((d for d, (style, _, _) in enumerate(stack) if style == "plain"), len(stack))
            section = new_section("", paragraph, "", depth + 1)
            open_section(section, depth)
            stack.append(("plain", 0, section))
            continue
        if _SENTENCE_END.search(paragraph):
            body_started = True
        append_text(current, paragraph)
    for section, parts in texts.values():
        section.text = "\n".join(parts)
    if not roots and opening.text:
        roots.append(opening)
    return roots
