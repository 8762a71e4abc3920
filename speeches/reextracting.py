"""Run extraction again on stored speeches, keeping every correction staff made.

A speech's fields named in `edited_fields`, and commitments marked `edited`, stay as they
are. A commitment whose text is extracted again keeps its id (links to it keep working);
one no longer extracted goes, a new one is added.
"""

from __future__ import annotations

from dataclasses import dataclass
from difflib import SequenceMatcher

from django.db import transaction

from .importing import insert_rows, store_commitments, target_values
from .ledger import record_ledger
from .models import Commitment, Region, Section, Speech, Target, Topic
from .parsing.extraction import extract
from .parsing.structures import ParsedSection, ParsedSpeech
from .reuse import index_speech

# Speech fields extraction fills, as named in Speech.edited_fields.
EXTRACTED_FIELDS = (
    "title",
    "year",
    "delivered_on",
    "speaker",
    "occasion",
    "city",
    "county",
    "province",
    "primary_topic",
    "topics",
)


@dataclass
class ReextractOutcome:
    updated_fields: list[str]
    kept: int  # commitments found again, same id
    added: int
    removed: int
    untouched: int  # edited by staff


def stored_outline(sections: list[Section]) -> list[ParsedSection]:
    """The stored section rows (in position order) as the tree parsing produced."""
    nodes = {}
    roots = []
    for row in sections:
        node = ParsedSection(marker=row.marker, heading=row.heading, text=row.text, level=row.level)
        nodes[row.pk] = node
        if row.parent_id is None:
            roots.append(node)
        else:
            nodes[row.parent_id].children.append(node)
    return roots


@transaction.atomic
def reextract(speech: Speech) -> ReextractOutcome:
    sections = list(speech.sections.order_by("position"))
    parsed = extract(ParsedSpeech(title=speech.title, text=speech.text, sections=stored_outline(sections)))
    edited = set(speech.edited_fields or [])
    updated = _update_speech(speech, parsed, edited)

    existing = list(speech.commitments.all())
    untouched = [c for c in existing if c.edited]
    reusable = {c.text: c for c in existing if not c.edited}
    kept_ids, fresh = set(), []
    for item in parsed.commitments:
        if any(_same_pledge(item.text, c.text) for c in untouched):
            continue  # staff's corrected version stands in for it
        row = reusable.pop(item.text, None)
        if row is None:
            fresh.append(item)
            continue
        _refresh_commitment(row, item, sections)
        kept_ids.add(row.pk)
    removed = (
        Commitment.objects.filter(pk__in=[c.pk for c in reusable.values()]).delete()[1].get("speeches.Commitment", 0)
    )
    store_commitments(speech, ParsedSpeech(title="", text="", commitments=fresh), sections)
    record_ledger(speech, parsed)
    # The text is as it was, but the signature and fingerprints follow the rules of this version
    # (and a speech stored before text reuse was kept gets them now).
    index_speech(speech, sections)
    return ReextractOutcome(updated, len(kept_ids), len(fresh), removed, len(untouched))


def _same_pledge(extracted: str, corrected: str) -> bool:
    """Whether staff's corrected text is a correction of this extracted text."""
    if extracted in corrected or corrected in extracted:
        return True
    return SequenceMatcher(None, extracted, corrected, autojunk=False).ratio() >= 0.75


def extracted_values(speech: Speech, parsed: ParsedSpeech, edited: set[str]) -> tuple[dict, list[Topic] | None]:
    """What extraction says of the speech's fields, leaving out those staff corrected (`edited`);
    and its topics, None when staff corrected them."""
    codes = [parsed.city_code, parsed.province_code, parsed.county_code]
    regions = {r.code: r for r in Region.objects.filter(code__in=codes)}
    topics = {t.slug: t for t in Topic.objects.filter(slug__in=parsed.topics)}
    values = {
        "title": parsed.title[:300] or speech.title,
        "year": parsed.year,
        "delivered_on": parsed.delivered_on,
        "speaker": (parsed.speaker or "")[:100],
        "occasion": (parsed.occasion or "")[:300],
        "city": regions.get(parsed.city_code or ""),
        "county": regions.get(parsed.county_code or ""),
        "province": regions.get(parsed.province_code or ""),
        "primary_topic": topics.get(parsed.topics[0]) if parsed.topics else None,
    }
    if "year" not in edited:
        values["year_source"] = parsed.year_source
    if "city" in edited:
        values.pop("county")  # staff placed the speech; its district goes with what they chose
    wanted = None if "topics" in edited else [topics[slug] for slug in parsed.topics if slug in topics]
    return {name: value for name, value in values.items() if name not in edited}, wanted


def _update_speech(speech: Speech, parsed: ParsedSpeech, edited: set[str]) -> list[str]:
    values, wanted = extracted_values(speech, parsed, edited)
    changed = [name for name, value in values.items() if getattr(speech, name) != value]
    for name in changed:
        setattr(speech, name, values[name])
    if changed:
        speech.save(update_fields=changed)
    if wanted is not None and {t.pk for t in wanted} != set(speech.topics.values_list("pk", flat=True)):
        speech.topics.set(wanted)
        changed.append("topics")
    return changed


def _refresh_commitment(row: Commitment, item, sections: list[Section]) -> None:
    topic = Topic.objects.filter(slug=item.topic).first() if item.topic else None
    row.section = sections[item.section_index] if item.section_index < len(sections) else None
    row.position = item.position
    row.kind = item.kind
    row.strength = item.strength
    row.responsible = (item.responsible or "")[:200]
    row.deadline_text = item.deadline.text[:100] if item.deadline else ""
    row.deadline_year = item.deadline.year if item.deadline else None
    row.deadline_month = item.deadline.month if item.deadline else None
    row.deadline_day = item.deadline.day if item.deadline else None
    row.topic = topic
    row.save()
    row.targets.all().delete()
    insert_rows(Target, [target_values(row.pk, position, target) for position, target in enumerate(item.targets)])
