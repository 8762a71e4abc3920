"""The ledger's pages, API and CSV over the national reports 2013–2015."""

import csv
import io

import pytest

from speeches.models import LedgerEntry
from tests.corpus import CORPUS

pytestmark = pytest.mark.django_db

NATIONAL = CORPUS / "national"


@pytest.fixture
def reports(import_texts):
    return import_texts(*(NATIONAL / f"aldohemsn-cpcorpora_national_{year}.txt" for year in (2013, 2014, 2015)))


def test_indicators_api(client, db):
    rows = client.get("/api/indicators/").json()
    assert len(rows) >= 40
    assert {"slug": "cpi", "name": "居民消费价格涨幅", "unit": "%", "direction": "ceiling"} in rows


def test_ledger_api_rows(client, reports):
    body = client.get("/api/ledger/", {"region": "national", "year": 2014, "indicator": "gdp-growth"}).json()
    assert body["count"] == 1
    (row,) = body["results"]
    assert row["indicator"] == {"slug": "gdp-growth", "name": "地区生产总值增长", "unit": "%", "direction": "higher"}
    assert row["region"] is None
    assert row["target_year"] == 2014
    target = row["target"]
    assert target["value"] == 7.5 and target["value_max"] is None and target["unit"] == "%"
    assert target["qualifier"] == "左右" and target["text"] == "7.5%左右"
    assert set(target) == {"value", "value_max", "unit", "qualifier", "text", "commitment_id", "speech_id"}
    outcome = row["outcome"]
    assert outcome["value"] == 7.4 and outcome["year"] == 2014 and "7.4%" in outcome["text"]
    assert set(outcome) == {"value", "unit", "text", "speech_id", "year"}
    assert row["status"] == "met" and row["explanation"]


def test_ledger_api_pages(client, reports):
    body = client.get("/api/ledger/", {"page_size": 1000}).json()
    assert len(body["results"]) == min(100, body["count"])
    statuses = {row["status"] for row in body["results"]}
    assert statuses <= {"met", "missed", "partly", "unclear", "pending"}
    assert "pending" in {row["status"] for row in client.get("/api/ledger/", {"year": 2015}).json()["results"]}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"region": "nationalx"}, "region"),
        ({"region": "999999"}, "region"),
        ({"region": "\x00"}, "region"),
        ({"year": "abc"}, "year"),
        ({"year": "99999999999999999999"}, "year"),
        ({"indicator": "no-such"}, "indicator"),
        ({"indicator": "\x00"}, "indicator"),
        ({"status": "done"}, "status"),
        ({"page_size": "-1"}, "page_size"),
    ],
)
def test_ledger_api_refuses_values_it_cannot_use(client, db, params, field):
    response = client.get("/api/ledger/", params)
    assert response.status_code == 400
    assert field in response.json()


def test_ledger_csv_holds_the_same_rows(client, reports):
    response = client.get("/ledger/export.csv", {"region": "national", "year": 2014})
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert len(rows) == LedgerEntry.objects.filter(target_year=2014).count()
    gdp = next(row for row in rows if row["indicator"] == "gdp-growth")
    assert gdp["target_value"] == "7.5" and gdp["outcome_value"] == "7.4" and gdp["status"] == "met"


def test_place_record_and_indicator_page(client, reports):
    page = client.get("/ledger/national/").content.decode()
    assert "2014年" in page and "已完成" in page
    page = client.get("/ledger/national/gdp-growth/").content.decode()
    assert "<svg" in page and "7.5%左右" in page and "7.4%" in page
    entry = LedgerEntry.objects.get(target_year=2014, indicator="gdp-growth")
    assert entry.outcome.get_absolute_url() in page  # the result links to its sentence
    assert entry.get_absolute_url() in page  # and the target to its own


def test_comparison_page(client, reports):
    page = client.get("/ledger/compare/gdp-growth/2014/").content.decode()
    assert "全国" in page and "7.5%左右" in page


@pytest.mark.parametrize(
    "url",
    [
        "/ledger/?region=%00",
        "/ledger/national/?year=abc&status=%00&indicator=x",
        "/ledger/national/?indicator=%00&region=%00",
        "/ledger/national/?year=99999999999999999999",
        "/ledger/110000/",
        "/ledger/national/gdp-growth/?page=-1",
        "/ledger/compare/gdp-growth/2014/?province=%00",
        "/ledger/compare/gdp-growth/2014/?province=999999",
        "/ledger/compare/gdp-growth/2014/?province=110000",
        "/ledger/export.csv?region=%00&year=x",
    ],
)
def test_odd_query_strings_never_fail(client, reports, url):
    assert client.get(url).status_code == 200


@pytest.mark.parametrize(
    "url",
    ["/ledger/999999/", "/ledger/national/no-such/", "/ledger/compare/no-such/2014/", "/ledger/compare/cpi/99999/"],
)
def test_pages_that_cannot_exist_are_404(client, db, url):
    assert client.get(url).status_code == 404


def test_the_speech_page_shows_each_targets_result_and_status(client, reports):
    entry = LedgerEntry.objects.select_related("outcome").get(target_year=2014, indicator="gdp-growth")
    page = client.get(entry.speech.get_absolute_url()).content.decode()
    assert "地区生产总值增长" in page and "2014年实际" in page
    assert entry.outcome.get_absolute_url() in page  # the result links to the sentence stating it
    assert 'class="status status-met"' in page
