"""A reader follows a passage marked as standing in another speech to the very paragraph there."""

import re

import pytest
from playwright.sync_api import expect

from speeches.importing import ImportOptions, import_pasted_text
from tests.reuse.test_archive import BORROWING, COPY
from tests.reuse.texts import REPORT

from .conftest import PHONE

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def reports(site):
    made = {}
    for name, text, year in (("source", REPORT, 2020), ("copy", COPY, 2022), ("borrower", BORROWING, 2024)):
        made[name] = import_pasted_text(text, ImportOptions(year=year)).speeches[0].speech
    return made


def test_a_shared_passage_leads_to_where_it_stood_first(page, reports, axe):
    source, copy, borrower = reports["source"], reports["copy"], reports["borrower"]
    page.goto(borrower.get_absolute_url())
    marks = page.locator(".shared-passage .reuse-mark")
    expect(marks).to_have_count(2)
    expect(marks.first).to_have_text("另见 2 篇")
    marks.first.click()
    entry = page.locator(".shared-list > li").first
    expect(entry).to_be_in_viewport()
    # The oldest speech comes first: the likely source.
    links = entry.locator(".elsewhere a")
    expect(links).to_have_count(2)
    # The paragraph there by its place in the outline (speeches/anchors.py).
    expect(links.first).to_have_attribute("href", re.compile(rf"^/speeches/{source.pk}/#s[\d.]+-p\d+$"))
    expect(entry.locator(".elsewhere li").first).to_contain_text("2020年")
    anchor = links.first.get_attribute("href").split("#")[1]
    links.first.click()
    expect(page).to_have_url(re.compile(rf"/speeches/{source.pk}/#{anchor}$"))
    target = page.locator(f'[id="{anchor}"]')
    expect(target).to_be_in_viewport()
    expect(target).to_have_class("shared-passage")
    # The source lists the copy as a similar speech.
    expect(page.locator(".similar-list")).to_contain_text(copy.title)
    assert axe() == []
    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.goto("/reuse/")
    expect(page.locator(".reuse-clusters")).to_contain_text(copy.title)
    assert axe() == []
    assert page.problems == []
