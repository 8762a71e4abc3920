"""Where a speech was published: source URL, publisher and date, entered by staff in the admin,
shown on the speech's page and given by the API; blank until somebody fills them in."""

import datetime

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from speeches.models import Speech
from tests.admin_forms import change_form_data
from tests.views.factories import ArchiveMaker

pytestmark = pytest.mark.django_db

SOURCE = "https://www.example.gov.cn/zwgk/2025/0305/speech.html"


@pytest.fixture
def speech() -> Speech:
    return ArchiveMaker().speech("在全市经济工作会议上的讲话")


def test_staff_enter_the_provenance_in_the_admin(admin_client, speech):
    data = change_form_data(admin_client.get(reverse("admin:speeches_speech_change", args=[speech.pk])))
    data |= {"source_url": SOURCE, "publisher": "示例市人民政府办公室", "published_on": "2025-03-06"}
    response = admin_client.post(reverse("admin:speeches_speech_change", args=[speech.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    speech.refresh_from_db()
    assert speech.source_url == SOURCE
    assert speech.publisher == "示例市人民政府办公室"
    assert speech.published_on == datetime.date(2025, 3, 6)


def test_a_source_that_is_not_a_web_address_is_refused_in_chinese(admin_client, speech):
    data = change_form_data(admin_client.get(reverse("admin:speeches_speech_change", args=[speech.pk]))) | {
        "source_url": "javascript:alert(1)"
    }
    response = admin_client.post(reverse("admin:speeches_speech_change", args=[speech.pk]), data)
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["source_url"]
    speech.refresh_from_db()
    assert speech.source_url == ""


def test_the_speech_page_shows_the_provenance(client, speech):
    Speech.objects.filter(pk=speech.pk).update(
        source_url=SOURCE, publisher="示例市人民政府办公室", published_on=datetime.date(2025, 3, 6)
    )
    page = client.get(speech.get_absolute_url()).content.decode()
    assert "发布机构" in page and "示例市人民政府办公室" in page
    assert '<time datetime="2025-03-06">2025年3月6日</time>' in page
    assert f'href="{SOURCE}"' in page


def test_a_speech_without_provenance_shows_none_of_its_labels(client, speech):
    page = client.get(speech.get_absolute_url()).content.decode()
    assert "发布机构" not in page and "来源网址" not in page and "发布日期" not in page


def test_a_stored_address_that_is_no_web_page_is_shown_but_not_linked(client, speech):
    Speech.objects.filter(pk=speech.pk).update(source_url="javascript:alert(1)")
    page = client.get(speech.get_absolute_url()).content.decode()
    assert "来源网址" in page and 'href="javascript:' not in page


def test_the_api_gives_the_provenance_and_null_where_blank(speech):
    api = APIClient()
    blank = api.get(f"/api/speeches/{speech.pk}/").json()
    assert (blank["source_url"], blank["publisher"], blank["published_on"]) == (None, None, None)
    Speech.objects.filter(pk=speech.pk).update(
        source_url=SOURCE, publisher="示例市人民政府办公室", published_on=datetime.date(2025, 3, 6)
    )
    body = api.get(f"/api/speeches/{speech.pk}/").json()
    assert (body["source_url"], body["publisher"], body["published_on"]) == (
        SOURCE,
        "示例市人民政府办公室",
        "2025-03-06",
    )
