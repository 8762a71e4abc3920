"""Atom feeds of the newest speeches, of a city or topic, and of a saved commitment search, and
the pages' links to them and to their downloads."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import resolve

from speeches.models import Speech
from tests.views.factories import HENAN, JIANGSU, MINQUAN, SHANGQIU

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"


def feed(client, path: str, **params) -> ET.Element:
    response = client.get(f"{path}?{urlencode(params)}" if params else path)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


def entry_titles(root: ET.Element) -> list[str]:
    return [entry.findtext(f"{ATOM}title") for entry in root.iter(f"{ATOM}entry")]


@pytest.fixture
def imported_in_turn(speeches):
    """The speeches imported a day apart, in the order the fixture wrote them."""
    for day, speech in enumerate(speeches.values()):
        Speech.objects.filter(pk=speech.pk).update(imported_at=speech.imported_at + timedelta(days=day))
    return speeches


def test_newest_speeches_first(client, imported_in_turn):
    root = feed(client, "/feeds/speeches.atom")
    assert root.findtext(f"{ATOM}title") == "讲话档案：最新讲话"
    assert entry_titles(root) == ["无年份", "常州2025", "洛阳2025", "民权2024", "商丘2023"]
    newest = next(root.iter(f"{ATOM}entry"))
    speech = imported_in_turn["undated"]
    assert newest.find(f"{ATOM}link").get("href") == f"http://testserver/speeches/{speech.pk}/"
    assert newest.findtext(f"{ATOM}id") == f"http://testserver/speeches/{speech.pk}/"
    assert newest.findtext(f"{ATOM}updated") == Speech.objects.get(pk=speech.pk).imported_at.isoformat()
    assert root.findtext(f"{ATOM}updated") == newest.findtext(f"{ATOM}updated")
    luoyang = next(entry for entry in root.iter(f"{ATOM}entry") if entry.findtext(f"{ATOM}title") == "洛阳2025")
    assert [category.get("term") for category in luoyang.iter(f"{ATOM}category")] == ["产业与工业", "经济发展"]
    assert "河南省 洛阳市 · 2025年 · 张三" in luoyang.findtext(f"{ATOM}summary")
    assert luoyang.findtext(f"{ATOM}author/{ATOM}name") == "张三"


def test_a_city_feed_follows_the_city_page(client, imported_in_turn):
    assert entry_titles(feed(client, f"/feeds/cities/{SHANGQIU}.atom")) == ["民权2024", "商丘2023"]
    assert entry_titles(feed(client, f"/feeds/cities/{HENAN}.atom")) == ["洛阳2025", "民权2024", "商丘2023"]
    root = feed(client, f"/feeds/cities/{JIANGSU}.atom")
    assert root.findtext(f"{ATOM}title") == "讲话档案：江苏省的讲话"
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == f"http://testserver/cities/{JIANGSU}/"


def test_a_topic_feed(client, imported_in_turn):
    root = feed(client, "/feeds/topics/economy.atom")
    assert root.findtext(f"{ATOM}title") == "讲话档案：经济发展"
    assert entry_titles(root) == ["洛阳2025", "商丘2023"]


@pytest.mark.parametrize(
    "path", ["/feeds/cities/999999.atom", f"/feeds/cities/{MINQUAN}.atom", "/feeds/topics/no-such-topic.atom"]
)
def test_a_feed_of_nothing_known_is_404(client, speeches, path):
    assert client.get(path).status_code == 404


def test_a_saved_search_feed(client, imported_in_turn):
    root = feed(client, "/feeds/commitments.atom", q="外资", city=SHANGQIU)
    assert root.findtext(f"{ATOM}title") == "讲话档案：承诺检索“外资”"
    entries = list(root.iter(f"{ATOM}entry"))
    # The speeches imported last first: 民权2024 after 商丘2023.
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == ["实际利用外资增长5%左右"] * 2
    assert ["民权2024" in entry.findtext(f"{ATOM}summary") for entry in entries] == [True, False]
    link = entries[0].find(f"{ATOM}link").get("href")
    speech = imported_in_turn["minquan_2024"]
    commitment = speech.commitments.get(text="实际利用外资增长5%左右")
    assert link == f"http://testserver/speeches/{speech.pk}/#c-{commitment.pk}"
    assert root.find(f"{ATOM}link[@rel='alternate']").get("href") == (
        f"http://testserver/commitments/?q=%E5%A4%96%E8%B5%84&city={SHANGQIU}"
    )
    assert entry_titles(feed(client, "/feeds/commitments.atom", q="外资", kind="deadline")) == []
    assert len(entry_titles(feed(client, "/feeds/commitments.atom", kind="deadline"))) == 4


def test_a_saved_search_that_cannot_be_searched_says_why(client, speeches):
    response = client.get("/feeds/commitments.atom?" + urlencode({"q": "长" * 101}))
    assert response.status_code == 400
    assert "过长" in response.content.decode()


def test_an_unchanged_feed_is_a_304(client, speeches):
    first = client.get("/feeds/speeches.atom")
    again = client.get("/feeds/speeches.atom", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


# --- links from the pages --------------------------------------------------------------------


def alternates(html: str) -> list[tuple[str, str]]:
    links = re.findall(r'<link rel="alternate" type="application/atom\+xml" title="([^"]*)" href="([^"]*)">', html)
    return [(title, href.replace("&amp;", "&")) for title, href in links]


def test_every_page_links_the_newest_speeches_feed(client, speeches):
    html = client.get("/").content.decode()
    assert alternates(html) == [("讲话档案：最新讲话", "/feeds/speeches.atom")]


def test_city_topic_and_search_pages_link_their_own_feeds(client, speeches):
    city = alternates(client.get(f"/cities/{SHANGQIU}/").content.decode())
    assert city[1] == ("讲话档案：商丘市的讲话", f"/feeds/cities/{SHANGQIU}.atom")
    topic = alternates(client.get("/topics/economy/").content.decode())
    assert topic[1] == ("讲话档案：经济发展", "/feeds/topics/economy.atom")
    search = alternates(client.get(f"/commitments/?q=%E5%A4%96%E8%B5%84&city={SHANGQIU}&page=1").content.decode())
    assert search[1] == ("讲话档案：承诺检索“外资”", f"/feeds/commitments.atom?q=%E5%A4%96%E8%B5%84&city={SHANGQIU}")
    # and the feeds they name are there
    for _, href in (city[1], topic[1], search[1]):
        assert client.get(href).status_code == 200


def downloads(path: str, **context) -> str:
    request = RequestFactory().get(path)
    request.resolver_match = resolve(request.path)
    return Template("{% load open_data %}{% download_links %}").render(Context({"request": request, **context}))


def test_download_links_for_the_page_at_hand(client, speeches):
    speech = speeches["shangqiu_2023"]
    html = downloads(f"/speeches/{speech.pk}/", speech=speech)
    for suffix in ("txt", "md", "json"):
        assert f'href="/speeches/{speech.pk}.{suffix}"' in html
    html = downloads("/commitments/?q=外资&page=2")
    assert 'href="/commitments/export.csv?q=%E5%A4%96%E8%B5%84"' in html
    assert 'href="/commitments/export.jsonl?q=%E5%A4%96%E8%B5%84"' in html
    html = downloads(f"/cities/{SHANGQIU}/", choice=f"city={SHANGQIU}")
    assert f'href="/speeches/export.csv?city={SHANGQIU}"' in html
    assert 'href="/api/docs/"' in html
    assert downloads("/years/") == ""
    # and what they link to is there
    for href in re.findall(r'href="([^"]+)"', downloads("/commitments/?q=外资")):
        assert client.get(href.replace("&amp;", "&")).status_code == 200
