"""A reader asks for an e-mail alert in a real browser: from the search, through the mail's link."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from tests.views.factories import SHANGQIU, Pledge

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def alert_site(site, settings, live_server):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    settings.SPEECHES_SITE_URL = live_server.url
    cache.clear()
    site.speech(
        "在商丘市招商引资工作会议上的讲话",
        city=SHANGQIU,
        year=2024,
        pledges=[Pledge("全年力争引进亿元以上项目100个以上", kind="target", targets=[("100", "个", "以上")])],
    )
    return live_server


def test_ask_for_an_alert_on_a_search_and_confirm_it(page, alert_site, axe, screenshot, mailoutbox):
    page.goto("/commitments/?q=%E9%A1%B9%E7%9B%AE&year=2024")
    screenshot("alert-offer")
    page.get_by_role("link", name="订阅邮件提醒").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("订阅邮件提醒")
    expect(page.locator(".alert-search")).to_contain_text("承诺中含“项目”，2024年")
    assert axe() == []
    screenshot("alert-new")
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert axe() == []

    page.get_by_label("邮箱地址").fill("reader@example.org")
    page.get_by_label("每周").check()
    page.get_by_role("button", name="订阅").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("请查收确认邮件")
    assert axe() == []

    [mail] = mailoutbox
    confirm = re.search(r"http://\S+/alerts/confirm/\S+", mail.body)[0]
    page.goto(confirm)
    page.get_by_role("button", name="确认订阅").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("邮件提醒已确认")
    expect(page.locator(".lead")).to_contain_text("每周")
    page.get_by_role("link", name="管理此地址的全部邮件提醒").click()
    expect(page.locator(".alert-list")).to_contain_text("承诺中含“项目”，2024年")
    assert axe() == []
    page.get_by_role("button", name=re.compile("^退订")).click()
    expect(page.get_by_role("status")).to_have_text("已退订。")
    expect(page.locator(".alert-list")).to_contain_text("这个地址没有邮件提醒。")
    # Scripts and styles all come from static files: the Content-Security-Policy refused nothing.
    assert page.problems == []
