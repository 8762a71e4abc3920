"""Imports as background jobs, and the work a worker does on a schedule.

The queue is django-tasks: its database backend by default (SQLite or PostgreSQL, no other
server), or RQ on Redis where workers run on other machines (DJANGO_JOBS_URL). A job's files wait
in the database rather than on the web server's disk, so a worker anywhere can read them.

Each file is imported in one transaction together with the mark that it is done: a worker killed
in the middle leaves every file whole or absent, and the job, taken up again, goes on with the
files not yet done.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

from .importing import ImportOptions, outcome_report, read_uploads, write_read
from .models import Region
from .models.jobs import ImportJob, ImportJobFile


def queue_import(files: Iterable[tuple[str, bytes]], options: ImportOptions) -> ImportJob:
    """A job for these (name, content) files, queued once the files are stored."""
    with transaction.atomic():
        job = ImportJob.objects.create(
            created_by=options.user if getattr(options.user, "pk", None) else None,
            options=_stored_options(options),
        )
        ImportJobFile.objects.bulk_create(
            ImportJobFile(job=job, position=position, name=name[:255], content=content)
            for position, (name, content) in enumerate(files)
        )
        if settings.TASKS["default"]["BACKEND"] == "django_tasks_rq.RQBackend":
            # Redis is outside the transaction: the task goes there once the job is committed,
            # or a worker could look for a job that is not there yet.
            transaction.on_commit(lambda: _enqueue(job))
        else:
            # The database queue's task is a row of the same transaction: the job and its task
            # are written together or not at all.
            _enqueue(job)
    return job


def _enqueue(job: ImportJob) -> None:
    result = run_import_job.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def _stored_options(options: ImportOptions) -> dict:
    """The options as JSON: places by code, the staff member by the job's own field."""
    stored = {
        f.name: getattr(options, f.name)
        for f in dataclasses.fields(options)
        if f.name not in ("city", "province", "user", "dry_run")
    }
    if options.dry_run:
        stored["dry_run"] = True  # a preview: the files are read and reported, nothing is written
    stored["city"] = options.city.code if options.city else None
    stored["province"] = options.province.code if options.province else None
    return stored


def _import_options(job: ImportJob) -> ImportOptions:
    stored = dict(job.options)
    regions = {r.code: r for r in Region.objects.filter(code__in=[stored.get("city"), stored.get("province")])}
    known = {f.name for f in dataclasses.fields(ImportOptions)}
    extra = {name: value for name, value in stored.items() if name in known and name not in ("city", "province")}
    return ImportOptions(
        city=regions.get(stored.get("city") or ""),
        province=regions.get(stored.get("province") or ""),
        user=job.created_by,
        **extra,
    )


@task()
def run_import_job(job_id: int) -> str:
    """Import the job's files not yet done, one transaction each; the job's state at the end."""
    job = ImportJob.objects.filter(pk=job_id).first()
    if job is None or job.finished:
        return job.state if job else "missing"
    now = timezone.now()
    ImportJob.objects.filter(pk=job.pk).update(
        state=ImportJob.State.RUNNING, started_at=job.started_at or now, heartbeat_at=now
    )
    try:
        options = _import_options(job)
        pending = list(job.files.filter(done=False).order_by("position").values_list("pk", "name"))
        # The next files are read in other processes while one is written (importing.read_uploads).
        uploads = ((pk, name, _content(pk)) for pk, name in pending)
        for file_id, read in read_uploads(uploads):
            _import_one(file_id, options, read)
            ImportJob.objects.filter(pk=job.pk).update(heartbeat_at=timezone.now())
    except Exception as error:
        # The files done stay done; what stopped the rest is told on the job's page.
        ImportJob.objects.filter(pk=job.pk).update(
            state=ImportJob.State.FAILED, finished_at=timezone.now(), error=f"{type(error).__name__}: {error}"
        )
        raise
    ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.DONE, finished_at=timezone.now())
    return ImportJob.State.DONE


def _content(file_id: int) -> bytes:
    # b"" for a file gone meanwhile (a preview cancelled): _import_one then finds no row to write.
    return bytes(ImportJobFile.objects.filter(pk=file_id).values_list("content", flat=True).first() or b"")


def _import_one(file_id: int, options: ImportOptions, read: list | None = None) -> None:
    """Write one file of a job, with the mark that it is done, in one transaction; `read`: what
    read_uploads read of it (None: read it here)."""
    with transaction.atomic():
        # The content was read already, by read_uploads or here below: the row is locked without it.
        file = ImportJobFile.objects.select_for_update().defer("content").filter(pk=file_id).first()
        if file is None or file.done:  # a preview cancelled meanwhile, or another worker did this one
            return
        if read is None:
            ((_, read),) = read_uploads([(file.pk, file.name, _content(file.pk))])
        report = outcome_report(write_read(read, options))["files"]
        speeches = [speech for entry in report for speech in entry["speeches"]]
        file.report = report
        file.created = sum(1 for s in speeches if s["id"] is not None and not s["duplicate"])
        file.duplicates = sum(1 for s in speeches if s["duplicate"])
        file.near_duplicates = sum(1 for s in speeches if s.get("near_duplicates"))
        file.error = "\n".join(entry["error"] for entry in report if entry["error"])
        file.done = True
        file.save(update_fields=["report", "created", "duplicates", "near_duplicates", "error", "done"])


def resume_stalled(stale_after: float | None = None) -> list[int]:
    """Queue again the jobs whose worker stopped reporting; their files not yet done are imported then."""
    seconds = settings.SPEECHES_JOB_STALE_SECONDS if stale_after is None else stale_after
    stalled = list(ImportJob.objects.stalled(timezone.now() - timedelta(seconds=seconds)))
    for job in stalled:
        ImportJob.objects.filter(pk=job.pk).update(state=ImportJob.State.QUEUED)
        _enqueue(job)
    return [job.pk for job in stalled]


@task()
def send_alerts() -> int:
    """The digests that are due; the worker queues this on its schedule."""
    from .alerts import send_due_alerts

    return send_due_alerts()
