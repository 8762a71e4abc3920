"""Indicators and results read from plain sentences: no database."""

from decimal import Decimal

import pytest

from speeches.parsing import parse_text
from speeches.parsing.indicators import classify_targets, load_indicators
from speeches.parsing.outcomes import extract_outcomes


def slugs(text):
    return [found.indicator.slug if found else None for found in classify_targets(text)]


def test_the_taxonomy_file():
    indicators = load_indicators()
    assert len(indicators) >= 40
    assert len({indicator.slug for indicator in indicators}) == len(indicators)
    assert {indicator.direction for indicator in indicators} == {"higher", "ceiling", "lower"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("地区生产总值增长6.5%左右", ["gdp-growth"]),
        ("本市生产总值增长7%", ["gdp-growth"]),
        ("城镇新增就业1100万人以上", ["urban-jobs"]),
        ("居民消费价格涨幅3%左右", ["cpi"]),
        ("城镇登记失业率控制在4.5%以内", ["registered-unemployment"]),
        ("国内生产总值达到13.65万亿元，比上年增长9.5%", ["gdp", "gdp-growth"]),
        ("单位国内生产总值能耗降低4%左右", ["energy-intensity"]),
        ("人均国内生产总值突破1000美元", [None]),  # dollars are not the indicator's 元
        ("服务业增加值占生产总值比重达到50%", [None]),  # a share, not growth
        ("城镇居民人均可支配收入和农村居民人均纯收入实际增长8.4%和11.4%", [None, None]),  # which is which?
        ("城镇化率从47.5%提高到51.5%", [None, "urbanization"]),  # where it started is no target
        ("削减财政赤字450亿元", [None]),  # a cut, not the deficit
        ("引进亿元以上项目100个以上", [None]),
    ],
)
def test_targets_are_classified_by_their_words(text, expected):
    assert slugs(text) == expected


def test_classified_values_are_in_the_indicators_unit():
    (found,) = classify_targets("粮食总产量10570亿斤")
    assert found.indicator.slug == "grain-output" and found.value == Decimal("52850")  # 万吨


REPORT = """政府工作报告
各位代表：
一、2016年工作回顾
过去一年，全市生产总值增长6.9%，城镇新增就业1.2万人。规模以上工业增加值增长7%左右。
五年来，地区生产总值年均增长8.5%。
二、2017年工作安排
今年全市经济社会发展的主要预期目标是：地区生产总值增长7%左右，城镇新增就业1.1万人以上。
去年居民消费价格上涨1.8%，今年要控制在3%左右。
"""


def test_results_come_from_the_look_back_and_name_their_year():
    (speech,) = parse_text(REPORT)
    found = {(o.indicator, o.year, o.value) for o in extract_outcomes(speech.sections, year=2017)}
    assert ("gdp-growth", 2016, Decimal("6.9")) in found
    assert ("urban-jobs", 2016, Decimal("1.2")) in found
    assert ("cpi", 2016, Decimal("1.8")) in found  # a look back for a moment, in the plan
    # aimed at (左右), an average over years, and this year's targets are not results
    assert {indicator for indicator, _, _ in found} == {"gdp-growth", "urban-jobs", "cpi"}
    assert len(found) == 3


def test_a_speech_without_a_year_states_no_results():
    (speech,) = parse_text(REPORT)
    assert extract_outcomes(speech.sections, year=None) == []


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "城镇和农村居民人均可支配收入分别达35512元、25689元，分别同比增长7.8%",
            [
                ("urban-income", Decimal(35512)),
                ("rural-income", Decimal(25689)),
                ("urban-income-growth", Decimal("7.8")),
                ("rural-income-growth", Decimal("7.8")),
            ],
        ),
        (
            "城镇居民人均可支配收入和农村居民人均纯收入分别实际增长8.4%和11.4%",
            [("urban-income-growth", Decimal("8.4")), ("rural-income-growth", Decimal("11.4"))],
        ),
        # without 分别 nothing says which amount is whose
        ("城镇居民人均可支配收入和农村居民人均纯收入实际增长8.4%和11.4%", []),
    ],
)
def test_results_said_of_two_names_at_once(sentence, expected):
    from speeches.parsing.outcomes import outcomes_of

    assert [(o.indicator, o.value) for o in outcomes_of(sentence, 2018, 0, 1)] == expected
