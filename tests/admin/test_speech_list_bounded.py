"""The admin's speech list, filtered, searched, sorted or paged, runs as many queries for a few
speeches as for many: none per speech (bench/admin_list.py measures it at 5,000)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.views.factories import ArchiveMaker

pytestmark = pytest.mark.django_db

PAGES = ["", "?year=2020", "?q=%E8%AE%B2%E8%AF%9D", "?o=6", "?o=-6", "?edited=no", "?p=2"]


def queries(client, query: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("admin:speeches_speech_changelist") + query)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("query", PAGES)
def test_the_query_count_does_not_grow_with_the_speeches(admin_client, query):
    archive = ArchiveMaker()
    archive.many(3, year=2020)
    few = queries(admin_client, query)
    archive.many(230, year=2020)  # more than two pages of a hundred
    archive.many(20, year=2021, city=None, province="410000")
    assert queries(admin_client, query) == few <= 10


def test_an_odd_query_string_is_not_an_error(admin_client):
    for query in ("?year=abc", "?o=99", "?p=zz", "?province__id__exact=x", "?q=%00"):
        response = admin_client.get(reverse("admin:speeches_speech_changelist") + query)
        assert response.status_code in (200, 302), query
