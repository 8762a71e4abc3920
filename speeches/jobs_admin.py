"""The admin's import jobs: the list, and each job's page, which follows it until it is done."""

from __future__ import annotations

import json

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from .models import Speech
from .models.jobs import ImportJob

# How often an unfinished job's page reloads itself: a meta refresh, since the CSP allows no script.
REFRESH_SECONDS = 2


@admin.register(ImportJob)
class ImportJobAdmin(admin.ModelAdmin):
    list_display = ("__str__", "state", "created_at", "created_by", "progress", "created_speeches", "failed_files")
    list_filter = ("state",)
    list_select_related = ("created_by",)
    progress_template = "admin/speeches/importjob/progress.html"

    def get_queryset(self, request):
        return super().get_queryset(request).with_progress()  # options, small, tell a preview from an import

    @admin.display(description="进度")
    def progress(self, job: ImportJob) -> str:
        return f"{job.done_count} / {job.file_count} 个文件"

    @admin.display(description="新建讲话", ordering="created_count")
    def created_speeches(self, job: ImportJob) -> int:
        return job.created_count

    @admin.display(description="出错文件")
    def failed_files(self, job: ImportJob) -> int:
        return job.error_count

    def has_add_permission(self, request):
        return False  # a job comes from the import page

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        # Who may import may follow the imports.
        return super().has_view_permission(request, obj) or request.user.has_perm("speeches.add_speech")

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def get_urls(self):
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/progress/", wrap(self.progress_view), name="speeches_importjob_progress"),
            path("<int:pk>/report.json", wrap(self.report_view), name="speeches_importjob_report"),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if not str(object_id).isdigit():
            raise Http404
        return HttpResponseRedirect(reverse("admin:speeches_importjob_progress", args=[object_id]))

    def _job(self, request, pk: int) -> ImportJob:
        if not self.has_view_permission(request):
            raise PermissionDenied
        job = ImportJob.objects.with_progress().filter(pk=pk).first()
        if job is None:
            raise Http404("没有这个导入任务")
        return job

    def progress_view(self, request, pk: int):
        job = self._job(request, pk)
        files = list(job.files.defer("content").order_by("position"))
        ids = [s["id"] for file in files for entry in file.report for s in entry["speeches"] if s["id"]]
        speeches = Speech.objects.in_bulk(ids)
        for file in files:
            file.entries = [
                {**entry, "rows": [(s, speeches.get(s["id"])) for s in entry["speeches"]]} for entry in file.report
            ]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": str(job),
            "job": job,
            "files": files,
            "total": len(files),
            # Staff may stop the reloading (WCAG 2.2.1): ?refresh=off, then reload by hand.
            "refresh": None if job.finished or request.GET.get("refresh") == "off" else REFRESH_SECONDS,
            "stopped": not job.finished and request.GET.get("refresh") == "off",
        }
        return TemplateResponse(request, self.progress_template, context)

    def report_view(self, request, pk: int):
        job = self._job(request, pk)
        body = json.dumps({"job": {"id": job.pk, "state": job.state}, **job.report()}, ensure_ascii=False, indent=1)
        response = HttpResponse(body, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-job-{job.pk}.json"'
        return response
