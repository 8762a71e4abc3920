"""A big upload's preview is a job: the page answers at once, follows the dry run (reloading itself
by a meta refresh, no script) and then shows the same preview as a small upload's; confirming
queues the real import. Nothing is written before the confirm."""

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from speeches.models import Speech
from speeches.models.jobs import ImportJob

IMPORT_URL = "/admin/speeches/speech/import/"

SPEECHES = [
    "在全市招商引资工作会议上的讲话\n\n一、明确目标任务\n\n全年力争引进亿元以上项目100个以上。\n",
    "在全市春季农业生产工作会议上的讲话\n\n一、稳定粮食播种面积\n\n全年粮食播种面积稳定在500万亩以上。\n",
    "在全市优化营商环境大会上的讲话\n\n一、主要任务\n\n6月底前实现企业开办全程网上办理。\n",
]


@pytest.fixture(autouse=True)
def small_threshold(settings, tmp_path):
    settings.SPEECHES_PREVIEW_DIR = tmp_path / "previews"
    settings.SPEECHES_PREVIEW_JOB_FILES = 2


def uploads(count: int = 3) -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile(f"{n}.txt", SPEECHES[n].encode()) for n in range(count)]


def preview_url(response) -> str:
    assert response.status_code == 302
    assert "/import/preview/" in response["Location"]
    return response["Location"]


def run_worker() -> None:
    call_command("run_jobs", "--until-empty", verbosity=0)


@pytest.mark.django_db
def test_a_small_upload_is_still_previewed_within_the_request(importer_client):
    response = importer_client.post(IMPORT_URL, {"files": uploads(2)})
    assert response.status_code == 200 and response.context["stage"] == "preview"
    assert not ImportJob.objects.exists()


@pytest.mark.django_db
def test_with_the_immediate_queue_the_big_preview_is_ready_when_the_page_opens(importer_client):
    url = preview_url(importer_client.post(IMPORT_URL, {"files": uploads()}))
    job = ImportJob.objects.get()
    assert job.is_preview and str(job).startswith("预览任务")
    page = importer_client.get(url)
    assert page.context["stage"] == "preview"
    html = page.content.decode()
    assert "在全市招商引资工作会议上的讲话" in html and "确认导入" in html
    assert 'http-equiv="refresh"' not in html
    assert not Speech.objects.exists()  # a dry run

    confirmed = importer_client.post(IMPORT_URL, {"token": page.context["token"], "confirm": "1"})
    assert confirmed.status_code == 302 and "/importjob/" in confirmed["Location"]
    assert Speech.objects.count() == 3
    # The dry run's copy of the files went with the preview; the import's job is kept.
    assert [job.is_preview for job in ImportJob.objects.all()] == [False]


@pytest.mark.django_db
def test_a_zip_counts_its_members(importer_client):
    packed = io.BytesIO()
    with zipfile.ZipFile(packed, "w") as archive:
        for number, text in enumerate(SPEECHES):
            archive.writestr(f"{number}.txt", text)
    upload = SimpleUploadedFile("year.zip", packed.getvalue())
    preview_url(importer_client.post(IMPORT_URL, {"files": [upload]}))


@pytest.mark.django_db
def test_many_bytes_make_a_preview_job_too(importer_client, settings):
    settings.SPEECHES_PREVIEW_JOB_BYTES = 100
    preview_url(importer_client.post(IMPORT_URL, {"text": SPEECHES[0] * 3}))


@pytest.mark.django_db(transaction=True)
def test_on_the_real_queue_the_page_shows_progress_until_a_worker_has_read_the_files(importer_client, job_queue):
    url = preview_url(importer_client.post(IMPORT_URL, {"files": uploads()}))
    waiting = importer_client.get(url)
    assert waiting.status_code == 200 and waiting.context["stage"] == "previewing"
    html = waiting.content.decode()
    assert '<meta http-equiv="refresh" content="2">' in html
    assert "正在预览" in html and '已读取 <span class="import-preview-done">0</span> / 3 个文件' in html
    assert "<script>" not in html
    assert "确认导入" not in html
    # A confirm sent before the preview is ready imports nothing and leads back to the preview.
    early = importer_client.post(IMPORT_URL, {"token": waiting.context["token"], "confirm": "1"})
    assert early.status_code == 302 and early["Location"] == url

    run_worker()
    ready = importer_client.get(url)
    assert ready.context["stage"] == "preview"
    assert 'http-equiv="refresh"' not in ready.content.decode()
    titles = [speech["title"] for file in ready.context["files"] for speech in file["speeches"]]
    assert len(titles) == 3 and "在全市春季农业生产工作会议上的讲话" in titles
    assert not Speech.objects.exists()

    confirmed = importer_client.post(IMPORT_URL, {"token": ready.context["token"], "confirm": "1"})
    job = ImportJob.objects.get(pk=int(confirmed["Location"].rstrip("/").split("/")[-2]))
    assert not job.is_preview and job.state == ImportJob.State.QUEUED
    assert not Speech.objects.exists()  # the import, too, waits for a worker
    run_worker()
    assert Speech.objects.count() == 3


@pytest.mark.django_db(transaction=True)
def test_cancelling_a_preview_job_removes_it_and_its_upload(importer_client, job_queue, settings):
    url = preview_url(importer_client.post(IMPORT_URL, {"files": uploads()}))
    token = importer_client.get(url).context["token"]
    importer_client.post(IMPORT_URL, {"token": token, "cancel": "1"})
    assert not ImportJob.objects.exists()
    assert not any(settings.SPEECHES_PREVIEW_DIR.iterdir())
    run_worker()  # the task left on the queue finds no job, and writes nothing
    assert not Speech.objects.exists()
    gone = importer_client.get(url, follow=True)
    assert "预览已过期" in gone.content.decode()


@pytest.mark.django_db
def test_another_users_preview_cannot_be_seen(importer_client, staff_user, client):
    url = preview_url(importer_client.post(IMPORT_URL, {"files": uploads()}))
    client.force_login(staff_user("other", ("speeches.add_speech", "speeches.view_speech")))
    response = client.get(url)
    assert response.status_code == 302 and response["Location"] == reverse("admin:speeches_speech_import")


@pytest.mark.django_db
def test_an_odd_token_is_no_error(importer_client):
    for token in ("x", "../../etc", "a" * 32, "%00"):
        response = importer_client.get(f"{IMPORT_URL}preview/{token}/")
        assert response.status_code in (302, 404)


@pytest.mark.django_db(transaction=True)
def test_staff_can_stop_the_reloading_of_a_preview_and_of_a_job(importer_client, job_queue):
    url = preview_url(importer_client.post(IMPORT_URL, {"files": uploads()}))
    assert 'href="?refresh=off"' in importer_client.get(url).content.decode()
    stopped = importer_client.get(url + "?refresh=off").content.decode()
    assert 'http-equiv="refresh"' not in stopped and "自动刷新已停止" in stopped
    job = ImportJob.objects.get()
    assert 'http-equiv="refresh"' in importer_client.get(job.get_absolute_url()).content.decode()
    stopped = importer_client.get(job.get_absolute_url() + "?refresh=off").content.decode()
    assert 'http-equiv="refresh"' not in stopped and "自动刷新已停止" in stopped


@pytest.mark.django_db(transaction=True)
def test_a_preview_whose_worker_failed_says_so_and_offers_the_form_again(importer_client, job_queue, settings):
    url = preview_url(importer_client.post(IMPORT_URL, {"files": uploads()}))
    ImportJob.objects.update(state=ImportJob.State.FAILED, error="OSError: disk full")
    response = importer_client.get(url)
    assert response.status_code == 200
    page = response.content.decode()
    assert "预览中断，未导入任何内容：OSError: disk full" in page and 'type="file"' in page
    assert not ImportJob.objects.exists() and not any(settings.SPEECHES_PREVIEW_DIR.iterdir())
    assert not Speech.objects.exists()
