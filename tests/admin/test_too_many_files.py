"""Past any of the upload's limits the import page answers with its form and an error in Chinese
that states the limit, never Django's bare 400; nothing of the upload is kept."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from speeches.models import Speech

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/speeches/speech/import/"
SPEECH = "在全市招商引资工作会议上的讲话\n\n一、明确目标任务\n\n全年力争引进亿元以上项目100个以上。\n"


@pytest.fixture(autouse=True)
def preview_dir(settings, tmp_path):
    settings.SPEECHES_PREVIEW_DIR = tmp_path / "previews"
    return settings.SPEECHES_PREVIEW_DIR


def files(count: int) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"{number}.txt", SPEECH.encode()) for number in range(count)]


def assert_form_with_error(response, message: str) -> None:
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert 'type="file"' in page and "导入讲话" in page  # the import page, to try again
    assert 'class="errornote"' in page
    assert not Speech.objects.exists()


def test_more_files_than_the_default_limit_state_the_limit(importer_client, settings, preview_dir):
    allowed = settings.SPEECHES_MAX_UPLOAD_FILES
    response = importer_client.post(IMPORT_URL, {"files": files(allowed + 5)})
    assert_form_with_error(response, f"一次最多上传 {allowed} 个文件")
    assert not preview_dir.exists() or not any(preview_dir.iterdir())


def test_djangos_own_file_count_lower_than_the_pages_still_answers_with_the_form(importer_client, settings):
    settings.SPEECHES_MAX_UPLOAD_FILES = 50
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 3
    response = importer_client.post(IMPORT_URL, {"files": files(6)})
    assert_form_with_error(response, "一次最多上传 2 个文件")


def test_the_limit_is_stated_on_the_form_before_uploading(importer_client, settings):
    settings.SPEECHES_MAX_UPLOAD_FILES = 7
    page = importer_client.get(IMPORT_URL).content.decode()
    assert "一次最多 7 个文件" in page


def test_pasted_text_longer_than_allowed_is_an_error_on_the_form(importer_client, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    response = importer_client.post(IMPORT_URL, {"text": SPEECH * 50})
    assert_form_with_error(response, "粘贴的文本过长")


def test_as_many_files_as_allowed_are_previewed(importer_client, settings):
    settings.SPEECHES_MAX_UPLOAD_FILES = 3
    response = importer_client.post(IMPORT_URL, {"files": files(3)})
    assert response.status_code == 200 and response.context["token"]
    assert response.context["limit_errors"] == []
