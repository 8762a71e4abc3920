"""The status of a target against the result stated for it, and one line that says why.

The rule follows the target's wording and what the indicator measures:

- 左右 (about): the result may fall short by the indicator's tolerance (half a point for a growth
  rate, 5% of the target for an amount) and still meet it; for a ceiling (prices, unemployment)
  it may pass the target by as much. A result short by up to twice the tolerance is `partly`.
- 以上, 不低于, 不少于, 超过, 达到 (at least): met when the result reaches the target.
- 以内, 以下, 控制在, 不超过, 低于 (at most): met when the result stays at or under it.
- a range (6%—6.5%): met once its lower end is reached (for a ceiling: while under its upper end).
- no qualifier: at least for an indicator where more is better, at most for a ceiling.

For an indicator that is to fall (energy intensity), targets and results are the fall stated
(下降3.1%以上, 下降4.8%), so a larger fall is better. A result in another unit, or a target
whose words this rule does not read (约, 近), is `unclear`; with no result yet stated it is
`pending` until a later report of the place exists, and `unclear` after.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from .indicators import CEILING, Indicator

MET, MISSED, PARTLY, UNCLEAR, PENDING = "met", "missed", "partly", "unclear", "pending"
STATUSES = (MET, MISSED, PARTLY, UNCLEAR, PENDING)

ABOUT = frozenset({"左右", "上下", "约", "近"})
AT_LEAST = frozenset({"以上", "不低于", "不少于", "超过", "达到", "达", "突破", "高于", "超", "多", "余"})
AT_MOST = frozenset({"以内", "之内", "以下", "控制在", "不超过", "不高于", "低于", "不到"})
_READ_AS_ABOUT = frozenset({"左右", "上下"})
# Where the stated tolerance of an amount is not given: this share of the target.
_RELATIVE_TOLERANCE = Decimal("0.05")


@dataclass(frozen=True)
class Verdict:
    status: str
    explanation: str


def _number(value: Decimal, unit: str) -> str:
    text = format(value.normalize(), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}{unit}"


def _tolerance(indicator: Indicator, target: Decimal) -> Decimal:
    if indicator.tolerance is not None:
        return indicator.tolerance
    return abs(target) * _RELATIVE_TOLERANCE


def _said(indicator: Indicator, value: Decimal) -> str:
    """How a value reads in a sentence: a fall is said as 下降3.1%."""
    if indicator.measure == "reduction":
        return f"下降{_number(value, indicator.unit)}" if value >= 0 else f"上升{_number(-value, indicator.unit)}"
    return _number(value, indicator.unit)


def judge(
    indicator: Indicator,
    value: Decimal,
    value_max: Decimal | None,
    qualifier: str,
    result: Decimal | None,
    *,
    later_report: bool = True,
) -> Verdict:
    """The status of a target (`value`–`value_max` in the indicator's unit, `qualifier` as written)
    against `result` (in the same unit, None when no result is stated).

    `later_report`: whether a later report of the place exists to state it."""
    if result is None:
        if later_report:
            return Verdict(UNCLEAR, "之后的报告没有说明这一指标的结果。")
        return Verdict(PENDING, "还没有下一年的报告说明结果。")
    qualifier = qualifier or ""
    ceiling = indicator.direction == CEILING
    got, aimed = _said(indicator, result), _said(indicator, value)
    if value_max is not None:
        low, high = sorted((value, value_max))
        bound = high if ceiling else low
        span = f"{_said(indicator, low)}至{_said(indicator, high)}"
        if (result <= bound) if ceiling else (result >= bound):
            end = "上限" if ceiling else "下限"
            return Verdict(MET, f"实际{got}，达到目标区间{span}的{end}。")
        return Verdict(MISSED, f"实际{got}，{'超出' if ceiling else '未达到'}目标区间{span}。")
    if qualifier in _READ_AS_ABOUT:
        tolerance = _tolerance(indicator, value)
        allowed = _number(tolerance, "个百分点" if indicator.unit == "%" else indicator.unit)
        short = (result - value) if ceiling else (value - result)
        if short <= 0:
            better = "低于" if ceiling else "高于"
            if result == value:
                return Verdict(MET, f"实际{got}，与目标{aimed}左右相符。")
            return Verdict(MET, f"实际{got}，{better}目标{aimed}左右。")
        if short <= tolerance:
            return Verdict(MET, f"实际{got}，在目标{aimed}左右允许的{allowed}之内。")
        if short <= 2 * tolerance:
            return Verdict(PARTLY, f"实际{got}，接近但超出目标{aimed}左右允许的{allowed}。")
        side = "高于" if ceiling else "低于"
        return Verdict(MISSED, f"实际{got}，{side}目标{aimed}左右，超出允许的{allowed}。")
    if qualifier in ABOUT:
        return Verdict(UNCLEAR, f"目标说的是“{qualifier}{aimed}”，规则无法判断实际{got}是否算完成。")
    at_most = qualifier in AT_MOST or (qualifier not in AT_LEAST and ceiling)
    if at_most:
        if result <= value:
            return Verdict(MET, f"实际{got}，未超过目标上限{aimed}。")
        return Verdict(MISSED, f"实际{got}，超过了目标上限{aimed}。")
    if result >= value:
        return Verdict(MET, f"实际{got}，达到目标{aimed}。")
    return Verdict(MISSED, f"实际{got}，未达到目标{aimed}。")
