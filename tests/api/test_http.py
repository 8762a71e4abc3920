"""What the API promises over HTTP: validators and 304s, CORS for reading, a rate limit, its schema and docs."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.utils.http import http_date

from speeches.models import Speech
from tests.views.factories import SHANGQIU

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


# --- ETag and Last-Modified ------------------------------------------------------------------


def test_a_response_carries_validators_and_a_repeat_is_a_304(api, speeches):
    first = api.get("/api/speeches/")
    assert first.status_code == 200
    etag, last_modified = first["ETag"], first["Last-Modified"]
    assert etag.startswith('"') and last_modified.endswith("GMT")
    assert "no-cache" in first["Cache-Control"]
    newest = max(speech.imported_at for speech in Speech.objects.all())
    assert last_modified == http_date(newest.timestamp())

    again = api.get("/api/speeches/", HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again.content == b"" and again["ETag"] == etag
    assert api.get("/api/speeches/", HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    # Another representation (a filter, a page) is another version.
    assert api.get("/api/speeches/?year=2025", HTTP_IF_NONE_MATCH=etag).status_code == 200


def test_a_change_to_the_archive_is_a_new_version(api, archive, speeches):
    etag = api.get("/api/speeches/")["ETag"]
    archive.speech("新讲话", city=SHANGQIU, year=2026)
    fresh = api.get("/api/speeches/", HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh["ETag"] != etag
    assert fresh.json()["results"][0]["title"] == "新讲话"


def test_an_edit_without_an_import_is_a_new_version_too(api, speeches):
    speech = speeches["shangqiu_2023"]
    etag = api.get(f"/api/speeches/{speech.pk}/")["ETag"]
    Speech.objects.filter(pk=speech.pk).update(speaker="李四")
    fresh = api.get(f"/api/speeches/{speech.pk}/", HTTP_IF_NONE_MATCH=etag)
    assert fresh.status_code == 200 and fresh.json()["speaker"] == "李四"


def test_errors_carry_no_validators(api, speeches):
    assert "ETag" not in api.get("/api/speeches/?year=abc")
    assert "ETag" not in api.get("/api/speeches/0/")


# --- CORS ------------------------------------------------------------------------------------


def test_any_site_may_read_the_api_from_a_browser(api, speeches):
    response = api.get("/api/speeches/", HTTP_ORIGIN="https://example.org")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "ETag" in response["Access-Control-Expose-Headers"]
    preflight = api.options(
        "/api/commitments/", HTTP_ORIGIN="https://example.org", HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET"
    )
    assert preflight.status_code == 200
    allowed = {method.strip() for method in preflight["Access-Control-Allow-Methods"].split(",")}
    assert allowed == {"GET", "HEAD", "OPTIONS"}


def test_cors_is_for_the_api_only(client, speeches):
    response = client.get("/speeches/", HTTP_ORIGIN="https://example.org")
    assert response.status_code == 200 and "Access-Control-Allow-Origin" not in response


# --- throttling ------------------------------------------------------------------------------


def test_an_anonymous_client_is_slowed_past_the_rate(api, settings, speeches):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"}}
    assert [api.get("/api/topics/").status_code for _ in range(3)] == [200, 200, 200]
    refused = api.get("/api/speeches/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) > 0 and refused.json()["detail"]
    # Another address has its own allowance.
    assert api.get("/api/topics/", REMOTE_ADDR="10.0.0.2").status_code == 200


def test_the_rate_comes_from_the_environment():
    env = {**os.environ, "DJANGO_API_THROTTLE_RATE": "7/hour", "DJANGO_SETTINGS_MODULE": "archive.settings"}
    script = "import django; django.setup(); from django.conf import settings; print(settings.REST_FRAMEWORK['DEFAULT_THROTTLE_RATES']['anon'])"
    output = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=env, capture_output=True, text=True, check=True
    ).stdout
    assert output.strip() == "7/hour"


# --- the schema and its docs -----------------------------------------------------------------


def test_the_schema_describes_every_endpoint(api, db):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {
        "/api/speeches/",
        "/api/speeches/{id}/",
        "/api/commitments/",
        "/api/commitments/{id}/",
        "/api/regions/",
        "/api/regions/{code}/",
        "/api/topics/",
        "/api/topics/{slug}/",
        "/api/indicators/",
        "/api/ledger/",
    }
    speeches = schema["paths"]["/api/speeches/"]["get"]
    parameters = {parameter["name"] for parameter in speeches["parameters"]}
    assert parameters == {
        "q",
        "province",
        "city",
        "topic",
        "year",
        "year_min",
        "year_max",
        "has_commitments",
        "sort",
        "page",
        "page_size",
    }
    commitments = schema["paths"]["/api/commitments/"]["get"]
    assert {parameter["name"] for parameter in commitments["parameters"]} >= {"q", "kind", "strength", "city"}
    assert set(speeches["responses"]) == {"200", "400", "404", "429"}
    target = schema["components"]["schemas"]["Target"]["properties"]
    assert set(target) == {"value", "value_max", "unit", "qualifier", "text"}


def test_the_docs_page_runs_on_the_archives_own_files(client, db):
    page = client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    # No script or style inline (the content security policy refuses them), nothing from elsewhere.
    assert "<style" not in html and "<script>" not in html
    assert "http://" not in html.replace("http://testserver", "") and "https://" not in html
    for asset in ("swagger-ui-bundle.js", "swagger-ui-standalone-preset.js", "swagger-ui.css"):
        assert f"/static/drf_spectacular_sidecar/swagger-ui-dist/{asset}" in html
        assert finders.find(f"drf_spectacular_sidecar/swagger-ui-dist/{asset}")
    assert finders.find("api/docs.css")
    script = client.get("/api/docs/?script=")
    assert script.status_code == 200 and script["Content-Type"].startswith("application/javascript")
    assert "/api/schema/" in script.content.decode()
