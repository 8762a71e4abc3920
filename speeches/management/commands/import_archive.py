"""Restore a backup made by export_archive: `python manage.py import_archive PATH [--replace]`.

The database must be migrated and hold no speeches and no staff accounts yet (a fresh
`migrate`), unless --replace is given: then everything the backup covers is replaced. The
restore runs in one transaction, so it either completes or leaves the database as it was.
Rows keep their ids; PostgreSQL's id sequences are moved past them afterwards, so the next
speech imported gets a fresh id. Rows are read and written in batches, never all at once.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core import serializers
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from speeches.models import Speech

from .export_archive import CHUNK, FORMAT, VERSION, archive_models, open_backup


class Command(BaseCommand):
    help = "Restore the whole archive from a file written by export_archive."

    def add_arguments(self, parser):
        parser.add_argument("path", help="a file written by export_archive (.gz or plain)")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="replace the speeches, places, topics, staff accounts and audit log already in the database",
        )

    def handle(self, *args, **options):
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        models = archive_models()
        connection = connections[DEFAULT_DB_ALIAS]
        with open_backup(path, "r") as stream:
            try:
                header = json.loads(stream.readline() or "{}")
            except (json.JSONDecodeError, UnicodeDecodeError) as error:
                raise CommandError(f"{path}: not an archive export ({error})") from error
            if header.get("format") != FORMAT:
                raise CommandError(f"{path}: not an archive export")
            if header.get("version") != VERSION:
                raise CommandError(f"{path}: export version {header.get('version')}, this archive reads {VERSION}")

            with transaction.atomic():
                if not options["replace"] and (Speech.objects.exists() or get_user_model().objects.exists()):
                    raise CommandError(
                        "the database already holds speeches or staff accounts; "
                        "restore into a freshly migrated database, or pass --replace"
                    )
                self.clear(connection, models)
                loader = _BatchLoader({model._meta.label_lower: model for model in models})
                for number, line in enumerate(stream, start=2):
                    if line.strip():
                        try:
                            loader.add(json.loads(line))
                        except json.JSONDecodeError as error:
                            raise CommandError(f"{path}, line {number}: {error}") from error
                loader.flush()
                with connection.cursor() as cursor:
                    for statement in connection.ops.sequence_reset_sql(no_style(), models):
                        cursor.execute(statement)

        summary = ", ".join(f"{count} {label}" for label, count in loader.counts.items())
        self.stdout.write(f"restored from {path}: {summary}")

    @staticmethod
    def clear(connection, models) -> None:
        """Empty the tables the backup fills. Their foreign keys are checked at commit, so order is free."""
        tables = []
        for model in models:
            tables.append(model._meta.db_table)
            tables.extend(field.remote_field.through._meta.db_table for field in model._meta.many_to_many)
        with connection.cursor() as cursor:
            for statement in connection.ops.sql_flush(no_style(), tables):
                cursor.execute(statement)


class _BatchLoader:
    """Collects rows of one model and writes them in bulk, ids and all."""

    def __init__(self, models_by_label: dict):
        self.models_by_label = models_by_label
        self.rows: list[dict] = []
        self.label: str | None = None
        self.counts: Counter[str] = Counter()

    def add(self, row: dict) -> None:
        label = str(row.get("model", "")).lower()
        if label not in self.models_by_label:
            raise CommandError(f"the backup holds rows of {label or 'an unnamed model'}, which this archive lacks")
        if label != self.label or len(self.rows) >= CHUNK:
            self.flush()
            self.label = label
        self.rows.append(row)

    def flush(self) -> None:
        if not self.rows:
            return
        model = self.models_by_label[self.label]
        deserialized = list(serializers.deserialize("python", self.rows, handle_forward_references=True))
        for item in deserialized:
            if item.deferred_fields:
                names = ", ".join(field.name for field in item.deferred_fields)
                raise CommandError(f"{model._meta.label} {item.object.pk}: refers to rows the backup lacks ({names})")
        objects = [item.object for item in deserialized]
        # bulk_create stamps auto_now fields with the present moment; the backup's times are the true ones.
        stamped = [field for field in model._meta.concrete_fields if getattr(field, "auto_now_add", False)]
        stamped += [field for field in model._meta.concrete_fields if getattr(field, "auto_now", False)]
        kept = [[getattr(obj, field.attname) for field in stamped] for obj in objects]
        model._default_manager.bulk_create(objects, batch_size=500)
        if stamped:
            for obj, values in zip(objects, kept, strict=True):
                for field, value in zip(stamped, values, strict=True):
                    setattr(obj, field.attname, value)
            model._default_manager.bulk_update(objects, [field.name for field in stamped], batch_size=500)
        for field in model._meta.many_to_many:
            through = field.remote_field.through
            source, target = field.m2m_field_name(), field.m2m_reverse_field_name()
            through._default_manager.bulk_create(
                [
                    through(**{f"{source}_id": item.object.pk, f"{target}_id": related})
                    for item in deserialized
                    for related in item.m2m_data.get(field.name, [])
                ],
                batch_size=1000,
            )
        self.counts[model._meta.label] += len(objects)
        self.rows = []
