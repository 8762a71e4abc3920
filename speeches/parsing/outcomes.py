"""Outcomes: the results a report's look back states (国内生产总值增长6.9%, 城镇新增就业1314万人).

They are not commitments, but they are what a commitment is judged by: each quantified result
whose words name an indicator of the taxonomy becomes an outcome, with the year it describes.
A report of year N looks back on year N-1, so that is the year of its results unless the words
name another (2007年，国内生产总值达到24.66万亿元). A look back over five years (过去五年,
“十一五”时期) speaks of the whole period, so only results it gives for one named year count;
so do the results of a plan part that looks back for a moment (过去一年，我们…国内生产总值增长10.3%).

What is aimed at rather than reached is no result, even in a look back: amounts said with 左右,
以上, 以内 and the like, and clauses that speak of a target (年初预期目标, 力争).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from .amounts import iter_amounts
from .commitments import REVIEW, named_context, reads_as_review, split_clauses, split_segments
from .indicators import classify_amounts, classify_lists
from .structures import ParsedSection

# Qualifiers of an amount aimed at; 超过, 达到, 突破 and 控制在 also report what was reached.
_AIMED_QUALIFIERS = frozenset({"左右", "以上", "以内", "之内", "以下", "上下", "不低于", "不少于", "不超过", "不高于"})
_AIMED_WORDS = re.compile(r"目标|预期|计划|力争|争取|确保|要求|将|拟|预计|预算安排|年度预算|比预算")
_MODAL = re.compile(r"要(?!求)|将|必须|力争|争取|确保|今年|明年|今后")
# A look back over several years, whose results are the period's unless a year is named.
_PERIOD_HEADING = re.compile(r"五年|“十[一二三四五六七八九]五”|十[一二三四五六七八九]五|时期|以来")
_PERIOD_OPENING = re.compile(
    r"^(?:过去|近)?[五四三两十\d]+年(?:来|间|中|里)|^“?十[一二三四五六七八九]五”?(?:时期|期间)|^五年"
)
# 2005年与2000年相比, 比2002年增长65.5%: a change over several years, not the year's result.
_AGAINST_A_YEAR = re.compile(r"(?:与|比|较|同)(?:19|20)\d\d年")
# Results of several years or one of a run (近三年累计, 年均, 连续四年达到): not the year's own.
_SEVERAL_YEARS = re.compile(
    r"累计|年均|平均每年|连续|[两三四五六七八九十]年(?:来|间|里|累计)|“?十[一二三四五六七八九]五”?"
)
_NAMES_A_YEAR = re.compile(r"过去一年|去年|上一年|上年|一年来|全年|(?:19|20)\d\d ?年")
_LAST_YEAR = re.compile(r"^(?:过去一年|去年|上一年|上年|一年来|全年)")
_YEAR_OPENING = re.compile(r"^(?P<year>(?:19|20)\d\d) ?年(?!以来|来|至|到|—|-|起)")


@dataclass
class ParsedOutcome:
    """A quantified result: what it measures, its value in the indicator's unit, the year it describes."""

    indicator: str  # the indicator's slug
    value: Decimal
    unit: str
    year: int
    text: str  # the sentence stating it
    amount_text: str  # the amount as written
    section_index: int  # position of its section in walk_sections() order
    paragraph: int  # 1-based paragraph of the section's text (the page's anchor p-<section>-<n>)


def _year_named(segment: str, year: int) -> int | None:
    """The year a sentence opens on (2007年，…), or year - 1 for 去年 / 过去一年."""
    found = _YEAR_OPENING.match(segment)
    if found:
        named = int(found["year"])
        return named if named < year else None
    if _LAST_YEAR.match(segment):
        return year - 1
    return None


def outcomes_of(segment: str, year: int, section_index: int, paragraph: int) -> list[ParsedOutcome]:
    """The results one sentence states about `year`."""
    amounts = list(iter_amounts(segment))
    if not amounts or _AGAINST_A_YEAR.search(segment):
        return []
    clauses = split_clauses(segment)
    ends, at = [], 0
    for clause in clauses:
        at += len(clause) + 1
        ends.append(at)
    lists = classify_lists(segment, amounts)
    found = []
    for number, (amount, classified) in enumerate(zip(amounts, classify_amounts(segment, amounts), strict=True)):
        clause = clauses[next((n for n, end in enumerate(ends) if amount.start < end), len(clauses) - 1)]
        if (amount.target.qualifier or "") in _AIMED_QUALIFIERS or _AIMED_WORDS.search(clause):
            continue
        if _SEVERAL_YEARS.search(segment, 0, amount.start):
            continue
        if number in lists:
            measured = lists[number]  # 城镇和农村居民人均可支配收入分别…: one amount of each, or one for both
        elif classified is None or "分别" in clause:
            continue
        else:
            measured = [classified]
        found += [
            ParsedOutcome(
                indicator=item.indicator.slug,
                value=item.value,
                unit=item.indicator.unit,
                year=year,
                text=segment,
                amount_text=amount.target.text,
                section_index=section_index,
                paragraph=paragraph,
            )
            for item in measured
        ]
    return found


@dataclass
class _Reader:
    year: int
    outcomes: list[ParsedOutcome]
    index: int = 0
    looking_back: set[int] = field(default_factory=set)  # indexes of the sections of a look back

    def read(self, sections: list[ParsedSection]) -> None:
        for section in sections:
            self._visit(section, None)

    def _visit(self, section: ParsedSection, parent: str | None) -> None:
        """`parent`: "annual" or "period" inside a look back, None elsewhere."""
        kind = parent
        if parent is None and section.heading and self._looks_back(section):
            kind = "period" if _PERIOD_HEADING.search(section.heading) else "annual"
        if kind is not None:
            self.looking_back.add(self.index)
        self._read_text(section.text, kind)
        self.index += 1
        for child in section.children:
            self._visit(child, kind)

    def _looks_back(self, section: ParsedSection) -> bool:
        named = named_context(section.heading, self.year)
        if named is not None:
            return named == REVIEW  # a part named a plan or notes is not read for results
        return section.level == 1 and reads_as_review("\n".join(part.text for part in section.walk()), self.year)

    def _read_text(self, text: str, kind: str | None) -> None:
        for number, paragraph in enumerate(text.split("\n"), start=1):
            if kind != "annual" and not _NAMES_A_YEAR.search(paragraph):
                continue  # nothing here says which year a result would be of
            segments = split_segments(paragraph.strip())
            # Outside an annual look back, results count only after words that say which year they are.
            described = self.year - 1 if kind == "annual" else None
            if kind == "annual" and segments and _PERIOD_OPENING.match(segments[0].text):
                described = None  # 五年来，…: the period's results, not last year's
            for segment in segments:
                named = _year_named(segment.text, self.year)
                if named is not None:
                    described = named
                elif described is not None and kind != "annual" and _MODAL.search(segment.text):
                    described = None  # the text has turned to what is to be done
                if described is None or segment.lead_in:
                    continue
                self.outcomes.extend(outcomes_of(segment.text, described, self.index, number))


@dataclass
class StatedResults:
    outcomes: list[ParsedOutcome]
    review_sections: set[int]  # walk_sections() indexes of the look back's sections


def read_results(sections: list[ParsedSection], *, year: int | None) -> StatedResults:
    """The results a speech of `year` states, in reading order, and where its look back is;
    nothing when its year is unknown."""
    if year is None:
        return StatedResults([], set())
    reader = _Reader(year=year, outcomes=[])
    reader.read(sections)
    return StatedResults(reader.outcomes, reader.looking_back)


def extract_outcomes(sections: list[ParsedSection], *, year: int | None) -> list[ParsedOutcome]:
    return read_results(sections, year=year).outcomes
