"""The API's per-address limit holds across the server's processes: the count lives in a cache they
all share (a file cache by default, the database's cache table or Redis when DJANGO_CACHE_URL says)."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured

from archive.settings import cache_config

from .conftest import ROOT, base_env, gunicorn

SQLITE = {"ENGINE": "django.db.backends.sqlite3", "NAME": "/srv/archive/archive.sqlite3"}
POSTGRES = {"ENGINE": "django.db.backends.postgresql", "NAME": "archive", "HOST": "db.internal", "PORT": 5432}
REDIS = "redis://127.0.0.1:6379/0"


# --- which cache ------------------------------------------------------------------------------


def test_without_a_cache_url_the_processes_share_a_file_cache_of_this_archive():
    config = cache_config("", SQLITE)
    assert config["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert config["LOCATION"] == "/srv/archive/archive.sqlite3-cache"
    postgres = cache_config("", POSTGRES)
    assert postgres["BACKEND"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert postgres["LOCATION"] == str(ROOT / "var" / "cache" / "db.internal-5432-archive")
    other = cache_config("", {**POSTGRES, "NAME": "archive2"})
    assert other["LOCATION"] != postgres["LOCATION"]  # two archives on one machine count apart


def test_a_cache_url_chooses_redis_the_database_or_a_folder():
    redis = cache_config("redis://:secret@cache.internal:6380/2?key_prefix=archive", POSTGRES)
    assert redis == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://:secret@cache.internal:6380/2",
        "KEY_PREFIX": "archive",
    }
    assert cache_config("rediss://cache.internal", POSTGRES)["LOCATION"] == "rediss://cache.internal"
    database = cache_config("db://", POSTGRES)
    assert (database["BACKEND"], database["LOCATION"]) == (
        "django.core.cache.backends.db.DatabaseCache",
        "archive_cache",
    )
    assert cache_config("file:///var/cache/archive", SQLITE)["LOCATION"] == "/var/cache/archive"
    assert cache_config("locmem://", SQLITE)["BACKEND"] == "django.core.cache.backends.locmem.LocMemCache"
    with pytest.raises(ImproperlyConfigured, match="DJANGO_CACHE_URL"):
        cache_config("memcached://127.0.0.1:11211", SQLITE)


@pytest.mark.parametrize("variable", ["DJANGO_CACHE_URL", "REDIS_URL"])
def test_the_cache_comes_from_the_environment(variable):
    script = "import django; django.setup(); from django.conf import settings; import json; print(json.dumps(settings.CACHES['default']))"
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=base_env(**{variable: REDIS}),
        capture_output=True,
        text=True,
        check=True,
    )
    config = json.loads(result.stdout)
    assert (config["BACKEND"], config["LOCATION"]) == ("django.core.cache.backends.redis.RedisCache", REDIS)


def test_the_database_cache_table_is_made_by_migrating(scratch_archive):
    archive = scratch_archive()
    archive.manage("migrate", "--noinput", "-v0")
    assert archive.query("SELECT count(*) FROM archive_cache") == [(0,)]


# --- one count for every process --------------------------------------------------------------


def redis_url() -> str:
    # A prefix of this test's own: other runs of the suite may use the same Redis.
    return f"{REDIS}?key_prefix=test-{uuid.uuid4().hex}"


@pytest.mark.parametrize("cache", ["default", "db://", "redis"])
def test_two_server_processes_share_one_count_per_address(scratch_archive, collected_static, cache):
    archive = scratch_archive()
    env = {"DJANGO_API_THROTTLE_RATE": "5/minute"}
    if cache != "default":
        env["DJANGO_CACHE_URL"] = redis_url() if cache == "redis" else cache
    with (
        gunicorn(archive, collected_static, 1, 1, "first", **env) as first,
        gunicorn(archive, collected_static, 1, 1, "second", **env) as second,
    ):
        # Each process alone has seen fewer requests than the limit; together they have seen more.
        answers = [(first if n % 2 == 0 else second).get("/api/topics/") for n in range(7)]
        assert [status for status, _, _ in answers] == [200, 200, 200, 200, 200, 429, 429]
        _, headers, body = answers[5]
        assert 0 < int(headers["Retry-After"]) <= 60
        assert json.loads(body)["detail"]
        # The limit is per address: the pages are not the API and stay open.
        assert first.get("/speeches/")[0] == 200
