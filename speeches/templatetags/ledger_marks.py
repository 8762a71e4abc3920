"""The ledger beside a speech's commitments: each target's result and status, read in one query."""

from __future__ import annotations

from django import template

from ..models import LedgerEntry
from ..models.ledger import place_of

register = template.Library()


@register.simple_tag
def speech_ledger(speech, commitments) -> dict[int, list[LedgerEntry]]:
    """The ledger entries of the speech's commitments, by commitment id, in the order of their amounts;
    each knows its place's code (`place_code`) for the link to its indicator's page."""
    by_commitment: dict[int, list[LedgerEntry]] = {}
    ids = [commitment.pk for commitment in commitments]
    if not ids:
        return by_commitment
    entries = (
        LedgerEntry.objects.filter(commitment_id__in=ids)
        .select_related("outcome__speech")
        .only(
            "id",
            "commitment_id",
            "target_position",
            "indicator",
            "target_year",
            "text",
            "status",
            "explanation",
            "speech_id",
            "outcome__id",
            "outcome__amount_text",
            "outcome__text",
            "outcome__section_id",
            "outcome__paragraph",
            "outcome__year",
            "outcome__speech__id",
            "outcome__speech__year",
        )
        .order_by("commitment_id", "target_position")
    )
    place = place_of(speech)
    for entry in entries:
        entry.place_code = place.code if place else "national"
        by_commitment.setdefault(entry.commitment_id, []).append(entry)
    return by_commitment


@register.inclusion_tag("includes/ledger_facts.html")
def ledger_facts(ledger: dict[int, list[LedgerEntry]], commitment) -> dict:
    return {"entries": ledger.get(commitment.pk, [])}
