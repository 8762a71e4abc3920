"""The admin's speech list answers at once however many speeches and however long their texts."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from speeches.models import Commitment, Speech

pytestmark = pytest.mark.django_db

LONG_TEXT = "示例：今年要加快推进重点项目建设。" * 2000


def add_speeches(count: int, start: int = 0) -> None:
    for number in range(start, start + count):
        speech = Speech.objects.create(
            title=f"示例讲话{number}", original_text=LONG_TEXT, text=LONG_TEXT, content_hash=f"{number:064d}"
        )
        Commitment.objects.bulk_create(
            Commitment(speech=speech, position=position, text=f"示例承诺{position}", kind="action", strength="planned")
            for position in range(3)
        )


def list_queries(client) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("admin:speeches_speech_changelist"))
    assert response.status_code == 200
    return [query["sql"] for query in captured.captured_queries]


def test_the_speech_list_neither_groups_by_nor_reads_the_speeches_texts(admin_client):
    add_speeches(5)
    for sql in list_queries(admin_client):
        assert 'GROUP BY "speeches_speech"' not in sql
        selected = sql.split(" FROM ", 1)[0]
        assert '"speeches_speech"."text"' not in selected and '"speeches_speech"."original_text"' not in selected


def test_the_speech_list_runs_as_many_queries_for_five_speeches_as_for_forty(admin_client):
    add_speeches(5)
    few = len(list_queries(admin_client))
    add_speeches(35, start=5)
    assert len(list_queries(admin_client)) == few <= 10


def test_the_speech_list_shows_each_speechs_commitment_count(admin_client):
    add_speeches(2)
    page = admin_client.get(reverse("admin:speeches_speech_changelist")).content.decode()
    assert page.count(">3<") >= 2
