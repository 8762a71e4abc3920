from decimal import Decimal

import pytest

from speeches.parsing.amounts import chinese_number, find_amounts


def amounts(text):
    return [(t.value, t.unit, t.value_max, t.qualifier) for t in find_amounts(text)]


def test_amount_with_unit_and_qualifier_after_it():
    assert amounts("力争完成固定资产投资700亿元以上") == [(Decimal(700), "亿元", None, "以上")]


def test_qualifier_before_the_number():
    assert amounts("占全市固定资产投资的比重超过60%") == [(Decimal(60), "%", None, "超过")]
    assert amounts("新入驻工业项目不少于15个") == [(Decimal(15), "个", None, "不少于")]


def test_qualifier_after_wins_over_verb_before():
    assert amounts("城镇登记失业率控制在4.6%以内") == [(Decimal("4.6"), "%", None, "以内")]
    assert amounts("粮食产量稳定在1300万吨以上") == [(Decimal(1300), "万吨", None, "以上")]


def test_range_gives_value_and_value_max():
    assert amounts("地区生产总值增长4.5%—5%") == [(Decimal("4.5"), "%", Decimal(5), None)]
    assert amounts("新增就业20-30万人") == [(Decimal(20), "万人", Decimal(30), None)]


def test_every_amount_of_a_list_is_found():
    found = amounts("城乡居民人均可支配收入分别增长5%、6.5%左右")
    assert found == [(Decimal(5), "%", None, None), (Decimal("6.5"), "%", None, "左右")]


def test_units_keep_their_multiplier_as_written():
    assert amounts("发电量100亿千瓦时") == [(Decimal(100), "亿千瓦时", None, None)]
    assert amounts("货物进出口总额9.5万亿元") == [(Decimal("9.5"), "万亿元", None, None)]
    assert amounts("提高1个百分点以上") == [(Decimal(1), "个百分点", None, "以上")]


def test_compound_multiplier_is_folded_into_the_value():
    # 千万 would read as 千 × 万元 to anyone comparing units; 3千万元 is 3000万元.
    assert amounts("安排资金3千万元") == [(Decimal(3000), "万元", None, None)]


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("城镇新增就业一千二百万人", Decimal(1200), "万人"),
        ("比重达到百分之十四点一", Decimal("14.1"), "%"),
        ("新增就业四十二万五千人", Decimal(425000), "人"),
        ("新建道路两千公里", Decimal(2000), "公里"),
    ],
)
def test_chinese_numerals(text, value, unit):
    assert [(a[0], a[1]) for a in amounts(text)] == [(value, unit)]


def test_approximate_amounts_keep_their_marker():
    assert amounts("财政收入十八亿余元") == [(Decimal(18), "亿元", None, "余")]
    assert amounts("入驻企业50多家") == [(Decimal(50), "家", None, "多")]


@pytest.mark.parametrize(
    "text",
    [
        "2025年是关键之年",
        "3月底前完成",
        "1~2季度观摩时",
        "第三批项目",
        "实行“1+2”工作法",
        "坚持“两个毫不动摇”",
        "健全三项机制",
        "加快推动一二三次产业融合",
        "新入驻亿元以上工业项目",
        "锻造更多千亿元级、万亿元级产业集群",
        "重点抓好以下14个方面的工作",
        "三年内完成",
        "6个月内办结",
        "为65岁以上老年人提供服务",
    ],
)
def test_dates_ordinals_slogans_and_categories_are_not_amounts(text):
    assert amounts(text) == []


def test_a_chinese_count_above_nine_is_an_amount():
    assert amounts("完成三十项改革") == [(Decimal(30), "项", None, None)]


def test_years_count_only_as_a_level_to_reach():
    assert amounts("劳动年龄人口平均受教育年限达到10.5年") == [(Decimal("10.5"), "年", None, "达到")]
    assert amounts("人均预期寿命达到78岁") == [(Decimal(78), "岁", None, "达到")]


def test_target_text_is_the_amount_as_written():
    (target,) = find_amounts("全市产业集聚区实现主营业务收入1800亿元以上")
    assert target.text == "1800亿元以上"


def test_chinese_number():
    assert chinese_number("一千二百万") == Decimal(12000000)
    assert chinese_number("两千") == Decimal(2000)
    assert chinese_number("百分之十四点一") == Decimal("14.1")
    assert chinese_number("千") is None
