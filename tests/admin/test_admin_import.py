"""The admin import page: upload or paste, preview without writing, confirm to import what was previewed."""

import io
import os
import time
import zipfile
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from speeches.admin import PendingImport
from speeches.models import Region, Speech

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/speeches/speech/import/"
DEMO_DIR = Path(__file__).resolve().parents[2] / "demo"

INVESTMENT_SPEECH = """在全市招商引资工作会议上的讲话

同志们：

今天召开全市招商引资工作会议，部署今年的重点任务。下面，我讲两点意见。

一、明确目标任务

全年力争引进亿元以上项目100个以上，实际利用外资增长5%左右。

二、强化工作保障

6月底前，市商务局要完成重点产业招商图谱编制。
"""

FARMING_SPEECH = """在全市春季农业生产工作会议上的讲话

同志们：

春耕生产时间紧、任务重，各地要抓早抓实。

一、稳定粮食播种面积

全年粮食播种面积稳定在500万亩以上。

二、抓好农田水利建设

5月底前完成高标准农田建设任务的一半以上。
"""

PNG_BYTES = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.fixture(autouse=True)
def pending_imports(tmp_path, monkeypatch) -> Path:
    """Keep the uploads waiting for confirmation in a folder of this test."""
    root = tmp_path / "pending"
    monkeypatch.setattr(PendingImport, "ROOT", root)
    return root


def upload(name: str, text: str | bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8") if isinstance(text, str) else text)


def preview(client, **data):
    response = client.post(IMPORT_URL, data)
    assert response.status_code == 200
    return response


def confirm(client, preview_response):
    """Confirm, and follow to the import job's page (the tests' queue runs the job at once)."""
    return client.post(IMPORT_URL, {"token": preview_response.context["token"], "confirm": "1"}, follow=True)


def previewed_titles(response) -> list[str]:
    return [speech["title"] for file in response.context["files"] for speech in file["speeches"]]


def test_import_page_is_linked_from_the_speech_list(importer_client):
    page = importer_client.get(reverse("admin:speeches_speech_changelist")).content.decode()

    assert f'href="{IMPORT_URL}"' in page
    assert "导入讲话" in page


def test_preview_shows_the_speech_without_writing_it(importer_client):
    response = preview(importer_client, files=[upload("investment.txt", INVESTMENT_SPEECH)])

    page = response.content.decode()
    assert "在全市招商引资工作会议上的讲话" in page
    assert "一、明确目标任务" in page  # the outline
    assert "确认导入" in page
    assert Speech.objects.count() == 0


def test_confirm_imports_what_was_previewed(importer_client, importer, pending_imports):
    previewed = preview(importer_client, files=[upload("investment.txt", INVESTMENT_SPEECH)])

    response = confirm(importer_client, previewed)

    assert response.status_code == 200
    speech = Speech.objects.get()
    assert speech.title == "在全市招商引资工作会议上的讲话"
    assert speech.imported_by == importer
    assert speech.source_name == "investment.txt"
    assert [section.heading for section in speech.sections.filter(level=1).exclude(heading="")] == [
        "明确目标任务",
        "强化工作保障",
    ]
    assert reverse("admin:speeches_speech_change", args=[speech.pk]) in response.content.decode()
    assert list(pending_imports.iterdir()) == []  # the upload kept for confirmation is gone


def test_previews_left_unconfirmed_for_a_day_are_removed(importer_client, pending_imports):
    forgotten = preview(importer_client, text=FARMING_SPEECH).context["token"]
    a_day_ago = time.time() - 25 * 3600
    os.utime(pending_imports / forgotten, (a_day_ago, a_day_ago))

    recent = preview(importer_client, text=INVESTMENT_SPEECH).context["token"]

    assert [folder.name for folder in pending_imports.iterdir()] == [recent]


def test_confirming_twice_imports_once(importer_client):
    previewed = preview(importer_client, files=[upload("investment.txt", INVESTMENT_SPEECH)])
    confirm(importer_client, previewed)

    again = importer_client.post(IMPORT_URL, {"token": previewed.context["token"], "confirm": "1"}, follow=True)

    assert again.redirect_chain == [(IMPORT_URL, 302)]
    assert "预览已过期或已导入" in again.content.decode()
    assert Speech.objects.count() == 1


def test_several_files_and_a_zip_in_one_upload(importer_client):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("farming.txt", FARMING_SPEECH.encode("utf-8"))
    files = [upload("investment.txt", INVESTMENT_SPEECH), upload("speeches.zip", archive.getvalue())]

    previewed = preview(importer_client, files=files)
    confirm(importer_client, previewed)

    assert previewed_titles(previewed) == ["在全市招商引资工作会议上的讲话", "在全市春季农业生产工作会议上的讲话"]
    assert set(Speech.objects.values_list("title", flat=True)) == set(previewed_titles(previewed))


def test_bad_files_show_errors_and_the_good_one_still_imports(importer_client):
    files = [
        upload("photo.txt", PNG_BYTES),
        upload("empty.txt", b""),
        upload("investment.txt", INVESTMENT_SPEECH),
    ]

    previewed = preview(importer_client, files=files)

    errors = previewed.context["form"].errors["files"]
    assert len(errors) == 2
    assert "photo.txt" in errors[0]
    assert "empty.txt" in errors[1]
    assert "photo.txt" in previewed.content.decode()
    assert previewed_titles(previewed) == ["在全市招商引资工作会议上的讲话"]
    assert Speech.objects.count() == 0

    confirm(importer_client, previewed)

    assert list(Speech.objects.values_list("source_name", flat=True)) == ["investment.txt"]


def test_only_bad_files_offer_nothing_to_confirm(importer_client, pending_imports):
    previewed = preview(importer_client, files=[upload("photo.txt", PNG_BYTES)])

    assert previewed.context["form"].errors["files"]
    assert previewed.context["token"] is None
    assert "确认导入" not in previewed.content.decode()
    assert list(pending_imports.iterdir()) == []


def test_other_file_types_are_refused_by_the_form(importer_client):
    response = preview(importer_client, files=[upload("report.xlsx", b"PK\x03\x04")])

    assert "只能导入 .txt、.docx、.pdf 或 .zip 文件" in response.context["form"].errors["files"][0]
    assert "files" not in response.context


def test_nothing_to_import_is_an_error(importer_client):
    response = preview(importer_client, text="  ")

    assert response.context["form"].non_field_errors() == ["请选择文件或粘贴讲话文本。"]


def test_pasted_text_previews_and_imports(importer_client):
    previewed = preview(importer_client, text=FARMING_SPEECH)

    assert previewed_titles(previewed) == ["在全市春季农业生产工作会议上的讲话"]
    assert Speech.objects.count() == 0

    confirm(importer_client, previewed)

    assert Speech.objects.get().title == "在全市春季农业生产工作会议上的讲话"


def test_city_and_year_chosen_on_the_form_place_the_speech(importer_client):
    xuchang = Region.objects.get(code="411000")

    previewed = preview(importer_client, text=FARMING_SPEECH, city=xuchang.pk, year=2024)

    shown = previewed.context["files"][0]["speeches"][0]
    assert (shown["city"].name, shown["province"].name, shown["year"]) == ("许昌市", "河南省", 2024)

    confirm(importer_client, previewed)

    speech = Speech.objects.get()
    assert (speech.city, speech.province.name, speech.year) == (xuchang, "河南省", 2024)


def test_a_county_is_not_a_city_choice(importer_client):
    county = Region.objects.filter(level=Region.Level.COUNTY).first()

    response = preview(importer_client, text=FARMING_SPEECH, city=county.pk)

    assert "city" in response.context["form"].errors
    assert "files" not in response.context


def test_a_city_outside_the_chosen_province_is_an_error(importer_client):
    changzhou, henan = Region.objects.get(code="320400"), Region.objects.get(code="410000")

    response = preview(importer_client, text=FARMING_SPEECH, city=changzhou.pk, province=henan.pk)

    assert response.context["form"].errors["city"] == ["常州市不属于河南省。"]


def test_a_speech_already_in_the_archive_is_flagged_and_not_offered(importer_client):
    confirm(importer_client, preview(importer_client, text=FARMING_SPEECH))

    previewed = preview(importer_client, files=[upload("farming.txt", FARMING_SPEECH)])

    assert previewed.context["files"][0]["speeches"][0]["duplicate"] is True
    assert "档案中已有这篇讲话" in previewed.content.decode()
    assert previewed.context["token"] is None
    assert Speech.objects.count() == 1


def test_a_token_from_elsewhere_imports_nothing(importer_client, staff_user, client):
    previewed = preview(importer_client, text=FARMING_SPEECH)
    other = staff_user("other-importer", ("speeches.add_speech",))
    client.force_login(other)

    stolen = client.post(IMPORT_URL, {"token": previewed.context["token"], "confirm": "1"})
    forged = client.post(IMPORT_URL, {"token": "../../../etc/passwd", "confirm": "1"})

    assert stolen.status_code == forged.status_code == 302
    assert Speech.objects.count() == 0


def test_staff_without_add_permission_are_refused(staff_user, client):
    client.force_login(staff_user("reader", ("speeches.view_speech",)))

    assert client.get(IMPORT_URL).status_code == 403
    assert client.post(IMPORT_URL, {"text": FARMING_SPEECH}).status_code == 403
    assert IMPORT_URL not in client.get(reverse("admin:speeches_speech_changelist")).content.decode()
    assert Speech.objects.count() == 0


def test_anonymous_visitors_are_sent_to_log_in(client):
    response = client.get(IMPORT_URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("admin:login"))


def test_demo_files_preview_as_seven_example_speeches(importer_client):
    files = [upload(path.name, path.read_bytes()) for path in sorted(DEMO_DIR.glob("*.txt"))]

    previewed = preview(importer_client, files=files)

    titles = previewed_titles(previewed)
    assert len(files) == 6
    assert len(titles) == 7
    assert all("示例" in title for title in titles)
    assert not previewed.context["form"].errors


def test_demo_files_are_placed_in_their_city_or_province(importer_client):
    files = [upload(path.name, path.read_bytes()) for path in sorted(DEMO_DIR.glob("*.txt"))]

    previewed = preview(importer_client, files=files)

    places = {
        (str(speech["city"] or ""), str(speech["province"]), speech["year"])
        for file in previewed.context["files"]
        for speech in file["speeches"]
    }
    assert places == {
        ("常州市", "江苏省", 2025),
        ("", "江苏省", 2025),
        ("洛阳市", "河南省", 2025),
        ("常州市", "江苏省", 2024),  # the work reports of two years, for the ledger
        ("", "江苏省", 2024),
    }
