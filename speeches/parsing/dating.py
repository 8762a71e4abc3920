"""The year a speech was delivered, read from the whole text when its header gives no date.

A work report looks back on one year and plans the next, and says which is which:

    一、2023年工作回顾          -> delivered in 2024 (the year under review is the one before)
    二、2024年工作安排          -> delivered in 2024
    2024年是中华人民共和国成立75周年 (in the plan part)    -> 2024
    2023年是全面贯彻党的二十大精神的开局之年 (in the review) -> 2024
    “十一五”时期国民经济和社会发展的回顾                  -> 2011, the first year after the plan
    第十四届全国人民代表大会第二次会议                       -> 2024, from the congress's term and session

The plan part weighs most: it names the speech's own year. Years are only read from headings and
from sentences that say what a year *is* (2024年是…), never from amounts, counts or `20xx`.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from dataclasses import dataclass

from .commitments import NOTES, PLAN, REVIEW, named_context
from .deadlines import five_year_plan_end
from .numerals import to_number
from .structures import ParsedSection

# How a year was found; the archive stores these names (Speech.YearSource).
DATE_LINE, TITLE, CONGRESS, PLAN_PART, REVIEW_PART, TERM, OPENING = (
    "date",
    "title",
    "congress",
    "plan",
    "review",
    "term",
    "opening",
)

_YEAR = r"(?<![\d.xX])(?P<year>(?:19|20)\d\d)年"
# A year named in a heading, not one aimed at (到2027年) or compared with (比2020年).
_HEADING_YEAR = re.compile(rf"(?<![到至比较])(?:过去的?|刚刚过去的)?{_YEAR}")
# "2024年是…", "刚刚过去的2023年，是…": a sentence that says what a year is.
_YEAR_IS = re.compile(rf"(?:^|[。；！])\s*(?P<past>过去的?|刚刚过去的)?{_YEAR}[，,]?(?:也|更|又|还)?是")
# "今年是“十二五”开局之年", "“十一五”的第一年": a year placed in a five-year plan.
_PLAN_ORDINAL = "一二三四五六七八九"
_FIVE_YEAR = rf"“?十(?P<plan>[{_PLAN_ORDINAL}])五”?"
_PLAN_YEAR = re.compile(
    rf"(?:今年|(?<![到至]){_YEAR})[，,]?是(?:实施)?{_FIVE_YEAR}(?:规划)?(?:实施)?的?"
    r"(?P<when>开局之年|第一年|起步之年|收官之年|最后一年|决胜之年)"
)
_PLAN_REVIEW = re.compile(rf"^{_FIVE_YEAR}(?:时期|期间|以来)?[^，。]{{0,20}}(?:回顾|成就)")
# National people's congresses: the year of each term's first session. A session a year follows.
_NPC_FIRST_SESSION = {
    1: 1954,
    2: 1959,
    3: 1964,
    4: 1975,
    5: 1978,
    6: 1983,
    7: 1988,
    8: 1993,
    9: 1998,
    10: 2003,
    11: 2008,
    12: 2013,
    13: 2018,
    14: 2023,
}
_NPC_TERM_YEARS = 5
_CN = "一二三四五六七八九十"
_NPC = re.compile(
    rf"第(?P<term>[{_CN}]{{1,3}})届全国人民代表大会第(?P<session>[{_CN}]{{1,2}})次会议(?P<since>以来的五年)?"
)
# Only the first paragraphs of a part hold "2024年是…"; later ones recount what happened in years past.
_PARAGRAPHS_READ = 3


@dataclass(frozen=True)
class Dating:
    year: int
    source: str


def date_from_outline(sections: list[ParsedSection], front: str = "") -> Dating | None:
    """The year the outline and the first lines (`front`) point to, and how it was found."""
    congress = _congress_year(front)
    if congress:
        return Dating(congress, CONGRESS)
    found: dict[tuple[str, bool], Counter[int]] = defaultdict(Counter)
    for section, context in _parts(sections):
        for year, source, in_heading in _years_of_part(section, context):
            found[source, in_heading][year] += 1
    # Headings first: they name the part; then what the parts say of a year. The plan names the
    # speech's year, a review the year before it.
    for key in ((PLAN_PART, True), (REVIEW_PART, True), (PLAN_PART, False), (REVIEW_PART, False), (TERM, True)):
        if found[key]:
            return Dating(found[key].most_common(1)[0][0], key[0])
    return None


def _parts(sections: list[ParsedSection]) -> Iterator[tuple[ParsedSection, str | None]]:
    """Each section with the part it belongs to: the nearest heading that names a plan or a review."""

    def visit(section: ParsedSection, inherited: str | None) -> Iterator[tuple[ParsedSection, str | None]]:
        own = named_context(section.heading) if section.heading else None
        context = own if own in (PLAN, REVIEW, NOTES) else inherited
        yield section, context
        for child in section.children:
            yield from visit(child, context)

    for section in sections:
        yield from visit(section, None)


def _years_of_part(section: ParsedSection, context: str | None) -> Iterator[tuple[int, str, bool]]:
    """(year, source, whether a heading says it) for what one section tells of the speech's year."""
    heading = section.heading
    if heading and context in (PLAN, REVIEW):
        plan_review = _PLAN_REVIEW.search(heading)
        if plan_review and context == REVIEW:
            yield _plan_end(plan_review["plan"]) + 1, TERM, True
        years = [int(match["year"]) for match in _HEADING_YEAR.finditer(heading)]
        if years and named_context(heading) == context:
            if context == PLAN:
                yield min(years), PLAN_PART, True
            else:
                yield max(years) + 1, REVIEW_PART, True
    for paragraph in section.text.split("\n")[:_PARAGRAPHS_READ]:
        for match in _PLAN_YEAR.finditer(paragraph):
            start = _plan_end(match["plan"]) - 4
            year = start if match["when"] in ("开局之年", "第一年", "起步之年") else start + 4
            said = int(match["year"]) if match["year"] else None
            if said is None or said == year:
                yield (year + 1 if context == REVIEW else year), TERM, True
        if context not in (PLAN, REVIEW) and section.heading:
            continue  # the opening, before any heading, is where a text that starts mid-review begins
        for match in _YEAR_IS.finditer(paragraph):
            year = int(match["year"])
            # "刚刚过去的2023年" looks back wherever it stands.
            if context == REVIEW or match["past"]:
                yield year + 1, REVIEW_PART, False
            else:
                yield year, PLAN_PART, False


def _plan_end(ordinal: str) -> int:
    """The last year of the plan “十一五” … “十九五” names by its second digit."""
    return five_year_plan_end(10 + _PLAN_ORDINAL.index(ordinal) + 1)


def _congress_year(front: str) -> int | None:
    match = _NPC.search(front)
    if not match:
        return None
    term, session = int(to_number(match["term"], "smart")), int(to_number(match["session"], "smart"))
    first = _NPC_FIRST_SESSION.get(term or 0)
    if first is None or not session or session > _NPC_TERM_YEARS:
        return None
    # "第十届全国人民代表大会第一次会议以来的五年": the term under review has ended.
    return first + _NPC_TERM_YEARS if match["since"] else first + session - 1
