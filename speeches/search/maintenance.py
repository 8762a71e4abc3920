"""Keeping the index: the migration hooks (apps.py), dropping it, and rebuilding it from the rows."""

from __future__ import annotations

from django.db import connections, transaction

from ..models import Commitment, Speech, Target
from .backends import BACKENDS
from .text import commitment_search_fields, speech_search_fields


def ensure_search_index(connection) -> None:
    """After a migration: create the full-text index and what keeps it in step, where missing."""
    backend = BACKENDS.get(connection.vendor)
    if backend is not None:
        backend.ensure_index(connection)


def drop_search_triggers(connection) -> None:
    """Before a migration: what would stand in its way (SQLite's triggers and view)."""
    backend = BACKENDS.get(connection.vendor)
    if backend is not None:
        backend.before_migrate(connection)


def drop_search_index(connection) -> None:
    backend = BACKENDS.get(connection.vendor)
    if backend is not None:
        backend.drop_index(connection)


def rebuild_search_index(progress=None, batch_size: int = 2000) -> dict[str, int]:
    """Recompute every row's indexed form and rebuild the full-text index from the rows.

    `progress(done, total)` is called as rows are read; returns how many rows of each table had
    an indexed form that changed. Each batch is its own transaction: reads go on meanwhile."""
    connection = connections[Commitment.objects.db]
    ensure_search_index(connection)
    total = Speech.objects.count() + Commitment.objects.count()
    done = 0
    changed = {"speeches": 0, "commitments": 0}

    def batches(queryset):
        last = 0
        while rows := list(queryset.filter(pk__gt=last).order_by("pk")[:batch_size]):
            yield rows
            last = rows[-1].pk

    speech_fields = ("search_title", "search_text", "search_folded")
    for rows in batches(Speech.objects.only("title", "text", *speech_fields)):
        stale = [row for row in rows if _refill(row, speech_search_fields(row.title, row.text))]
        with transaction.atomic(using=connection.alias):
            Speech.objects.bulk_update(stale, speech_fields)
        changed["speeches"] += len(stale)
        done += len(rows)
        if progress:
            progress(done, total)
    commitment_fields = ("search_text", "search_sequence", "search_targets", "search_folded")
    for rows in batches(Commitment.objects.only("text", *commitment_fields)):
        targets: dict[int, list[str]] = {}
        for commitment_id, text in Target.objects.filter(commitment__in=rows).values_list("commitment_id", "text"):
            targets.setdefault(commitment_id, []).append(text)
        stale = [row for row in rows if _refill(row, commitment_search_fields(row.text, targets.get(row.pk, ())))]
        with transaction.atomic(using=connection.alias):
            Commitment.objects.bulk_update(stale, commitment_fields)
        changed["commitments"] += len(stale)
        done += len(rows)
        if progress:
            progress(done, total)
    backend = BACKENDS.get(connection.vendor)
    if backend is not None:
        with transaction.atomic(using=connection.alias):
            backend.reread_index(connection)
    return changed


def _refill(row, fields: dict[str, str]) -> bool:
    """Set the fields on the row; whether any of them changed."""
    stale = False
    for name, value in fields.items():
        if getattr(row, name) != value:
            setattr(row, name, value)
            stale = True
    return stale
