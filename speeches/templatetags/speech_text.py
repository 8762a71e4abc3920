"""A speech laid out for reading: its outline, and its text with every commitment marked where it is said.

Commitments are found by their own words in their section (the heading first, then the paragraphs
in order), so a mark never depends on character offsets that a later correction could shift. One
that cannot be found is still listed beside the text, and its anchor moves there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from ..models import Commitment, Section, Target

register = template.Library()


@dataclass
class OutlineEntry:
    section: Section
    children: list[OutlineEntry] = field(default_factory=list)


@dataclass
class Paragraph:
    anchor: str
    html: SafeString


@dataclass
class SectionBlock:
    section: Section
    heading_level: int  # h2 for the top parts, one deeper for each level below
    heading_html: SafeString
    paragraphs: list[Paragraph]


@dataclass
class Reading:
    outline: list[OutlineEntry]
    blocks: list[SectionBlock]
    unplaced: set[int]  # commitments whose words were not found in their section


@register.simple_tag
def speech_reading(sections: list[Section], commitments: list[Commitment]) -> Reading:
    by_section: dict[int | None, list[Commitment]] = {}
    for commitment in commitments:
        by_section.setdefault(commitment.section_id, []).append(commitment)

    outline: list[OutlineEntry] = []
    entries: dict[int, OutlineEntry] = {}
    depth: dict[int, int] = {}
    blocks = []
    placed: set[int] = set()
    for section in sections:  # in reading order: a parent always comes before its children
        depth[section.pk] = depth.get(section.parent_id, 0) + 1
        if section.heading or section.marker:
            entry = entries[section.pk] = OutlineEntry(section)
            parent = entries.get(section.parent_id)
            (parent.children if parent else outline).append(entry)
        heading, paragraphs = _mark_section(section, by_section.get(section.pk, []), placed)
        blocks.append(SectionBlock(section, min(depth[section.pk] + 1, 6), heading, paragraphs))
    unplaced = {commitment.pk for commitment in commitments} - placed
    return Reading(outline, blocks, unplaced)


def _mark_section(
    section: Section, commitments: list[Commitment], placed: set[int]
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
    paragraphs = [
        Paragraph(f"p-{section.pk}-{number}", _render(text, spans[number]))
        for number, text in enumerate(texts[1:], start=1)
        if text.strip()
    ]
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
                '<span class="commitment commitment-{}" id="c-{}" tabindex="0" aria-describedby="cd-{}">{}'
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
