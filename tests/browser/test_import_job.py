"""Staff upload thirty reports in the admin: the page answers at once and follows the job until it is done."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from playwright.sync_api import expect

from speeches import jobs
from speeches.admin import PendingImport
from speeches.models import Speech
from tests.corpus import CITY

pytestmark = pytest.mark.corpus


def test_an_upload_of_thirty_files_is_followed_on_the_job_page_until_done(
    page, site, job_queue, django_user_model, tmp_path, monkeypatch
):
    monkeypatch.setattr(PendingImport, "ROOT", tmp_path / "pending")
    user = django_user_model.objects.create_user("importer", password="a-long-test-password", is_staff=True)
    for codename in ("add_speech", "view_speech"):
        user.user_permissions.add(Permission.objects.get(content_type__app_label="speeches", codename=codename))
    reports = CITY[:30]

    page.goto("/admin/login/?next=/admin/speeches/speech/import/")
    page.get_by_label("用户名").fill("importer")
    page.get_by_label("密码").fill("a-long-test-password")
    page.get_by_role("button", name="登录").click()
    page.get_by_label("文件").set_input_files(reports)
    # The preview reads all thirty reports within its request (a dry run).
    page.get_by_role("button", name="预览").click(timeout=120_000)
    expect(page.get_by_role("heading", name="预览")).to_be_visible(timeout=60_000)
    page.get_by_role("button", name="确认导入").click()

    # The confirm answers with the job's page before a single file is imported.
    expect(page).to_have_url(re.compile(r"/admin/speeches/importjob/\d+/progress/$"))
    expect(page.locator(".import-job-state")).to_contain_text("排队中")
    expect(page.locator("progress")).to_have_attribute("max", "30")
    assert not Speech.objects.exists()

    job_page = page.url
    assert page.locator('meta[http-equiv="refresh"]').count() == 1  # it reloads itself while the job runs
    # The test database lives in memory, where the live server shares this thread's connection: the
    # page is only opened between two files, never while the worker writes.
    page.goto("about:blank")

    seen = []
    import_one = jobs._import_one

    def import_and_look(file_id, options, read=None):
        import_one(file_id, options, read)
        if not seen and jobs.ImportJobFile.objects.filter(done=True).count() == 10:
            page.goto(job_page)
            seen.append(page.locator(".import-job-summary").inner_text())
            seen.append(page.locator('meta[http-equiv="refresh"]').count())
            page.goto("about:blank")

    monkeypatch.setattr(jobs, "_import_one", import_and_look)
    call_command("run_jobs", "--until-empty", verbosity=0)
    # A third of the way in, the page shows how far the job is, and still reloads itself.
    assert "导入中" in seen[0] and "已处理 10 / 30 个文件" in seen[0] and seen[1] == 1

    page.goto(job_page)
    expect(page.locator(".import-job-state")).to_have_text("已完成")
    expect(page.locator(".import-job-files-done")).to_have_text("30")
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    created = Speech.objects.count()
    assert created >= 29  # one of the thirty holds a text already imported under another name
    expect(page.locator(".import-job-created")).to_have_text(f"{created} 篇")
    first = Speech.objects.order_by("pk").first()
    page.get_by_role("link", name=first.title).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(first.title)
    assert page.problems == []
