"""Imports run as background jobs: the files wait in the database, so any worker can take them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, Q, Sum
from django.urls import reverse


class ImportJobQuerySet(models.QuerySet):
    def with_progress(self):
        """Each job with its files done and what they wrote, counted in the same query."""
        return self.annotate(
            file_count=Count("files"),
            done_count=Count("files", filter=Q(files__done=True)),
            created_count=Sum("files__created", default=0),
            duplicate_count=Sum("files__duplicates", default=0),
            near_duplicate_count=Sum("files__near_duplicates", default=0),
            error_count=Count("files", filter=Q(files__done=True) & ~Q(files__error="")),
        )

    def stalled(self, heartbeat_before):
        """Jobs a worker took and stopped reporting on: it was killed, or its machine went down."""
        return self.filter(state=ImportJob.State.RUNNING, heartbeat_at__lt=heartbeat_before)


class ImportJob(models.Model):
    """One import of one or more files, done by a worker outside the request that asked for it."""

    class State(models.TextChoices):
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导入中"
        DONE = "done", "已完成"
        FAILED = "failed", "失败"

    state = models.CharField("状态", max_length=10, choices=State.choices, default=State.QUEUED, db_index=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    # Written after every file: a running job whose heartbeat stops was left by a killed worker.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, verbose_name="提交人"
    )
    # What ImportOptions the import runs with, by codes: city, province, year, near_duplicate.
    options = models.JSONField(default=dict, blank=True)
    error = models.TextField("错误", blank=True)
    # The id of the queue's task that runs (or last ran) the job.
    task_id = models.CharField(max_length=64, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = verbose_name_plural = "导入任务"

    def __str__(self) -> str:
        kind = "预览任务" if self.is_preview else "导入任务"
        return f"{kind} #{self.pk}（{self.get_state_display()}）"

    def get_absolute_url(self) -> str:
        return reverse("admin:speeches_importjob_progress", args=[self.pk])

    @property
    def is_preview(self) -> bool:
        """A dry run for the admin's preview of a big upload: it reads and reports, writes nothing."""
        return bool((self.options or {}).get("dry_run"))

    @property
    def finished(self) -> bool:
        return self.state in (self.State.DONE, self.State.FAILED)

    def report(self) -> dict:
        """The JSON report a direct import prints, from the files done so far, in their order."""
        return {"files": [entry for file in self.files.filter(done=True) for entry in file.report]}


class ImportJobFile(models.Model):
    """A file waiting in a job, and once imported, what came of it."""

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="files")
    position = models.PositiveIntegerField()
    name = models.CharField("文件名", max_length=255)
    content = models.BinaryField()
    # Set in the same transaction as the file's rows: a file is either imported and done, or neither.
    done = models.BooleanField(default=False)
    # The file's entries of the import report (a zip gives one per member).
    report = models.JSONField(default=list, blank=True)
    created = models.PositiveIntegerField(default=0)
    duplicates = models.PositiveIntegerField(default=0)
    near_duplicates = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["job", "position"]
        constraints = [models.UniqueConstraint(fields=["job", "position"], name="one_file_per_position")]

    def __str__(self) -> str:
        return self.name
