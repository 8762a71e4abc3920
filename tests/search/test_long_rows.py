"""A speech longer than one PostgreSQL tsvector can index is still found exactly as a substring
search finds it: by what it holds, near its end too, and never by what it does not hold."""

from __future__ import annotations

import hashlib
import itertools

import jieba
import pytest
from django.db import connection

from speeches.models import Commitment, Speech
from speeches.search import PG_MAX_INDEXED_BYTES, search_commitments, search_speeches, speech_search_fields

pytestmark = pytest.mark.django_db

# The kind of sentence a work report is made of; each repetition names words of its own.
SENTENCES = [
    "全面推进{0}建设，着力提升{1}水平，确保各项任务落到实处。",
    "要坚持问题导向，把{0}和{1}作为重点工作，抓紧抓实抓出成效。",
    "今年全市将围绕{0}，统筹推进{1}，力争取得新的突破。",
    "各级各部门要强化{0}意识，完善{1}机制，形成工作合力。",
    "加快{0}改革，深化{1}创新，不断增强发展的内生动力。",
    "认真总结{0}经验，持续优化{1}服务，让群众有更多获得感。",
]
TARGET_CHARS = 1_500_000
# Characters a work report hardly ever uses.
RARE = "鑫淼犇骉焱垚靐龘"


def dictionary_words() -> list[str]:
    """jieba's words of two to four ideographs, in a fixed order."""
    jieba.initialize()
    return sorted(
        word for word in jieba.dt.FREQ if 2 <= len(word) <= 4 and all("\u4e00" <= char <= "\u9fff" for char in word)
    )


def long_text(words: list[str]) -> str:
    """About 1.5 million characters, the sentences above with two new words each, a paragraph at a time."""
    paragraphs, size, pool = [], 0, iter(words)
    for number in itertools.count():
        paragraph = "".join(SENTENCES[(number + k) % len(SENTENCES)].format(next(pool), next(pool)) for k in range(8))
        paragraphs.append(paragraph)
        size += len(paragraph) + 1
        if size >= TARGET_CHARS:
            return "\n".join(paragraphs)


@pytest.fixture(scope="module")
def vocabulary() -> list[str]:
    return dictionary_words()


@pytest.fixture
def long_speech(db, vocabulary):
    text = long_text(vocabulary)
    title = "在全市经济工作会议上的讲话（全文汇编）"
    speech = Speech.objects.create(
        title=title, original_text=text, text=text, content_hash=hashlib.sha256(text.encode()).hexdigest()
    )
    # A character of the short speech alone, which the long one never uses.
    only_short = absent(text, RARE)
    short_text = f"全年粮食播种面积稳定在500万亩以上，{only_short}。"
    short = Speech.objects.create(
        title="在全市春季农业生产工作会议上的讲话", original_text=short_text, text=short_text, content_hash="c" * 64
    )
    return speech, short, text


def found(query: str) -> set[int]:
    return set(search_speeches(query).values_list("pk", flat=True))


def absent(text: str, candidates) -> str:
    return next(candidate for candidate in candidates if candidate not in text)


def test_the_speech_is_longer_than_one_tsvector_holds(long_speech):
    speech, _, text = long_speech
    assert len(text) >= TARGET_CHARS
    fields = speech_search_fields(speech.title, text)
    assert len(fields["search_title"].encode()) + len(fields["search_text"].encode()) > PG_MAX_INDEXED_BYTES
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT search_vector IS NULL FROM speeches_speech WHERE id = %s", [speech.pk])
            assert cursor.fetchone() == (True,)
            cursor.execute("SELECT count(*) FROM speeches_speech_search_part WHERE row_id = %s", [speech.pk])
            assert cursor.fetchone()[0] > 1


def test_a_word_near_the_end_finds_it(long_speech, vocabulary):
    speech, short, text = long_speech
    tail = text[-300:]
    near_end = next(word for word in reversed(vocabulary) if word in tail and text.count(word) == 1)
    assert found(near_end) == {speech.pk}
    assert found(tail[-6:-1]) == {speech.pk}  # a run of five characters at the very end
    assert found(f"{near_end} 内生动力") == {speech.pk}
    assert found(f"{near_end} 播种面积") == set()  # each term in another speech only
    assert found("播种面积") == {short.pk}


def test_what_it_does_not_hold_does_not_find_it(long_speech, vocabulary):
    _, short, text = long_speech
    missing_word = absent(text, reversed(vocabulary))
    missing_pair = absent(text, (a + b for a in RARE for b in RARE))
    only_short = short.text[-2]
    missing_char = absent(text, RARE.replace(only_short, ""))
    for query in (missing_word, missing_pair, missing_char, f"内生动力 {missing_char}"):
        assert found(query) == set(), query
    assert found(only_short) == {short.pk}
    assert found("500") == {short.pk}


def test_one_and_two_characters_it_holds_find_it_and_exclusions_hold(long_speech):
    speech, short, _ = long_speech
    assert found("抓") == {speech.pk}
    assert found("年") == {speech.pk, short.pk}
    assert found("全年") == {speech.pk, short.pk}
    assert found("全年 -抓") == {short.pk}
    assert found(f"全年 -{short.text[-2]}") == {speech.pk}
    assert found("全年 -内生动力") == {short.pk}


def test_the_index_follows_the_speech_when_its_text_changes(long_speech, vocabulary):
    speech, _, text = long_speech
    tail_word = next(word for word in reversed(vocabulary) if word in text[-300:] and text.count(word) == 1)
    shortened = text[: len(text) // 2]
    assert tail_word not in shortened
    speech.text = shortened
    speech.save()
    assert found(tail_word) == set()
    assert found("内生动力") == {speech.pk}
    speech.delete()
    assert found("内生动力") == set()


def test_commitments_are_unaffected_by_a_long_speech(long_speech):
    speech, _, _ = long_speech
    Commitment.objects.create(speech=speech, position=0, text="全面推进乡村振兴建设")
    assert [commitment.text for commitment in search_commitments("乡村振兴")] == ["全面推进乡村振兴建设"]
    assert list(search_commitments("鑫")) == []
