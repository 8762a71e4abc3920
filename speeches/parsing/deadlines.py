"""Time limits in a pledge and what they resolve to: 2月底前, 年底前, 上半年, 三年内, 到2025年, “十四五”期间.

Phrases that count from the speech (年底前, 三年内, 2月底前) resolve against the speech's
year when it is known; the speech's year counts as the first of "三年内". A "20xx" placeholder never yields a year.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .amounts import chinese_number
from .structures import ParsedDeadline

_CN_DIGITS = "零〇○一二两三四五六七八九十"
_YEAR = rf"(?:1[89]\d\d|20\d\d|20xx|20XX|[一二][{_CN_DIGITS}]{{3}})"
_MONTH = r"(?:1[0-2]|[1-9]|十[一二]?|[一二三四五六七八九])"
_DAY = r"(?:[12]\d|3[01]|[1-9])"
_BEFORE = r"(?:前|之前|以前)"
_END = r"(?:底|末)"
_N = rf"(?:\d+|[{_CN_DIGITS}]+)"
_PLAN_NAMES = "一二三四五六七八九十"

# (kind, a word every match holds, pattern): the word lets most sentences skip most patterns.
_PATTERNS = [
    # 到2025年底, 2025年6月底前, 2025年3月15日前
    (
        "date",
        "年",
        re.compile(
            rf"(?:到|至|在|于)?(?P<year>{_YEAR})年"
            rf"(?:(?P<month>{_MONTH})月(?:份)?(?:(?P<day>{_DAY})日|(?P<month_end>{_END}|中旬|上旬|下旬))?)?"
            rf"(?P<year_end>{_END})?(?P<before>{_BEFORE})?"
        ),
    ),
    # 2月底前, 6月份前, 3月15日前, 今年6月底
    (
        "month",
        "月",
        re.compile(
            rf"(?<![\d每])(?P<when>今年|明年)?(?P<month>{_MONTH})月(?:份)?"
            rf"(?:(?P<day>{_DAY})日|(?P<month_end>{_END}|中旬|上旬|下旬))?(?P<before>{_BEFORE})?"
        ),
    ),
    # 年底前, 今年内, 明年底, 年内
    (
        "year_end",
        "年",
        re.compile(rf"(?<![\d{_CN_DIGITS}去上每往])(?P<when>今|明|本|当)?年(?:{_END}|内)(?P<before>{_BEFORE})?"),
    ),
    # 上半年, 一季度末, 第一季度, 前三季度 (not the 2 of "1~2季度", a span of quarters)
    (
        "half",
        "",
        re.compile(
            rf"(?<!每)(?P<when>今年|明年)?(?P<half>上半年|下半年|前三季度"
            rf"|(?:第|(?<![~～\-—至到\d]))[一二三四1-4]季度(?:{_END}|{_BEFORE}|内)*)"
        ),
    ),
    # 三年内, 两年时间, 5年左右
    ("years", "年", re.compile(rf"(?:用|在)?(?P<count>{_N})年(?:内|之内|以内|时间|左右时间)")),
    # 6个月内, 30天内
    ("span", "内", re.compile(rf"(?P<count>{_N})(?:个月|天|日|个工作日)(?:内|之内|以内)")),
    # “十四五”期间, “十五五”末, 十四五时期
    ("plan", "五", re.compile(rf"“?十(?P<plan>[{_PLAN_NAMES}])五”?(?:规划)?(?:期间|时期|末|末期)")),
    ("century", "世纪", re.compile(r"(?:到|至)?本世纪中叶")),
]

# Something every time limit holds; a sentence without any of it has none (and most have none).
_TRIGGER = re.compile(
    rf"年(?:{_END}|内|之内|以内|时间|左右时间|{_BEFORE})|月(?:份)?(?:{_END}|中旬|上旬|下旬|{_BEFORE})|日{_BEFORE}"
    r"|(?:到|至)[12一二]|半年|季度|(?:个月|天|日)(?:内|之内|以内)|五”?(?:规划)?(?:期间|时期|末)|世纪中叶"
)
_HALF_MONTH = {"上半年": 6, "下半年": 12, "前三季度": 9}


@dataclass(frozen=True)
class _Candidate:
    start: int
    end: int
    deadline: ParsedDeadline


def year_number(text: str) -> int | None:
    """2025 -> 2025, 一九五七 -> 1957, 20xx -> None."""
    if "x" in text.lower():
        return None
    if text.isdigit():
        return int(text)
    digits = "".join(str("零一二三四五六七八九".index(c)) if c in "零一二三四五六七八九" else "0" for c in text)
    return int(digits) if len(digits) == 4 else None


def _small_number(text: str) -> int | None:
    if text.isdigit():
        return int(text)
    value = chinese_number(text)
    return int(value) if value is not None else None


def five_year_plan_end(number: int) -> int:
    """Last year of the n-th five-year plan: 十四五 -> 2025 (the third plan began in 1966)."""
    if number <= 2:
        return 1952 + 5 * number
    return 1955 + 5 * number


def _resolve(kind: str, m: re.Match[str], year: int | None) -> ParsedDeadline | None:
    text = m.group(0)
    if kind == "date":
        if not (m["year_end"] or m["month_end"] or m["before"] or text[0] in "到至"):
            return None  # "2025年" or "2025年3月15日" alone names a time, not a limit
        month = _small_number(m["month"]) if m["month"] else (12 if m["year_end"] else None)
        day = int(m["day"]) if m["day"] else None
        return ParsedDeadline(text, year_number(m["year"]), month, day)
    if kind == "month":
        if not (m["before"] or m["month_end"]):
            return None  # 11月6日 in a report is a date, 6月底/6月前 a limit
        when = {"今年": year, "明年": year + 1 if year else None}.get(m["when"] or "今年", year)
        day = int(m["day"]) if m["day"] else None
        return ParsedDeadline(text, when, _small_number(m["month"]), day)
    if kind == "year_end":
        when = year + 1 if (m["when"] == "明" and year) else year
        return ParsedDeadline(text, when, 12)
    if kind == "half":
        half = m["half"]
        when = year + 1 if (m["when"] == "明年" and year) else year
        month = _HALF_MONTH.get(half)
        if month is None:
            quarter = _small_number(re.sub(r"[^\d一二三四]", "", half))
            month = quarter * 3 if quarter else None
        return ParsedDeadline(text, when, month)
    if kind == "years":
        # The speech's own year is the first of the n: 三年内 said in 2026 ends with 2028.
        count = _small_number(m["count"])
        return ParsedDeadline(text, year + count - 1 if (year and count) else None)
    if kind == "span":
        return ParsedDeadline(text)
    if kind == "plan":
        number = 10 + _PLAN_NAMES.index(m["plan"]) + 1
        return ParsedDeadline(text, five_year_plan_end(number), 12)
    return ParsedDeadline(text, 2050)


def find_deadlines(text: str, *, year: int | None = None) -> list[ParsedDeadline]:
    """Every time limit in `text`, in order, without overlaps (the longest wins)."""
    found: list[_Candidate] = []
    if not _TRIGGER.search(text):
        return []
    for kind, key, pattern in _PATTERNS:
        if key not in text:
            continue
        for m in pattern.finditer(text):
            if m.end() == m.start():
                continue
            deadline = _resolve(kind, m, year)
            if deadline is not None:
                found.append(_Candidate(m.start(), m.end(), deadline))
    found.sort(key=lambda c: (c.start, -(c.end - c.start)))
    kept: list[_Candidate] = []
    for candidate in found:
        if kept and candidate.start < kept[-1].end:
            continue
        kept.append(candidate)
    return [c.deadline for c in kept]


def find_deadline(text: str, *, year: int | None = None) -> ParsedDeadline | None:
    """The first time limit of a pledge, or None."""
    deadlines = find_deadlines(text, year=year)
    return deadlines[0] if deadlines else None
