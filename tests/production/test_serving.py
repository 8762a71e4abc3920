"""The archive as production serves it: gunicorn with the project's config, DEBUG off, whitenoise."""

from __future__ import annotations

import json
import re
import runpy

import pytest

from tests.corpus import SEED

from .conftest import ROOT, gunicorn

pytestmark = pytest.mark.corpus


def test_gunicorn_serves_pages_static_files_and_healthz_with_request_ids_in_its_log(scratch_archive, collected_static):
    archive = scratch_archive()
    archive.manage("import_speeches", str(SEED))
    with gunicorn(archive, collected_static) as server:
        status, headers, body = server.get("/", headers={"X-Request-ID": "probe-home-1"})
        assert status == 200
        assert headers["X-Request-ID"] == "probe-home-1"
        assert "script-src 'self'" in headers["Content-Security-Policy"]
        assert headers["X-Frame-Options"] == "DENY"

        # The stylesheet under its hashed name, compressed and cached for good.
        stylesheet = re.search(rb'href="(/static/[^"]+\.css)"', body).group(1).decode()
        assert re.search(r"\.[0-9a-f]{12}\.css$", stylesheet)
        status, headers, _ = server.get(stylesheet, headers={"Accept-Encoding": "gzip"})
        assert status == 200
        assert "immutable" in headers["Cache-Control"]
        assert headers.get("Content-Encoding") in {"gzip", "br"}

        status, _, body = server.get("/healthz")
        assert status == 200 and json.loads(body)["status"] == "ok"

        assert server.get("/no-such-page/", headers={"X-Request-ID": "probe-missing-2"})[0] == 404
        assert server.get("/speeches/1/")[0] == 200

        log = server.log.read_text()

    # The master loaded the text tools once, before forking the workers.
    assert log.count("text tools loaded") == 1
    assert log.index("text tools loaded") < log.index("Booting worker")
    # The access log and the application log name the same request alike.
    assert re.search(r'"GET / HTTP/1\.1" 200 .*\[probe-home-1\]', log)
    assert re.search(r"WARNING \[probe-missing-2\] django\.request: Not Found: /no-such-page/", log)
    assert re.search(r'"GET /no-such-page/ HTTP/1\.1" 404 .*\[probe-missing-2\]', log)
    assert "Traceback" not in log


def test_the_gunicorn_config_preloads_the_app_and_warms_the_text_tools_up():
    config = runpy.run_path(str(ROOT / "gunicorn.conf.py"))
    assert config["preload_app"] is True
    assert config["wsgi_app"] == "archive.wsgi:application"
    assert config["accesslog"] == "-"
    import jieba

    assert config["warm_up"]() >= 0
    assert jieba.dt.initialized
