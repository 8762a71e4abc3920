"""Page numbers of a PDF copied into the text: removed wherever they stand, ranges kept.

The report below is written for these tests in the style of a city's work report.
"""

import re

import pytest

from speeches.parsing import parse_text, walk_sections
from speeches.parsing.normalize import clean_line

REPORT_LINES = [
    "2025年某市政府工作报告",
    "——2025年1月10日在某市第十七届人民代表大会第四次会议上",
    "各位代表：",
    "现在，我代表市人民政府，向大会报告工作，请予审议，并请市政协委员提出意见。",
    "一、2024年工作回顾",
    "过去一年，全市上下坚持稳中求进工作总基调，经济运行回升向好，地区生产总值增长5.6%，一般公共预算收入增长4.2%。",
    "（一）产业转型步伐加快。新增规模以上工业企业120家，建成5G基站3000个，高新技术产业产值占比提高到46%。",
    "（二）营商环境持续优化。出台支持民营经济发展十条措施，依法保护企业家合法权益，新登记经营主体4.5万户。",
    "（三）民生保障更加有力。城镇新增就业3.1万人，新建改建幼儿园12所，完成老旧小区改造86个。"
    "基本养老保险参保率稳定在95%以上，城乡低保标准分别提高到每月860元和720元，"
    "县级医院服务能力持续提升，群众看病就医更加便捷。",
    "（四）城乡面貌持续改善。新建改造城市道路42公里，建成口袋公园30个，"
    "农村生活污水治理率达到68%，创建美丽宜居村庄50个，城乡融合发展迈出新步伐。"
    "各位代表！这些成绩的取得，是全市人民团结奋斗的结果。在肯定成绩的同时，我们也清醒看到，"
    "经济持续回升的基础还不稳固，部分企业生产经营困难，民生领域还有不少短板，我们将采取有力措施加以解决。",
    "二、2025年工作安排",
    "今年全市经济社会发展的主要预期目标是：地区生产总值增长6%左右，城镇调查失业率控制在5.5%以内。",
    "（一）着力扩大有效投资。实施重点项目300个以上，年度完成投资700亿元以上，力争2025—2027年每年新开工亿元以上项目100个。",
    "（二）着力稳定就业增收。确保城镇新增就业3万人以上，居民收入增长6%—7%，每个县区建成3—5个零工市场。"
    "落实高校毕业生、退役军人、农民工等重点群体就业支持政策，开展职业技能培训5万人次。",
    "（三）着力推进乡村全面振兴。粮食播种面积稳定在300万亩以上，新建高标准农田10万亩，"
    "发展壮大县域富民产业，农村居民人均可支配收入增长7%左右。"
    "持续改善农村人居环境，推进农村公路提档升级，让乡村既有颜值又有活力。",
    "三、全面加强政府自身建设",
    "我们将坚持依法行政，自觉接受人大监督和政协民主监督，以实干实绩回应人民期盼。",
    "我们将深化政务服务改革，推动更多事项网上办、就近办、一次办，让企业和群众办事更加省心。"
    "我们将驰而不息改进作风，严格落实过紧日子要求，把有限的财力更多用于发展所需、民生所盼。",
    "各位代表！新的征程催人奋进，让我们团结一心、真抓实干，为建设更加美好的家园而努力奋斗！",
]


def with_page_marks(lines: list[str]) -> str:
    """The report as copied from its PDF: page numbers between and inside sentences, one per line."""
    text = "\n".join(lines)
    text = text.replace("依法保护企业家合法权益", "依法保护企业家—11—合法权益")
    text = text.replace("新增规模以上", "新增— 8 —规模以上")
    text = text.replace("过去一年，", "过去一年，－12－")
    text = text.replace("请予审议，", "请予审议，-3-")
    return text.replace("二、2025年工作安排", "— 9 —\n二、2025年工作安排")


def outline(text: str) -> list[tuple[int, str, str]]:
    [speech] = parse_text(text)
    return [(s.level, s.marker, s.heading) for s in walk_sections(speech.sections)]


def squeeze(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("依法保护企业家—11—权益", "依法保护企业家权益"),
        ("推进— 8 —高质量发展", "推进高质量发展"),
        ("推进－12－高质量发展", "推进高质量发展"),
        ("推进-12-高质量发展", "推进高质量发展"),
        ("推进―7―高质量发展。", "推进高质量发展。"),
        ("— 8 —", ""),
        ("－ 108 －", ""),
    ],
)
def test_page_numbers_between_dashes_are_removed_wherever_they_stand(line, expected):
    assert clean_line(line) == expected


@pytest.mark.parametrize(
    "line",
    [
        "实施2023—2025年行动计划",
        "居民收入增长6%—7%",
        "建成3—5个零工市场",
        "增长6.5%—7.5%",
        "时间：2026-02-10",
        "——2025年1月10日在某市人民代表大会上",
        "正如古人所说——10年树木——百年树人",
        "新冠病毒COVID-19-疫苗",
        "第1—3—5项",
    ],
)
def test_ranges_dates_and_quotation_dashes_are_kept(line):
    assert clean_line(line) == line.replace(" ", "")


def test_a_report_with_page_marks_reads_as_the_report_without_them():
    [clean] = parse_text("\n".join(REPORT_LINES))
    [marked] = parse_text(with_page_marks(REPORT_LINES))
    assert marked.text == clean.text
    assert "—11—" not in marked.text and "依法保护企业家合法权益" in marked.text
    assert "2025—2027年" in marked.text and "6%—7%" in marked.text and "3—5个" in marked.text


def test_a_sentence_cut_by_a_page_break_is_joined_again():
    text = "一、总体要求\n我们要坚持以人民为中心的发展思想，依法保护企业家\n\n— 11 —\n\n合法权益，稳定市场预期。"
    [speech] = parse_text(text)
    assert speech.text.split("\n")[1] == "我们要坚持以人民为中心的发展思想，依法保护企业家合法权益，稳定市场预期。"


@pytest.mark.parametrize("joiner", [" ", ""])
def test_a_report_on_one_line_with_page_marks_has_the_outline_of_the_report_with_its_line_breaks(joiner):
    # Lines after the title and date as a PDF gives them when its line breaks are lost: a space
    # (or nothing, where the line ended a sentence) between lines, page marks between sentences.
    head, body = REPORT_LINES[:2], REPORT_LINES[2:]
    separators = [joiner if line.endswith("。") else " " for line in body]
    one_line = "".join(line + separator for line, separator in zip(body, separators, strict=True))
    one_line = one_line.replace("市政协委员提出意见。", "市政协委员提出意见。 — 2 — ")
    one_line = one_line.replace("改造86个。", "改造86个。—3—")
    one_line = one_line.replace("依法保护企业家合法权益", "依法保护企业家—4—合法权益")
    assert len(one_line) > 1000 and "\n" not in one_line
    with_breaks = "\n".join(REPORT_LINES)
    flat = "\n".join([*head, one_line])

    assert outline(flat) == outline(with_breaks)
    assert [level for level, _, _ in outline(flat)] == [1, 1, 2, 2, 2, 2, 1, 2, 2, 2, 1]
    [speech] = parse_text(flat)
    [reference] = parse_text(with_breaks)
    assert squeeze(speech.text) == squeeze(reference.text)
    sections = {s.marker + s.heading: squeeze(s.text) for s in walk_sections(speech.sections)}
    assert sections == {s.marker + s.heading: squeeze(s.text) for s in walk_sections(reference.sections)}
