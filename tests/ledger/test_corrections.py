"""Links survive re-import and re-extraction; staff corrections win over both."""

from decimal import Decimal

import pytest
from django.urls import reverse

from speeches import reextracting
from speeches.models import LedgerEntry, Outcome
from tests.corpus import CORPUS

pytestmark = pytest.mark.django_db

NATIONAL = CORPUS / "national"
REPORT_2014 = NATIONAL / "aldohemsn-cpcorpora_national_2014.txt"
REPORT_2015 = NATIONAL / "aldohemsn-cpcorpora_national_2015.txt"


def gdp_2014() -> LedgerEntry:
    return LedgerEntry.objects.select_related("outcome").get(target_year=2014, indicator="gdp-growth")


def ledger_state():
    return sorted(LedgerEntry.objects.values_list("commitment_id", "target_position", "outcome_id", "status"))


def test_a_later_report_links_the_targets_of_an_earlier_one_in_either_order(import_texts):
    import_texts(REPORT_2015)
    assert not LedgerEntry.objects.filter(target_year=2014).exists()
    import_texts(REPORT_2014)
    entry = gdp_2014()
    assert (entry.outcome.value, entry.outcome.speech.year, entry.status) == (Decimal("7.4"), 2015, "met")
    # 2015's own targets wait for a 2016 report
    assert set(LedgerEntry.objects.filter(target_year=2015).values_list("status", flat=True)) == {"pending"}


def test_links_survive_reimport_and_reextraction(import_texts):
    speeches = import_texts(REPORT_2014, REPORT_2015)
    before, outcome_ids = ledger_state(), set(Outcome.objects.values_list("pk", flat=True))
    assert import_texts(REPORT_2015) == []  # a duplicate: nothing written again
    assert ledger_state() == before
    for speech in speeches:
        reextracting.reextract(speech)
    assert ledger_state() == before
    assert set(Outcome.objects.values_list("pk", flat=True)) == outcome_ids  # results keep their ids


def test_a_staff_correction_wins_over_reextraction_and_later_imports(import_texts, admin_client):
    speeches = import_texts(REPORT_2014)
    entry = gdp_2014()
    assert entry.status == "pending"
    url = reverse("admin:speeches_ledgerentry_change", args=[entry.pk])
    response = admin_client.post(
        url,
        {
            "indicator": "gdp-growth",
            "target_year": 2014,
            "outcome": "",
            "status": "missed",
            "explanation": "经核对统计公报，实际增长7.3%。",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = gdp_2014()
    assert (entry.status, entry.edited) == ("missed", True)
    reextracting.reextract(speeches[0])
    import_texts(REPORT_2015)  # the report that states 7.4% arrives
    entry = gdp_2014()
    assert (entry.status, entry.explanation, entry.outcome) == ("missed", "经核对统计公报，实际增长7.3%。", None)
    # the rest of the year's targets are linked as usual
    assert LedgerEntry.objects.get(target_year=2014, indicator="cpi").outcome is not None


def test_choosing_another_result_judges_the_status_again(import_texts, admin_client):
    import_texts(REPORT_2014, REPORT_2015)
    entry = gdp_2014()
    other = Outcome.objects.get(speech__year=2015, indicator="urban-jobs")  # a wrong choice, on purpose
    gdp_result = Outcome.objects.filter(speech__year=2015, indicator="gdp-growth").first()
    url = reverse("admin:speeches_ledgerentry_change", args=[entry.pk])
    data = {"indicator": "gdp-growth", "target_year": 2014, "status": entry.status, "explanation": entry.explanation}
    admin_client.post(url, {**data, "outcome": other.pk})
    assert gdp_2014().outcome_id == other.pk and gdp_2014().edited
    admin_client.post(url, {**data, "outcome": gdp_result.pk, "edited": "on"})
    assert gdp_2014().outcome_id == gdp_result.pk
    # unticking 人工修改 hands it back to the rule
    admin_client.post(url, {**data, "outcome": gdp_result.pk})
    entry = gdp_2014()
    assert not entry.edited and entry.status == "met"
