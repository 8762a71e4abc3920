"""The API's docs page in a real browser: Swagger UI from the archive's own files, under its CSP."""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def test_the_docs_page_lists_every_operation_with_nothing_refused(live_server, monkeypatch):
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does it)")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    problems, requested = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            # A script error, or a style or script the content security policy refuses, is a console error.
            page.on("console", lambda message: message.type == "error" and problems.append(message.text))
            page.on("pageerror", lambda error: problems.append(str(error)))
            page.on("request", lambda request: requested.append(request.url))
            page.goto(f"{live_server.url}/api/docs/")
            page.wait_for_selector(".opblock-summary-path", timeout=15_000)
            paths = sorted(set(page.locator(".opblock-summary-path").all_inner_texts()))
            title = page.locator(".info .title").first.inner_text()
            ARTIFACTS.mkdir(exist_ok=True)
            page.screenshot(path=str(ARTIFACTS / "api-docs.png"))
        finally:
            browser.close()
    assert problems == []
    assert "讲话档案 API" in title
    assert [path.replace("\u200b", "") for path in paths] == [
        "/api/commitments/",
        "/api/commitments/{id}/",
        "/api/indicators/",
        "/api/ledger/",
        "/api/regions/",
        "/api/regions/{code}/",
        "/api/speeches/",
        "/api/speeches/{id}/",
        "/api/topics/",
        "/api/topics/{slug}/",
    ]
    assert requested and all(url.startswith(live_server.url) for url in requested), requested
