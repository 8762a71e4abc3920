"""The promise ledger's rows: a speech's stated results and targets, and the links between them.

`record_ledger` runs inside the import's transaction (and re-extraction's), after the speech's
sections and commitments are written: it reads the parsed outline it was given (no second
segmentation), writes the speech's outcomes and the entries of its classified targets with
bulk_create, then links every entry of the speech's place to the result stated for it. A report
of year N+1 imported after year N's links N's targets; one imported before waits for it.

Staff corrections (entries marked `edited`) are never rewritten; outcome rows whose sentence and
value are extracted again keep their id, so a link staff chose keeps pointing at its result.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Max, Q

from .models import Commitment, LedgerEntry, Outcome, Region, Section, Speech
from .models.ledger import place_filter, place_of
from .parsing.amounts import iter_amounts
from .parsing.indicators import classify_amounts, indicators_by_slug
from .parsing.ledger import judge
from .parsing.outcomes import ParsedOutcome, read_results
from .parsing.structures import ParsedSpeech

# A target over several years (五年城镇新增就业4500万人, 年均增长7%) or one recalled from the year
# before (没有实现年初确定的…目标) is not the year's own target to judge by the next year's result.
_NOT_THE_YEARS_TARGET = re.compile(
    r"“?十[一二三四五六七八九]五”?|五年|年均|平均每年|累计|今后|[两三四五六七八九十]年内|年初|没有实现|未能实现"
)


_YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)年")
# A part about a plan of several years (“十四五”时期的主要目标, 五年规划纲要的说明): its targets are the plan's.
_PLAN_OF_YEARS = re.compile(r"“?十[一二三四五六七八九]五”?|五年|规划|远景|中长期")


def record_ledger(speech: Speech, parsed: ParsedSpeech) -> None:
    """Write the speech's outcomes and ledger entries and link its place's entries to results."""
    sections = list(speech.sections.order_by("position").only("pk", "speech", "position", "parent", "heading"))
    stated = read_results(parsed.sections, year=speech.year)
    affected = _store_outcomes(speech, stated.outcomes, sections)
    not_the_years = {sections[index].pk for index in stated.review_sections if index < len(sections)}
    not_the_years |= _under_a_plan_of_years(sections)
    fresh = _new_entries(speech, [outcome.text for outcome in stated.outcomes], not_the_years)
    # The new entries are judged before they are written, so each is written once.
    relink_place(place_of(speech), fresh=fresh, affected=affected, year=speech.year)
    LedgerEntry.objects.bulk_create(fresh)


def _under_a_plan_of_years(sections: list[Section]) -> set[int]:
    """Ids of the sections whose heading, or an ancestor's, names a plan of several years."""
    inside: set[int] = set()
    for section in sections:  # parents come before their children
        if section.parent_id in inside or _PLAN_OF_YEARS.search(section.heading):
            inside.add(section.pk)
    return inside


def _store_outcomes(speech: Speech, found: list[ParsedOutcome], sections: list[Section]) -> set[tuple[str, int]]:
    """Write the speech's outcomes, keeping the rows of those found again; returns the (indicator,
    year) of every outcome written, kept or removed, whose targets may now link otherwise."""

    def key(section_id, text, indicator, year, value):
        return (section_id, text, indicator, year, value.normalize())

    existing = {key(o.section_id, o.text, o.indicator, o.year, o.value): o for o in speech.outcomes.all()}
    fresh, kept = [], []
    for position, item in enumerate(found):
        section = sections[item.section_index] if item.section_index < len(sections) else None
        row = existing.pop(key(section.pk if section else None, item.text, item.indicator, item.year, item.value), None)
        if row is not None:
            row.position, row.paragraph = position, item.paragraph
            kept.append(row)
            continue
        fresh.append(
            Outcome(
                speech=speech,
                section=section,
                paragraph=item.paragraph,
                position=position,
                indicator=item.indicator,
                year=item.year,
                value=item.value,
                unit=item.unit[:20],
                amount_text=item.amount_text[:100],
                text=item.text,
            )
        )
    if existing:
        Outcome.objects.filter(pk__in=[row.pk for row in existing.values()]).delete()
    if kept:
        Outcome.objects.bulk_update(kept, ["position", "paragraph"])
    Outcome.objects.bulk_create(fresh)
    return {(row.indicator, row.year) for row in [*existing.values(), *fresh]}


def entries_for(commitment: Commitment, year: int, results: Iterable[str] = ()) -> list[LedgerEntry]:
    """Unsaved entries for the classified amounts of one commitment of a speech of `year`.

    `results`: sentences of the speech read as results; a commitment inside one is a result
    read as a pledge and gets no entry."""
    text = commitment.text
    if any(text in sentence or sentence in text for sentence in results):
        return []
    amounts = list(iter_amounts(text))
    entries = []
    for position, (amount, classified) in enumerate(zip(amounts, classify_amounts(text, amounts), strict=True)):
        if classified is None or _NOT_THE_YEARS_TARGET.search(text, 0, amount.start):
            continue
        # 2015年国内生产总值将超过55万亿元: a target for the year named, not the speech's.
        named = [int(found) for found in _YEAR.findall(text, 0, amount.start)]
        later = [named_year for named_year in named if named_year > year]
        target_year = max(later) if later else year
        if commitment.deadline_year and commitment.deadline_year > target_year:
            target_year = commitment.deadline_year
        entries.append(
            LedgerEntry(
                speech_id=commitment.speech_id,
                commitment=commitment,
                target_position=position,
                indicator=classified.indicator.slug,
                target_year=target_year,
                value=classified.value,
                value_max=classified.value_max,
                unit=classified.indicator.unit,
                qualifier=(amount.target.qualifier or "")[:10],
                text=amount.target.text[:100],
                status=LedgerEntry.Status.PENDING,
            )
        )
    return entries


def _new_entries(speech: Speech, results: list[str], not_the_years: set[int]) -> list[LedgerEntry]:
    """Unsaved entries for the targets of the speech's commitments outside the sections in
    `not_the_years` (its look back, where a result read as a pledge is no target, and a plan of
    several years), in place of its uncorrected ones."""
    speech.ledger_entries.filter(edited=False).delete()
    if speech.year is None:
        return []
    corrected = set(speech.ledger_entries.values_list("commitment_id", "target_position"))
    corrected_years = set(speech.ledger_entries.values_list("indicator", "target_year"))
    fresh = []
    seen: set[tuple[str, int]] = set(corrected_years)
    commitments = speech.commitments.filter(kind=Commitment.Kind.TARGET).only(
        "pk", "speech_id", "section_id", "text", "position", "deadline_year"
    )
    for commitment in commitments.order_by("position"):
        if commitment.section_id in not_the_years:
            continue
        for entry in entries_for(commitment, speech.year, results):
            # A report sets one target for an indicator and year; its restatements
            # (提出今年经济增长预期目标为8%左右…) are not counted again.
            if (entry.indicator, entry.target_year) in seen or (
                entry.commitment_id,
                entry.target_position,
            ) in corrected:
                continue
            seen.add((entry.indicator, entry.target_year))
            fresh.append(entry)
    return fresh


def relink_place(
    region: Region | None,
    *,
    fresh: list[LedgerEntry] = (),
    affected: set[tuple[str, int]] | None = None,
    year: int | None = None,
) -> int:
    """Link the uncorrected entries of one place to the results stated for them; returns how many
    stored entries changed. `fresh`: unsaved entries, judged in place.

    The result of a target for year N is the place's outcome for the same indicator and year,
    preferably from the report of year N+1, else the earliest report stating it. With `affected`
    (the (indicator, year) of the outcomes a report of `year` changed) only the entries these
    could link, and those waiting for a report of that year, are read again."""
    latest = Speech.objects.filter(place_filter(region, prefix="")).aggregate(latest=Max("year"))["latest"]
    stated: dict[tuple[str, int], list[tuple]] = defaultdict(list)
    for row in Outcome.objects.of_place(region).values_list(
        "pk", "indicator", "year", "value", "speech__year", "position"
    ):
        pk, indicator, described, value, speech_year, position = row
        stated[(indicator, described)].append((speech_year != described + 1, speech_year or 0, position, pk, value))
    for candidates in stated.values():
        candidates.sort()
    indicators = indicators_by_slug()
    stored = LedgerEntry.objects.of_place(region).filter(edited=False)
    if affected is not None:
        waiting = Q(status=LedgerEntry.Status.PENDING, target_year__lt=year) if year else Q(pk__in=[])
        linked = Q(indicator__in={i for i, _ in affected}, target_year__in={y for _, y in affected})
        stored = stored.filter(waiting | linked) if affected else stored.filter(waiting)
    changed = []
    for entry in [*stored, *fresh]:
        indicator = indicators.get(entry.indicator)
        if indicator is None:
            continue
        candidates = stated.get((entry.indicator, entry.target_year))
        best = candidates[0] if candidates else None
        verdict = judge(
            indicator,
            entry.value,
            entry.value_max,
            entry.qualifier,
            best[4] if best else None,
            later_report=latest is not None and latest > entry.target_year,
        )
        outcome_id = best[3] if best else None
        if (entry.outcome_id, entry.status, entry.explanation) != (outcome_id, verdict.status, verdict.explanation):
            entry.outcome_id, entry.status, entry.explanation = outcome_id, verdict.status, verdict.explanation[:200]
            if entry.pk is not None:
                changed.append(entry)
    LedgerEntry.objects.bulk_update(changed, ["outcome", "status", "explanation"])
    return len(changed)


def judge_entry(entry: LedgerEntry) -> None:
    """Set an entry's status and explanation from the rule, for the outcome it now links to."""
    indicator = indicators_by_slug().get(entry.indicator)
    if indicator is None:
        return
    region = place_of(entry.speech)
    later = Speech.objects.filter(place_filter(region, prefix=""), year__gt=entry.target_year).exists()
    result = entry.outcome.value if entry.outcome_id else None
    verdict = judge(indicator, entry.value, entry.value_max, entry.qualifier, result, later_report=later)
    entry.status, entry.explanation = verdict.status, verdict.explanation[:200]
