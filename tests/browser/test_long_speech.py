"""A long report: the outline and the side list follow the reading position, the side list filters
by kind and is the keyboard's way to the marked commitments, whose tips stand beside the words."""

import re

import pytest
from playwright.sync_api import expect

from tests.views.factories import SHANGQIU, Pledge

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)

NUMERALS = "一二三四五六七八九十"


def long_report():
    outline = [("", "", "同志们：\n现在，我代表市人民政府向大会报告工作。", None)]
    pledges = []
    for number, numeral in enumerate(NUMERALS, start=1):
        target = f"第{number}项指标增长{number}%以上"
        deadline = f"{number}月底前完成第{number}批项目建设"
        action = f"扎实推进第{number}项重点改革"
        body = f"{target}。\n{deadline}。\n{action}。\n" + "要坚持稳中求进，久久为功。" * 25
        outline.append((f"{numeral}、", f"第{number}部分工作", body, None))
        section = len(outline) - 1
        pledges += [
            Pledge(target, kind="target", section=section, targets=[(str(number), "%", "以上")]),
            Pledge(deadline, kind="deadline", strength="binding", section=section, deadline_text=f"{number}月底前"),
            Pledge(action, kind="action", section=section),
        ]
    return outline, pledges


@pytest.fixture
def report(site):
    outline, pledges = long_report()
    return site.speech("市政府工作报告", city=SHANGQIU, year=2025, outline=outline, pledges=pledges)


def test_the_outline_and_the_side_list_follow_the_reading(page, report, axe):
    page.goto(report.get_absolute_url())
    toc = page.get_by_role("navigation", name="目录")
    page.locator('[id="s7"]').evaluate("section => section.scrollIntoView({block: 'start'})")
    expect(toc.get_by_role("link", name="七、第7部分工作")).to_have_attribute("aria-current", "location")
    expect(toc.locator("[aria-current]")).to_have_count(1)
    here = page.locator('.commitment-side-list li[data-section="s7"]')
    expect(here).to_have_count(3)
    expect(here.first).to_have_class(re.compile(r"\bis-here\b"))
    expect(here.first).to_be_in_viewport()  # the side list scrolled itself, not the page
    expect(page.locator('[id="s7"]')).to_be_in_viewport()

    page.locator('[id="s2"]').evaluate("section => section.scrollIntoView({block: 'start'})")
    expect(toc.get_by_role("link", name="二、第2部分工作")).to_have_attribute("aria-current", "location")
    expect(page.locator('.commitment-side-list li[data-section="s2"]').first).to_be_in_viewport()
    assert axe() == []
    assert page.problems == []


def test_the_side_list_filters_by_kind(page, report, axe):
    page.goto(report.get_absolute_url())
    items = page.locator(".commitment-side-list > li")
    expect(items).to_have_count(30)
    filters = page.get_by_role("group", name="按类型显示")
    filters.get_by_label("时限 10").check()
    visible = page.locator(".commitment-side-list > li:visible")
    expect(visible).to_have_count(10)
    expect(visible.first).to_contain_text("1月底前完成第1批项目建设")
    for text in visible.all_inner_texts():
        assert "时限" in text
    filters.get_by_label("全部 30").check()
    expect(visible).to_have_count(30)
    page.set_viewport_size(PHONE)
    filters.get_by_label("目标 10").check()
    expect(visible).to_have_count(10)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe() == []
    assert page.problems == []


def test_the_keyboard_reaches_commitments_through_the_side_list(page, report):
    page.goto(report.get_absolute_url())
    # From the outline, Tab crosses the text by its ten headings' links, not its thirty marks.
    page.get_by_role("navigation", name="目录").get_by_role("link", name="十、第10部分工作").focus()
    stops = []
    for _ in range(40):
        page.keyboard.press("Tab")
        focused = page.evaluate(
            "() => { const e = document.activeElement;"
            " return {panel: !!e.closest('.commitment-panel'), mark: !!e.closest('.commitment'), name: e.textContent} }"
        )
        if focused["panel"]:
            break
        stops.append(focused)
    assert len(stops) == 10 and not any(stop["mark"] for stop in stops)

    # The side list leads to the words, which say what they are right beside them.
    entry = page.locator(".commitment-side-list").get_by_role("link", name="7月底前完成第7批项目建设")
    entry.focus()
    page.keyboard.press("Enter")
    mark = page.locator(".speech-text .commitment", has_text="7月底前完成第7批项目建设")
    expect(mark).to_be_focused()
    tip = mark.locator(".commitment-tip")
    expect(tip).to_be_visible()
    expect(tip).to_have_text("时限 · 约束性 · 时限：7月底前")
    words, card = mark.bounding_box(), tip.bounding_box()
    width = page.evaluate("document.documentElement.clientWidth")
    assert abs(card["y"] - (words["y"] + words["height"])) < 40 or abs(words["y"] - (card["y"] + card["height"])) < 40
    assert card["x"] >= 0 and card["x"] + card["width"] <= width
    # Escape goes back to the list.
    page.keyboard.press("Escape")
    expect(entry).to_be_focused()
    assert page.problems == []
