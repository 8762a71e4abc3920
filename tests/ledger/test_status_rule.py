"""The status rule on plain numbers: no database, no text."""

from decimal import Decimal

import pytest

from speeches.parsing.indicators import indicators_by_slug
from speeches.parsing.ledger import MET, MISSED, PARTLY, PENDING, UNCLEAR, judge

INDICATORS = indicators_by_slug()
GDP, CPI, JOBS, ENERGY = (INDICATORS[slug] for slug in ("gdp-growth", "cpi", "urban-jobs", "energy-intensity"))


def verdict(indicator, value, qualifier="", result=None, value_max=None, later_report=True):
    d = Decimal
    return judge(
        indicator,
        d(value),
        d(value_max) if value_max else None,
        qualifier,
        d(result) if result is not None else None,
        later_report=later_report,
    )


@pytest.mark.parametrize(
    ("value", "qualifier", "result", "status"),
    [
        ("6.5", "左右", "6.9", MET),  # above an "about" target of growth
        ("6.5", "左右", "6.5", MET),
        ("7.5", "左右", "7.0", MET),  # half a point short is still "about"
        ("7.5", "左右", "6.9", PARTLY),  # short by more than the tolerance, less than twice it
        ("7.5", "左右", "6.4", MISSED),
        ("7.5", "", "7.4", MISSED),  # no qualifier: at least
        ("7.5", "", "7.8", MET),
    ],
)
def test_growth_targets(value, qualifier, result, status):
    assert verdict(GDP, value, qualifier, result).status == status


@pytest.mark.parametrize(
    ("value", "qualifier", "result", "status"),
    [
        ("3", "左右", "2", MET),  # a ceiling: below it is fine
        ("3", "左右", "3.3", MET),  # within half a point above
        ("3", "左右", "3.8", PARTLY),
        ("3", "以内", "4.8", MISSED),
        ("3", "以内", "3", MET),
        ("4", "控制在", "1.8", MET),
        ("4.6", "低于", "4.1", MET),
        ("4", "", "4.5", MISSED),  # no qualifier on a ceiling: at most
    ],
)
def test_ceiling_targets(value, qualifier, result, status):
    assert verdict(CPI, value, qualifier, result).status == status


def test_at_least_targets():
    assert verdict(JOBS, "1100", "以上", "1206").status == MET
    assert verdict(JOBS, "1100", "不低于", "1099").status == MISSED
    assert verdict(JOBS, "1100", "以上", "1100").status == MET


def test_a_range_is_met_at_its_lower_end():
    assert verdict(GDP, "6", "", "6.1", value_max="6.5").status == MET
    assert verdict(GDP, "6", "", "5.9", value_max="6.5").status == MISSED
    assert "下限" in verdict(GDP, "6", "", "6.0", value_max="6.5").explanation


def test_a_fall_is_judged_by_how_far_it_fell():
    # 能耗强度下降3.1%以上, and it fell 4.8%: values are the falls stated
    result = verdict(ENERGY, "3.1", "以上", "4.8")
    assert result.status == MET
    assert result.explanation == "实际下降4.8%，达到目标下降3.1%。"
    assert verdict(ENERGY, "4", "左右", "1.2").status == MISSED


def test_without_a_result():
    assert verdict(GDP, "7", "左右", None, later_report=False).status == PENDING
    assert verdict(GDP, "7", "左右", None, later_report=True).status == UNCLEAR


def test_words_the_rule_does_not_read_are_unclear():
    assert verdict(JOBS, "1000", "约", "1100").status == UNCLEAR


def test_every_explanation_is_one_line_of_chinese():
    for result in ("5", "6.4", "6.5", "7", None):
        for later in (True, False):
            line = verdict(GDP, "6.5", "左右", result, later_report=later).explanation
            assert line and "\n" not in line and line.endswith("。")
