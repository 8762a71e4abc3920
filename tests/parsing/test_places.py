"""Where a speech is: city and province from the places it names and whom it speaks for."""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from speeches.parsing import parse_text
from speeches.parsing.gazetteer import CITY, PROVINCE, read_regions
from speeches.parsing.places import Placement, locate
from tests.corpus import PUBLIC, SEED

REGIONS = {region.code: region for region in read_regions()}


def names(placement: Placement) -> tuple[str | None, str | None]:
    city, province = placement.city_code, placement.province_code
    return (REGIONS[city].name if city else None, REGIONS[province].name if province else None)


def where(text: str, title: str = "") -> tuple[str | None, str | None]:
    return names(locate(text, title=title))


# Counties and districts vote for their city.


def test_a_speech_naming_only_districts_of_a_city_is_placed_in_that_city():
    assert where("今年宝安区、龙华区新增产业用地200公顷，龙华区要加快数字经济发展。") == ("深圳市", "广东省")


def test_a_county_named_in_full_places_a_county_speech_in_its_city():
    assert where("全县上下要加快发展，民权县今年要完成固定资产投资100亿元以上。") == ("商丘市", "河南省")


def test_short_names_of_four_counties_of_one_city_place_the_speech_there():
    assert where("全市要加快发展，民权、柘城、夏邑、虞城四县要加快产业集聚区建设。") == ("商丘市", "河南省")


def test_a_county_of_chongqing_is_placed_in_the_municipality():
    assert where("城口县要加快生态旅游发展。") == ("重庆市", "重庆市")


def test_a_county_and_the_city_of_the_same_name_are_one_place():
    text = "湖南省委要求长沙加快建设现代化新湖南示范区，长沙县要当好县域经济排头兵。"
    assert where(text) == ("长沙市", "湖南省")


# Names several places share go to the one the rest of the text backs.


def test_chaoyang_district_with_beijing_around_it_is_in_beijing():
    placement = locate("朝阳区要加快国际消费中心城市主承载区建设，为北京发展作出更大贡献。")
    assert names(placement) == ("北京市", "北京市")
    assert REGIONS[placement.city_code].level == CITY
    assert REGIONS[placement.province_code].level == PROVINCE


def test_chaoyang_city_with_liaoning_around_it_is_in_liaoning():
    assert where("辽宁省朝阳市要加快建设辽西融入京津冀协同发展战略先导区。") == ("朝阳市", "辽宁省")


def test_chaoyang_district_alone_could_be_beijing_or_changchun():
    assert where("朝阳区要加快国际消费中心建设。") == (None, None)


@pytest.mark.parametrize(
    ("text", "city", "province"),
    [
        ("鼓楼区要加快老城更新，为南京建设作出贡献。", "南京市", "江苏省"),
        ("福州鼓楼区要加快三坊七巷保护利用。", "福州市", "福建省"),
    ],
)
def test_gulou_district_is_placed_by_the_city_named_with_it(text, city, province):
    assert where(text) == (city, province)


def test_hainan_with_qinghai_around_it_is_the_qinghai_prefecture_not_the_island_province():
    text = "全州上下要守护好三江源生态。青海省委要求海南加快发展清洁能源，海南要建设生态文明高地。"
    assert where(text) == ("海南藏族自治州", "青海省")


def test_hainan_among_guangdong_and_haikou_is_the_island_province():
    assert where("全省上下要深化琼粤合作，海口、三亚要带头，海南要建设自由贸易港。") == (None, "海南省")


# Words that hold a place name, and ordinary words that are a county's short name, are no places.


@pytest.mark.parametrize(
    "text",
    [
        "全省要守住黄河南岸生态屏障，黄河南岸各地要加强协作。",
        "全市要确保社会稳定和长治久安，以长治久安护航发展。",
        "要加强洞庭湖北岸湿地保护，洞庭湖北部要退田还湖。",
        "全市要加强资源整合、深化合作，推动和平发展。",
        "加强和创新社会管理，推进新社区建设和新城区改造。",
        "中华人民共和国成立以来，中国人民站起来了。",
        "各位来宾，大家好！",
    ],
)
def test_words_that_only_look_like_places_place_nothing(text):
    assert where(text) == (None, None)


def test_no_places_and_no_voice_place_nothing():
    assert where("同志们：今天召开全市工作会议，主要是部署今年的重点任务。") == (None, None)
    assert where("") == (None, None)


def test_a_province_name_before_its_government_still_names_the_province():
    assert where("江苏省政府工作报告（节选）\n全省上下坚持稳中求进。") == (None, "江苏省")


# Whom the speech speaks for decides the level.


def test_a_city_speech_saying_our_city_and_naming_it_twice_is_in_that_city():
    text = "我市产业集聚区建设取得新成效。商丘要抢抓机遇加快发展，商丘经济技术开发区在全省观摩中排名第四。"
    assert where(text) == ("商丘市", "河南省")


def test_a_city_speech_naming_places_it_learns_from_is_not_placed_there():
    assert where("我市要学习浙江、江苏的先进经验，加快发展。") == (None, None)


def test_a_provincial_report_naming_many_cities_gets_the_province_only():
    text = (
        "全省经济稳中有进。广州、深圳要发挥引领作用，珠海、佛山、东莞、中山、惠州、江门、肇庆要加快发展，"
        "深圳要建设先行示范区。全省上下要团结奋斗，广东要在中国式现代化建设中走在前列。"
    )
    assert where(text) == (None, "广东省")


def test_a_speech_for_an_autonomous_region_gets_the_region_only():
    text = "全区上下要牢记总目标，确保新疆社会稳定和长治久安。自治区党委要求，乌鲁木齐、喀什、和田要加快发展。"
    assert where(text) == (None, "新疆维吾尔自治区")


def test_a_district_speech_in_a_municipality_saying_our_district_is_in_the_city():
    assert where("全区上下要加快国际消费中心建设，朝阳区是北京对外开放的窗口。") == ("北京市", "北京市")


def test_a_national_report_naming_many_places_gets_no_place():
    text = (
        "我代表国务院向全国人民代表大会报告工作。全国经济稳步增长，北京、上海、广州、深圳、重庆等城市带动作用明显，"
        "广东、江苏、浙江、山东经济大省挑大梁。我国将继续推进改革开放，全国各族人民团结奋斗。"
    )
    assert where(text) == (None, None)


def test_the_title_names_the_place_of_a_speech_that_only_says_our_city():
    text = "今天召开全市新能源产业发展推进会，动员全市上下加快建设新能源产业高地。"
    assert where(text, title="在2025年常州市新能源产业发展推进会上的讲话") == ("常州市", "江苏省")


def test_a_county_level_city_ruled_by_its_province_gives_the_province():
    assert where("全市上下要加快济源市产城融合示范区建设。") == (None, "河南省")


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("全市省国区县我的在和长沙河南商丘新疆北京朝阳鼓楼广东深圳，。\n"), max_size=80))
def test_a_placed_city_always_lies_in_the_placed_province(text):
    placement = locate(text)
    if placement.city_code:
        assert REGIONS[placement.city_code].level == CITY
        assert REGIONS[placement.city_code].parent_code == placement.province_code
    if placement.province_code:
        assert REGIONS[placement.province_code].level == PROVINCE


# The shared corpus: the seed collection and real government work reports.

# 篇二 measures its drought county by county (涡阳县 is in 亳州); 篇三 names 埇桥区 and 泗县 (both in 宿州).
SEED_PLACES = [
    ("商丘市", "河南省"),
    ("亳州市", "安徽省"),
    ("宿州市", "安徽省"),
    (None, "新疆维吾尔自治区"),
    ("长沙市", "湖南省"),
    ("漯河市", "河南省"),
]
PROVINCIAL_REPORTS = {
    "gansu": "甘肃省",
    "guangdong": "广东省",
    "hainan": "海南省",
    "qinghai": "青海省",
    "sichuan": "四川省",
}


@pytest.mark.corpus
def test_seed_speeches_are_placed_in_their_cities_and_the_xinjiang_one_in_the_region():
    speeches = parse_text(SEED.read_text(encoding="utf-8"))
    assert [where(speech.text, speech.title) for speech in speeches] == SEED_PLACES


@pytest.mark.corpus
@pytest.mark.parametrize("path", PUBLIC, ids=lambda path: path.stem)
def test_public_reports_get_their_province_or_no_place_when_national(path):
    [speech] = parse_text(path.read_text(encoding="utf-8"))
    level = path.stem.split("_")[1]
    expected = (None, None) if level == "national" else (None, PROVINCIAL_REPORTS[level])
    assert where(speech.text, speech.title) == expected
