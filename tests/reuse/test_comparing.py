"""How alike two texts are, and which paragraphs stand elsewhere: plain strings, no database."""

import re

from speeches.parsing import reuse
from speeches.parsing.reuse import Fingerprint, Place

from .texts import OTHER_REPORT, REPORT


def similarity(first: str, second: str) -> float:
    return reuse.similarity(reuse.signature(first), reuse.signature(second))


def paragraphs(text: str) -> list[str]:
    return text.split("\n")


def test_the_same_report_with_another_first_line_is_a_near_duplicate():
    assert similarity(REPORT, "（此件公开发布）\n" + REPORT) >= reuse.NEAR_DUPLICATE


def test_line_breaks_punctuation_and_numbers_do_not_count():
    rewritten = re.sub(r"[0-9]+", lambda m: str(int(m[0]) * 3 + 1), REPORT).replace("，", ",").replace("\n", "\n\n")
    assert reuse.signature(rewritten) == reuse.signature(REPORT)


def test_a_tenth_dropped_and_a_place_swapped_is_still_a_near_duplicate():
    kept = [line for number, line in enumerate(paragraphs(REPORT)) if number != 5]
    copied = "\n".join(kept).replace("城东片区", "河西新区").replace("县域", "全市")
    assert reuse.NEAR_DUPLICATE <= similarity(REPORT, copied) < 1


def test_two_reports_in_the_same_words_of_every_report_are_not_alike():
    assert similarity(REPORT, OTHER_REPORT) < reuse.SIMILAR / 2


def test_a_report_half_copied_is_similar_but_not_a_duplicate():
    mine, theirs = paragraphs(REPORT), paragraphs(OTHER_REPORT)
    half = "\n".join(mine[:8] + theirs[8:])
    assert reuse.SIMILAR <= similarity(REPORT, half) < reuse.NEAR_DUPLICATE


def test_a_short_excerpt_is_not_the_speech():
    """A text much shorter than the other counts as half of it: a few paragraphs are not the report."""
    excerpt = "\n".join(paragraphs(REPORT)[3:8])
    assert similarity(REPORT + "\n" + OTHER_REPORT, excerpt) < reuse.SIMILAR


def test_a_text_too_short_to_compare_has_no_signature():
    assert reuse.signature("各位代表：现在我代表市人民政府向大会报告工作。") is None
    assert reuse.signature("") is None


def test_similarity_is_symmetric_and_band_keys_are_stable():
    first, second = reuse.signature(REPORT), reuse.signature(OTHER_REPORT)
    assert reuse.similarity(first, second) == reuse.similarity(second, first)
    assert reuse.band_keys(first) == reuse.band_keys(reuse.signature(REPORT))
    assert len(set(reuse.band_keys(first))) == reuse.BANDS
    assert all(-(2**63) <= key < 2**63 for key in reuse.band_keys(first))


def test_a_near_duplicate_shares_a_band_and_a_stranger_does_not():
    copied = reuse.signature("（此件公开发布）\n" + REPORT.replace("城东片区", "河西新区"))
    assert set(reuse.band_keys(copied)) & set(reuse.band_keys(reuse.signature(REPORT)))
    assert not set(reuse.band_keys(reuse.signature(OTHER_REPORT))) & set(reuse.band_keys(reuse.signature(REPORT)))


def test_a_very_long_text_is_signed_in_bounded_chunks():
    long_text = "\n".join(
        f"第{n}项工作要抓紧推进，第{n}个项目要如期建成投产见效。" + chr(0x4E00 + n) * 3 for n in range(20000)
    )
    signature = reuse.signature(long_text)
    assert signature is not None and signature.shingles > 10 * reuse.MIN_SHINGLES


# --- passages -----------------------------------------------------------------------------------


def test_paragraphs_are_numbered_as_the_speech_page_numbers_them():
    prints = reuse.section_fingerprints(
        "第一段写的是工业基本盘和标准厂房建设。\n\n第三段写的是老旧小区改造和加装电梯的事。"
    )
    assert {print_.paragraph for print_ in prints} == {1, 3}


def test_short_clauses_are_no_evidence():
    assert reuse.section_fingerprints("同志们：\n一是，二是。谢谢大家！") == []


def _shared(mine_text: str, others: dict[int, str], counts_extra: dict[int, int] | None = None, limit: int = 5):
    mine = [(10, print_) for print_ in reuse.section_fingerprints(mine_text)]
    where: dict[int, list[Place]] = {}
    counts: dict[int, int] = {}
    for _, print_ in mine:
        counts[print_.value] = 1
    for speech, text in others.items():
        for print_ in reuse.section_fingerprints(text):
            where.setdefault(print_.value, []).append(Place(speech, speech * 100, print_.paragraph))
            counts[print_.value] = counts.get(print_.value, 0) + 1
    for value, extra in (counts_extra or {}).items():
        counts[value] = counts.get(value, 0) + extra
    return reuse.shared_passages(1, mine, where, counts, limit)


def test_a_paragraph_copied_with_a_clause_rewritten_stands_in_the_other_speech():
    mine = paragraphs(REPORT)[4]
    theirs = "开头另有一段话，讲的是别的事情。\n" + mine.replace("让老人在家门口吃上热乎饭", "让群众办事更方便")
    found = _shared(mine, {2: theirs})
    assert len(found) == 1 and not found[0].common
    assert found[0].others == [Place(2, 200, 2)] and found[0].paragraph == 1


def test_a_paragraph_sharing_one_clause_does_not():
    mine = paragraphs(REPORT)[4]
    theirs = "我们在城东片区完成老旧小区改造63个，其余工作另有安排，下一步继续推进城市更新。"
    assert _shared(mine, {2: theirs}) == []


def test_common_language_is_told_apart():
    opening = "现在，我代表市人民政府向大会报告工作，请予审议，并请市政协委员和其他列席人员提出意见。"
    prints = reuse.section_fingerprints(opening)
    many = {print_.value: 40 for print_ in prints}
    found = _shared(opening, {2: opening}, counts_extra=many, limit=12)
    assert len(found) == 1
    assert found[0].common and found[0].others == [] and found[0].speech_count >= 40


def test_common_language_inside_a_copied_paragraph_does_not_hide_the_copy():
    shared = paragraphs(REPORT)[4]
    slogan = "以习近平新时代中国特色社会主义思想为指导，"
    mine = slogan + shared
    boilerplate = {print_.value: 40 for print_ in reuse.section_fingerprints(slogan)}
    found = _shared(mine, {2: shared}, counts_extra=boilerplate, limit=12)
    assert len(found) == 1 and not found[0].common and found[0].others[0].speech == 2


def test_the_common_limit_grows_with_the_archive():
    assert reuse.common_limit(60) == reuse.COMMON_SPEECHES
    assert reuse.common_limit(10_000) == 50
    assert 150 < reuse.common_limit(100_000) < 200


def test_passage_rules():
    assert not reuse.passage_is_shared(100, reuse.MIN_PASSAGE - 1)
    assert reuse.passage_is_shared(40, 30)
    assert not reuse.passage_is_shared(400, 60)
    assert reuse.passage_is_shared(400, reuse.LONG_RUN)
    assert Fingerprint(1, 2, 3).length == 3
