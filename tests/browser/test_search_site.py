"""A reader searching in a real browser: speech text with marked passages that lead to their
paragraphs, commitments sorted and narrowed to a range of years; at desktop and phone width,
with no serious or critical accessibility violation."""

import re

import pytest
from playwright.sync_api import expect

from speeches.models import Commitment
from tests.views.factories import CHANGZHOU, LUOYANG, SHANGQIU, Pledge

from .conftest import DESKTOP, PHONE

pytestmark = pytest.mark.django_db(transaction=True)

OUTLINE = [
    ("", "", "同志们：\n今天召开全市农村工作会议。", None),
    (
        "一、",
        "全面推进乡村振兴",
        "乡村振兴是今年的头等大事。\n" + "各地要压实责任，逐月调度，确保各项任务落到实处。" * 12,
        None,
    ),
    ("二、", "稳定粮食生产", "全年粮食播种面积稳定在500万亩以上。\n全年建成高标准农田10万亩。", None),
    ("三、", "抓好农田水利", "要把乡村振兴的任务分解到月，年底前完成水利建设。", None),
]
PLEDGES = [
    Pledge("全年粮食播种面积稳定在500万亩以上", kind="target", section=2, topic="agriculture"),
    Pledge("全年建成高标准农田10万亩", kind="deadline", section=2, topic="agriculture", deadline_text="年底前"),
]
PLACES = [SHANGQIU, LUOYANG, CHANGZHOU]


@pytest.fixture
def speeches(site):
    made = []
    for number, year in enumerate((2019, 2021, 2023, 2025)):
        made.append(
            site.speech(
                f"{year}年农村工作会议上的讲话",
                city=PLACES[number % 3],
                year=year,
                topics=("agriculture",),
                outline=OUTLINE,
                pledges=PLEDGES,
            )
        )
        # The deadlines run the other way from the years: the 2025 speech's falls first.
        Commitment.objects.filter(speech=made[-1], kind="deadline").update(deadline_year=2040 - year)
    return made


def result_years(page) -> list[str]:
    return page.locator(".commitment-item").evaluate_all("items => items.map(item => item.dataset.year)")


def accessible_at_both_widths(page, axe, name: str) -> None:
    assert axe() == [], name
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), f"{name} at 375 px"
    assert axe() == [], f"{name} at 375 px"
    page.set_viewport_size(DESKTOP)


def test_search_the_speeches_text_and_follow_a_passage_to_its_paragraph(page, speeches, axe, screenshot):
    page.goto("/cities/")
    accessible_at_both_widths(page, axe, "cities, with the header's search box")
    page.get_by_label("检索词").fill("乡村振兴")
    page.get_by_label("检索范围").select_option(label="讲话")
    page.get_by_role("button", name="搜索").click()
    expect(page).to_have_url(re.compile(r"/speeches/\?q=%E4%B9%A1%E6%9D%91%E6%8C%AF%E5%85%B4$"))
    expect(page.get_by_role("status")).to_have_text("“乡村振兴”的检索结果：共 4 篇讲话")

    # Each speech shows the passages holding the words, the words marked.
    expect(page.locator(".speech-item")).to_have_count(4)
    newest = page.locator(".speech-item").filter(has_text="2025年农村工作会议上的讲话")
    passages = newest.get_by_role("list", name="“乡村振兴”在文中的段落").get_by_role("listitem")
    expect(passages).to_have_count(3)
    expect(passages.locator("mark")).to_have_text(["乡村振兴"] * 3)
    accessible_at_both_widths(page, axe, "speech search")
    screenshot("speech-search")

    passages.nth(2).get_by_role("link").click()
    expect(page).to_have_url(re.compile(rf"/speeches/{speeches[-1].pk}/#s3-p1$"))
    paragraph = page.locator('[id="s3-p1"]')
    expect(paragraph).to_be_in_viewport()
    expect(paragraph).to_contain_text("要把乡村振兴的任务分解到月")
    assert page.problems == []


def test_sort_the_commitments_and_narrow_them_to_a_range_of_years(page, speeches, axe, screenshot):
    page.goto("/")
    page.get_by_label("检索讲话中的承诺").fill("全年")
    page.get_by_label("检索讲话中的承诺").press("Enter")
    expect(page.get_by_role("status")).to_have_text("“全年”的检索结果：共 8 条承诺")

    # A range of years from the form.
    page.get_by_label("从", exact=True).fill("2021")
    page.get_by_label("到", exact=True).fill("2023")
    page.get_by_role("button", name="按年份筛选").click()
    expect(page.get_by_role("status")).to_have_text("“全年”的检索结果：共 4 条承诺")
    assert set(result_years(page)) == {"2021", "2023"}
    expect(page.get_by_label("从", exact=True)).to_have_value("2021")

    # The sort menu applies itself and keeps the words and the years.
    page.get_by_label("排序", exact=True).select_option(label="最早在前")
    expect(page).to_have_url(re.compile(r"sort=oldest"))
    assert result_years(page) == ["2021", "2021", "2023", "2023"]
    page.get_by_label("排序", exact=True).select_option(label="最新在前")
    expect(page).to_have_url(re.compile(r"sort=newest"))
    assert result_years(page) == ["2023", "2023", "2021", "2021"]
    page.get_by_label("排序", exact=True).select_option(label="按时限，早的在前")
    expect(page).to_have_url(re.compile(r"sort=deadline"))
    assert result_years(page) == ["2023", "2021", "2023", "2021"]  # 2017 before 2019, then none

    # Each result says where it stands: year, place, section and the sentence around it.
    first = page.locator(".commitment-item").first
    expect(first.locator(".result-year")).to_have_text("2023年")
    expect(first.locator(".section-path")).to_contain_text("二、稳定粮食生产")
    expect(first.locator(".commitment-context strong")).to_have_text("全年建成高标准农田10万亩")
    accessible_at_both_widths(page, axe, "commitment search")
    screenshot("commitment-search-sorted")

    # A range the wrong way round is left out, and the page says so.
    page.get_by_label("从", exact=True).fill("2030")
    page.get_by_label("到", exact=True).fill("1990")
    page.get_by_role("button", name="按年份筛选").click()
    expect(page.get_by_role("alert")).to_have_text("起始年份 2030 晚于截止年份 1990，年份范围未使用。")
    expect(page.get_by_role("status")).to_contain_text("共 8 条承诺")

    first.get_by_role("link", name=re.compile("^全年")).first.click()
    expect(page).to_have_url(re.compile(r"/speeches/\d+/#c-\d+$"))
    assert page.problems == []


def test_words_only_in_the_text_lead_from_the_commitments_to_the_speeches(page, speeches, axe):
    page.goto("/commitments/?q=%E5%A4%B4%E7%AD%89%E5%A4%A7%E4%BA%8B")
    expect(page.get_by_role("status")).to_have_text("“头等大事”的检索结果：共 0 条承诺")
    accessible_at_both_widths(page, axe, "no commitments")
    page.get_by_role("link", name="在讲话全文中检索“头等大事”").click()
    expect(page.get_by_role("status")).to_have_text("“头等大事”的检索结果：共 4 篇讲话")
    expect(page.locator(".passages mark").first).to_have_text("头等大事")
    assert page.problems == []


def test_facets_show_every_choice_whole(page, site, axe):
    for year in range(2000, 2016):
        site.speech(f"{year}年的讲话", city=PLACES[year % 3], year=year, pledges=[])
    page.goto("/speeches/")
    years = page.get_by_role("region", name="年份")
    # No box that scrolls: the first choices in full, the rest one click away.
    overflow = years.get_by_role("list").first.evaluate("list => getComputedStyle(list).overflowY")
    assert overflow == "visible"
    expect(years.get_by_role("link", name=re.compile("^2003年"))).to_be_hidden()
    years.get_by_text("另外 4 项").click()
    expect(years.get_by_role("link", name=re.compile("^2003年"))).to_be_visible()
    accessible_at_both_widths(page, axe, "speech list")
    assert page.problems == []
