"""Title, year, date, speaker and occasion read from a speech's heading and header lines."""

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from speeches.parsing import parse_document
from speeches.parsing.metadata import read_metadata
from tests.corpus import CORPUS, SEED

REPORT = [
    "——2026年1月25日在北京市第十六届人民代表大会第四次会议上",
    "北京市市长 殷勇",
    "各位代表：",
    "现在，我代表市人民政府，向大会报告工作，请予审议。",
    "一、2025年工作回顾",
]


def test_a_report_header_gives_date_occasion_and_speaker():
    meta = read_metadata("政府工作报告", REPORT)
    assert meta.delivered_on == date(2026, 1, 25)
    assert meta.year == 2026
    assert meta.occasion == "北京市第十六届人民代表大会第四次会议"
    assert meta.speaker == "殷勇"


def test_a_bare_report_title_is_named_by_its_year_and_place():
    assert read_metadata("政府工作报告", REPORT).title == "2026年北京市政府工作报告"
    national = ["——2021年3月5日在第十三届全国人民代表大会第四次会议上", "国务院总理 李克强", "各位代表："]
    assert read_metadata("政府工作报告", national).title == "2021年政府工作报告"


def test_a_reports_own_title_is_kept():
    meta = read_metadata("2026年甘肃省政府工作报告", REPORT)
    assert meta.title == "2026年甘肃省政府工作报告"


def test_a_date_line_in_chinese_numerals():
    meta = read_metadata(
        "2026年甘肃省政府工作报告",
        ["——二〇二六年一月二十七日在甘肃省十四届人民代表大会第四次会议上", "甘肃省省长 任振鹤", "各位代表："],
    )
    assert meta.delivered_on == date(2026, 1, 27)
    assert meta.year == 2026
    assert meta.occasion == "甘肃省十四届人民代表大会第四次会议"


def test_a_date_line_broken_over_two_lines():
    meta = read_metadata(
        "政府工作报告",
        ["——2026年1月26日在广东省第十四届", "人民代表大会第五次会议上", "广东省省长 孟凡利", "各位代表："],
    )
    assert meta.delivered_on == date(2026, 1, 26)
    assert meta.occasion == "广东省第十四届人民代表大会第五次会议"
    assert meta.speaker == "孟凡利"


def test_a_date_line_without_dashes():
    meta = read_metadata("报告", ["2026年2月3日在四川省第十四届人民代表大会第五次会议上", "各位代表："])
    assert meta.delivered_on == date(2026, 2, 3)


def test_a_pages_publishing_time_is_not_the_delivery_date():
    meta = read_metadata(
        "2026年四川省人民政府工作报告",
        ["2026年02月10日 07时41分", "2026年2月3日在四川省第十四届人民代表大会第五次会议上", "各位代表："],
    )
    assert meta.delivered_on == date(2026, 2, 3)


@pytest.mark.parametrize(
    ("lines", "speaker"),
    [
        (["国务院总理周恩来"], "周恩来"),
        (["国务院副总理兼国家经济委员会主任薄一波"], "薄一波"),
        (["国务院代总理李鹏"], "李鹏"),
        (["省长 罗东川"], "罗东川"),
        (["四川省人民政府省长 施小琳"], "施小琳"),
        (["国务院总理", "李克强"], "李克强"),  # office and name on two lines
    ],
)
def test_the_speaker_is_the_person_not_the_office(lines, speaker):
    header = ["——2003年3月5日在第十届全国人民代表大会第一次会议上", *lines, "各位代表:"]
    assert read_metadata("政府工作报告", header).speaker == speaker


def test_body_lines_are_not_read_as_a_speaker():
    meta = read_metadata("讲话", ["同志们：", "下面请市长讲话。", "国务院总理李克强"])
    assert meta.speaker is None


def test_a_generic_collection_heading_becomes_a_title_from_the_opening():
    meta = read_metadata(
        "城市工作会议上的讲话篇一",
        ["同志们：今天这次产业集聚区建设工作会议，是市委、市政府决定召开的一次重要会议。", "一、肯定成绩"],
    )
    assert meta.title == "在产业集聚区建设工作会议上的讲话"
    assert meta.occasion == "产业集聚区建设工作会议"
    assert meta.year is None


def test_the_opening_names_the_meeting_after_the_salutation_line():
    meta = read_metadata(
        "城市工作会议上的讲话篇三",
        ["同志们：", "市政府专门召开这次整体推进农村土地整治示范建设动员会议，同时也是一次工作会议。"],
    )
    assert meta.occasion == "整体推进农村土地整治示范建设动员会议"
    assert meta.title == "在整体推进农村土地整治示范建设动员会议上的讲话"


def test_an_opening_that_names_no_meeting_keeps_the_heading():
    meta = read_metadata(
        "城市工作会议上的讲话篇四",
        ["同志们：", "这次会议是在我们贯彻落实上级一系列重要会议精神的关键阶段召开的一次重要会议。"],
    )
    assert meta.occasion is None
    assert meta.title == "城市工作会议上的讲话篇四"


def test_a_placeholder_year_stays_unknown():
    meta = read_metadata(
        "城市工作会议上的讲话篇四",
        ["同志们：", "新年伊始，对于做好20xx年公路养护管理各项工作，20XX年1月要完成部署。"],
    )
    assert meta.year is None


def test_counts_and_amounts_are_not_years():
    meta = read_metadata(
        "在全市经济工作会议上的讲话",
        ["同志们：", "今年全市完成投资2026亿元，新建项目532个，引进企业1998家。"],
    )
    assert meta.year is None
    assert read_metadata("2026亿元项目推进会上的讲话", []).year is None


def test_the_opening_gives_a_year_only_by_an_explicit_date():
    dated = read_metadata("在全市经济工作会议上的讲话", ["同志们：", "2026年1月，全市上下……"])
    assert dated.year == 2026
    mentioned = read_metadata("在全市经济工作会议上的讲话", ["同志们：", "2019年以来，我们抓住机遇。"])
    assert mentioned.year is None


def test_the_body_beyond_the_opening_gives_no_year():
    paragraphs = ["同志们：", "今天召开全市经济工作会议。", "下面讲三点意见。", "2026年1月要完成部署。"]
    assert read_metadata("在全市经济工作会议上的讲话", paragraphs).year is None


@pytest.mark.parametrize(
    ("heading", "year"),
    [
        ("2010政府工作报告", 2010),
        ("1954年政府工作报告", 1954),
        ("关于一九五八年度国民经济计划草案的报告", 1958),
        ("二〇二六年全市经济工作会议上的讲话", 2026),
    ],
)
def test_a_titles_year(heading, year):
    assert read_metadata(heading, ["各位代表：", "现在，我代表国务院作报告。"]).year == year


def test_the_delivery_year_beats_the_year_a_title_plans_for():
    meta = read_metadata("关于2027年国民经济计划的报告", ["——2026年12月28日在全市人民代表大会上", "各位代表："])
    assert meta.year == 2026


def test_a_one_line_speech_names_itself_date_and_speaker():
    meta = read_metadata(None, ["在文化传承发展座谈会上的讲话（2023年6月2日）习近平", "2023年6月2日，新华社记者摄。"])
    assert meta.title == "在文化传承发展座谈会上的讲话"
    assert meta.occasion == "文化传承发展座谈会"
    assert meta.delivered_on == date(2023, 6, 2)
    assert meta.speaker == "习近平"


def test_a_run_in_title_after_a_caption_and_dateline():
    meta = read_metadata(
        None,
        [
            "1月27日，中共中央、国务院在北京举行春节团拜会。新华社记者 摄",
            "新华社北京1月27日电在二〇二五年春节团拜会上的讲话（2025年1月27日，上午）习近平同志们，朋友们：",
            "乙巳蛇年春节即将到来。",
        ],
    )
    assert meta.title == "在二〇二五年春节团拜会上的讲话"
    assert meta.delivered_on == date(2025, 1, 27)
    assert meta.year == 2025
    assert meta.speaker == "习近平"


def test_a_title_broken_over_two_lines():
    meta = read_metadata("政府工作报", ["告", "——2021年3月5日在第十三届全国人民代表大会第四次会议上", "各位代表："])
    assert meta.title == "2021年政府工作报告"


def test_an_impossible_date_is_no_date():
    meta = read_metadata("报告", ["——2026年2月30日在全市人民代表大会上", "各位代表："])
    assert meta.delivered_on is None
    assert meta.year == 2026


# Characters that make up header lines, so that generated lines come close to real ones.
HEADER_TEXT = st.text(
    alphabet="——2026年十一二〇月日号在上省市长会议届第代表讲话报告篇（）：，。 同志们各位xX532亿元", max_size=60
)


@given(st.one_of(st.none(), HEADER_TEXT), st.lists(HEADER_TEXT, max_size=8))
def test_any_header_gives_metadata_that_fits_the_archive(heading, paragraphs):
    meta = read_metadata(heading, paragraphs)
    assert len(meta.title) <= 300
    assert meta.occasion is None or len(meta.occasion) <= 300
    assert meta.year is None or 1800 <= meta.year <= 2099
    assert meta.delivered_on is None or meta.delivered_on.year == meta.year


def _corpus_metadata(path):
    return [
        read_metadata(speech.title or None, speech.text.split("\n"))
        for speech in parse_document(path.read_bytes(), path.name)
    ]


@pytest.mark.corpus
@pytest.mark.parametrize(
    ("name", "year", "delivered_on"),
    [
        ("jc404-provgwr2026_guangdong_2026.txt", 2026, date(2026, 1, 26)),
        ("jc404-provgwr2026_gansu_2026.txt", 2026, date(2026, 1, 27)),
        ("ropensci-textworkshop17_national_2010.txt", 2010, date(2010, 3, 5)),
        ("ropensci-textworkshop17_national_1958.txt", 1958, date(1958, 2, 3)),
    ],
)
def test_corpus_reports_are_dated(name, year, delivered_on):
    [meta] = _corpus_metadata(CORPUS / "public" / name)
    assert (meta.year, meta.delivered_on) == (year, delivered_on)


@pytest.mark.corpus
def test_seed_speeches_have_no_year_and_the_first_its_own_title():
    metas = _corpus_metadata(SEED)
    assert [meta.year for meta in metas] == [None] * 6
    assert metas[0].title == "在产业集聚区建设工作会议上的讲话"
