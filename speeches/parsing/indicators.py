"""Indicators: what a quantified target or result measures (国内生产总值增长, 城镇新增就业…).

The taxonomy is a data file (speeches/data/indicators.toml) so staff can read and extend it
without touching code. An amount is given an indicator by the words just before it in its own
clause: the nearest wording of the taxonomy (the longest one at a place, so 人均国内生产总值 is
not 国内生产总值), whose unit is of the amount's kind (% for a rate, 万人 for people, 亿元 for
money), and whose measure agrees with the verb between them (增长 for a rate of growth, 下降 for a
fall, none for a level). A clause that only goes on about the amount before it (…达到13.65万亿元，
比上年增长9.5%) speaks of the same thing. Anything else has no indicator: a wrong one would
put a target beside a result it has nothing to do with.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path

from .amounts import FoundAmount, iter_amounts

DATA_FILE = Path(__file__).resolve().parents[1] / "data" / "indicators.toml"

HIGHER, CEILING, LOWER = "higher", "ceiling", "lower"
GROWTH, LEVEL, REDUCTION = "growth", "level", "reduction"
DIRECTIONS = (HIGHER, CEILING, LOWER)
MEASURES = (GROWTH, LEVEL, REDUCTION)

# Units of one kind and their size against each other; amounts convert within a kind only.
_UNIT_KINDS: dict[str, dict[str, Decimal]] = {
    "rate": {"%": Decimal(1)},
    "permille": {"‰": Decimal(1)},
    "people": {"人": Decimal(1), "万人": Decimal(10_000), "亿人": Decimal(100_000_000)},
    "yuan": {"元": Decimal(1), "万元": Decimal(10_000), "亿元": Decimal(10**8), "万亿元": Decimal(10**12)},
    "dollars": {"美元": Decimal(1), "万美元": Decimal(10_000), "亿美元": Decimal(10**8), "万亿美元": Decimal(10**12)},
    "weight": {
        "吨": Decimal(1),
        "万吨": Decimal(10_000),
        "亿吨": Decimal(10**8),
        "公斤": Decimal("0.001"),
        "千克": Decimal("0.001"),
        "斤": Decimal("0.0005"),
        "万斤": Decimal(5),
        "亿斤": Decimal(50_000),
        "万亿斤": Decimal(500_000_000),
    },
    # Homes are counted in 套 or 户 alike.
    "homes": {"套": Decimal(1), "万套": Decimal(10_000), "户": Decimal(1), "万户": Decimal(10_000)},
    "length": {"公里": Decimal(1), "千米": Decimal(1), "万公里": Decimal(10_000)},
    "concentration": {"微克/立方米": Decimal(1)},
}
_KIND_OF_UNIT = {unit: kind for kind, units in _UNIT_KINDS.items() for unit in units}

# What the words between an indicator's name and its amount say about the number.
_GROWTH_WORDS = re.compile(r"增长|增速|增幅|涨幅|上涨|上升|提高|增加(?!到|至)|增|涨")
# A fall stated as such (下降2%); 回落到 and 降到 name the level reached, not the fall.
_FALL_WORDS = re.compile(r"(?:下降|降低|减少|削减|减排)(?!到|至)")
# A level may be reached or held: 达到, 增加到, 稳定在; a plain 增长 or 下降 speaks of a change.
_CHANGE_WORDS = re.compile(
    r"增长(?!到|至)|增速|增幅|下降(?!到|至)|降低(?!到|至)|减少(?!到|至)|提高(?!到|至)|比上年|同比"
)
# The amount is something else of the indicator: its share (占…比重), its rank, the year it is compared with.
_NOT_THE_INDICATOR = re.compile(r"占|比重|之比|排名|位居|居全|人均|每|年均|平均|累计|翻|从|由")
# A clause that goes on about the amount before it, naming no indicator of its own.
_GOES_ON = re.compile(
    r"^[，,]?(?:转为|转而)?(?:比上年|比去年|同比|较上年|增长|增速|实际增长|名义增长|年均|下降|提高|上涨|增加到|达到)"
)
# Two amounts joined by 和 or 、 (增长7.7%和6.8%) are paired with a list of names: too easily crossed.
_PAIRED_AFTER = re.compile(r"(?:和|、|与|及)\d")
_PAIRED_BEFORE = frozenset("和、与及")
# 削减财政赤字450亿元: a change of a level said before its name, not the level.
_CHANGED_BEFORE = re.compile(r"(?:削减|减少|增加|降低|提高|压缩|下降|新增加)$")
# A clause may not run on too far from its name: "财政收入…，…的8%" is not revenue growth.
_MAX_GAP = 14


@dataclass(frozen=True)
class Indicator:
    slug: str
    name: str
    unit: str
    direction: str
    measure: str
    tolerance: Decimal | None
    wordings: tuple[str, ...]

    @property
    def unit_kind(self) -> str:
        return _KIND_OF_UNIT[self.unit]

    def convert(self, value: Decimal, unit: str) -> Decimal | None:
        """`value` in `unit` expressed in this indicator's unit; None when the units are of other kinds."""
        return convert(value, unit, self.unit)


def convert(value: Decimal, unit: str, to: str) -> Decimal | None:
    kind = _KIND_OF_UNIT.get(unit)
    if kind is None or kind != _KIND_OF_UNIT.get(to):
        return None
    sizes = _UNIT_KINDS[kind]
    return value * sizes[unit] / sizes[to]


@cache
def load_indicators(path: Path = DATA_FILE) -> tuple[Indicator, ...]:
    with path.open("rb") as file:
        rows = tomllib.load(file)["indicator"]
    indicators = []
    for row in rows:
        if row["direction"] not in DIRECTIONS or row["measure"] not in MEASURES or row["unit"] not in _KIND_OF_UNIT:
            raise ValueError(f"{path.name}: indicator {row['slug']} has an unknown direction, measure or unit")
        tolerance = row.get("tolerance")
        indicators.append(
            Indicator(
                slug=row["slug"],
                name=row["name"],
                unit=row["unit"],
                direction=row["direction"],
                measure=row["measure"],
                tolerance=Decimal(str(tolerance)) if tolerance is not None else None,
                wordings=tuple(row["wordings"]),
            )
        )
    slugs = [indicator.slug for indicator in indicators]
    if len(set(slugs)) != len(slugs):
        raise ValueError(f"{path.name}: an indicator slug is given twice")
    return tuple(indicators)


def indicators_by_slug() -> dict[str, Indicator]:
    return {indicator.slug: indicator for indicator in load_indicators()}


@cache
def _wording_table() -> tuple[re.Pattern[str], dict[str, tuple[Indicator, ...]]]:
    named: dict[str, list[Indicator]] = {}
    for indicator in load_indicators():
        for wording in indicator.wordings:
            named.setdefault(wording, []).append(indicator)
    # Longest first: the regex takes the first alternative that matches at a place.
    pattern = re.compile("|".join(re.escape(wording) for wording in sorted(named, key=len, reverse=True)))
    return pattern, {wording: tuple(found) for wording, found in named.items()}


@dataclass(frozen=True)
class Classified:
    indicator: Indicator
    value: Decimal  # in the indicator's unit; for a reduction the fall (下降3% -> 3)
    value_max: Decimal | None
    wording: str


def _signed(indicator: Indicator, words: str, gap: str) -> int | None:
    """+1 or -1 when the words fit what the indicator measures (a fall of growth is negative
    growth, a rise where a fall was wanted a negative fall), None when they do not fit."""
    rises, falls = bool(_GROWTH_WORDS.search(words + gap)), bool(_FALL_WORDS.search(gap))
    if indicator.measure == GROWTH:
        if falls and not _GROWTH_WORDS.search(gap):
            return -1
        return 1 if rises else None
    if indicator.measure == REDUCTION:
        if falls:
            return 1
        return -1 if _GROWTH_WORDS.search(gap) else None
    return None if _CHANGE_WORDS.search(gap) else 1


def _choose(wording: str, gap: str, found: FoundAmount, before: str = "") -> Classified | None:
    _, named = _wording_table()
    for indicator in named[wording]:
        if indicator.measure == LEVEL and _CHANGED_BEFORE.search(before):
            continue
        value = indicator.convert(found.target.value, found.target.unit)
        sign = _signed(indicator, wording, gap) if value is not None else None
        if sign is None:
            continue
        value_max = found.target.value_max
        if value_max is not None:
            value_max = indicator.convert(value_max, found.target.unit)
        if sign < 0:
            value, value_max = -value, (-value_max if value_max is not None else None)
        return Classified(indicator, value, value_max, wording)
    return None


def classify_amounts(text: str, amounts: list[FoundAmount] | None = None) -> list[Classified | None]:
    """For each amount of `text` (in `iter_amounts` order) what it measures, or None."""
    if amounts is None:
        amounts = list(iter_amounts(text))
    pattern, _ = _wording_table()
    names = [(m.start(), m.end(), m.group()) for m in pattern.finditer(text)]
    results: list[Classified | None] = []
    previous_end = 0
    subject: str | None = None  # the wording the last amount was named by
    for found in amounts:
        qualifier = found.target.qualifier or ""
        # A qualifier written before the number (提高到51.5%) is part of the amount's span, and says how it moves.
        pre = qualifier if found.target.text.startswith(qualifier) else ""
        lead = text[previous_end : found.start] + pre
        nearest = [name for name in names if previous_end <= name[0] and name[1] <= found.start]
        result = None
        if nearest:
            start, end, subject = nearest[-1]
            gap = text[end : found.start] + pre
            if "，" not in gap and "," not in gap and len(gap) <= _MAX_GAP and not _NOT_THE_INDICATOR.search(gap):
                result = _choose(subject, gap, found, text[max(0, start - 3) : start])
        elif subject is not None and _GOES_ON.match(lead) and not _NOT_THE_INDICATOR.search(lead):
            result = _choose(subject, lead, found)
        paired = _PAIRED_AFTER.match(text, found.end) or (previous_end and lead in _PAIRED_BEFORE)
        results.append(None if paired else result)
        previous_end = found.end
    return results


def classify_targets(text: str) -> list[Classified | None]:
    """The indicators of a commitment's amounts, in the order its targets are stored."""
    return classify_amounts(text)


# "城镇和农村居民人均可支配收入分别达35512元、25689元": two names sharing one tail, then 分别.
_JOINED = frozenset("和与、及")
_RESPECTIVELY = "分别"


def _joined_names(text: str, start: int, wording: str) -> list[str] | None:
    """The two names of "城镇和农村居民人均可支配收入" (the second, `wording`, at `start`): the
    first is the wording just before 和, or the word before it with the second's tail
    (城镇 + 居民人均可支配收入) when that is a wording too."""
    pattern, named = _wording_table()
    if start < 2 or text[start - 1] not in _JOINED:
        return None
    # 城镇居民人均可支配收入和农村居民人均纯收入: both names written out.
    whole = [m.group() for m in pattern.finditer(text, max(0, start - 1 - 30), start - 1) if m.end() == start - 1]
    if whole:
        return [whole[-1], wording]
    for length in (2, 3, 4):
        head = text[max(0, start - 1 - length) : start - 1]
        for cut in range(1, min(5, len(wording))):
            other = head + wording[cut:]
            if len(head) == length and other in named and other != wording:
                return [other, wording]
    return None


def classify_lists(text: str, amounts: list[FoundAmount]) -> dict[int, list[Classified]]:
    """Amounts said of two names at once with 分别 (…分别达35512元、25689元，分别同比增长7.8%):
    by the amount's index, what each measures: one amount for each name in turn, or one for both."""
    if _RESPECTIVELY not in text:
        return {}
    pattern, _ = _wording_table()
    found: dict[int, list[Classified]] = {}
    names: list[str] | None = None
    for at in (m.start() for m in re.finditer(_RESPECTIVELY, text)):
        clause_start = max(text.rfind("，", 0, at), text.rfind(",", 0, at)) + 1
        wordings = list(pattern.finditer(text, clause_start, at))
        if wordings:
            names = _joined_names(text, wordings[-1].start(), wordings[-1].group())
        if not names:
            continue
        end = min((i for i in (text.find("，", at), text.find(",", at)) if i >= 0), default=len(text))
        inside = [n for n, amount in enumerate(amounts) if at < amount.start < end]
        if len(inside) == 1:
            pairs = [(inside[0], name) for name in names]
        elif len(inside) == len(names):
            pairs = list(zip(inside, names, strict=True))
        else:
            continue
        for number, name in pairs:
            amount = amounts[number]
            before = amounts[inside[0]].start if number != inside[0] else amount.start
            gap = text[at + len(_RESPECTIVELY) : before]
            classified = _choose(name, gap, amount)
            if classified is not None:
                found.setdefault(number, []).append(classified)
    return found
