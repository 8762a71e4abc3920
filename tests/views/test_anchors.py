"""Places in a speech are named by their position in its outline: the same after re-extraction or a
second import, whatever the database ids."""

import re

import pytest

from speeches import anchors
from speeches.importing import ImportOptions, import_pasted_text
from speeches.models import Speech
from speeches.reextracting import reextract

pytestmark = pytest.mark.django_db

REPORT = """在全市经济工作会议上的讲话

同志们：

今天召开全市经济工作会议，总结今年工作，部署明年任务。

一、今年经济运行总体平稳

全市地区生产总值增长6%左右。

二、明年的主要目标任务

明年要全力以赴稳增长。

（一）扩大有效投资

全年完成固定资产投资700亿元以上。

新开工项目200个以上。

（二）推动产业升级

1、壮大先进制造业

6月底前，市工信局要完成产业链图谱编制。

2、发展现代服务业

服务业增加值增长7%以上。

（三）保障和改善民生

城镇新增就业3万人以上。

三、切实加强组织领导

各级各部门要压实责任，确保各项任务落到实处。
"""

PLACES = re.compile(r'<(?:section|p) id="(s[\d.]+(?:-p\d+)?)"[^>]*>(.*?)(?=<(?:section|p) id=|</section>)', re.S)


def places(client, speech: Speech) -> dict[str, str]:
    """Each anchor on the speech page with the text of what it names (tags dropped)."""
    html = client.get(speech.get_absolute_url()).content.decode()
    return {anchor: re.sub(r"<[^>]+>", "", body).strip() for anchor, body in PLACES.findall(html)}


def imported() -> Speech:
    return import_pasted_text(REPORT, ImportOptions(year=2025)).speeches[0].speech


def test_parts_sub_parts_and_paragraphs_are_named_by_outline_position(client):
    speech = imported()
    found = places(client, speech)
    assert list(found) == [
        "s0", "s0-p1", "s0-p2",
        "s1", "s1-p1",
        "s2", "s2-p1",
        "s2.1", "s2.1-p1", "s2.1-p2",
        "s2.2",
        "s2.2.1", "s2.2.1-p1",
        "s2.2.2", "s2.2.2-p1",
        "s2.3", "s2.3-p1",
        "s3", "s3-p1",
    ]  # fmt: skip
    assert found["s0-p1"].startswith("同志们")
    assert found["s2.1"].startswith("（一）扩大有效投资")
    assert found["s2.1-p2"].startswith("新开工项目200个以上")
    assert found["s2.2.1-p1"].startswith("6月底前")
    # The outline links the same places.
    html = client.get(speech.get_absolute_url()).content.decode()
    assert '<a href="#s2.2.1">1、壮大先进制造业</a>' in html
    assert '<a href="#s3">三、切实加强组织领导</a>' in html


def test_places_are_the_same_after_reextracting_and_after_importing_again(client):
    speech = imported()
    before = places(client, speech)
    commitment_anchors = sorted(f"c-{pk}" for pk in speech.commitments.values_list("pk", flat=True))
    assert commitment_anchors, "the report has commitments to link to"

    reextract(speech)
    assert places(client, speech) == before
    html = client.get(speech.get_absolute_url()).content.decode()
    assert all(f'id="{anchor}"' in html for anchor in commitment_anchors)

    # Imported afresh, every row id is new; the anchors are not.
    old_section_ids = set(speech.sections.values_list("pk", flat=True))
    speech.delete()
    again = imported()
    assert old_section_ids.isdisjoint(again.sections.values_list("pk", flat=True))
    assert places(client, again) == before


def test_links_from_before_still_arrive_and_translate():
    speech = imported()
    sections = list(speech.sections.order_by("position"))
    outline = anchors.Outline(sections)
    investment = next(section for section in sections if section.marker == "（一）")
    assert outline.legacy(f"s-{investment.pk}") == "s2.1"
    assert outline.legacy(f"#p-{investment.pk}-2") == "s2.1-p2"
    assert outline.legacy("p-0-1") is None and outline.legacy("c-5") is None
    # A place in a section's text, as a search passage finds it.
    offset = investment.text.index("新开工")
    assert outline.at_offset(investment.pk, offset) == "s2.1-p2"
    # Many speeches' outlines in one query, for lists of results.
    assert anchors.outlines([speech.pk])[speech.pk].paragraph(investment.pk, 1) == "s2.1-p1"


class Row:
    def __init__(self, pk, parent_id, marker, heading):
        self.pk, self.parent_id, self.marker, self.heading = pk, parent_id, marker, heading


def test_numbers_count_the_parts_not_their_numerals():
    # A text copied from the middle of a report starts at 三、 and repeats （二）: one anchor each.
    rows = [
        Row(1, None, "", ""),
        Row(2, None, "三、", "做好明年工作"),
        Row(3, 2, "（二）", "稳增长"),
        Row(4, 2, "（二）", "促改革"),
        Row(5, None, "", "附件：十件民生实事"),
        Row(6, 5, "1、", "办好教育"),
    ]
    assert anchors.section_anchors(rows) == {1: "s0", 2: "s1", 3: "s1.1", 4: "s1.2", 5: "s2", 6: "s2.1"}
    assert anchors.paragraph_numbers("第一段\n\n第二段\n") == {1: 1, 3: 2}
