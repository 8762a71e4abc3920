"""Settings come from the environment: safe for development with nothing set, strict in production.

Each case starts a fresh Python with its own environment, as a deployment would.
"""

import json
import sqlite3
import subprocess
import sys

import pytest

from .conftest import PRODUCTION_SECRET_KEY, ROOT, base_env

PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": PRODUCTION_SECRET_KEY,
    "DJANGO_ALLOWED_HOSTS": "archive.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://archive.example.org",
    "DJANGO_SECURE": "1",
}

SHOW_SETTINGS = """
import json, django
from django.conf import settings
django.setup()
names = ["DEBUG", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS", "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS",
         "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_PROXY_SSL_HEADER", "SECURE_REDIRECT_EXEMPT"]
print(json.dumps({name: getattr(settings, name, None) for name in names}))
"""


def run_python(code: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=base_env(**env), capture_output=True, text=True, timeout=120
    )


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base_env(**env), capture_output=True, text=True, timeout=120
    )


def test_the_development_server_needs_no_settings(tmp_path):
    result = manage("check", DATABASE_URL=f"sqlite:///{tmp_path / 'dev.sqlite3'}")
    assert result.returncode == 0, result.stderr
    shown = json.loads(run_python(SHOW_SETTINGS).stdout)
    assert shown["DEBUG"] is True
    assert "127.0.0.1" in shown["ALLOWED_HOSTS"]
    assert shown["SECURE_SSL_REDIRECT"] is False


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_the_deployment_check_is_clean_with_production_values():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deployment_check_warns_about_plain_http():
    # The same values without DJANGO_SECURE: Django's own check names what HTTPS would add.
    plain = {key: value for key, value in PRODUCTION.items() if key != "DJANGO_SECURE"}
    result = manage("check", "--deploy", "--fail-level", "WARNING", **plain)
    assert result.returncode != 0
    assert "SECURE_SSL_REDIRECT" in result.stderr + result.stdout


def test_https_deployment_sets_redirect_hsts_secure_cookies_and_the_proxy_header():
    result = run_python(SHOW_SETTINGS, **PRODUCTION)
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout)
    assert shown["DEBUG"] is False
    assert shown["ALLOWED_HOSTS"] == ["archive.example.org"]
    assert shown["CSRF_TRUSTED_ORIGINS"] == ["https://archive.example.org"]
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SECURE_HSTS_SECONDS"] >= 31536000
    assert shown["SESSION_COOKIE_SECURE"] is True
    assert shown["CSRF_COOKIE_SECURE"] is True
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
    # Load balancers probe the health check over plain HTTP.
    assert shown["SECURE_REDIRECT_EXEMPT"] == ["^healthz$"]


SQLITE_PRAGMAS = """
import json, django
django.setup()
from django.db import connection
with connection.cursor() as cursor:
    cursor.execute("PRAGMA journal_mode")
    journal = cursor.fetchone()[0]
    cursor.execute("PRAGMA busy_timeout")
    busy = cursor.fetchone()[0]
print(json.dumps({"journal_mode": journal, "busy_timeout": busy, "transaction_mode": connection.transaction_mode}))
"""

HOLD_A_TRANSACTION = """
import sys, time, django
django.setup()
from django.db import transaction
from speeches.models import Topic
with transaction.atomic():
    Topic.objects.exists()  # a read only: IMMEDIATE has taken the write lock all the same
    print("in transaction", flush=True)
    sys.stdin.readline()
"""


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_immediate_transactions(scratch_archive):
    archive = scratch_archive("sqlite")
    result = subprocess.run(
        [sys.executable, "-c", SQLITE_PRAGMAS], cwd=ROOT, env=archive.env, capture_output=True, text=True
    )
    assert json.loads(result.stdout) == {"journal_mode": "wal", "busy_timeout": 20000, "transaction_mode": "IMMEDIATE"}

    # While a transaction of the archive is open, a second writer cannot start one (IMMEDIATE takes the
    # write lock at BEGIN, so writers queue at the start instead of failing midway), and a reader still reads.
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_A_TRANSACTION],
        cwd=ROOT,
        env=archive.env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "in transaction"
        path = archive.url.removeprefix("sqlite:///")
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        assert other.execute("SELECT count(*) FROM speeches_topic").fetchone()[0] > 0
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            other.execute("BEGIN IMMEDIATE")
        other.close()
    finally:
        holder.communicate("\n", timeout=30)
    assert holder.returncode == 0
