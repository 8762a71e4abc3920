"""Speeches made to order for the page and browser tests: known place, topics, year, outline and commitments.

The pages are tested on rows whose content the test chose, so they do not depend on how well
extraction reads a real file. Regions and topics are the ones the migrations load.
"""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from speeches.models import Commitment, Region, Section, Speech, Target, Topic
from speeches.search import commitment_search_fields, speech_search_fields

# Codes of the gazetteer the tests place speeches in.
SHANGQIU, LUOYANG, HENAN = "411400", "410300", "410000"
MINQUAN = "411421"  # a county of 商丘市
CHANGZHOU, JIANGSU = "320400", "320000"


@dataclass
class Pledge:
    """A commitment to write into a section: its words must appear in that section's text."""

    text: str
    kind: str = Commitment.Kind.ACTION
    strength: str = Commitment.Strength.PLANNED
    section: int = 1  # index into the speech's sections
    topic: str | None = None
    targets: list[tuple[str, str, str]] = field(default_factory=list)  # (value, unit, qualifier)
    deadline_text: str = ""
    responsible: str = ""


# An outline of our own: an opening, two parts, the second with a sub-part.
OUTLINE = [
    ("", "", "同志们：\n今天召开全市招商引资工作会议，部署今年的重点任务。", None),
    (
        "一、",
        "明确目标任务",
        "全年力争引进亿元以上项目100个以上，实际利用外资增长5%左右。\n各地要把任务分解到月。",
        None,
    ),
    ("二、", "强化工作保障", "", None),
    ("（一）", "压实责任", "6月底前，市商务局要完成重点产业招商图谱编制。", 2),
]

PLEDGES = [
    Pledge(
        "全年力争引进亿元以上项目100个以上",
        kind=Commitment.Kind.TARGET,
        strength=Commitment.Strength.ASPIRATIONAL,
        topic="economy",
        targets=[("100", "个", "以上")],
    ),
    Pledge("实际利用外资增长5%左右", kind=Commitment.Kind.TARGET, topic="economy", targets=[("5", "%", "左右")]),
    Pledge(
        "6月底前，市商务局要完成重点产业招商图谱编制",
        kind=Commitment.Kind.DEADLINE,
        strength=Commitment.Strength.BINDING,
        section=3,
        topic="industry",
        deadline_text="6月底前",
        responsible="市商务局",
    ),
]


class ArchiveMaker:
    """Writes speeches with their sections, commitments and amounts; `many` does it in bulk."""

    def __init__(self) -> None:
        self.numbers = itertools.count(1)
        self.regions: dict[str, Region] = {}
        self.topics = {topic.slug: topic for topic in Topic.objects.all()}

    def speech(
        self,
        title: str | None = None,
        *,
        city: str | None = SHANGQIU,
        province: str | None = None,
        year: int | None = 2025,
        topics: tuple[str, ...] = ("economy", "industry"),
        outline=OUTLINE,
        pledges: list[Pledge] | None = PLEDGES,
    ) -> Speech:
        return self.many(
            1, title=title, city=city, province=province, year=year, topics=topics, outline=outline, pledges=pledges
        )[0]

    def many(
        self,
        count: int,
        *,
        title: str | None = None,
        city: str | None = SHANGQIU,
        province: str | None = None,
        year: int | None = 2025,
        topics: tuple[str, ...] = ("economy", "industry"),
        outline=OUTLINE,
        pledges: list[Pledge] | None = PLEDGES,
    ) -> list[Speech]:
        place = self.region(city) if city else None
        if province:
            province_region = self.region(province)
        elif place is not None:
            province_region = place.parent if place.level == Region.Level.CITY else place.parent.parent
        else:
            province_region = None
        speeches = []
        for _ in range(count):
            number = next(self.numbers)
            name = title if title and count == 1 else f"{title or '在全市招商引资工作会议上的讲话'}（{number}）"
            text = "\n".join(line for marker, heading, body, _ in outline for line in (marker + heading, body) if line)
            speeches.append(
                Speech(
                    **speech_search_fields(name, text),
                    title=name,
                    city=place,
                    province=province_region,
                    year=year,
                    speaker="张三",
                    occasion="全市招商引资工作会议",
                    primary_topic=self.topics[topics[0]] if topics else None,
                    source_name=f"speech_{number}.txt",
                    original_text=text,
                    text=text,
                    content_hash=hashlib.sha256(f"{name}{number}".encode()).hexdigest(),
                )
            )
        Speech.objects.bulk_create(speeches)
        through = Speech.topics.through
        through.objects.bulk_create(
            [through(speech=speech, topic=self.topics[slug]) for speech in speeches for slug in topics]
        )
        sections = self._sections(speeches, outline)
        self._commitments(speeches, sections, pledges or [])
        return speeches

    def region(self, code: str) -> Region:
        if code not in self.regions:
            self.regions[code] = Region.objects.select_related("parent__parent").get(code=code)
        return self.regions[code]

    def _sections(self, speeches: list[Speech], outline) -> dict[int, list[Section]]:
        by_speech = {}
        for speech in speeches:
            rows = [
                Section(speech=speech, position=i, level=1 if parent is None else 2, marker=m, heading=h, text=body)
                for i, (m, h, body, parent) in enumerate(outline)
            ]
            by_speech[speech.pk] = rows
        # Parents first, so children can point at saved rows.
        Section.objects.bulk_create([row for rows in by_speech.values() for row in rows if row.level == 1])
        for rows in by_speech.values():
            for row, (*_, parent) in zip(rows, outline, strict=True):
                if parent is not None:
                    row.parent = rows[parent]
        Section.objects.bulk_create([row for rows in by_speech.values() for row in rows if row.level == 2])
        return by_speech

    def _commitments(self, speeches: list[Speech], sections: dict[int, list[Section]], pledges: list[Pledge]) -> None:
        rows = [
            Commitment(
                **commitment_search_fields(pledge.text, [amount for amount, *_ in self._amounts(pledge)]),
                speech=speech,
                section=sections[speech.pk][pledge.section],
                position=position,
                text=pledge.text,
                kind=pledge.kind,
                strength=pledge.strength,
                topic=self.topics.get(pledge.topic or ""),
                deadline_text=pledge.deadline_text,
                responsible=pledge.responsible,
            )
            for speech in speeches
            for position, pledge in enumerate(pledges)
        ]
        Commitment.objects.bulk_create(rows)
        Target.objects.bulk_create(
            [
                Target(commitment=row, position=i, text=text, value=value, unit=unit, qualifier=qualifier)
                for row, pledge in zip(rows, itertools.cycle(pledges), strict=False)
                for i, (text, value, unit, qualifier) in enumerate(self._amounts(pledge))
            ]
        )

    @staticmethod
    def _amounts(pledge: Pledge) -> list[tuple[str, Decimal, str, str]]:
        return [
            (f"{value}{unit}{qualifier}", Decimal(value), unit, qualifier) for value, unit, qualifier in pledge.targets
        ]
