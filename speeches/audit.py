"""The audit log: who imported or changed what, and when.

It is Django's admin log (LogEntry): the admin already writes an entry for every change staff
make there, and shows them in each record's history. Imports add one entry per speech written.
"""

from __future__ import annotations

from django.contrib.admin.models import ADDITION, LogEntry


def record_import(user, speech, source_name: str) -> None:
    """One ADDITION entry for a speech a known member of staff imported from the named file."""
    if getattr(user, "pk", None) is None:
        return  # a command-line import: no one to name
    LogEntry.objects.log_actions(
        user.pk,
        [speech],
        ADDITION,
        change_message=f"导入自 {source_name}" if source_name else "导入",
        single_object=True,
    )
