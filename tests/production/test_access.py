"""Who may get in and what is kept of what they did: login throttling, import permission, the audit
log, upload limits; and the plumbing every request passes: /healthz and request ids."""

from __future__ import annotations

import json
import logging

import pytest
from django.contrib.admin.models import ADDITION, CHANGE, LogEntry
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from archive.auth import client_address
from archive.middleware import RequestIdLogFilter, RequestIdMiddleware
from speeches.importing import ImportOptions, import_pasted_text
from speeches.models import Speech
from tests.admin_forms import change_form_data

PASSWORD = "a-long-Staff-passw0rd"
SPEECH = "关于加快发展的讲话\n\n一、总体要求\n力争完成固定资产投资700亿元以上。\n二、工作安排\n全面推进各项工作。"


@pytest.fixture
def staff_with_password(db):
    return get_user_model().objects.create_user("editor", password=PASSWORD, is_staff=True, is_superuser=True)


def admin_login(client: Client, password: str, **extra):
    return client.post(reverse("admin:login"), {"username": "editor", "password": password, "next": "/admin/"}, **extra)


# --- login throttling ---------------------------------------------------------------------------


def test_repeated_failed_logins_lock_the_address_out_even_with_the_right_password(staff_with_password, settings):
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert admin_login(client, "wrong-password").status_code == 200  # the form again, with an error
    assert admin_login(client, "wrong-password").status_code == 429  # the last failure allowed locks
    locked = admin_login(client, PASSWORD)
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session
    # Another address is not affected.
    other = Client(REMOTE_ADDR="198.51.100.9")
    assert admin_login(other, PASSWORD).status_code == 302
    assert other.session["_auth_user_id"] == str(staff_with_password.pk)


def test_a_successful_login_resets_the_count(staff_with_password, settings):
    client = Client(REMOTE_ADDR="203.0.113.8")
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        admin_login(client, "wrong-password")
    assert admin_login(client, PASSWORD).status_code == 302
    client.logout()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        admin_login(client, "wrong-password")
    assert admin_login(client, PASSWORD).status_code == 302


def test_behind_a_proxy_each_client_is_counted_by_the_address_the_proxy_saw(staff_with_password, settings):
    settings.PROXY_COUNT = 1
    proxy = "10.0.0.2"
    attacker = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.50")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        admin_login(attacker, "wrong-password")
    assert admin_login(attacker, PASSWORD).status_code == 429
    # The attacker cannot escape the count by writing another address in front of the proxy's.
    spoofing = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="192.0.2.99, 203.0.113.50")
    assert admin_login(spoofing, PASSWORD).status_code == 429
    # A member of staff behind the same proxy still gets in.
    colleague = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR="198.51.100.20")
    assert admin_login(colleague, PASSWORD).status_code == 302


def test_client_address_counts_proxies_from_the_right(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 1.2.3.4, 10.0.0.1")
    settings.PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.2"
    settings.PROXY_COUNT = 2
    assert client_address(request) == "1.2.3.4"
    settings.PROXY_COUNT = 5  # fewer entries than proxies: reached directly
    assert client_address(request) == "10.0.0.2"


def test_the_test_clients_login_and_force_login_keep_working(staff_with_password):
    client = Client()
    assert client.login(username="editor", password=PASSWORD)
    assert client.get("/admin/").status_code == 200
    other = Client()
    other.force_login(staff_with_password)
    assert other.get("/admin/").status_code == 200


# --- who may import, and the audit log ----------------------------------------------------------


def test_staff_without_the_add_permission_cannot_reach_the_import_page(staff_user):
    client = Client()
    client.force_login(staff_user("reader", ("speeches.view_speech",)))
    assert client.get(reverse("admin:speeches_speech_import")).status_code == 403
    assert client.post(reverse("admin:speeches_speech_import"), {"text": SPEECH}).status_code == 403
    assert not Speech.objects.exists()


def test_an_import_through_the_admin_is_logged_per_speech_with_who_and_when(importer, importer_client):
    url = reverse("admin:speeches_speech_import")
    preview = importer_client.post(url, {"text": SPEECH})
    token = preview.context["token"]
    importer_client.post(url, {"confirm": "1", "token": token})

    speech = Speech.objects.get()
    entry = LogEntry.objects.get(object_id=str(speech.pk))
    assert entry.user == importer
    assert entry.action_flag == ADDITION
    assert entry.content_type.model_class() is Speech
    assert "粘贴文本" in entry.get_change_message()
    assert speech.imported_by == importer
    # Staff read it in the speech's history.
    admin_client = Client()
    admin_client.force_login(get_user_model().objects.create_superuser("chief", "c@example.org", "unused"))
    history = admin_client.get(reverse("admin:speeches_speech_history", args=[speech.pk])).content.decode()
    assert "importer" in history and "粘贴文本" in history


def test_a_command_line_import_names_no_one(db):
    import_pasted_text(SPEECH, ImportOptions())
    assert Speech.objects.count() == 1
    assert not LogEntry.objects.exists()


def test_an_edit_in_the_admin_is_logged_with_the_changed_fields(staff_with_password, db):
    outcome = import_pasted_text(SPEECH, ImportOptions(user=staff_with_password))
    speech = outcome.speeches[0].speech
    client = Client()
    client.force_login(staff_with_password)
    url = reverse("admin:speeches_speech_change", args=[speech.pk])
    data = change_form_data(client.get(url))
    data["title"] = "改过的标题"
    response = client.post(url, data)
    assert response.status_code == 302

    entries = LogEntry.objects.filter(object_id=str(speech.pk)).order_by("action_time")
    assert [entry.action_flag for entry in entries] == [ADDITION, CHANGE]
    assert entries[1].user == staff_with_password
    assert "标题" in entries[1].get_change_message()


# --- upload limits ------------------------------------------------------------------------------


def test_an_upload_of_too_many_files_is_refused_whole(importer_client, settings):
    files = [
        SimpleUploadedFile(f"{number}.txt", SPEECH.encode()) for number in range(settings.SPEECHES_MAX_UPLOAD_FILES + 1)
    ]
    response = importer_client.post(reverse("admin:speeches_speech_import"), {"files": files})
    assert response.status_code == 200
    assert f"一次最多上传 {settings.SPEECHES_MAX_UPLOAD_FILES} 个文件" in response.content.decode()
    assert not Speech.objects.exists()


def test_a_file_over_the_size_limit_is_reported_and_nothing_is_imported(importer_client, settings):
    settings.SPEECHES_MAX_FILE_BYTES = 100
    upload = SimpleUploadedFile("big.txt", SPEECH.encode() * 3)
    response = importer_client.post(reverse("admin:speeches_speech_import"), {"files": [upload]})
    assert response.status_code == 200
    assert "超过上限" in response.content.decode()
    assert response.context["token"] is None  # nothing to confirm
    assert not Speech.objects.exists()


# --- /healthz and request ids -------------------------------------------------------------------


def test_healthz_reports_the_database_as_json_without_a_session(client, db):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = json.loads(response.content)
    assert body["status"] == "ok"
    assert body["database"]["vendor"] in {"sqlite", "postgresql"}
    assert "Set-Cookie" not in response.headers and not response.cookies
    assert "no-cache" in response["Cache-Control"]


def test_healthz_answers_503_when_the_database_is_unreachable(client, db, monkeypatch):
    class Unreachable:
        vendor = "postgresql"

        def cursor(self):
            raise OperationalError("connection refused")

    monkeypatch.setattr("archive.health.connection", Unreachable())
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content)["status"] == "error"


def test_healthz_refuses_writes(client, db):
    assert client.post("/healthz").status_code == 405


def test_a_request_id_from_the_proxy_is_kept_and_echoed(client, db):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="lb-7f3a.42")
    assert response["X-Request-ID"] == "lb-7f3a.42"


@pytest.mark.parametrize("given", [None, "", "has spaces", "new\nline", "x" * 200, "<script>"])
def test_a_missing_or_odd_request_id_is_replaced_by_a_fresh_one(client, db, given):
    headers = {} if given is None else {"HTTP_X_REQUEST_ID": given}
    first = client.get("/healthz", **headers)["X-Request-ID"]
    second = client.get("/healthz", **headers)["X-Request-ID"]
    assert len(first) == 32 and int(first, 16) >= 0
    assert first != second


def test_log_lines_written_while_serving_carry_the_request_id():
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record.request_id)

    logger = logging.getLogger("tests.production.request_id")
    handler = Keep()
    handler.addFilter(RequestIdLogFilter())
    logger.addHandler(handler)

    def view(request):
        logger.warning("inside")
        return HttpResponse(status=404)

    try:
        request = RequestFactory().get("/missing/", HTTP_X_REQUEST_ID="abc-123")
        response = RequestIdMiddleware(view)(request)
        # Django logs a 4xx/5xx response after the middleware has returned, with the request attached.
        logger.warning("Not Found: /missing/", extra={"request": request})
        logger.warning("outside")
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "abc-123"
    assert seen == ["abc-123", "abc-123", "-"]
