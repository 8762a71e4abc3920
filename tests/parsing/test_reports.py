"""Work reports of cities, districts and the nation: whom they speak for, when, what they are, and
which of their parts look back.

The texts here are written for the tests in the form real reports take; the corpus tests at the end
read every text of ../shared/corpus.
"""

import re

import pytest

from speeches.parsing import parse_document, parse_text
from speeches.parsing.dating import CONGRESS, PLAN_PART, REVIEW_PART, TERM
from speeches.parsing.extraction import extract
from speeches.parsing.gazetteer import read_regions
from speeches.parsing.metadata import name_speech, unspaced
from tests.corpus import CITY, EVERY_TEXT, NATIONAL

REGIONS = {region.code: region.name for region in read_regions()}


def read(text: str):
    return extract(parse_text(text)[0])


def place(speech) -> tuple[str | None, str | None, str | None]:
    return tuple(REGIONS.get(code) for code in (speech.county_code, speech.city_code, speech.province_code))


CITY_REPORT = """各位代表：

现在，我代表市人民政府，向大会报告工作，请予审议。

一、2023年工作回顾

过去一年，全市地区生产总值增长5.8%，达到2150亿元。新签约亿元以上项目126个、总投资860亿元。一般公共预算收入135亿元，增长6.1%。嘉善、平湖、海宁三地获评省级示范县。

二、2024年工作安排

2024年是中华人民共和国成立75周年。全市经济社会发展主要预期目标是：地区生产总值增长6%左右，一般公共预算收入增长5%。

（一）抓好重点项目建设。实施重点项目300个以上，完成投资700亿元以上。南湖区要在6月底前完成园区规划。
"""


def test_a_city_report_that_never_names_its_city_in_a_header_is_placed_by_its_counties():
    speech = read(CITY_REPORT)
    assert place(speech) == (None, "嘉兴市", "浙江省")


def test_a_city_report_is_dated_by_its_plan_heading_not_by_the_year_it_reviews():
    speech = read(CITY_REPORT)
    assert (speech.year, speech.year_source) == (2024, PLAN_PART)


def test_a_report_with_only_a_review_heading_is_dated_the_year_after():
    speech = read(CITY_REPORT.replace("二、2024年工作安排", "二、今年工作安排").replace("2024年是", "今年是"))
    assert (speech.year, speech.year_source) == (2024, REVIEW_PART)


def test_a_report_without_a_title_is_named_by_its_year_and_place():
    assert read(CITY_REPORT).title == "2024年嘉兴市政府工作报告"


def test_the_review_yields_no_commitment_and_the_plan_does():
    texts = [commitment.text for commitment in read(CITY_REPORT).commitments]
    assert not any("新签约" in text or "135亿元" in text or "2150亿元" in text for text in texts)
    assert any("实施重点项目300个以上" in text for text in texts)
    assert any("6月底前" in text for text in texts)


DISTRICT_REPORT = """政 府 工 作 报 告

各位代表：

现在，我代表区人民政府向大会报告工作，请予审议。

一、过去一年工作回顾

一年来，海拉尔区完成地区生产总值180亿元，增长7%。建设街道、胜利街道新建社区服务中心6个。

二、2016年工作安排

今年全区要完成固定资产投资120亿元以上。海拉尔区要加快推进棚户区改造，新建保障性住房2000套。
"""


def test_a_district_report_belongs_to_its_district_its_city_and_its_province():
    speech = read(DISTRICT_REPORT)
    assert place(speech) == ("海拉尔区", "呼伦贝尔市", "内蒙古自治区")


def test_a_spaced_heading_is_no_title_and_the_report_is_named_by_its_district():
    speech = read(DISTRICT_REPORT)
    assert speech.title == "2016年呼伦贝尔市海拉尔区政府工作报告"
    assert unspaced("政 府 工 作 报 告") == "政府工作报告"


def test_a_report_speaking_for_the_state_council_gets_no_place_even_when_filed_under_a_city():
    speech = read(
        "各位代表：\n\n现在，我代表国务院，向大会报告政府工作，请予审议。\n\n贵阳、遵义要加快发展。今年要继续扩大内需。"
    )
    assert place(speech) == (None, None, None)


def test_a_report_naming_its_city_in_the_declaration_is_placed_there_whatever_else_it_names():
    text = "各位代表：\n\n现在，我代表深圳市人民政府，向大会报告政府工作。\n\n我们要加强与广州、东莞、香港、广州、东莞合作。"
    assert place(read(text)) == (None, "深圳市", "广东省")


def test_a_city_that_ranks_first_in_its_province_speaks_for_the_city_not_the_province():
    text = "全市经济总量居全省第一，增速全省第二，十项指标全省领先，全省首个。全市上下要再接再厉。嘉兴要加快发展，南湖区、秀洲区要抓好落实。"
    assert place(read(text))[1:] == ("嘉兴市", "浙江省")


def test_a_national_report_is_dated_by_the_congress_it_is_given_to():
    text = "——在第十四届全国人民代表大会第二次会议上\n\n各位代表：\n\n现在，我代表国务院，向大会报告政府工作。\n\n今年要继续扩大内需。"
    speech = read(text)
    assert (speech.year, speech.year_source) == (2024, CONGRESS)


def test_a_national_report_reviewing_a_term_is_dated_by_the_term_that_ended():
    text = "各位代表：\n\n现在，我代表国务院，向大会报告本届政府工作。\n\n第十二届全国人民代表大会第一次会议以来的五年，我国经济实力跃上新台阶。\n\n今年要继续扩大内需。"
    assert read(text).year == 2018


def test_a_report_on_the_first_year_of_a_five_year_plan_is_dated_by_it():
    text = "各位代表：\n\n一、“十一五”时期国民经济和社会发展的回顾\n\n五年来，经济总量增长了。\n\n二、主要任务\n\n今年要继续扩大内需，推进结构调整。"
    speech = read(text)
    assert (speech.year, speech.year_source) == (2011, TERM)


def test_placeholders_and_amounts_never_date_a_speech():
    text = "同志们：\n\n一、20xx年工作回顾\n\n全市完成投资2024亿元。\n\n二、工作安排\n\n今年要完成投资2100亿元以上。"
    assert read(text).year is None


MID_REVIEW = """（一）坚持稳中求进，经济运行持续向好。全年地区生产总值增长5.5%，规模以上工业增加值增长7.1%。新签约亿元以上项目88个、总投资520亿元。成功举办第三届产业博览会。

（二）坚持创新驱动，产业结构更加优化。新增高新技术企业320家，总量达2100家。获评国家创新型城市。研发投入强度达到2.6%。

二、2024年工作安排

（一）扩大有效投资。实施重点项目200个以上，完成投资500亿元以上。

（二）培育新兴产业。力争新增高新技术企业300家。
"""


def test_a_text_that_starts_in_the_middle_of_the_review_keeps_its_results_out_of_the_commitments():
    speech = read(MID_REVIEW)
    texts = [commitment.text for commitment in speech.commitments]
    assert not any(re.search(r"88个|520亿元|320家|2\.6%|博览会", text) for text in texts)
    assert any("实施重点项目200个以上" in text for text in texts)
    assert any("力争新增高新技术企业300家" in text for text in texts)


def test_the_plan_of_a_text_that_starts_mid_review_stands_at_the_top_of_its_outline():
    speech = read(MID_REVIEW)
    top = [section.marker for section in speech.sections if section.marker]
    assert top == ["（一）", "（二）", "二、"]
    assert [child.marker for child in speech.sections[-1].children] == ["（一）", "（二）"]


def test_a_lead_in_that_turns_to_this_years_targets_ends_a_review_left_without_its_plan_heading():
    text = """各位代表：

一、2023年工作回顾

全年完成投资450亿元，增长8%。新增市场主体1.2万户。

综合考虑，今年全市经济社会发展主要预期目标是：地区生产总值增长6%左右，固定资产投资增长10%左右。

重点做好8个方面工作：

（一）扩大有效需求。新增规上工业企业200家以上。
"""
    texts = [commitment.text for commitment in read(text).commitments]
    assert any("地区生产总值增长6%左右" in text for text in texts)
    assert any("新增规上工业企业200家以上" in text for text in texts)
    assert not any("450亿元" in text or "1.2万户" in text for text in texts)


def test_a_collection_heading_gives_way_to_the_work_the_meeting_is_for():
    opening = "同志们：\n这次会议的主要任务是，总结交流经验，安排部署社会管理创新综合试点工作。"
    title = name_speech("城市工作会议上的讲话篇五", year=None, place="长沙市", opening=opening)
    assert title == "长沙市关于社会管理创新综合试点工作的讲话"


def test_a_collection_heading_without_a_meeting_gives_way_to_the_first_point():
    title = name_speech("讲话篇二", year=None, place="亳州市", first_heading="充分肯定抗旱保苗取得的阶段性成果")
    assert title == "亳州市讲话：充分肯定抗旱保苗取得的阶段性成果"


# The shared corpus.

COLLECTION_HEADING = re.compile(r"篇[一二三四五六七八九十\d]+$|范文")


@pytest.mark.corpus
@pytest.mark.parametrize("path", EVERY_TEXT, ids=lambda path: path.name)
def test_every_speech_of_the_corpus_has_a_title_that_says_what_it_is(path):
    for speech in parse_document(path.read_bytes(), path.name):
        title = extract(speech).title
        assert title, path.name
        assert not COLLECTION_HEADING.search(title), title
        assert " " not in title and "\u3000" not in title, title


@pytest.mark.corpus
@pytest.mark.parametrize("path", CITY, ids=lambda path: path.name)
def test_every_city_and_district_report_has_its_place_and_year(path):
    speech = extract(parse_document(path.read_bytes(), path.name)[0])
    year = int(re.search(r"_(\d{4})\.txt$", path.name)[1])
    assert speech.year == year
    named = path.name.split("_")[1]
    if "我代表国务院" in speech.text[:300]:
        assert speech.city_code is None  # a national report filed under a city's name
    else:
        assert named.rstrip("区") in REGIONS[speech.county_code or speech.city_code]


@pytest.mark.corpus
@pytest.mark.parametrize("path", NATIONAL, ids=lambda path: path.name)
def test_every_national_report_is_dated_and_placed_nowhere(path):
    speech = extract(parse_document(path.read_bytes(), path.name)[0])
    assert speech.year == int(re.search(r"_(\d{4})\.txt$", path.name)[1])
    assert (speech.city_code, speech.province_code) == (None, None)


def test_a_county_level_city_ruled_by_its_province_is_placed_as_itself_not_in_a_neighbour():
    text = (
        "各位代表：\n\n现在，我代表市人民政府，向大会报告工作。\n\n"
        "过去一年，天门经济总量稳步增长，增速居湖北前列，天门高新区获批。加强与武汉的合作，融入武汉都市圈。\n\n"
        "今年天门要打造现代农业强市，天门籍企业家回乡投资，天门要抓好招商。全市要加快发展。"
    )
    assert place(read(text)) == ("天门市", None, "湖北省")


def test_a_city_speaking_inside_an_autonomous_prefecture_is_the_county_level_city_it_names():
    text = (
        "各位代表：\n\n现在，我代表市人民政府，向大会报告工作。\n\n"
        "恩施市地区生产总值增长6%，恩施市获评省级文明城市。在州委、州政府的领导下，恩施发展加快。\n\n"
        "今年恩施市要加快建设州域中心城市，恩施市要抓好旅游。全市要加快发展。"
    )
    assert place(read(text)) == ("恩施市", "恩施土家族苗族自治州", "湖北省")


def test_the_level_an_indicator_reaches_stays_with_its_growth_rate():
    speech = read("二、2024年工作安排\n\n主要预期目标是：地区生产总值增长6%，达到3200亿元；一般公共预算收入增长5%。")
    gdp = next(commitment for commitment in speech.commitments if "3200亿元" in commitment.text)
    assert gdp.text == "地区生产总值增长6%，达到3200亿元"
    assert [(float(target.value), target.unit) for target in gdp.targets] == [(6.0, "%"), (3200.0, "亿元")]


def test_an_address_to_the_hearers_in_the_middle_of_the_prose_does_not_make_the_review_a_header():
    review = "2023年全市地区生产总值增长5.5%。" + "新签约亿元以上项目88个，完成投资520亿元，规划至2035年。" * 20
    text = f"{review}\n\n各位代表，市政府高度重视民生实事。\n\n二、2024年工作安排\n\n今年要完成投资600亿元以上。"
    speech = read(text)
    assert (speech.year, speech.year_source) == (2024, PLAN_PART)


def test_a_title_labelled_as_in_a_web_record_loses_its_label():
    text = "标题：示例县2015年政府工作报告\n\n各位代表：\n\n现在，我代表县人民政府向大会报告工作。\n\n今年要完成投资100亿元以上。"
    assert read(text).title == "示例县2015年政府工作报告"
