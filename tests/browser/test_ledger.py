"""The promise ledger in a real browser: an indicator over the years and the levels compared, at
desktop and phone width, accessible, every number a link to the sentence that states it."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from speeches.importing import ImportOptions, import_paths
from speeches.models import LedgerEntry

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

DEMO = Path(__file__).resolve().parents[2] / "demo"
CHANGZHOU, JIANGSU = "320400", "320000"


@pytest.fixture
def work_reports(site):
    """The demo work reports of 江苏 and 常州 for 2024 and 2025, imported as staff would."""
    paths = sorted(DEMO.glob("*work_report_*.txt"))
    assert all(outcome.error is None for outcome in import_paths(paths, ImportOptions()))
    return LedgerEntry.objects.select_related("outcome").get(
        speech__city__code=CHANGZHOU, indicator="gdp-growth", target_year=2024
    )


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_an_indicator_over_the_years(page, work_reports, axe, screenshot, viewport):
    entry = work_reports
    page.set_viewport_size(viewport)
    page.goto(f"/ledger/{CHANGZHOU}/gdp-growth/")
    expect(page.get_by_role("heading", level=1)).to_have_text("常州市 · 地区生产总值增长")
    chart = page.get_by_role("group", name=re.compile("常州市历年地区生产总值增长"))
    expect(chart).to_be_visible()
    table = page.get_by_role("table")
    expect(table.get_by_role("row", name=re.compile("2024年"))).to_contain_text("6%左右")
    expect(table.get_by_role("row", name=re.compile("2024年"))).to_contain_text("已完成")
    assert no_sideways_scrolling(page)
    assert axe() == []
    assert page.problems == []
    if viewport == DESKTOP:
        screenshot("ledger-indicator")

    # The result in the chart is a link to the sentence of the 2025 report that states it.
    page.locator("a.result-mark").filter(has_text="2024年实际").click()
    # The link names the paragraph by the id the page gave before (#p-<section>-<n>): it arrives
    # there, and the address shows the paragraph's place in the outline (speeches/anchors.py).
    anchor = entry.outcome.get_absolute_url().split("#")[1]
    expect(page).to_have_url(re.compile(rf"/speeches/{entry.outcome.speech_id}/#s[\d.]+-p\d+$"))
    paragraph = page.locator(f"p:has(> #{anchor})")
    expect(paragraph).to_contain_text("全市地区生产总值增长5.6%")
    expect(paragraph).to_be_in_viewport()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_levels_compared_show_a_raised_target(page, work_reports, axe, screenshot, viewport):
    page.set_viewport_size(viewport)
    page.goto("/ledger/compare/gdp-growth/2024/")
    expect(page.get_by_role("heading", level=1)).to_have_text("2024年地区生产总值增长：各级目标")
    page.get_by_label("省份").select_option(JIANGSU)
    page.get_by_role("button", name="查看").click()
    expect(page).to_have_url(re.compile(rf"province={JIANGSU}"))
    rows = page.get_by_role("table").get_by_role("row")
    expect(rows.filter(has_text="全国")).to_contain_text("档案中没有这一级的目标")
    expect(rows.filter(has_text="江苏省")).to_contain_text("5%左右")
    city = rows.filter(has_text="常州市")
    expect(city).to_contain_text("6%左右")
    expect(city).to_contain_text("加码")
    assert no_sideways_scrolling(page)
    assert axe() == []
    assert page.problems == []
    if viewport == DESKTOP:
        screenshot("ledger-compare")

    # The city's target links to the sentence of its report that sets it.
    city.get_by_role("link", name="6%左右").click()
    expect(page).to_have_url(re.compile(r"/speeches/\d+/#c-\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("2024年常州市政府工作报告")
