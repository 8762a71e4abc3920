"""A speech laid out for reading: its outline, and its text with every commitment marked where it is said.

Commitments are found by their own words in their section (the heading first, then the paragraphs
in order), so a mark never depends on character offsets that a later correction could shift. One
that cannot be found is still listed beside the text, and its anchor moves there.

Sections and paragraphs take their ids from speeches/anchors.py (#s2.3, #s2.3-p4, stable across
re-extraction); the ids the page gave before (#s-<id>, #p-<id>-<line>) stay as empty markers
inside them, so old links still arrive.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from .. import anchors
from ..models import Commitment, Section, Target

register = template.Library()


@dataclass
class OutlineEntry:
    section: Section
    anchor: str
    children: list[OutlineEntry] = field(default_factory=list)


@dataclass
class Paragraph:
    anchor: str  # s2.3-p4
    legacy: str  # p-<section id>-<line>: the id before, and what the text reuse rows name
    number: int
    html: SafeString


@dataclass
class SectionBlock:
    section: Section
    anchor: str  # s2.3
    heading_level: int  # h2 for the top parts, one deeper for each level below
    heading_html: SafeString
    paragraphs: list[Paragraph]
    path: list[str]  # the headings from the top of the outline down to this part

    @property
    def legacy(self) -> str:
        return f"s-{self.section.pk}"

    @property
    def cite_path(self) -> str:
        return " › ".join(self.path)


@dataclass
class KindCount:
    kind: str
    label: str
    count: int


@dataclass
class Reading:
    outline: list[OutlineEntry]
    blocks: list[SectionBlock]
    unplaced: set[int]  # commitments whose words were not found in their section
    places: anchors.Outline
    commitment_sections: dict[int, str]  # commitment id -> the anchor of its section
    kinds: list[KindCount]  # the kinds of commitment the speech has, with their counts

    def stable(self, old: str) -> str:
        """The stable anchor for an id the page gave before; itself if it is not one."""
        return self.places.legacy(old) or old


@register.simple_tag
def speech_reading(sections: list[Section], commitments: list[Commitment]) -> Reading:
    by_section: dict[int | None, list[Commitment]] = {}
    for commitment in commitments:
        by_section.setdefault(commitment.section_id, []).append(commitment)

    places = anchors.Outline(sections)
    outline: list[OutlineEntry] = []
    entries: dict[int, OutlineEntry] = {}
    depth: dict[int, int] = {}
    paths: dict[int, list[str]] = {}
    blocks = []
    placed: set[int] = set()
    for section in sections:  # in reading order: a parent always comes before its children
        depth[section.pk] = depth.get(section.parent_id, 0) + 1
        anchor = places.anchors[section.pk]
        label = f"{section.marker}{section.heading}".strip()
        paths[section.pk] = [*paths.get(section.parent_id, []), *([label] if label else [])]
        if anchors.is_headed(section):
            entry = entries[section.pk] = OutlineEntry(section, anchor)
            parent = entries.get(section.parent_id)
            (parent.children if parent else outline).append(entry)
        heading, paragraphs = _mark_section(section, anchor, by_section.get(section.pk, []), placed)
        blocks.append(
            SectionBlock(section, anchor, min(depth[section.pk] + 1, 6), heading, paragraphs, paths[section.pk])
        )
    unplaced = {commitment.pk for commitment in commitments} - placed
    commitment_sections = {
        commitment.pk: places.anchors[commitment.section_id]
        for commitment in commitments
        if commitment.section_id in places.anchors
    }
    counts: dict[str, int] = {}
    for commitment in commitments:
        counts[commitment.kind] = counts.get(commitment.kind, 0) + 1
    kinds = [KindCount(kind, label, counts[kind]) for kind, label in Commitment.Kind.choices if kind in counts]
    return Reading(outline, blocks, unplaced, places, commitment_sections, kinds)


def _mark_section(
    section: Section, anchor: str, commitments: list[Commitment], placed: set[int]
) -> tuple[SafeString, list[Paragraph]]:
    label = f"{section.marker}{section.heading}"
    texts = [label, *section.text.split("\n")]
    spans: list[list[tuple[int, int, Commitment]]] = [[] for _ in texts]
    cursor = (1, 0)  # commitments come in reading order: look on from where the last one was found
    for commitment in commitments:
        found = _find(texts, commitment.text, cursor) or _find(texts, commitment.text, (0, 0))
        if found is None:
            continue
        index, start = found
        end = start + len(commitment.text)
        if any(start < other_end and other_start < end for other_start, other_end, _ in spans[index]):
            continue  # a clause inside a sentence already marked: listed beside the text only
        spans[index].append((start, end, commitment))
        placed.add(commitment.pk)
        cursor = (index, end) if index else (1, 0)
    heading = _render(label, spans[0])
    paragraphs = []
    for line, text in enumerate(texts[1:], start=1):
        if text.strip():
            number = len(paragraphs) + 1
            paragraphs.append(
                Paragraph(
                    anchors.paragraph_anchor(anchor, number),
                    f"p-{section.pk}-{line}",
                    number,
                    _render(text, spans[line]),
                )
            )
    return heading, paragraphs


def _find(texts: list[str], words: str, start: tuple[int, int]) -> tuple[int, int] | None:
    if not words:
        return None
    index, offset = start
    for number in range(index, len(texts)):
        position = texts[number].find(words, offset if number == index else 0)
        if position >= 0:
            return number, position
    return None


def _render(text: str, spans: list[tuple[int, int, Commitment]]) -> SafeString:
    parts = []
    position = 0
    for start, end, commitment in sorted(spans, key=lambda span: span[0]):
        parts.append(escape(text[position:start]))
        parts.append(
            format_html(
                '<span class="commitment commitment-{}" id="c-{}" tabindex="-1" aria-describedby="cd-{}">{}'
                '<span class="commitment-tip" aria-hidden="true">{}</span></span>',
                commitment.kind,
                commitment.pk,
                commitment.pk,
                text[start:end],
                " · ".join(commitment_facts(commitment)),
            )
        )
        position = end
    parts.append(escape(text[position:]))
    return mark_safe("".join(parts))


@register.filter
def section_of(commitment: Commitment, reading: Reading) -> str:
    """The anchor of the part of the speech the commitment stands in ("" if it has none)."""
    return reading.commitment_sections.get(commitment.pk, "")


@register.filter
def stable_anchor(old: str, reading: Reading) -> str:
    """An id the page gave before (p-<section id>-<line>, as the text reuse rows name paragraphs)
    as the stable anchor."""
    return reading.stable(old)


@register.simple_tag
def stable_elsewhere(reuse) -> dict[str, str]:
    """For the text reuse panel: each link into another speech (by the ids the reuse rows name)
    -> the same place by its stable anchor. One query for all the speeches named."""
    links = [where for passage in getattr(reuse, "shared", []) or [] for where in passage.others]
    if not links:
        return {}
    found = anchors.outlines({where.speech.pk for where in links})
    stable = {}
    for where in links:
        outline = found.get(where.speech.pk)
        anchor = outline.legacy(where.anchor) if outline else None
        stable[where.url] = f"{where.speech.get_absolute_url()}#{anchor}" if anchor else where.url
    return stable


@register.filter
def stable_url(url: str, stable: dict[str, str]) -> str:
    return stable.get(url, url)


@register.filter
def commitment_facts(commitment: Commitment) -> list[str]:
    """What a reader wants to know of a commitment at a glance: kind, strength, amounts, deadline, who."""
    facts = [commitment.get_kind_display(), commitment.get_strength_display()]
    facts += [amount(target) for target in commitment.targets.all()]
    if commitment.deadline_text:
        facts.append(f"时限：{commitment.deadline_text}")
    if commitment.responsible:
        facts.append(f"责任：{commitment.responsible}")
    return facts


def amount(target: Target) -> str:
    if target.text:
        return target.text
    value = _plain(target.value)
    if target.value_max is not None:
        value = f"{value}—{_plain(target.value_max)}"
    return f"{value}{target.unit}{target.qualifier}"


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")  # 700, 4.5: neither 7E+2 nor 4.500000


@register.filter
def cite_place(speech) -> str:
    """The speech's place as a citation writes it: 河南省商丘市, 江苏省, 河南省商丘市民权县."""
    names = []
    for region in (speech.province, speech.city, speech.county):
        if region is not None and region.name not in names:
            names.append(region.name)
    return "".join(names)
