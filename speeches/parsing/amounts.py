"""Amounts in a pledge: 700亿元以上, 4.5%—5%, 不少于15个, 一千二百万人, 百分之十四点一, 翻一番.

Only a number followed by a unit of measure counts as an amount, so years (2025年),
dates (3月), quarters (1~2季度), ordinals (第三) and slogans in quotes (“两个维护”)
never become targets. A number that ends in 万 or 亿 with no unit after it counts only
as a level to reach or hold (人口控制在12亿左右, 新增就业一千二百万以上), not as a size
that describes something (十亿以上人口).

Doubling is recorded in its own unit, 番, with the number of doublings as written:
翻一番 -> 1 番, 翻两番 -> 2 番 (four times), 翻番/翻倍 -> 1 番. 倍 is not used for it because
"增长1倍" already means doubling while "是…的2倍" means the same; 番 cannot be misread.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from .numerals import to_number
from .structures import ParsedTarget

# Counting words: after a bare single Chinese digit they are nearly always rhetoric
# (三项机制, 两个确保, 三次产业), so 三项 is not an amount while 3项 and 三十项 are.
# Shares and multiples are never rhetoric: 提高五个百分点, 增长两倍.
_COUNTER_UNITS = (
    "个工作日|个百分点|百分点|人次|户次|家次|批次|场次|架次|车次|班次|个|项|条|次|批|家|种|件|名|位|所|座|套|台|张|处|只|头|支|篇|例|场|份|块|片|根|间|栋|口|眼|部|列|架|"
    "辆|艘|株|棵|册|笔|宗|单|站|户|人|倍|天|小时|岁|床|元|美元|枚|锭|匹"
)
_MEASURE_UNITS = "马力|平方公里|平方千米|平方米|平方公尺|立方米|公尺|公里|千米|米|公顷|亩|吨公里|吨|公斤|千克|市斤|斤|担|克拉|克|千瓦时|千瓦|兆瓦|瓦|度|标准箱|标箱|欧元|港元|微克/立方米|年"
_COUNTERS = frozenset(_COUNTER_UNITS.split("|"))
_RHETORIC_COUNTERS = _COUNTERS - {"个百分点", "百分点", "倍", "元", "美元"}
_UNIT_WORDS = sorted({*_COUNTERS, *_MEASURE_UNITS.split("|")}, key=len, reverse=True)
_MULTIPLIERS = "万亿|千亿|百亿|十亿|亿|千万|百万|十万|万|千|百"

_CN_CHARS = "零〇○一二两三四五六七八九十百千万亿"
# 34，250万吨: older reports group thousands with a comma.
_NUMBER = r"\d{1,3}(?:[，,]\d{3})+(?!\d)(?:\.\d+)?|\d+(?:\.\d+)?"
_CN_NUMBER = rf"百分之[{_CN_CHARS}点]+|[{_CN_CHARS}]+(?:点[零〇○一二三四五六七八九]+)?"
_PRE_QUALIFIERS = (
    "不少于|不低于|不超过|不高于|不到|超过|高于|低于|达到|突破|控制在|保持在|稳定在|提高到|增加到|增至|约|近|超|达"
)
_POST_QUALIFIERS = "以上|以下|左右|以内|之内|上下"
_RANGE = r"[—–\-~～]+|至|到"
# A rate keeps what it is per: 15万吨/日, 3000立方米/小时.
_PER = r"/(?:日|天|年|小时|时|秒|月|人|户)"
# "2×66万千瓦": so many units of that size, the amount being their total.
_TIMES = re.compile(r"(?P<count>\d{1,3})\s*[×xX*]\s*$")

# Starts at the number so the regex engine can skip ahead to digits; what precedes is checked after.
_AMOUNT = re.compile(
    rf"(?P<num>{_NUMBER}|{_CN_NUMBER})(?:(?P<percent>%)|(?:万亿|亿|万)(?=(?:{_RANGE})\d))?"
    rf"(?:(?P<range>{_RANGE})(?P<num_max>{_NUMBER}|{_CN_NUMBER}))?"
    r"(?P<approx>多|余)?"
    rf"(?P<unit>(?:(?:{_MULTIPLIERS})(?:多|余)?)?(?:{'|'.join(map(re.escape, _UNIT_WORDS))})(?:{_PER})?|%|‰"
    rf"|(?P<bare>{_MULTIPLIERS})(?:多|余)?)?"
    rf"(?P<post>{_POST_QUALIFIERS})?"
)
_DOUBLING = re.compile(rf"翻了?(?P<count>[一二两三四五六七八九\d]?)(?:番|倍)(?P<post>{_POST_QUALIFIERS})?")
# The end of a phrase: a bare 万/亿 amount must not run on into the noun it describes.
_PHRASE_END = re.compile(r"[，。；、：,;:）)的]|$")
# 千亿级产业集群, 6个月内, 以下14个方面: sizes of a category, durations and list lengths are not pledged amounts.
_NOT_AFTER = re.compile(r"级|月|方面|大")
_NOT_BEFORE = re.compile(r"(?:以下|如下|下面|这)$")
_PRE = re.compile(rf"(?:{_PRE_QUALIFIERS})$")
# 每四十六小时 is a rate, 第三 an ordinal, A3 a code: none is an amount.
_NOT_PRECEDED_BY = frozenset(f"0123456789.第每{_CN_CHARS}") | frozenset(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
)
_REACHING = {"达到", "超过", "不少于", "不低于", "达"}
_NOUN_FOLLOWS = re.compile(r"[^，。；、：,;:\s）)]")
_QUOTED = re.compile(r"“[^“”\n]{0,40}”")
_CN_DIGIT = re.compile(r"[一二两三四五六七八九十]")
# Multipliers folded into the value so a unit keeps at most one of 万/亿 (千万元 -> ×1000 万元).
_FOLDED = {
    "千万": ("万", 1000),
    "百万": ("万", 100),
    "十万": ("万", 10),
    "千亿": ("亿", 1000),
    "百亿": ("亿", 100),
    "十亿": ("亿", 10),
}


@dataclass(frozen=True)
class FoundAmount:
    start: int
    end: int
    target: ParsedTarget


def chinese_number(text: str) -> Decimal | None:
    """一千二百万 -> 12000000, 十四点一 -> 14.1, 两千 -> 2000; None when it is not a number."""
    text = text.replace("○", "〇").replace("两", "二")
    if text.startswith("百分之"):
        text = text[3:]
    try:
        value = to_number(text, "strict")
    except (ValueError, KeyError, IndexError):
        return None
    return Decimal(str(value))


def _number(text: str) -> Decimal | None:
    if text[0].isdigit():
        try:
            return Decimal(text.replace("，", "").replace(",", ""))
        except InvalidOperation:
            return None
    if not _CN_DIGIT.search(text):  # 千亿元级, 亿元以上: multipliers alone are not numbers
        return None
    return chinese_number(text)


def _split_multiplier(number: str) -> tuple[str, str]:
    """四百八十万 -> (四百八十, 万): a Chinese numeral's trailing 万/亿 belongs to the unit, as in 480万人.

    一亿一千万 stays whole: its 万 counts within the 亿, so the value is 110000000.
    """
    for suffix in ("万亿", "亿", "万"):
        head = number[: -len(suffix)]
        if number.endswith(suffix) and head and _CN_DIGIT.search(head) and "亿" not in head and suffix not in head:
            return head, suffix
    return number, ""


def iter_amounts(text: str) -> Iterator[FoundAmount]:
    """Every amount in `text`, in order, with its span."""
    quoted = [m.span() for m in _QUOTED.finditer(text)]
    found = list(_measured_amounts(text, quoted))
    if "翻" in text:
        found.extend(_doublings(text, quoted))
        found.sort(key=lambda amount: amount.start)
    return iter(found)


def _measured_amounts(text: str, quoted: list[tuple[int, int]]) -> Iterator[FoundAmount]:
    for match in _AMOUNT.finditer(text):
        number, unit = match["num"], match["unit"] or ""
        percent = bool(match["percent"]) or number.startswith("百分之")
        chinese = not number[0].isdigit()
        multiplier = ""
        if chinese and not percent:
            number, multiplier = _split_multiplier(number)
        if not (unit or multiplier or percent):
            continue
        start, end = match.start(), match.end()
        if (start and text[start - 1] in _NOT_PRECEDED_BY) or any(a <= start < b for a, b in quoted):
            continue
        before = _PRE.search(text, max(0, start - 3), start)
        pre = before.group() if before else None
        if _NOT_AFTER.match(text, end) or _NOT_BEFORE.search(text, 0, start):
            continue
        if unit == "年" and not ("." in number or pre in _REACHING):
            continue  # 2025年, 三年内, 近3年: dates and spans; 受教育年限达到10.5年 is an amount
        if unit == "岁" and _NOUN_FOLLOWS.match(text, end):
            continue  # 65岁以上老年人: an age that picks out people, not one to reach
        bare = bool(match["bare"]) or (multiplier and not unit and not percent)
        if bare and not (pre or (match["post"] and _PHRASE_END.match(text, end))):
            continue  # 十亿以上人口 describes; 控制在12亿左右 and 就业一千二百万以上 set a level
        # A lone 三 or 两 with a counting word is rhetoric, not a quantity.
        if chinese and len(number) == 1 and not multiplier and unit.lstrip("多余") in _RHETORIC_COUNTERS:
            continue
        value = _number(number)
        if value is None:
            continue
        times = _TIMES.search(text, max(0, start - 6), start)
        if times:
            value *= int(times["count"])
            value_max_factor = int(times["count"])
            start = times.start()
        else:
            value_max_factor = 1
        value_max = _number(_split_multiplier(match["num_max"])[0]) * value_max_factor if match["num_max"] else None
        if percent:
            unit = unit or "%"
        unit = multiplier + unit.replace("多", "").replace("余", "")
        for prefix, (kept, factor) in _FOLDED.items():
            if unit.startswith(prefix):
                unit = kept + unit[len(prefix) :]
                value *= factor
                value_max = value_max * factor if value_max is not None else None
                break
        # 50多家, 十四万多公里, 十八亿余元: "more than" sits before or inside the unit.
        approx = match["approx"] or next((mark for mark in "多余" if mark in (match["unit"] or "")), None)
        qualifier = match["post"] or pre or approx
        if before:
            start = before.start()
        target = ParsedTarget(value=value, unit=unit, value_max=value_max, qualifier=qualifier, text=text[start:end])
        yield FoundAmount(start, end, target)


def _doublings(text: str, quoted: list[tuple[int, int]]) -> Iterator[FoundAmount]:
    """翻两番 -> 2 番: the count of doublings, as written (see the module notes)."""
    for match in _DOUBLING.finditer(text):
        start, end = match.span()
        if any(a <= start < b for a, b in quoted):
            continue
        count = match["count"]
        value = _number(count) if count else Decimal(1)
        if value is None:
            continue
        target = ParsedTarget(value=value, unit="番", qualifier=match["post"], text=text[start:end])
        yield FoundAmount(start, end, target)


def find_amounts(text: str) -> list[ParsedTarget]:
    """The amounts of a sentence: 力争完成固定资产投资700亿元以上 -> [700 亿元 以上]."""
    return [found.target for found in iter_amounts(text)]
