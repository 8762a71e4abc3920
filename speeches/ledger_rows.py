"""How a ledger entry reads as data: one shape for the API and the CSV download alike."""

from __future__ import annotations

from decimal import Decimal

from .models import LedgerEntry
from .models.ledger import place_of
from .parsing.indicators import Indicator

LEDGER_COLUMNS = [
    "indicator",
    "indicator_name",
    "indicator_unit",
    "direction",
    "region_code",
    "region_name",
    "target_year",
    "target_value",
    "target_value_max",
    "target_unit",
    "target_qualifier",
    "target_text",
    "commitment_id",
    "speech_id",
    "outcome_value",
    "outcome_unit",
    "outcome_text",
    "outcome_speech_id",
    "outcome_year",
    "status",
    "explanation",
]


def plain_number(value: Decimal | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == value.to_integral_value() else float(value)


def indicator_data(indicator: Indicator) -> dict:
    return {"slug": indicator.slug, "name": indicator.name, "unit": indicator.unit, "direction": indicator.direction}


def ledger_row(entry: LedgerEntry) -> dict:
    """The entry as the API gives it: its indicator, place (None: national), target, outcome, status."""
    info = entry.indicator_info
    indicator = (
        indicator_data(info)
        if info
        else {"slug": entry.indicator, "name": entry.indicator, "unit": entry.unit, "direction": None}
    )
    region = place_of(entry.speech)
    outcome = entry.outcome
    return {
        "indicator": indicator,
        "region": {"code": region.code, "name": region.name} if region else None,
        "target_year": entry.target_year,
        "target": {
            "value": plain_number(entry.value),
            "value_max": plain_number(entry.value_max),
            "unit": entry.unit,
            "qualifier": entry.qualifier or None,
            "text": entry.text,
            "commitment_id": entry.commitment_id,
            "speech_id": entry.speech_id,
        },
        "outcome": {
            "value": plain_number(outcome.value),
            "unit": outcome.unit,
            "text": outcome.text,
            "speech_id": outcome.speech_id,
            "year": outcome.year,
        }
        if outcome
        else None,
        "status": entry.status,
        "explanation": entry.explanation,
    }


def ledger_csv_row(entry: LedgerEntry) -> list:
    """The same row flattened, in LEDGER_COLUMNS order."""
    row = ledger_row(entry)
    indicator, region, target, outcome = row["indicator"], row["region"], row["target"], row["outcome"] or {}
    return [
        indicator["slug"],
        indicator["name"],
        indicator["unit"],
        indicator["direction"],
        region["code"] if region else "national",
        region["name"] if region else "全国",
        row["target_year"],
        entry.value,
        entry.value_max,
        target["unit"],
        target["qualifier"],
        target["text"],
        target["commitment_id"],
        target["speech_id"],
        entry.outcome.value if entry.outcome else None,
        outcome.get("unit"),
        outcome.get("text"),
        outcome.get("speech_id"),
        outcome.get("year"),
        row["status"],
        row["explanation"],
    ]
