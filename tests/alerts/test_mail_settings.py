"""The mail settings come from the environment, as a deployment sets them (each case a fresh Python)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SHOW = """
import json, django
from django.conf import settings
django.setup()
names = ["EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_HOST_PASSWORD", "EMAIL_USE_TLS",
         "DEFAULT_FROM_EMAIL", "SPEECHES_SITE_URL"]
print(json.dumps({name: getattr(settings, name) for name in names}))
"""

SEND = """
import django
django.setup()
from django.core.mail import send_mail
send_mail("讲话档案：测试", "正文", None, ["reader@example.org"])
"""


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "SPEECHES_"))}
    clean.update(DJANGO_SETTINGS_MODULE="archive.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120
    )


def test_mail_goes_by_smtp_unless_told_otherwise():
    shown = json.loads(run_python(SHOW).stdout)
    assert shown == {
        "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "EMAIL_HOST": "localhost",
        "EMAIL_PORT": 25,
        "EMAIL_HOST_USER": "",
        "EMAIL_HOST_PASSWORD": "",
        "EMAIL_USE_TLS": False,
        "DEFAULT_FROM_EMAIL": "讲话档案 <noreply@localhost>",
        "SPEECHES_SITE_URL": "http://127.0.0.1:8000",
    }


def test_every_mail_setting_is_read_from_the_environment():
    shown = json.loads(
        run_python(
            SHOW,
            DJANGO_EMAIL_BACKEND="console",
            DJANGO_EMAIL_HOST="smtp.example.org",
            DJANGO_EMAIL_PORT="587",
            DJANGO_EMAIL_HOST_USER="archive",
            DJANGO_EMAIL_HOST_PASSWORD="secret",
            DJANGO_EMAIL_USE_TLS="1",
            DJANGO_DEFAULT_FROM_EMAIL="讲话档案 <alerts@example.org>",
            SPEECHES_SITE_URL="https://archive.example.org",
        ).stdout
    )
    assert shown == {
        "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
        "EMAIL_HOST": "smtp.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "archive",
        "EMAIL_HOST_PASSWORD": "secret",
        "EMAIL_USE_TLS": True,
        "DEFAULT_FROM_EMAIL": "讲话档案 <alerts@example.org>",
        "SPEECHES_SITE_URL": "https://archive.example.org",
    }


def test_the_file_backend_writes_each_mail_where_it_is_told(tmp_path):
    folder = tmp_path / "mail"
    sent = run_python(SEND, DJANGO_EMAIL_BACKEND="file", DJANGO_EMAIL_FILE_PATH=str(folder))
    assert sent.returncode == 0, sent.stderr
    [written] = folder.iterdir()
    assert "reader@example.org" in written.read_text()
    backend = "django.core.mail.backends.filebased.EmailBackend"
    sent = run_python(SEND, DJANGO_EMAIL_BACKEND=backend, DJANGO_EMAIL_FILE_PATH=str(folder))
    assert sent.returncode == 0 and len(list(folder.iterdir())) == 2
