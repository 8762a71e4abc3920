"""Scratch archives for the production tests: real databases that other processes can open.

pytest-django's test database is in memory on SQLite and private to this process, so the
scenarios that need several processes (an import while a server answers readers, a killed
import, a backup moved between databases) run against scratch databases of their own: a file
on SQLite, a database of its own on PostgreSQL. Each is copied from one migrated template per
test session, so a test pays for `migrate` once.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import dj_database_url
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parents[2]

# PostgreSQL server for scratch databases when the suite itself runs on SQLite.
POSTGRES_SERVER = os.environ.get("TEST_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432/postgres")


def suite_backend() -> str:
    return "postgresql" if "postgresql" in settings.DATABASES["default"]["ENGINE"] else "sqlite"


def other_backend() -> str:
    return "sqlite" if suite_backend() == "postgresql" else "postgresql"


def base_env(**extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(DJANGO_SETTINGS_MODULE="archive.settings", PYTHONUNBUFFERED="1")
    env.update(extra)
    return env


def postgres_admin_url() -> str:
    """The server of the suite's own PostgreSQL database, or POSTGRES_SERVER."""
    if suite_backend() == "postgresql":
        config = settings.DATABASES["default"]
        user, host, port = config["USER"], config["HOST"] or "127.0.0.1", config["PORT"] or 5432
        password = f":{config['PASSWORD']}" if config.get("PASSWORD") else ""
        return f"postgres://{user}{password}@{host}:{port}/postgres"
    return POSTGRES_SERVER


def postgres_execute(statement: str, url: str | None = None) -> None:
    import psycopg

    with psycopg.connect(_psycopg_dsn(url or postgres_admin_url()), autocommit=True) as connection:
        connection.execute(statement)


def _psycopg_dsn(url: str) -> str:
    config = dj_database_url.parse(url)
    parts = {
        "dbname": config["NAME"],
        "user": config["USER"],
        "password": config["PASSWORD"],
        "host": config["HOST"] or "127.0.0.1",
        "port": config["PORT"] or 5432,
    }
    return " ".join(f"{key}={value}" for key, value in parts.items() if value not in ("", None))


def postgres_available() -> bool:
    try:
        postgres_execute("SELECT 1")
    except Exception:  # any failure to connect means: not here
        return False
    return True


@dataclass
class ScratchArchive:
    """A migrated archive database that subprocesses reach through DATABASE_URL."""

    backend: str
    url: str
    workdir: Path
    env: dict[str, str] = field(default_factory=dict)

    def manage(self, *args: str, check: bool = True, timeout: float = 300, **env: str):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env={**self.env, **env},
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if check and result.returncode != 0:
            raise AssertionError(f"manage.py {' '.join(args)} failed ({result.returncode}):\n{result.stderr}")
        return result

    def popen(self, args: list[str], log: Path, **env: str) -> subprocess.Popen:
        with log.open("w") as handle:
            return subprocess.Popen(
                args, cwd=ROOT, env={**self.env, **env}, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
            )

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        """Rows of one read-only query, from a connection of this process's own."""
        if self.backend == "sqlite":
            connection = sqlite3.connect(dj_database_url.parse(self.url)["NAME"], timeout=20)
            try:
                return connection.execute(sql, params).fetchall()
            finally:
                connection.close()
        import psycopg

        with psycopg.connect(_psycopg_dsn(self.url)) as connection:
            return connection.execute(sql.replace("?", "%s"), params).fetchall()

    def scalar(self, sql: str, params: tuple = ()):
        return self.query(sql, params)[0][0]


class ScratchDatabases:
    """One migrated template per backend, copied for each scratch archive; all dropped at the end."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.templates: dict[str, str] = {}
        self.created: list[str] = []  # PostgreSQL databases to drop
        self.count = 0
        self.tag = f"{os.getpid()}_{uuid.uuid4().hex[:6]}"

    def new(self, backend: str, name: str) -> ScratchArchive:
        if backend == "postgresql" and not postgres_available():
            pytest.skip(f"no PostgreSQL server at {postgres_admin_url()}")
        template = self.templates.get(backend) or self._template(backend)
        self.count += 1
        workdir = self.folder / f"{name}-{self.count}"
        workdir.mkdir()
        if backend == "sqlite":
            path = workdir / "archive.sqlite3"
            shutil.copyfile(template, path)
            url = f"sqlite:///{path}"
        else:
            database = f"archive_scratch_{self.tag}_{self.count}"
            postgres_execute(f'CREATE DATABASE "{database}" TEMPLATE "{template}"')
            self.created.append(database)
            url = _with_database(postgres_admin_url(), database)
        return ScratchArchive(backend, url, workdir, base_env(DATABASE_URL=url))

    def _template(self, backend: str) -> str:
        if backend == "sqlite":
            path = self.folder / "template.sqlite3"
            url = f"sqlite:///{path}"
            template = str(path)
        else:
            template = f"archive_template_{self.tag}"
            postgres_execute(f'CREATE DATABASE "{template}"')
            self.created.append(template)
            url = _with_database(postgres_admin_url(), template)
        ScratchArchive(backend, url, self.folder, base_env(DATABASE_URL=url)).manage("migrate", "--noinput", "-v0")
        if backend == "sqlite":
            # Fold the WAL into the file so that a plain copy carries everything.
            connection = sqlite3.connect(template)
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            connection.close()
        self.templates[backend] = template
        return template

    def drop_all(self) -> None:
        for name in reversed(self.created):
            with suppress(Exception):
                postgres_execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _with_database(url: str, database: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{database}"


@pytest.fixture(scope="session")
def scratch_databases(tmp_path_factory) -> Iterator[ScratchDatabases]:
    databases = ScratchDatabases(tmp_path_factory.mktemp("scratch"))
    yield databases
    databases.drop_all()


@pytest.fixture
def scratch_archive(scratch_databases, request):
    """Make a migrated scratch archive on the suite's backend (or on the one named)."""

    def make(backend: str | None = None) -> ScratchArchive:
        return scratch_databases.new(backend or suite_backend(), request.node.name[:40])

    return make


# --- a real server ----------------------------------------------------------------------------


@pytest.fixture(scope="session")
def collected_static(tmp_path_factory) -> Path:
    """The static files as `collectstatic` gathers them for a production server (DEBUG off)."""
    folder = tmp_path_factory.mktemp("static")
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=ROOT,
        env=base_env(DJANGO_DEBUG="0", DJANGO_SECRET_KEY=PRODUCTION_SECRET_KEY, DJANGO_STATIC_ROOT=str(folder)),
        check=True,
        timeout=300,
    )
    return folder


PRODUCTION_SECRET_KEY = "production-test-" + "k3y-" * 12


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Server:
    base_url: str
    log: Path
    process: subprocess.Popen

    def get(self, path: str, headers: dict | None = None, timeout: float = 30):
        """(status, headers, body) of one GET; an HTTP error status is returned, not raised."""
        request = urllib.request.Request(self.base_url + quote(path, safe="/?=&+%:"), headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:
                return response.status, response.headers, response.read()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read()


@contextmanager
def gunicorn(
    archive: ScratchArchive, static_root: Path, workers: int = 2, threads: int = 2, name: str = "gunicorn", **env: str
) -> Iterator[Server]:
    """gunicorn with the project's config, production settings, on a free port of 127.0.0.1; `env`
    adds to or overrides the settings (the cache, the API's rate)."""
    port = free_port()
    log = archive.workdir / f"{name}.log"
    settings = {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": PRODUCTION_SECRET_KEY,
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_STATIC_ROOT": str(static_root),
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
        # Every request of these tests comes from 127.0.0.1: the API's per-address limit would count them all.
        "DJANGO_API_THROTTLE_RATE": "100000/minute",
    }
    process = archive.popen([sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py"], log, **(settings | env))
    server = Server(f"http://127.0.0.1:{port}", log, process)
    try:
        deadline = time.monotonic() + 90
        while True:
            if process.poll() is not None:
                raise AssertionError(f"gunicorn exited ({process.returncode}):\n{log.read_text()}")
            with suppress(OSError):
                if server.get("/healthz", timeout=5)[0] == 200:
                    break
            if time.monotonic() > deadline:
                raise AssertionError(f"gunicorn did not answer /healthz:\n{log.read_text()}")
            time.sleep(0.3)
        yield server
    finally:
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


@pytest.fixture(autouse=True)
def fresh_cache():
    """Each test starts with an empty cache: the API's per-address request counts live there, and
    every request of the suite comes from the same address."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


# --- a small archive in the test database, with hostile text ------------------------------------

SCRIPT = '<script>alert("讲话")</script>'
IMG = "<img src=x onerror=alert(1)>"


@dataclass
class SampleArchive:
    speech: object  # an ordinary speech, placed, dated and with topics
    hostile: object  # a speech whose every field carries markup
    samples: dict  # path arguments for the pages: pk, code, slug, year


@pytest.fixture
def sample_archive(db) -> SampleArchive:
    from speeches.models import Commitment, Region, Section, Speech, Target, Topic

    city = Region.objects.get(code="411400")
    topic = Topic.objects.order_by("position").first()
    speech = Speech.objects.create(
        title="在全市经济工作会议上的讲话",
        city=city,
        province=city.parent,
        year=2013,
        speaker="示例",
        primary_topic=topic,
        original_text="一、总体要求\n力争完成固定资产投资700亿元以上。",
        text="一、总体要求\n力争完成固定资产投资700亿元以上。",
        content_hash="a" * 64,
    )
    speech.topics.set([topic])
    section = Section.objects.create(speech=speech, position=0, level=1, marker="一、", heading="总体要求")
    commitment = Commitment.objects.create(
        speech=speech,
        section=section,
        position=0,
        text="力争完成固定资产投资700亿元以上",
        kind=Commitment.Kind.TARGET,
        strength=Commitment.Strength.ASPIRATIONAL,
        deadline_text="2月底前",
        deadline_month=2,
        topic=topic,
    )
    Target.objects.create(commitment=commitment, value=700, unit="亿元", qualifier="以上", text="700亿元以上")

    hostile_text = f"一、{SCRIPT}\n力争完成投资100亿元{IMG}。"
    hostile = Speech.objects.create(
        title=f"关于{SCRIPT}的讲话",
        city=city,
        province=city.parent,
        year=2014,
        speaker=IMG,
        occasion=SCRIPT,
        primary_topic=topic,
        source_name=f"{IMG}.txt",
        original_text=hostile_text,
        text=hostile_text,
        content_hash="b" * 64,
    )
    hostile.topics.set([topic])
    hostile_section = Section.objects.create(
        speech=hostile, position=0, level=1, marker="一、", heading=SCRIPT, text=f"力争完成投资100亿元{IMG}。"
    )
    hostile_commitment = Commitment.objects.create(
        speech=hostile,
        section=hostile_section,
        position=0,
        text=f"力争完成投资100亿元{IMG}",
        kind=Commitment.Kind.TARGET,
        strength=Commitment.Strength.ASPIRATIONAL,
        responsible=SCRIPT,
        deadline_text=IMG[:100],
        topic=topic,
    )
    Target.objects.create(commitment=hostile_commitment, value=100, unit="亿元", text=f"100亿元{IMG}"[:100])
    samples = {
        "pk": hostile.pk,
        "commitment_pk": hostile_commitment.pk,
        "code": city.code,
        "slug": topic.slug,
        "year": 2014,
        "ledger_place": city.code,  # the ledger's pages: a place and an indicator
        "ledger_slug": "gdp-growth",
    }
    # The alert pages' signed links, for an alert following a search of the sample commitment.
    from speeches import alerts
    from speeches.models import Alert

    alert = Alert.objects.create(email="reader@example.org", query="q=%E6%8A%95%E8%B5%84")
    samples["confirm_token"] = alerts.confirmation_token(alert, Alert.Frequency.DAILY)
    samples["unsubscribe_token"] = alerts.unsubscribe_token(alert)
    samples["manage_token"] = alerts.manage_token(alert.email)
    return SampleArchive(speech, hostile, samples)
