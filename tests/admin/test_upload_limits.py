"""The import page's limits, held while the upload arrives, and the previews it keeps: in a folder
of the deployment's own, for an hour at most, removed when confirmed, cancelled or replaced."""

import os
import stat
import subprocess
import sys
import time
from io import BytesIO

import pytest
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.files.uploadhandler import FileUploadHandler, MemoryFileUploadHandler
from django.http.multipartparser import MultiPartParser
from django.test import Client
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from speeches.admin import UploadLimits
from speeches.models import Speech

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/speeches/speech/import/"
SPEECH = "在全市招商引资工作会议上的讲话\n\n同志们：\n\n一、明确目标任务\n\n全年力争引进亿元以上项目100个以上。\n"
OTHER_SPEECH = "在全市春季农业生产工作会议上的讲话\n\n一、稳定粮食播种面积\n\n全年粮食播种面积稳定在500万亩以上。\n"


@pytest.fixture(autouse=True)
def preview_dir(settings, tmp_path):
    settings.SPEECHES_PREVIEW_DIR = tmp_path / "previews"
    return settings.SPEECHES_PREVIEW_DIR


def kept(preview_dir) -> list[str]:
    return sorted(folder.name for folder in preview_dir.iterdir()) if preview_dir.exists() else []


def upload(name: str, data: str | bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data.encode() if isinstance(data, str) else data)


def page_errors(response) -> str:
    return " ".join(response.context["limit_errors"])


# --- limits ---------------------------------------------------------------------------------


def test_too_many_files_are_an_error_on_the_form_that_states_the_limit(importer_client, settings, preview_dir):
    settings.SPEECHES_MAX_UPLOAD_FILES = 3
    files = [upload(f"{number}.txt", SPEECH) for number in range(4)]
    response = importer_client.post(IMPORT_URL, {"files": files, "text": OTHER_SPEECH})
    assert response.status_code == 200
    assert "一次最多上传 3 个文件" in page_errors(response)
    page = response.content.decode()
    assert "一次最多上传 3 个文件" in page and 'type="file"' in page  # the form, to try again
    assert response.context["token"] is None
    assert kept(preview_dir) == [] and not Speech.objects.exists()


def test_as_many_files_as_allowed_preview(importer_client, settings):
    settings.SPEECHES_MAX_UPLOAD_FILES = 2
    response = importer_client.post(IMPORT_URL, {"files": [upload("a.txt", SPEECH), upload("b.txt", OTHER_SPEECH)]})
    assert response.status_code == 200 and response.context["limit_errors"] == []
    assert response.context["token"]
    assert len(response.context["files"]) == 2


def test_a_file_over_the_size_limit_refuses_the_upload_and_names_the_file(importer_client, settings, preview_dir):
    settings.SPEECHES_MAX_FILE_BYTES = 1024 * 1024
    files = [upload("small.txt", SPEECH), upload("big.txt", SPEECH.encode() * 20_000)]
    response = importer_client.post(IMPORT_URL, {"files": files})
    assert response.status_code == 200
    assert "big.txt：文件超过上限 1 MB" in page_errors(response)
    assert "small.txt" not in page_errors(response)
    assert response.context["token"] is None
    assert kept(preview_dir) == [] and not Speech.objects.exists()


def test_a_request_larger_than_all_the_files_allowed_is_refused_unread(importer_client, settings):
    settings.SPEECHES_MAX_FILE_BYTES = 1000
    settings.SPEECHES_MAX_UPLOAD_FILES = 2
    response = importer_client.post(IMPORT_URL, {"files": [upload("a.txt", "讲" * 2000)]})
    assert response.status_code == 200
    assert "上传内容过大" in page_errors(response) and "合计不超过" in page_errors(response)
    assert not Speech.objects.exists()


class Recorder(FileUploadHandler):
    """Stands for the handlers that store the upload: counts the bytes they are handed."""

    def __init__(self):
        super().__init__()
        self.stored = 0

    def receive_data_chunk(self, raw_data, start):
        self.stored += len(raw_data)
        return raw_data

    def file_complete(self, file_size):
        return None


def test_a_file_past_the_limit_stops_being_stored_as_it_arrives(settings):
    settings.SPEECHES_MAX_FILE_BYTES = 200 * 1024
    body = encode_multipart(BOUNDARY, {"files": [upload("big.txt", b"x" * (8 * 1024 * 1024))], "year": "2024"})
    meta = {"CONTENT_TYPE": MULTIPART_CONTENT, "CONTENT_LENGTH": str(len(body))}
    limits, recorder = UploadLimits(), Recorder()
    parser = MultiPartParser(meta, BytesIO(body), [limits, recorder, MemoryFileUploadHandler()])
    post, files = parser.parse()
    assert not files and post["year"] == "2024"
    assert limits.too_large == ["big.txt"]
    # What went on to storage: the limit and at most one chunk past it, not the 8 MB that arrived.
    assert recorder.stored <= settings.SPEECHES_MAX_FILE_BYTES + UploadLimits.chunk_size


def test_the_import_page_still_checks_the_csrf_token(importer, settings):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(importer)
    assert browser.post(IMPORT_URL, {"text": SPEECH}).status_code == 403
    token = browser.get(IMPORT_URL).context["csrf_token"]
    response = browser.post(IMPORT_URL, {"text": SPEECH, "csrfmiddlewaretoken": str(token)})
    assert response.status_code == 200 and response.context["token"]


def test_staff_without_the_import_permission_cannot_upload(staff_user):
    browser = Client()
    browser.force_login(staff_user("reader", ("speeches.view_speech",)))
    assert browser.post(IMPORT_URL, {"files": [upload("a.txt", SPEECH)]}).status_code == 403


# --- previews -------------------------------------------------------------------------------


def test_previews_are_kept_in_the_deployments_own_folder(importer_client, preview_dir):
    token = importer_client.post(IMPORT_URL, {"text": SPEECH}).context["token"]
    assert kept(preview_dir) == [token]
    assert stat.S_IMODE((preview_dir / token).stat().st_mode) == 0o700  # no other account reads uploads


@pytest.mark.parametrize("chosen", [None, "/srv/archive/previews"])
def test_the_preview_folder_is_the_projects_own_unless_chosen(chosen):
    env = {key: value for key, value in os.environ.items() if key != "SPEECHES_PREVIEW_DIR"}
    if chosen:
        env["SPEECHES_PREVIEW_DIR"] = chosen
    script = "import django; django.setup(); from django.conf import settings; print(settings.SPEECHES_PREVIEW_DIR)"
    output = subprocess.run(
        [sys.executable, "-c", script],
        cwd=django_settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert output == (chosen or str(django_settings.BASE_DIR / "var" / "previews"))


def test_a_preview_left_for_an_hour_is_removed_by_the_next(importer_client, preview_dir):
    abandoned = importer_client.post(IMPORT_URL, {"text": SPEECH}).context["token"]
    recent = importer_client.post(IMPORT_URL, {"text": OTHER_SPEECH}).context["token"]
    an_hour_ago = time.time() - 61 * 60
    os.utime(preview_dir / abandoned, (an_hour_ago, an_hour_ago))
    half_an_hour_ago = time.time() - 30 * 60
    os.utime(preview_dir / recent, (half_an_hour_ago, half_an_hour_ago))

    newest = importer_client.post(IMPORT_URL, {"text": SPEECH + "\n补充。"}).context["token"]

    assert kept(preview_dir) == sorted([recent, newest])


def test_cancelling_a_preview_removes_its_upload(importer_client, preview_dir):
    token = importer_client.post(IMPORT_URL, {"files": [upload("a.txt", SPEECH)]}).context["token"]
    response = importer_client.post(IMPORT_URL, {"token": token, "cancel": "1"})
    assert response.status_code == 302
    assert kept(preview_dir) == []
    # What was cancelled cannot be confirmed afterwards.
    assert importer_client.post(IMPORT_URL, {"token": token, "confirm": "1"}).status_code == 302
    assert not Speech.objects.exists()


def test_uploading_again_from_a_preview_removes_the_one_it_replaces(importer_client, preview_dir):
    first = importer_client.post(IMPORT_URL, {"text": SPEECH})
    assert f'name="previous" value="{first.context["token"]}"' in first.content.decode()
    second = importer_client.post(IMPORT_URL, {"text": OTHER_SPEECH, "previous": first.context["token"]})
    assert kept(preview_dir) == [second.context["token"]]


def test_another_users_preview_is_not_removed_by_naming_it(importer_client, staff_user, preview_dir):
    token = importer_client.post(IMPORT_URL, {"text": SPEECH}).context["token"]
    other = Client()
    other.force_login(staff_user("other", ("speeches.add_speech", "speeches.view_speech")))
    other.post(IMPORT_URL, {"token": token, "cancel": "1"})
    other.post(IMPORT_URL, {"text": OTHER_SPEECH, "previous": token})
    assert token in kept(preview_dir)


def test_confirming_removes_the_preview(importer_client, preview_dir):
    token = importer_client.post(IMPORT_URL, {"text": SPEECH}).context["token"]
    assert importer_client.post(IMPORT_URL, {"token": token, "confirm": "1"}, follow=True).status_code == 200
    assert Speech.objects.count() == 1 and kept(preview_dir) == []
