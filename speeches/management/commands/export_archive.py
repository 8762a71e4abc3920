"""Back the whole archive up to one file: `python manage.py export_archive PATH`.

The file holds every speech with its sections, commitments and targets, the places and
topics they point to, the staff accounts and groups, and the audit log (the admin's history),
each row with its id. `import_archive PATH` restores it into an empty database of either
kind (SQLite or PostgreSQL). The file is JSON Lines, one row per line, gzip-compressed when
PATH ends in .gz; it is written as the rows are read, so the archive never sits in memory.
"""

from __future__ import annotations

import datetime
import gzip
import json
from pathlib import Path

from django.apps import apps
from django.core import serializers
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

FORMAT = "speech-archive-export"
# Rows carry their indexed form for search; 2: commitments hold their character pairs in order
# (search_sequence), which a backup of version 1 lacks.
VERSION = 2
CHUNK = 2000


def archive_models() -> list:
    """The models a backup holds, so ordered that a row's natural-key references come earlier.

    Content types and permissions are not in it: migrations make them in every database, and
    the rows refer to them by name (natural keys), not by id.
    """
    return [
        apps.get_model("auth", "Group"),
        apps.get_model("auth", "User"),
        *apps.get_app_config("speeches").get_models(),
        apps.get_model("admin", "LogEntry"),
    ]


def open_backup(path: Path, mode: str):
    """A text stream on PATH, gzip-compressed when the name says so (or the bytes do, on reading)."""
    if mode == "r":
        with path.open("rb") as raw:
            compressed = raw.read(2) == b"\x1f\x8b"
    else:
        compressed = path.suffix == ".gz"
    if compressed:
        return gzip.open(path, mode + "t", encoding="utf-8")
    return path.open(mode, encoding="utf-8")


class ExactJSONEncoder(DjangoJSONEncoder):
    """Times to the microsecond: Django's encoder rounds them to milliseconds, and a restore must not."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text.removesuffix("+00:00") + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class Command(BaseCommand):
    help = "Write the whole archive (speeches, staff, audit log, with their ids) to one file for import_archive."

    def add_arguments(self, parser):
        parser.add_argument("path", help="the file to write; a name ending in .gz is compressed")

    def handle(self, *args, **options):
        path = Path(options["path"])
        counts: dict[str, int] = {}
        with open_backup(path, "w") as out:
            out.write(json.dumps({"format": FORMAT, "version": VERSION}) + "\n")
            for model in archive_models():
                queryset = model._default_manager.order_by("pk")
                many_to_many = [field.name for field in model._meta.many_to_many]
                if many_to_many:
                    queryset = queryset.prefetch_related(*many_to_many)
                counter = _Counter(queryset.iterator(chunk_size=CHUNK))
                serializers.serialize("jsonl", counter, stream=out, use_natural_foreign_keys=True, cls=ExactJSONEncoder)
                counts[model._meta.label] = counter.count
        summary = ", ".join(f"{count} {label}" for label, count in counts.items())
        self.stdout.write(f"exported to {path}: {summary}")


class _Counter:
    """Passes rows through to the serializer and counts them on the way."""

    def __init__(self, rows):
        self.rows = rows
        self.count = 0

    def __iter__(self):
        for row in self.rows:
            self.count += 1
            yield row
