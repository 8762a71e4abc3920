"""The admin's preview names a near duplicate and lets staff skip it, replace the stored one or keep both."""

import re

import pytest

from speeches.admin import PendingImport
from speeches.models import Commitment, Speech

from .test_archive import COPY
from .texts import REPORT

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/speeches/speech/import/"


@pytest.fixture(autouse=True)
def pending_imports(tmp_path, monkeypatch):
    monkeypatch.setattr(PendingImport, "ROOT", tmp_path / "pending")


def preview(client, text: str):
    response = client.post(IMPORT_URL, {"text": text})
    assert response.status_code == 200
    return response


def confirm(client, previewed, choice: str | None):
    data = {"token": previewed.context["token"], "confirm": "1"}
    if choice is not None:
        [name] = set(re.findall(r'name="(near:[^"]+)"', previewed.content.decode()))
        data[name] = choice
    return client.post(IMPORT_URL, data)


def test_the_preview_names_the_stored_speech_and_offers_three_choices(importer_client, imported):
    stored = imported(REPORT)
    page = preview(importer_client, COPY)
    html = page.content.decode()
    assert "近似重复" in html and f"/admin/speeches/speech/{stored.pk}/change/" in html
    assert re.search(r"相似度 (9\d|100)%", html)
    for value in ("skip", "replace", "keep"):
        assert f'value="{value}"' in html
    assert 'form="confirm-import"' in html and 'id="confirm-import"' in html
    assert Speech.objects.count() == 1


def test_skip_imports_nothing(importer_client, imported):
    imported(REPORT)
    confirm(importer_client, preview(importer_client, COPY), "skip")
    assert Speech.objects.count() == 1


def test_the_choice_checked_by_default_is_skip(importer_client, imported):
    imported(REPORT)
    page = preview(importer_client, COPY).content.decode()
    assert re.search(r'value="skip" checked', page)


def test_keep_both_imports_it_beside_the_stored_one(importer_client, imported):
    stored = imported(REPORT)
    confirm(importer_client, preview(importer_client, COPY), "keep")
    assert Speech.objects.count() == 2
    assert stored.similar_links.count() == 1


def test_replace_keeps_the_id_and_what_staff_corrected(importer_client, imported):
    stored = imported(REPORT)
    stored.title = "人工改过的标题"
    stored.edited_fields = ["title"]
    stored.save()
    corrected = Commitment.objects.filter(speech=stored, text__contains="老旧小区改造").first() or (
        Commitment.objects.filter(speech=stored).first()
    )
    corrected.responsible = "市住建局"
    corrected.edited = True
    corrected.save()
    untouched = Commitment.objects.filter(speech=stored, edited=False).count()
    confirm(importer_client, preview(importer_client, COPY), "replace")
    assert Speech.objects.count() == 1
    speech = Speech.objects.get()
    assert speech.pk == stored.pk and speech.title == "人工改过的标题"
    assert speech.text.startswith("本报告已经市政府常务会议讨论通过")
    kept = Commitment.objects.get(pk=corrected.pk)
    assert kept.responsible == "市住建局" and kept.section.speech_id == speech.pk
    assert Commitment.objects.filter(speech=speech, edited=False).count() >= untouched - 1
    assert speech.signature.shingles > 0
    page = importer_client.get(speech.get_absolute_url())
    assert page.status_code == 200
