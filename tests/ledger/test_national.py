"""The national work reports 2004–2015: the ledger against what a reader of the texts finds."""

from decimal import Decimal

import pytest

from speeches.models import LedgerEntry

from .national_expected import EXPECTED

pytestmark = pytest.mark.django_db


def _ledger():
    return {(e.target_year, e.indicator): e for e in LedgerEntry.objects.of_place(None).select_related("outcome")}


def test_the_headline_targets_have_the_result_the_next_report_states(national_reports):
    ledger = _ledger()
    wrong = []
    for year, indicator, target, result, status in EXPECTED:
        entry = ledger.get((year, indicator))
        if entry is None:
            wrong.append((year, indicator, "not in the ledger"))
            continue
        got = entry.outcome.value if entry.outcome else None
        if entry.text != target or got != (Decimal(result) if result else None) or entry.status != status:
            wrong.append((year, indicator, entry.text, got, entry.status))
    assert wrong == []


def test_every_status_says_why_in_one_line(national_reports):
    for entry in LedgerEntry.objects.all():
        assert entry.explanation and "\n" not in entry.explanation


def test_results_link_to_the_sentence_that_states_them(national_reports, client):
    entry = LedgerEntry.objects.select_related("outcome__speech").get(
        speech__year=2014, indicator="gdp-growth", target_year=2014
    )
    url = entry.outcome.get_absolute_url()
    assert url.startswith(f"/speeches/{entry.outcome.speech_id}/#p-")
    page = client.get(url.split("#")[0]).content.decode()
    assert f'id="{url.split("#")[1]}"' in page
    assert "7.4%" in page
