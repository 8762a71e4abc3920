"""Browser tests: Playwright drives Debian's Chromium against the live server.

Chromium comes from apt (`.ci/run` and `make test` install it when /usr/bin/chromium is missing)
and axe-core from npm (`npm ci`); Playwright's own browser download is not used.
"""

from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from speeches.models import Region, Topic
from tests.views.factories import ArchiveMaker

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 740}


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (make test does it)")
    # Playwright's sync API keeps an event loop in the test's thread; the ORM calls the tests make
    # between browser steps are still plain synchronous calls, so Django's guard stands aside here.
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    """A fresh page at desktop width; `page.problems` collects script errors and CSP refusals."""
    context = browser.new_context(viewport=DESKTOP, locale="zh-CN", base_url=live_server.url)
    page = context.new_page()
    page.set_default_timeout(10_000)
    page.problems = []
    page.on("console", lambda message: message.type == "error" and page.problems.append(message.text))
    page.on("pageerror", lambda error: page.problems.append(str(error)))
    yield page
    context.close()


# The regions and topics the migrations load. The live server needs committed rows, so these tests
# are transactional, and the flush after each one empties every table: the rows are put back, with
# their primary keys, before each test and after the module (for any transactional test after it).
REFERENCE_MODELS = (Region, Topic)


def _put_back(rows: dict) -> None:
    for model, instances in rows.items():
        if not model.objects.exists():
            model.objects.bulk_create(instances)


@pytest.fixture(scope="module")
def reference_rows(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        rows = {model: list(model.objects.order_by("pk")) for model in REFERENCE_MODELS}
    yield rows
    with django_db_blocker.unblock():
        _put_back(rows)


@pytest.fixture
def site(transactional_db, reference_rows) -> ArchiveMaker:
    _put_back(reference_rows)
    return ArchiveMaker()


@pytest.fixture
def screenshot(page):
    """Save the page as test-artifacts/<name>-<width>.png, at desktop and phone width."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(name: str) -> None:
        for viewport in (DESKTOP, PHONE):
            page.set_viewport_size(viewport)
            page.screenshot(path=ARTIFACTS / f"{name}-{viewport['width']}.png", full_page=True)
        page.set_viewport_size(DESKTOP)

    return take


@pytest.fixture
def axe(page):
    """Run axe-core on the current page; return its serious and critical violations."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run npm ci (make test does it)")
    source = AXE.read_text(encoding="utf-8")

    def check() -> list[dict]:
        # evaluate() runs outside the page's Content-Security-Policy, which allows no inline script.
        page.evaluate(source)
        result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return check
