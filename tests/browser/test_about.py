"""The about page and the HTML sitemap, read in a browser at desktop and phone width: no serious or
critical accessibility problem, nothing wider than the screen, and their links lead where they say."""

import re

from playwright.sync_api import expect

from tests.browser.conftest import PHONE


def test_the_about_page_and_the_sitemap_read_well_on_desktop_and_phone(page, site, axe, screenshot):
    site.speech("在全市经济工作会议上的讲话", year=2024)
    for url, heading in (("/about/", "关于讲话档案"), ("/sitemap/", "网站地图")):
        page.goto(url)
        expect(page.get_by_role("heading", level=1)).to_have_text(heading)
        assert page.problems == []
        assert axe() == []
        page.problems.clear()  # what axe's own script sets off
        screenshot(url.strip("/"))
        page.set_viewport_size(PHONE)
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert axe() == []
        page.problems.clear()
    page.goto("/about/")
    page.locator("#open-data").get_by_role("link", name="网站地图").click()
    expect(page).to_have_url(re.compile(r"/sitemap/$"))
    page.get_by_role("link", name="2024年 1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2024")
