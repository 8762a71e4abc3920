"""Properties that hold for any input: parsing never crashes and never loses text."""

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from speeches.parsing import parse_text, walk_sections
from speeches.parsing.normalize import clean_lines, repair_paragraphs

FRAGMENTS = st.sampled_from(
    [
        "一、", "二、", "（一）", "(二)", "1.", "2、", "（1）", "第一，", "一是", "同志们：", "各位代表：",
        "要确保完成任务。", "力争完成投资700 亿元以上，", "增长５．５％左右", "20xx年", "□", "\u3000\u3000",
        "\n", "\n\n", " ", "篇一", "讲话篇二", "名词解释", "附件1", "下载", "【字号：", "】", "来源：",
        "。", "，", "目录", "加强领导", "政府工作报", "告", "——2026年1月26日在", "会议上",
    ]
)  # fmt: skip
TEXTS = st.one_of(st.text(), st.lists(FRAGMENTS | st.text(max_size=5), max_size=60).map("".join))


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(TEXTS)
def test_parsing_never_crashes_and_every_character_lands_in_exactly_one_section(text):
    for speech in parse_text(text):
        in_sections = "".join(s.marker + s.heading + s.text for s in walk_sections(speech.sections))
        assert squeeze(in_sections) == squeeze(speech.text)


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_repairing_lines_only_joins_never_drops(text):
    lines = [line.text for line in clean_lines(text)]
    assert squeeze("".join(repair_paragraphs(lines))) == squeeze("".join(lines))
