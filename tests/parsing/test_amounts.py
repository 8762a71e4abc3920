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


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("力争外贸进出口总值翻一番", [(Decimal(1), "番", None, None)]),
        ("本世纪末实现国民生产总值翻两番", [(Decimal(2), "番", None, None)]),
        ("城乡居民收入实现翻番", [(Decimal(1), "番", None, None)]),
        ("研发投入翻一番以上", [(Decimal(1), "番", None, "以上")]),
    ],
)
def test_doubling_counts_doublings_in_its_own_unit(text, expected):
    assert amounts(text) == expected


def test_a_quoted_doubling_is_a_name():
    assert amounts("实施“翻一番”工程") == []


def test_a_bare_multiplier_is_a_level_to_reach_or_hold():
    assert amounts("把人口控制在12亿左右") == [(Decimal(12), "亿", None, "左右")]
    assert amounts("经济总量突破1万亿") == [(Decimal(1), "万亿", None, "突破")]
    assert amounts("城镇新增就业一千二百万以上。") == [(Decimal(1200), "万", None, "以上")]


def test_a_bare_multiplier_that_describes_a_thing_is_not_an_amount():
    assert amounts("十亿以上人口的吃饭问题") == []
    assert amounts("全市常住人口1000万") == []


def test_shares_and_multiples_count_after_a_single_chinese_digit():
    assert amounts("服务业比重提高五个百分点") == [(Decimal(5), "个百分点", None, None)]
    assert amounts("出口额增长两倍") == [(Decimal(2), "倍", None, None)]


def test_thousands_separators():
    assert amounts("粮食产量34，250万吨") == [(Decimal(34250), "万吨", None, None)]
    assert amounts("内燃机2,000万马力") == [(Decimal(2000), "万马力", None, None)]
    assert amounts("分别增长5%，6%") == [(Decimal(5), "%", None, None), (Decimal(6), "%", None, None)]


def test_a_range_whose_first_number_keeps_its_multiplier():
    assert amounts("节约标准煤700万到800万吨") == [(Decimal(700), "万吨", Decimal(800), None)]


def test_a_rate_is_not_an_amount():
    assert amounts("平均每四十六小时建成一个工厂") == []
    assert amounts("每人每月提高到2423元") == [(Decimal(2423), "元", None, "提高到")]


def test_chinese_percent_and_large_numerals_with_qualifiers():
    assert amounts("比重达到百分之十四点一以上") == [(Decimal("14.1"), "%", None, "以上")]
    assert amounts("增长百分之三点五到百分之四") == [(Decimal("3.5"), "%", Decimal(4), None)]
    assert amounts("投资三千五百亿元左右") == [(Decimal(3500), "亿元", None, "左右")]


def test_a_chinese_numeral_with_wan_inside_yi_keeps_its_value():
    assert amounts("棉布一亿一千万公尺") == [(Decimal(110000000), "公尺", None, None)]
    assert amounts("总投资一百四十五亿七千七百万元") == [(Decimal(14577000000), "元", None, None)]


def test_a_rate_keeps_what_it_is_per():
    assert amounts("新增污水处理能力15万吨/日") == [(Decimal(15), "万吨/日", None, None)]
    assert amounts("供水能力达到3000立方米/小时") == [(Decimal(3000), "立方米/小时", None, "达到")]


def test_so_many_units_of_a_size_are_their_total():
    assert amounts("建设2×66万千瓦燃煤发电机组") == [(Decimal(132), "万千瓦", None, None)]
    assert amounts("新建2×35万千瓦机组") == [(Decimal(70), "万千瓦", None, None)]
