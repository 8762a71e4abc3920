"""Odd query strings answer 200 or 404, never 500; every page runs a bounded number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from .factories import CHANGZHOU, HENAN, LUOYANG, SHANGQIU, Pledge

pytestmark = pytest.mark.django_db

LONG_Q = "投资" * 5000  # 10,000 characters

LIST_PAGES = ["/", "/speeches/", "/commitments/", "/cities/", "/topics/", "/years/"]

ODD_QUERIES = [
    "page=999",
    "page=0",
    "page=-1",
    "page=abc",
    "page=1e99",
    "year=abc",
    "year=99999999999999999999",
    "year_min=2030&year_max=1990",
    "city=999999",
    "city=%00",
    "q=%00",
    "q=%E6%8A%95%00%E8%B5%84&topic=%00&year=%00",
    "province=../../etc",
    "topic=%F0%9F%98%80",
    "kind=promise&strength=total",
    "has_commitments=maybe",
    "sort=-title;drop table",
    f"q={LONG_Q}",
    f"q={LONG_Q}&city={SHANGQIU}&kind=target&page=2",
    "q=%3Cscript%3Ealert(1)%3C/script%3E",
    "q=%22%27%5C%25_*",
    "city=a&city=b&year=2025&year=2024",
]


@pytest.fixture
def some_speeches(archive):
    archive.many(3, city=SHANGQIU, year=2024)
    archive.speech(city=LUOYANG, year=2025, topics=("industry",))


@pytest.mark.parametrize("query", ODD_QUERIES)
@pytest.mark.parametrize("page", [*LIST_PAGES, f"/cities/{SHANGQIU}/", "/topics/economy/", "/years/2024/"])
def test_odd_query_strings_never_fail(client, some_speeches, page, query):
    response = client.get(f"{page}?{query}")
    assert response.status_code == 200


def test_a_long_query_is_shortened_not_echoed_whole(client, some_speeches):
    response = client.get("/commitments/", {"q": LONG_Q})
    assert response.status_code == 200
    assert response.context["q"] == LONG_Q[:100]
    assert LONG_Q[:101] not in response.content.decode()


def test_script_in_the_query_is_shown_as_text(client, some_speeches):
    response = client.get("/commitments/", {"q": "<script>alert(1)</script>"})
    assert "<script>alert(1)" not in response.content.decode()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/speeches/abc/",
        "/speeches/99999999999999999999/",
        "/years/99999999999999999999/",
        "/years/0/",
        "/cities/%00/",
        "/topics/%E4%B8%AD/",
        f"/cities/{'1' * 300}/",
    ],
)
def test_odd_paths_are_not_found(client, some_speeches, url):
    assert client.get(url).status_code == 404


# --- bounded queries ----------------------------------------------------------------------------

# The most queries any page may run; each page is measured on a small and a large archive. The
# most is a filtered search's: the search's matches for the facets, then the same search narrowed
# inside the index for the rows listed.
MAX_QUERIES = 12


def page_urls(speech_id: int) -> list[str]:
    return [
        "/",
        "/speeches/",
        f"/speeches/?province={HENAN}&topic=economy&has_commitments=true&sort=commitments&page=2",
        f"/speeches/{speech_id}/",
        "/commitments/",
        f"/commitments/?city={SHANGQIU}&kind=target&year_min=2020&page=2",
        "/commitments/?q=%E5%85%A8%E5%B9%B4&kind=target&page=2",
        "/cities/",
        f"/cities/{HENAN}/",
        f"/cities/{SHANGQIU}/",
        "/topics/",
        "/topics/economy/",
        "/years/",
        "/years/2024/",
        "/sitemap.xml",
        "/robots.txt",
    ]


def count_queries(client, urls: list[str], django_assert_max_num_queries) -> dict[str, int]:
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(MAX_QUERIES) as captured:
            assert client.get(url).status_code == 200, url
        counts[url] = len(captured)
    return counts


def test_queries_do_not_grow_with_the_archive(client, archive, django_assert_max_num_queries):
    speech = archive.speech(city=SHANGQIU, year=2024)
    archive.many(4, city=LUOYANG, year=2025)
    small = count_queries(client, page_urls(speech.pk), django_assert_max_num_queries)

    for year in range(2000, 2020):
        archive.many(5, city=SHANGQIU, year=year, topics=("economy", "industry"))
        archive.many(5, city=CHANGZHOU, year=year, topics=("economy", "agriculture"))
    archive.many(5, city=SHANGQIU, year=2024)  # 205 speeches, 615 commitments, 410 amounts
    large = count_queries(client, page_urls(speech.pk), django_assert_max_num_queries)
    assert large == small


def test_a_long_speech_costs_no_more_queries_than_a_short_one(client, archive):
    short = archive.speech()
    long_outline = [("", "", "同志们：", None)] + [
        (f"{n}.", f"第{n}项任务", f"第{n}项任务要在年底前完成，投资{n}亿元以上。", None) for n in range(1, 120)
    ]
    pledges = [
        Pledge(f"第{n}项任务要在年底前完成", section=n, targets=[(str(n), "亿元", "以上")]) for n in range(1, 120)
    ]
    long = archive.speech(outline=long_outline, pledges=pledges)
    counts = []
    for speech in (short, long):
        with CaptureQueriesContext(connection) as captured:
            assert client.get(f"/speeches/{speech.pk}/").status_code == 200
        counts.append(len(captured))
    assert counts[0] == counts[1]
