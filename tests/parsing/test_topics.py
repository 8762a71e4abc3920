"""Placing speeches and commitments in the taxonomy of policy areas."""

import re

import jieba
import pytest

from speeches.parsing.structures import ParsedCommitment, ParsedSection, ParsedSpeech
from speeches.parsing.topics import (
    TOPICS,
    assign_commitment_topics,
    classify_speech,
    classify_text,
    classify_tokens,
    segment,
)
from tests.corpus import SEED

ISSUE_AREAS = [
    "经济发展",
    "产业与工业",
    "农业农村",
    "国土资源",
    "交通运输",
    "城市建设与管理",
    "生态环境",
    "社会治理",
    "教育",
    "医疗卫生",
    "就业与社会保障",
    "科技创新",
    "财政金融",
    "党的建设",
    "安全生产与应急",
]


def test_taxonomy_is_the_issues_policy_areas_in_order():
    assert [topic.name for topic in TOPICS] == ISSUE_AREAS
    slugs = [topic.slug for topic in TOPICS]
    assert len(set(slugs)) == len(slugs)
    assert all(re.fullmatch(r"[a-z]+(?:-[a-z]+)*", slug) for slug in slugs)


def test_each_keyword_is_evidence_for_one_topic_only():
    owners: dict[str, list[str]] = {}
    for topic in TOPICS:
        assert topic.keywords, topic.slug
        for keyword in topic.keywords:
            owners.setdefault(keyword, []).append(topic.slug)
    assert {keyword: slugs for keyword, slugs in owners.items() if len(slugs) > 1} == {}


@pytest.mark.parametrize("term", ["产业集聚区", "高标准农田", "农村土地整治", "公路养护"])
def test_policy_terms_stay_whole_words(term):
    assert term in segment(f"今年要抓好{term}工作")


def test_jiebas_shared_dictionary_is_left_as_shipped():
    # Place detection reads jieba's word frequencies; they must not depend on whether topics ran first.
    segment("全市产业集聚区建设")
    assert jieba.get_FREQ("产业集聚区") is None


def test_segmented_words_give_the_text_back():
    text = "全市产业集聚区实现主营业务收入1800亿元以上。\n新建高标准农田50万亩"
    assert "".join(segment(text)) == text


@pytest.mark.parametrize(
    ("text", "slug"),
    [
        ("力争完成固定资产投资700亿元以上", "economy"),
        ("每个产业集聚区新入驻亿元以上工业项目不少于15个", "industry"),
        ("新建高标准农田50万亩", "agriculture"),
        ("6月份前要完成全市国土空间规划调整", "land-resources"),
        ("完成国省干线公路养护大中修里程120公里", "transport"),
        ("改造老旧小区300个", "urban"),
        ("加强大气污染防治，空气质量优良天数比例达到85%", "environment"),
        ("深化平安建设，妥善化解矛盾纠纷", "governance"),
        ("新建改扩建幼儿园20所", "education"),
        ("基本医疗保险参保率稳定在95%以上", "health"),
        ("城镇新增就业10万人以上", "employment-welfare"),
        ("新增高新技术企业500家", "innovation"),
        ("地方一般公共预算收入增长3%左右", "finance"),
        ("严格落实中央八项规定精神", "party-building"),
        ("开展安全生产隐患排查整治", "safety"),
    ],
)
def test_a_commitment_is_placed_by_its_own_words(text, slug):
    assert classify_text(text) == slug


def test_a_sentence_without_policy_words_has_no_topic():
    assert classify_text("请大家认真学习领会，抓好贯彻落实。") is None
    assert classify_text("") is None


def test_a_specific_term_outweighs_a_general_one():
    # 投资 (economy) is a general word; 高标准农田 (agriculture) is specific.
    assert classify_text("投资建设高标准农田") == "agriculture"


URBAN = "加强城市管理，整治市容市貌，推进背街小巷改造和老旧小区改造，完善供水供气管网。"
ROADS = "加快高速公路和农村公路建设，推进国省干线改造，做好公路养护。"


def test_a_speech_has_its_main_area_first():
    assert classify_speech(URBAN * 5 + ROADS)[0] == "urban"


def test_a_stray_mention_is_no_secondary_topic():
    topics = classify_speech(URBAN * 5 + "会后要到医院慰问。")
    assert topics == ["urban"]


def test_a_second_area_with_real_evidence_is_a_secondary_topic():
    assert classify_speech(URBAN * 3 + ROADS * 2) == ["urban", "transport"]


def test_a_speech_without_policy_words_has_no_topics():
    assert classify_speech("同志们，今天的会就开到这里。") == []


def test_pre_segmented_words_give_the_same_topics():
    text = URBAN * 3 + ROADS * 2
    assert classify_tokens(segment(text)) == classify_speech(text)


def _speech() -> ParsedSpeech:
    opening = ParsedSection("", "", "同志们：今天召开全市城市管理工作会议。" + URBAN * 3, 1)
    roads = ParsedSection("二、", "加快交通基础设施建设", ROADS + "这项工作要在6月底前全部完成。", 1)
    plain = ParsedSection("三、", "狠抓工作落实", "各级各部门要明确责任，确保按期完成。", 1)
    text = "\n".join(f"{s.marker}{s.heading}\n{s.text}".strip() for s in (opening, roads, plain))
    commitments = [
        ParsedCommitment("新建污水处理厂3座", "target", "planned", 0, 0),
        ParsedCommitment("这项工作要在6月底前全部完成", "deadline", "binding", 1, 1),
        ParsedCommitment("确保按期完成", "action", "binding", 2, 2),
    ]
    return ParsedSpeech(title="t", text=text, sections=[opening, roads, plain], commitments=commitments)


def test_commitments_take_their_own_then_their_sections_then_the_speechs_topic():
    speech = _speech()
    assign_commitment_topics(speech)
    assert [c.topic for c in speech.commitments] == ["environment", "transport", "urban"]


def test_commitment_topics_from_the_speechs_words_agree_with_cutting_each_again():
    speech = _speech()
    assign_commitment_topics(speech, segment(speech.text))
    assert [c.topic for c in speech.commitments] == ["environment", "transport", "urban"]


def test_the_speechs_topics_decide_when_nothing_else_does():
    speech = _speech()
    speech.topics = ["party-building"]
    assign_commitment_topics(speech, segment(speech.text))
    assert speech.commitments[2].topic == "party-building"


@pytest.mark.corpus
def test_seed_speeches_are_placed_in_their_areas():
    text = SEED.read_text(encoding="utf-8")
    speeches = re.split(r"\n城市工作会议上的讲话篇[一二三四五六]\n", text)[1:]
    primary = [classify_speech(speech)[0] for speech in speeches]
    # 篇一 industrial clusters, 篇二 drought relief for crops, 篇四 road maintenance,
    # 篇五 social management, 篇六 city management.
    assert primary[0] == "industry"
    assert primary[1] == "agriculture"
    assert primary[3] == "transport"
    assert primary[4] == "governance"
    assert primary[5] == "urban"
