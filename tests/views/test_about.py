"""/about/ says what the archive holds (counted from the database), how each field is read and how
well, how to cite, and where the API and feeds are; /sitemap/ lists the site's parts for readers,
while /sitemap.xml stays for crawlers."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from speeches.models import Commitment, Speech

pytestmark = pytest.mark.django_db


def text(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


def test_the_about_page_counts_what_the_archive_holds(client, archive):
    archive.many(3, year=2023)
    archive.speech("第四篇", year=2025, city=None, province="320000")
    page = text(client.get("/about/"))
    speeches, commitments = Speech.objects.count(), Commitment.objects.count()
    assert f'<a href="/speeches/">{speeches}</a> 篇' in page
    assert f'<a href="/commitments/">{commitments}</a> 条' in page
    assert "2023年" in page and "2025年" in page
    for kind in Commitment.Kind:
        count = Commitment.objects.filter(kind=kind).count()
        assert f'?kind={kind.value}">{kind.label}</a></th><td>{count}</td>' in page


def test_the_about_page_explains_each_field_and_its_measured_quality(client, db):
    page = text(client.get("/about/"))
    for term in ("目标", "时限", "举措", "约束性", "计划性", "争取性", "地点", "年份", "提纲"):
        assert term in page
    for source in Speech.YearSource.labels:
        assert source in page  # every basis a year is read from
    assert "读得多准" in page and "%" in page
    assert "如何引用" in page and "复制引用" in page and "#s2.3-p4" in page


def test_the_about_page_links_the_api_the_downloads_and_the_feeds(client, db):
    page = text(client.get("/about/"))
    for url in ("/api/docs/", "/api/schema/", "/feeds/speeches.atom", "/speeches/export.csv", "/sitemap/"):
        assert f'href="{url}' in page, url


def test_an_empty_archive_has_an_about_page_too(client, db):
    assert "暂时还没有讲话" in text(client.get("/about/"))


def test_the_about_page_runs_a_fixed_number_of_queries(client, archive):
    archive.many(2)
    with CaptureQueriesContext(connection) as few:
        client.get("/about/")
    archive.many(30, year=2020)
    with CaptureQueriesContext(connection) as many:
        client.get("/about/")
    assert len(few) == len(many) <= 6


def test_the_html_sitemap_lists_sections_places_topics_and_years(client, archive):
    archive.speech("商丘的讲话", year=2024)
    archive.speech("江苏的讲话", year=2022, city=None, province="320000")
    page = text(client.get("/sitemap/"))
    for url in (
        "/speeches/",
        "/commitments/",
        "/cities/",
        "/topics/",
        "/years/",
        "/about/",
        "/ledger/",
        "/sitemap.xml",
    ):
        assert f'href="{url}"' in page, url
    speech = Speech.objects.get(title="商丘的讲话")
    assert f'href="/cities/{speech.city.code}/"' in page and f'href="/cities/{speech.province.code}/"' in page
    assert 'href="/cities/320000/"' in page
    assert f'href="/topics/{speech.primary_topic.slug}/"' in page
    assert 'href="/years/2024/"' in page and 'href="/years/2022/"' in page


def test_a_municipality_is_listed_once(client, archive):
    archive.speech("北京的讲话", city="110100")
    page = text(client.get("/sitemap/"))
    assert page.count(">北京市</a>") == 1


def test_the_xml_sitemap_stays_for_crawlers_and_names_the_new_pages(client, db):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    body = response.content.decode()
    assert "/about/</loc>" in body and "/sitemap/</loc>" in body


@pytest.mark.parametrize("query", ["?x=%00", "?page=abc", "?q=" + "长" * 500, "?year=-1&kind[]=1"])
def test_odd_query_strings_change_nothing(client, db, query):
    assert client.get("/about/" + query).status_code == 200
    assert client.get("/sitemap/" + query).status_code == 200


def test_only_reading_is_allowed(client, db):
    assert client.post("/about/").status_code == 405
    assert client.post("/sitemap/").status_code == 405
