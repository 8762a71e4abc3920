"""A reader in a real browser: browse, read, search, filter; staff import; every page accessible."""

import re

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from speeches.admin import PendingImport
from speeches.models import Commitment, Speech
from tests.views.factories import LUOYANG, SHANGQIU, Pledge

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)

OUTLINE = [
    ("", "", "同志们：\n今天召开全市招商引资工作会议，部署今年的重点任务。", None),
    ("一、", "明确目标任务", "全年力争引进亿元以上项目100个以上。\n" + "各地要把任务分解到月，逐月调度。" * 12, None),
    ("二、", "强化工作保障", "各部门要各司其职。\n" + "要加强督查，确保各项工作落到实处。" * 12, None),
    ("（一）", "压实责任", "6月底前，市商务局要完成重点产业招商图谱编制。", 2),
    ("三、", "营造良好环境", "要持续优化营商环境。\n" + "要为企业提供全生命周期服务。" * 12, None),
]
PLEDGES = [
    Pledge(
        "全年力争引进亿元以上项目100个以上", kind="target", strength="aspirational", targets=[("100", "个", "以上")]
    ),
    Pledge("6月底前，市商务局要完成重点产业招商图谱编制", kind="deadline", strength="binding", section=3),
]

NEW_SPEECH = """在全市春季农业生产工作会议上的讲话

同志们：

春耕生产时间紧、任务重，各地要抓早抓实。

一、稳定粮食播种面积

全年粮食播种面积稳定在500万亩以上。

二、抓好农田水利建设

5月底前完成高标准农田建设任务的一半以上。
"""


@pytest.fixture
def speeches(site):
    return {
        "shangqiu": site.speech(
            "在商丘市招商引资工作会议上的讲话", city=SHANGQIU, year=2024, outline=OUTLINE, pledges=PLEDGES
        ),
        "luoyang": site.speech(
            "在洛阳市先进制造业推进会上的讲话", city=LUOYANG, year=2025, topics=("industry",), pledges=PLEDGES[:1]
        ),
    }


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_from_the_home_page_to_a_city_a_speech_and_one_of_its_sections(page, speeches, screenshot):
    speech = speeches["shangqiu"]
    page.goto("/")
    page.get_by_role("link", name=re.compile("^商丘市")).first.click()
    expect(page).to_have_url(re.compile(rf"/cities/{SHANGQIU}/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("商丘市")

    page.get_by_role("region", name="讲话").get_by_role("link", name=speech.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(speech.title)
    page.get_by_role("navigation", name="目录").get_by_role("link", name="（一）压实责任").click()
    # （一） of 二、: its place in the outline, not a row id.
    expect(page).to_have_url(re.compile(rf"/speeches/{speech.pk}/#s2\.1$"))
    expect(page.locator('[id="s2.1"]')).to_be_in_viewport()

    # A marked commitment tells what it is when focused.
    deadline = speech.commitments.get(kind=Commitment.Kind.DEADLINE)
    mark = page.locator(f"#c-{deadline.pk}")
    expect(mark.locator(".commitment-tip")).to_be_hidden()
    mark.focus()
    expect(mark.locator(".commitment-tip")).to_be_visible()
    expect(mark.locator(".commitment-tip")).to_have_text("时限 · 约束性")
    page.keyboard.press("Tab")
    expect(mark.locator(".commitment-tip")).to_be_hidden()

    page.goto(f"/speeches/{speech.pk}/")
    screenshot("speech")
    page.set_viewport_size(PHONE)
    assert no_sideways_scrolling(page)
    assert page.problems == []


def test_search_a_commitment_and_open_it_in_its_speech(page, speeches):
    speech = speeches["shangqiu"]
    deadline = speech.commitments.get(kind=Commitment.Kind.DEADLINE)
    page.goto("/")
    page.get_by_label("检索讲话中的承诺").fill("招商图谱")
    page.get_by_label("检索讲话中的承诺").press("Enter")
    expect(page.get_by_role("status")).to_have_text("“招商图谱”的检索结果：共 1 条承诺")
    expect(page.locator(".commitment-list mark")).to_have_text("招商图谱")

    page.get_by_role("link", name="6月底前，市商务局要完成重点产业招商图谱编制").click()
    expect(page).to_have_url(re.compile(rf"/speeches/{speech.pk}/#c-{deadline.pk}$"))
    expect(page.locator(f"#c-{deadline.pk}")).to_be_in_viewport()
    assert page.problems == []


def test_filter_the_speeches_by_year_and_sort_them(page, speeches, site):
    site.speech("在商丘市城市工作会议上的讲话", city=SHANGQIU, year=2024)
    page.goto("/speeches/")
    expect(page.locator(".speech-title")).to_have_count(3)
    page.get_by_role("region", name="年份").get_by_role("link", name=re.compile("^2024年")).click()
    expect(page).to_have_url(re.compile(r"\?year=2024$"))
    expect(page.locator(".speech-title")).to_have_text(
        ["在商丘市城市工作会议上的讲话", "在商丘市招商引资工作会议上的讲话"]
    )
    expect(page.get_by_role("list", name="当前筛选")).to_have_text(re.compile("年份：2024年"))

    # The sort menu applies itself and keeps the year.
    page.get_by_label("排序", exact=True).select_option("title")
    expect(page).to_have_url(re.compile(r"\?year=2024&sort=title$"))
    expect(page.locator(".speech-title")).to_have_text(
        ["在商丘市城市工作会议上的讲话", "在商丘市招商引资工作会议上的讲话"]
    )
    assert page.problems == []


def test_staff_import_a_file_in_the_admin_and_readers_find_it_on_the_site(
    page, speeches, django_user_model, tmp_path, monkeypatch
):
    monkeypatch.setattr(PendingImport, "ROOT", tmp_path / "pending")
    user = django_user_model.objects.create_user("importer", password="a-long-test-password", is_staff=True)
    for codename in ("add_speech", "view_speech"):
        user.user_permissions.add(Permission.objects.get(content_type__app_label="speeches", codename=codename))
    upload = tmp_path / "spring_farming.txt"
    upload.write_text(NEW_SPEECH, encoding="utf-8")

    page.goto("/admin/login/?next=/admin/speeches/speech/import/")
    page.get_by_label("用户名").fill("importer")
    page.get_by_label("密码").fill("a-long-test-password")
    page.get_by_role("button", name="登录").click()
    page.get_by_label("文件").set_input_files(upload)
    page.get_by_label("年份").fill("2025")
    page.get_by_role("button", name="预览").click()
    expect(page.get_by_role("heading", name="预览")).to_be_visible()
    assert not Speech.objects.filter(title="在全市春季农业生产工作会议上的讲话").exists()
    page.get_by_role("button", name="确认导入").click()
    expect(page.get_by_text("已导入：")).to_be_visible()

    page.goto("/speeches/?year=2025")
    page.get_by_role("link", name="在全市春季农业生产工作会议上的讲话").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("在全市春季农业生产工作会议上的讲话")
    expect(page.locator(".speech-meta")).to_contain_text("2025年")
    expect(page.locator(".speech-text")).to_contain_text("全年粮食播种面积稳定在500万亩以上")


def test_pages_are_accessible_and_fit_a_phone(page, speeches, axe, screenshot):
    speech = speeches["shangqiu"]
    pages = {
        "home": "/",
        "speech-list": "/speeches/",
        "speech": f"/speeches/{speech.pk}/",
        "search": "/commitments/?q=%E6%8B%9B%E5%95%86",
    }
    for name, url in pages.items():
        page.goto(url)
        assert axe() == [], name
        screenshot(name)
        page.set_viewport_size(PHONE)
        assert no_sideways_scrolling(page), name
        assert axe() == [], f"{name} at 375 px"
        page.set_viewport_size({"width": 1280, "height": 900})
    # Scripts and styles all come from static files: the Content-Security-Policy refused nothing.
    assert page.problems == []


def test_the_skip_link_moves_the_keyboard_to_the_main_content(page, speeches):
    page.goto("/speeches/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="跳到正文")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()
