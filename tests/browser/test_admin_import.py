"""Staff in a browser: the import preview lists what will be written, the refusals (too many files,
no permission) are pages in Chinese that say why, and none has a serious accessibility problem."""

import re

import pytest
from django.contrib.auth.models import Permission
from django.core.management import call_command
from playwright.sync_api import expect

from speeches.admin import PendingImport
from speeches.models import Speech
from tests.admin.test_import_preview import SPEECH

PASSWORD = "a-long-test-password"


FARMING = """在全市春季农业生产工作会议上的讲话

一、稳定粮食播种面积

全年粮食播种面积稳定在500万亩以上，新建高标准农田20万亩。

二、抓好春耕备耕

4月底前完成春播，各县（市、区）要落实种子、化肥储备。
"""


@pytest.fixture
def pending_root(tmp_path, monkeypatch):
    monkeypatch.setattr(PendingImport, "ROOT", tmp_path / "pending")


def accessible(page, axe) -> None:
    """The page so far raised no script error or CSP refusal, and axe finds no serious or critical
    problem; what axe's own injected script sets off (inline styles it tries) is not the page's."""
    assert page.problems == []
    problems = axe()
    assert problems == [], problems
    page.problems.clear()


def log_in(page, django_user_model, username: str, codenames: tuple[str, ...], next_url: str) -> None:
    user = django_user_model.objects.create_user(username, password=PASSWORD, is_staff=True)
    for codename in codenames:
        user.user_permissions.add(Permission.objects.get(content_type__app_label="speeches", codename=codename))
    page.goto(f"/admin/login/?next={next_url}")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_the_preview_lists_what_will_be_written_and_the_import_links_to_the_public_page(
    page, site, axe, screenshot, django_user_model, pending_root, tmp_path
):
    log_in(page, django_user_model, "importer", ("add_speech", "view_speech"), "/admin/speeches/speech/import/")
    expect(page.get_by_role("heading", name="导入讲话")).to_be_visible()
    accessible(page, axe)
    source = tmp_path / "investment.txt"
    source.write_text(SPEECH, encoding="utf-8")
    page.get_by_label("文件").set_input_files([source])
    page.get_by_role("button", name="预览").click()

    expect(page.get_by_role("heading", name="预览")).to_be_visible()
    fields = page.locator(".import-speech-fields")
    expect(fields).to_contain_text("张明")
    expect(fields).to_contain_text("2024-03-05")
    expect(fields).to_contain_text("依据：讲话日期")
    page.get_by_text("提纲（").click()
    expect(page.locator(".import-outline")).to_contain_text("（一）优化营商环境")
    page.get_by_text("承诺（").click()
    target = page.locator(".import-commitment", has_text="100个以上").first
    expect(target).to_contain_text("目标")
    expect(target).to_contain_text("100个以上")
    screenshot("admin-import-preview")
    accessible(page, axe)
    assert not Speech.objects.exists()

    page.get_by_role("button", name="确认导入").click()
    expect(page).to_have_url(re.compile(r"/admin/speeches/importjob/\d+/progress/$"))
    speech = Speech.objects.get()
    expect(page.get_by_role("link", name="在后台编辑")).to_have_attribute(
        "href", f"/admin/speeches/speech/{speech.pk}/change/"
    )
    accessible(page, axe)
    page.get_by_role("link", name=speech.title).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(speech.title)
    assert page.problems == []


def test_too_many_files_are_refused_on_the_import_page_with_the_limit(
    page, site, axe, settings, django_user_model, pending_root, tmp_path
):
    settings.SPEECHES_MAX_UPLOAD_FILES = 2
    files = []
    for number in range(3):
        path = tmp_path / f"{number}.txt"
        path.write_text(SPEECH.replace("100个", f"{100 + number}个"), encoding="utf-8")
        files.append(path)
    log_in(page, django_user_model, "importer", ("add_speech", "view_speech"), "/admin/speeches/speech/import/")
    page.get_by_label("文件").set_input_files(files)
    page.get_by_role("button", name="预览").click()

    expect(page.locator(".errornote").first).to_contain_text("一次最多上传 2 个文件")
    expect(page.get_by_label("文件")).to_be_visible()  # the form, to upload fewer
    accessible(page, axe)
    assert not Speech.objects.exists()


def test_staff_without_the_import_permission_get_a_page_in_chinese(page, site, axe, screenshot, django_user_model):
    log_in(page, django_user_model, "reader", ("view_speech",), "/admin/speeches/speech/import/")
    expect(page.get_by_text("没有权限").first).to_be_visible()
    body = page.locator("body").inner_text()
    assert "speeches.add_speech" in body and "Forbidden" not in body
    screenshot("admin-import-refused")
    # The browser notes the refusal itself (a 403) on its console; nothing else may be there.
    page.problems[:] = [problem for problem in page.problems if "status of 403" not in problem]
    accessible(page, axe)


def test_a_big_upload_is_previewed_by_a_worker_while_the_page_follows_it(
    page, site, axe, settings, job_queue, django_user_model, pending_root, tmp_path
):
    settings.SPEECHES_PREVIEW_JOB_FILES = 1
    files = [tmp_path / "investment.txt", tmp_path / "farming.txt"]
    files[0].write_text(SPEECH, encoding="utf-8")
    files[1].write_text(FARMING, encoding="utf-8")
    log_in(page, django_user_model, "importer", ("add_speech", "view_speech"), "/admin/speeches/speech/import/")
    page.get_by_label("文件").set_input_files(files)
    page.get_by_role("button", name="预览").click()

    # The page answers before any file is read, and reloads itself (no script) while it waits.
    expect(page.get_by_role("heading", name="正在预览")).to_be_visible()
    expect(page.locator("progress")).to_have_attribute("max", "2")
    expect(page.locator(".import-preview-done")).to_have_text("0")
    assert page.locator('meta[http-equiv="refresh"]').count() == 1
    assert page.get_by_role("button", name="确认导入").count() == 0
    # axe counts any timed reload as a problem (WCAG 2.2.1) unless staff can turn it off: they can.
    assert page.problems == []
    assert [problem["id"] for problem in axe()] == ["meta-refresh"]
    page.problems.clear()
    preview_page = page.url
    page.get_by_role("link", name="停止自动刷新").click()
    expect(page.get_by_text("自动刷新已停止")).to_be_visible()
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    accessible(page, axe)
    # The in-memory test database is shared with the live server: the worker runs while no page loads.
    page.goto("about:blank")
    call_command("run_jobs", "--until-empty", verbosity=0)

    page.goto(preview_page)
    expect(page.get_by_role("heading", name="预览", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="在全市春季农业生产工作会议上的讲话")).to_be_visible()
    assert page.locator('meta[http-equiv="refresh"]').count() == 0
    accessible(page, axe)
    assert not Speech.objects.exists()
    page.get_by_role("button", name="确认导入").click()
    expect(page).to_have_url(re.compile(r"/admin/speeches/importjob/\d+/progress/$"))
    page.goto("about:blank")
    call_command("run_jobs", "--until-empty", verbosity=0)
    assert Speech.objects.count() == 2
