"""A reader cites a paragraph: the ¶ link names it, 复制引用 copies a citation, and the citation's
address leads back to the very paragraph, highlighted."""

import re

import pytest
from playwright.sync_api import expect

from tests.views.factories import SHANGQIU, Pledge

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "在商丘市招商引资工作会议上的讲话"
OUTLINE = [
    ("", "", "同志们：\n今天召开全市招商引资工作会议，部署今年的重点任务。", None),
    ("一、", "明确目标任务", "全年力争引进亿元以上项目100个以上。\n" + "各地要把任务分解到月，逐月调度。" * 20, None),
    ("二、", "强化工作保障", "各部门要各司其职。\n" + "要加强督查，确保各项工作落到实处。" * 20, None),
    ("（一）", "压实责任", "要把责任落实到人。\n6月底前，市商务局要完成重点产业招商图谱编制。", 2),
    ("三、", "营造良好环境", "要持续优化营商环境。\n" + "要为企业提供全生命周期服务。" * 30, None),
]
PLEDGES = [Pledge("6月底前，市商务局要完成重点产业招商图谱编制", kind="deadline", strength="binding", section=3)]


@pytest.fixture
def speech(site):
    return site.speech(TITLE, city=SHANGQIU, year=2024, outline=OUTLINE, pledges=PLEDGES)


def open_citation(page, paragraph_id: str):
    paragraph = page.locator(f'[id="{paragraph_id}"]')
    paragraph.hover()
    link = paragraph.locator(".place-link")
    expect(link).to_have_accessible_name(re.compile("第2段的链接"))
    link.click()
    box = page.get_by_role("group", name="引用这里")
    expect(box).to_be_visible()
    return box


def expected_citation(live_server, speech) -> str:
    return (
        f"《{TITLE}》，河南省商丘市，2024年，二、强化工作保障 › （一）压实责任，第2段。"
        f"讲话档案，{live_server.url}/speeches/{speech.pk}/#s2.1-p2"
    )


def arrives_at_the_paragraph(page, url: str) -> None:
    page.goto("about:blank")
    page.goto(url)
    paragraph = page.locator('[id="s2.1-p2"]')
    expect(paragraph).to_be_in_viewport()
    assert page.evaluate("document.querySelector(':target').id") == "s2.1-p2"
    # Highlighted: another background than the paragraphs around it.
    background = paragraph.evaluate("p => getComputedStyle(p).backgroundColor")
    other = page.locator('[id="s2.1-p1"]').evaluate("p => getComputedStyle(p).backgroundColor")
    assert background != other


def test_copy_a_citation_and_follow_it_back_at_desktop_width(page, speech, live_server, axe):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server.url)
    page.goto(speech.get_absolute_url())
    box = open_citation(page, "s2.1-p2")
    expect(page).to_have_url(re.compile(rf"/speeches/{speech.pk}/#s2\.1-p2$"))
    citation = expected_citation(live_server, speech)
    expect(box.get_by_label("引用")).to_have_value(citation)

    box.get_by_role("button", name="复制引用").click()
    expect(box.get_by_role("status")).to_have_text("引用已复制")
    assert page.evaluate("navigator.clipboard.readText()") == citation
    assert axe() == []

    arrives_at_the_paragraph(page, citation.rsplit("，", 1)[1])
    assert axe() == []
    assert page.problems == []


def test_without_the_clipboard_the_citation_is_selected_for_copying_on_a_phone(page, speech, live_server, axe):
    page.add_init_script("Object.defineProperty(navigator, 'clipboard', {value: undefined})")
    page.set_viewport_size(PHONE)
    page.goto(speech.get_absolute_url())
    box = open_citation(page, "s2.1-p2")
    box.get_by_role("button", name="复制引用").click()
    expect(box.get_by_role("status")).to_contain_text("Ctrl+C")
    area = box.get_by_label("引用")
    expect(area).to_be_focused()
    selected = page.evaluate(
        "() => { const a = document.activeElement; return a.value.slice(a.selectionStart, a.selectionEnd) }"
    )
    assert selected == expected_citation(live_server, speech)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe() == []

    arrives_at_the_paragraph(page, selected.rsplit("，", 1)[1])
    page.set_viewport_size(DESKTOP)
    assert page.problems == []


def test_the_box_moves_from_paragraph_to_paragraph_and_closes(page, speech):
    page.goto(speech.get_absolute_url())
    box = open_citation(page, "s2.1-p2")
    box.get_by_role("button", name="上一段").click()
    expect(page).to_have_url(re.compile(r"#s2\.1-p1$"))
    box = page.get_by_role("group", name="引用这里")
    expect(box.get_by_label("引用")).to_have_value(re.compile("压实责任，第1段。"))
    page.keyboard.press("Escape")
    expect(page.get_by_role("group", name="引用这里")).to_have_count(0)
    assert page.problems == []


def test_a_section_is_cited_from_its_heading_and_old_links_still_arrive(page, speech):
    part = speech.sections.get(marker="（一）")
    page.goto(speech.get_absolute_url())
    heading_link = page.get_by_role("link", name="本节链接：二、强化工作保障 › （一）压实责任")
    heading_link.focus()
    expect(heading_link).to_be_visible()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#s2\.1$"))
    expect(page.get_by_role("group", name="引用这里").get_by_label("引用")).to_have_value(
        re.compile(r"，二、强化工作保障 › （一）压实责任。讲话档案，.*#s2\.1$")
    )

    # An address the page gave before this scheme: it arrives, and shows the lasting address.
    page.goto(f"/speeches/{speech.pk}/#p-{part.pk}-2")
    expect(page).to_have_url(re.compile(rf"/speeches/{speech.pk}/#s2\.1-p2$"))
    expect(page.locator('[id="s2.1-p2"]')).to_be_in_viewport()
    assert page.problems == []
