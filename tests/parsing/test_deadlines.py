import pytest

from speeches.parsing.deadlines import find_deadline, find_deadlines, five_year_plan_end


def resolved(text, year=None):
    deadline = find_deadline(text, year=year)
    return deadline and (deadline.text, deadline.year, deadline.month, deadline.day)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2月底前报市领导小组办公室", ("2月底前", 2026, 2, None)),
        ("6月份前要完成规划调整", ("6月份前", 2026, 6, None)),
        ("年底前全部建成", ("年底前", 2026, 12, None)),
        ("明年底前完成", ("明年底前", 2027, 12, None)),
        ("今年内开工", ("今年内", 2026, 12, None)),
        ("上半年完成招标", ("上半年", 2026, 6, None)),
        ("一季度末前完成", ("一季度末前", 2026, 3, None)),
        ("到2025年基本建成", ("到2025年", 2025, None, None)),
        ("2027年6月30日前投用", ("2027年6月30日前", 2027, 6, 30)),
    ],
)
def test_limits_resolve_against_the_speech_year(text, expected):
    assert resolved(text, 2026) == expected


def test_without_a_speech_year_only_the_month_is_known():
    assert resolved("2月底前报市领导小组办公室") == ("2月底前", None, 2, None)
    assert resolved("年底前全部建成") == ("年底前", None, 12, None)


def test_spans_count_the_speech_year_as_the_first():
    assert resolved("三年内全部完成", 2026) == ("三年内", 2028, None, None)
    assert resolved("用两年时间基本完成", 2026) == ("用两年时间", 2027, None, None)
    assert resolved("三年内全部完成") == ("三年内", None, None, None)


def test_five_year_plans_resolve_to_their_last_year():
    assert resolved("“十四五”期间建成", 2021) == ("“十四五”期间", 2025, 12, None)
    assert resolved("“十五五”时期实现倍增") == ("“十五五”时期", 2030, 12, None)
    assert five_year_plan_end(1) == 1957
    assert five_year_plan_end(11) == 2010


def test_placeholder_years_never_resolve():
    assert resolved("到20xx年底全部建成", 2026) == ("到20xx年底", None, 12, None)


def test_chinese_years():
    assert resolved("一九五七年以前完成") == ("一九五七年以前", 1957, None, None)


@pytest.mark.parametrize(
    "text",
    [
        "11月6日至10日举行",
        "2026年是开局之年",
        "每月底前报送进度",
        "1~2季度观摩时",
        "去年底已经建成",
    ],
)
def test_dates_and_recurring_times_are_not_limits(text):
    assert find_deadlines(text, year=2026) == []


def test_several_limits_in_order_without_overlap():
    found = find_deadlines("3月底前完成对接，6月份前完成规划调整", year=2026)
    assert [(d.text, d.month) for d in found] == [("3月底前", 3), ("6月份前", 6)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("第一季度完成招标", ("第一季度", 2026, 3, None)),
        ("二季度末前全部开工", ("二季度末前", 2026, 6, None)),
        ("今年三季度投用", ("今年三季度", 2026, 9, None)),
    ],
)
def test_a_quarter_is_a_limit(text, expected):
    assert resolved(text, 2026) == expected


def test_a_span_of_quarters_or_every_quarter_is_not_a_limit():
    assert find_deadlines("每季度报送一次", year=2026) == []
    assert find_deadlines("1~2季度观摩时", year=2026) == []
