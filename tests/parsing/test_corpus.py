"""Whole documents from ../shared/corpus, parsed without a database."""

import re

import pytest

from speeches.parsing import parse_document, walk_sections
from tests.corpus import PUBLIC, SEED


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


def outline(speech):
    return [(s.marker, sum(1 for c in s.children if c.marker)) for s in speech.sections if s.marker]


@pytest.fixture(scope="module")
def seed():
    return parse_document(SEED.read_bytes(), SEED.name)


def test_seed_is_six_speeches_without_the_preamble(seed):
    assert len(seed) == 6
    assert [s.title[-2:] for s in seed] == ["篇一", "篇二", "篇三", "篇四", "篇五", "篇六"]
    for speech in seed:
        assert "仅供参考" not in speech.text
        assert "精选6篇" not in speech.text


def test_seed_outlines(seed):
    assert outline(seed[0]) == [("一、", 5), ("二、", 6), ("三、", 4)]
    assert outline(seed[4]) == [("一、", 6), ("二、", 5), ("三、", 4)]


@pytest.mark.parametrize(
    "sentence",
    [
        "省政府组织的全省产业集聚区和重点项目观摩活动",
        "各地都能坚持把产业发展作为城市发展的前提",
        "还存在相当大的差距",
        "着力抓好一批基地型、龙头型项目的引进落地",
        "及时掌握我市产业集聚区发展数据以及在全省位次。",
    ],
)
def test_sentences_broken_across_lines_are_whole_again(seed, sentence):
    assert any(sentence in s.heading + s.text for s in walk_sections(seed[0].sections))


def test_seed_amounts_lose_their_inner_spaces(seed):
    assert "700亿元以上" in seed[0].text
    assert "1800亿元以上" in seed[0].text


@pytest.mark.parametrize("path", PUBLIC, ids=lambda p: p.stem)
def test_every_public_text_parses_into_one_speech_with_all_its_text(path):
    speeches = parse_document(path.read_bytes(), path.name)
    assert len(speeches) == 1
    speech = speeches[0]
    in_sections = "".join(s.marker + s.heading + s.text for s in walk_sections(speech.sections))
    assert squeeze(in_sections) == squeeze(speech.text)
    assert len(speech.text) > 1000
    assert "【字号" not in speech.text and "打印本页" not in speech.text and "Public domain" not in speech.text


def test_reports_keep_their_numbered_parts():
    by_name = {p.stem: parse_document(p.read_bytes(), p.name)[0] for p in PUBLIC}
    assert [m for m, _ in outline(by_name["ropensci-textworkshop17_national_2010"])] == ["一、", "二、"]
    guangdong = by_name["jc404-provgwr2026_guangdong_2026"]
    assert [m for m, _ in outline(guangdong)][:3] == ["一、", "二、", "三、"]
    # The appendix's own list and the notes do not join the report's parts.
    assert [s.heading for s in guangdong.sections if not s.marker][-3:] == ["附件1", "附件2", "名词解释"]


def test_a_one_line_speech_is_cut_into_paragraphs():
    path = next(p for p in PUBLIC if "culture-symposium" in p.name)
    speech = parse_document(path.read_bytes(), path.name)[0]
    assert speech.text.count("\n") > 20
    assert [m for m, _ in outline(speech)] == ["一、", "二、", "三、"]
