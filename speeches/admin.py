"""Staff pages: correct what extraction found, and import new speeches with a preview first."""

from __future__ import annotations

import json
import re
import secrets
import shutil
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadhandler import FileUploadHandler, SkipFile, StopUpload
from django.db import models
from django.db.models import Count
from django.http import HttpResponseRedirect, QueryDict
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .forms import SpeechImportForm, upload_file_limit
from .importing import FileOutcome, ImportOptions, import_pasted_text, import_upload, outcome_report
from .jobs import queue_import
from .models import Commitment, Region, Section, Speech, Target, Topic
from .models.jobs import ImportJob
from .reextracting import EXTRACTED_FIELDS

admin.site.site_header = "讲话档案 · 管理"
admin.site.site_title = "讲话档案"
admin.site.index_title = "管理首页"

# Pasted text shows under this name; uploaded files must end in .txt or .zip, so no file is called so.
PASTED_NAME = "粘贴文本"
# How often a preview a worker is making reloads itself: a meta refresh, since the CSP allows no script.
PREVIEW_REFRESH_SECONDS = 2

# Which levels the region search offers for each place field of a speech.
REGION_LEVELS_FOR_FIELD = {"city": Region.Level.CITY, "county": Region.Level.COUNTY, "province": Region.Level.PROVINCE}


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "short_name", "level", "parent")
    list_filter = ("level",)
    search_fields = ("code", "name", "short_name")
    list_select_related = ("parent",)
    autocomplete_fields = ("parent",)

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # A speech's city field should offer cities, not the 3,000 counties that share the table.
        if request.GET.get("model_name") == "speech" and request.GET.get("field_name") in REGION_LEVELS_FOR_FIELD:
            queryset = queryset.filter(level=REGION_LEVELS_FOR_FIELD[request.GET["field_name"]])
        return queryset, may_have_duplicates


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "position", "speech_count")
    list_editable = ("position",)
    search_fields = ("name", "slug", "keywords")

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(speech_count=Count("speeches"))

    @admin.display(description="讲话数", ordering="speech_count")
    def speech_count(self, topic: Topic) -> int:
        return topic.speech_count


class EditedSpeechFilter(admin.SimpleListFilter):
    title = "人工修改"
    parameter_name = "edited"

    def lookups(self, request, model_admin):
        return [("yes", "已修改"), ("no", "未修改")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(edited_fields=[])
        if self.value() == "no":
            return queryset.filter(edited_fields=[])
        return queryset


class SectionInline(admin.TabularInline):
    """The outline as read; a heading is corrected on the section's own page."""

    model = Section
    fields = ("outline_label", "level", "position")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False
    show_change_link = True
    classes = ("collapse",)
    verbose_name_plural = "提纲"

    @admin.display(description="章节")
    def outline_label(self, section: Section) -> str:
        if section.pk is None:  # the blank row Django keeps for adding, which this inline never offers
            return ""
        return "\u3000" * (section.level - 1) + str(section)


@admin.register(Speech)
class SpeechAdmin(admin.ModelAdmin):
    list_display = (
        "title",
        "city",
        "province",
        "year",
        "primary_topic",
        "commitment_count",
        "is_edited",
        "imported_at",
    )
    list_filter = (
        "year",
        ("province", admin.RelatedOnlyFieldListFilter),
        ("city", admin.RelatedOnlyFieldListFilter),
        "primary_topic",
        EditedSpeechFilter,
    )
    search_fields = ("title", "speaker", "occasion", "source_name", "publisher", "city__name", "province__name")
    list_select_related = ("city", "province", "primary_topic")
    autocomplete_fields = ("city", "county", "province")
    filter_horizontal = ("topics",)
    readonly_fields = (
        "year_source",
        "commitments_link",
        "edited_fields",
        "source_name",
        "imported_at",
        "imported_by",
        "content_hash",
        "original_text",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "title",
                    ("city", "county", "province"),
                    ("year", "year_source", "delivered_on"),
                    "speaker",
                    "occasion",
                )
            },
        ),
        ("主题", {"fields": ("primary_topic", "topics")}),
        ("承诺与人工修改", {"fields": ("commitments_link", "edited_fields")}),
        (
            "来源",
            {
                "fields": (
                    "source_url",
                    ("publisher", "published_on"),
                    "source_name",
                    "imported_at",
                    "imported_by",
                    "content_hash",
                )
            },
        ),
        ("原文", {"fields": ("original_text",), "classes": ("collapse",)}),
    )
    inlines = (SectionInline,)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    change_list_template = "admin/speeches/speech/change_list.html"
    import_template = "admin/speeches/speech/import.html"

    def get_queryset(self, request):
        rows = super().get_queryset(request).with_counts()
        if request.resolver_match and request.resolver_match.url_name == "speeches_speech_changelist":
            rows = rows.without_text()  # a list of titles needs none of a speech's texts
        return rows

    @admin.display(description="承诺数", ordering="commitment_count")
    def commitment_count(self, speech: Speech) -> int:
        return speech.commitment_count

    @admin.display(description="人工修改", boolean=True)
    def is_edited(self, speech: Speech) -> bool:
        return bool(speech.edited_fields)

    @admin.display(description="承诺")
    def commitments_link(self, speech: Speech) -> str:
        # A long work report holds hundreds of commitments: list them on their own page.
        url = reverse("admin:speeches_commitment_changelist")
        return format_html(
            '<a href="{}?speech__id__exact={}">查看本讲话的 {} 条承诺</a>', url, speech.pk, speech.commitment_count
        )

    def save_model(self, request, obj, form, change):
        if change:
            # What staff correct here, re-extraction leaves as it is.
            corrected = [name for name in form.changed_data if name in EXTRACTED_FIELDS]
            if "year" in corrected:
                obj.year_source = Speech.YearSource.STAFF
            obj.edited_fields = list(dict.fromkeys([*obj.edited_fields, *corrected]))
        super().save_model(request, obj, form, change)

    def get_urls(self):
        import_view = self.admin_site.admin_view(self.receive_import)
        preview_view = self.admin_site.admin_view(self.preview_job_view)
        return [
            path("import/", import_view, name="speeches_speech_import"),
            path("import/preview/<str:token>/", preview_view, name="speeches_speech_import_preview"),
            *super().get_urls(),
        ]

    @csrf_exempt  # the admin then leaves the CSRF check to the view (see below)
    def receive_import(self, request):
        """The import page, its upload counted while it arrives (UploadLimits).

        Upload handlers must be in place before anything reads the request body, and the CSRF
        check reads it: so the check is made here, after them, rather than by the middleware."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        limits = UploadLimits(request)
        request.upload_handlers.insert(0, limits)
        if request.method == "POST":
            try:
                refused = [limits.too_much_message()] if limits.refused_unread(request) else []
            except TooManyFilesSent:
                # Django's own count (DATA_UPLOAD_MAX_NUMBER_FILES) stopped the upload before this page's.
                refused = [limits.too_many_message()]
            except RequestDataTooBig:
                refused = [limits.text_too_long_message()]
            except TooManyFieldsSent:
                refused = [limits.too_much_message()]
            if refused:
                # Nothing of the upload is kept, the CSRF token included; showing the form changes nothing.
                form = SpeechImportForm(admin_site=self.admin_site)
                return self.render_import(request, form, stage="upload", limit_errors=refused)
        return csrf_protect(self.import_view)(request, limits)

    def add_view(self, request, form_url="", extra_context=None):
        # Speeches come from files: adding one by hand would skip parsing and the content hash.
        return HttpResponseRedirect(reverse("admin:speeches_speech_import"))

    def import_view(self, request, limits: UploadLimits | None = None):
        """Upload or paste, preview what would be created, then confirm to import exactly that."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        if request.method == "POST" and "confirm" in request.POST:
            return self.confirm_import(request)
        if request.method == "POST" and "cancel" in request.POST:
            PendingImport.forget(request.POST.get("token", ""), request.user)
            messages.info(request, "已取消这次导入，上传的文件已删除。")
            return HttpResponseRedirect(request.path)
        if request.method == "POST":
            # The preview this upload replaces will not be confirmed now.
            PendingImport.forget(request.POST.get("previous", ""), request.user)
            form = SpeechImportForm(request.POST, request.FILES, admin_site=self.admin_site)
            refused = limits.problems() if limits else []
            if refused:
                # The upload is refused whole: nothing of it is previewed, stored or imported.
                return self.render_import(request, form, stage="upload", limit_errors=refused)
            if form.is_valid():
                return self.preview_import(request, form)
        else:
            form = SpeechImportForm(admin_site=self.admin_site)
        return self.render_import(request, form, stage="upload")

    def preview_import(self, request, form: SpeechImportForm):
        """A dry run over the upload, kept on the server under a token for the confirm step.

        A big upload (more documents or bytes than SPEECHES_PREVIEW_JOB_FILES / _BYTES) is previewed
        by a worker: the page answers at once and follows that dry run until its preview is ready."""
        pending = PendingImport.create(request.user, form.cleaned_data)
        if pending.is_big():
            pending.queue_preview(user=request.user)
            return HttpResponseRedirect(reverse("admin:speeches_speech_import_preview", args=[pending.token]))
        outcomes = pending.run(dry_run=True, user=request.user)
        for outcome in outcomes:
            if outcome.error:
                form.add_error("text" if outcome.path == PASTED_NAME else "files", outcome.error)
        files = preview_files(outcome_report(outcomes)["files"], pending.manifest)
        token = None
        if any(not speech["duplicate"] for file in files for speech in file["speeches"]):
            token = pending.token
        else:
            pending.discard()
        return self.render_import(request, form, stage="preview", files=files, token=token)

    def preview_job_view(self, request, token: str):
        """A big upload's preview: its dry run's progress while a worker reads the files (the page
        reloads itself, by a meta refresh), then the same preview as a small upload's."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        pending = PendingImport.find(token, request.user)
        job = pending.preview_job() if pending else None
        if job is None:
            messages.error(request, "预览已过期、已取消或已导入，请重新上传。")
            return HttpResponseRedirect(reverse("admin:speeches_speech_import"))
        form = SpeechImportForm(admin_site=self.admin_site)
        if job.state == ImportJob.State.FAILED:
            pending.discard()
            return self.render_import(
                request, form, stage="upload", limit_errors=[f"预览中断，未导入任何内容：{job.error}。请重新上传。"]
            )
        if not job.finished:
            # Staff may stop the reloading (WCAG 2.2.1): ?refresh=off, then reload by hand.
            refresh = None if request.GET.get("refresh") == "off" else PREVIEW_REFRESH_SECONDS
            return self.render_import(request, form, stage="previewing", job=job, token=pending.token, refresh=refresh)
        files = preview_files(job.report()["files"], pending.manifest)
        if any(not speech["duplicate"] for file in files for speech in file["speeches"]):
            return self.render_import(request, form, stage="preview", files=files, token=pending.token)
        pending.discard()
        return self.render_import(request, form, stage="preview", files=files)

    def confirm_import(self, request):
        waiting = PendingImport.find(request.POST.get("token", ""), request.user)
        job = waiting.preview_job() if waiting else None
        if job is not None and not job.finished:
            messages.warning(request, "预览尚未完成，完成后才能确认导入。")
            return HttpResponseRedirect(reverse("admin:speeches_speech_import_preview", args=[waiting.token]))
        pending = PendingImport.claim(request.POST.get("token", ""), request.user)
        if pending is None:
            messages.error(request, "预览已过期或已导入，请重新上传。")
            return HttpResponseRedirect(request.path)
        # What staff chose for each near duplicate the preview showed: "near:<file>#<n>" -> keep/skip/replace.
        choices = {key.removeprefix("near:"): value for key, value in request.POST.items() if key.startswith("near:")}
        try:
            # A worker imports it: the page answers at once, and the job's page follows the import.
            job = pending.queue(user=request.user, near_duplicate_choices=choices)
        finally:
            pending.discard()
        return HttpResponseRedirect(job.get_absolute_url())

    def render_import(self, request, form: SpeechImportForm, **context):
        context.setdefault("token", None)
        context.setdefault("limit_errors", [])
        context.update(
            self.admin_site.each_context(request),
            opts=self.opts,
            title="导入讲话",
            form=form,
            media=self.media + form.media,
        )
        return TemplateResponse(request, self.import_template, context)


def _megabytes(size: int) -> str:
    return f"{size / 1024 / 1024:.0f} MB"


class UploadLimits(FileUploadHandler):
    """Counts an import upload while it arrives, ahead of Django's own handlers, and stops storing it
    at the first limit it passes: a file larger than SPEECHES_MAX_FILE_BYTES, more files than
    SPEECHES_MAX_UPLOAD_FILES, or a request larger than those allow together (refused before any of
    it is read). The page then says which limit, as an error on the form."""

    def __init__(self, request=None):
        super().__init__(request)
        self.max_file = settings.SPEECHES_MAX_FILE_BYTES
        # Django refuses a request past its own limit with a bare 400: this stops one file before it.
        self.max_files = upload_file_limit()
        # Every file at its largest, and as much again for the pasted text and the other fields.
        self.max_request = self.max_file * (self.max_files + 1)
        self.files = 0
        self.received = 0
        self.too_large: list[str] = []
        self.too_many = False
        self.too_much = False

    def handle_raw_input(self, input_data, META, content_length, boundary, encoding=None):
        if content_length > self.max_request:
            self.too_much = True
            return QueryDict(encoding=encoding), MultiValueDict()  # the body is left unread
        return None

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.files += 1
        self.received = 0
        if self.files > self.max_files:
            # Read to the end without keeping anything, so the page can answer with the form.
            self.too_many = True
            raise StopUpload(connection_reset=False)

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.max_file:
            self.too_large.append(self.file_name)
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None  # the handlers after this one store the file

    def refused_unread(self, request) -> bool:
        request.POST  # noqa: B018 (reading it parses the body, through this handler)
        return self.too_much

    def too_much_message(self) -> str:
        return (
            f"上传内容过大：一次最多上传 {self.max_files} 个文件，每个不超过 {_megabytes(self.max_file)}，"
            f"合计不超过 {_megabytes(self.max_request)}。请分批上传。"
        )

    def text_too_long_message(self) -> str:
        size = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        most = f"最多 {_megabytes(size)}" if size and size >= 1024 * 1024 else f"最多 {size} 字节"
        return f"粘贴的文本过长（{most}），这次未导入任何内容：请保存为 .txt 文件后上传。"

    def too_many_message(self) -> str:
        return f"一次最多上传 {self.max_files} 个文件，这次选择的文件更多：请分批上传，未导入任何内容。"

    def problems(self) -> list[str]:
        found = []
        if self.too_many:
            found.append(self.too_many_message())
        found += [
            f"{name}：文件超过上限 {_megabytes(self.max_file)}，这次上传未导入任何内容。" for name in self.too_large
        ]
        return found


def preview_files(report_files: list[dict], manifest: dict | None = None) -> list[dict]:
    """What the import page shows per file, from the entries of a dry run's report (outcome_report):
    its error, or per speech everything the import would write, and how the place and year were found."""
    manifest = manifest or {}
    codes = [
        place["code"]
        for entry in report_files
        for speech in entry["speeches"]
        for place in (speech.get("city"), speech.get("county"), speech.get("province"))
        if place
    ]
    regions = Region.objects.in_bulk(codes, field_name="code")
    chosen_place = bool(manifest.get("city") or manifest.get("province"))

    def region(place: dict | None) -> Region | None:
        return regions.get(place["code"]) if place else None

    def shown(speech: dict, key: str) -> dict:
        city, county, province = (
            region(speech.get("city")),
            region(speech.get("county")),
            region(speech.get("province")),
        )
        commitments = [preview_commitment(number, item) for number, item in enumerate(speech["commitments"], 1)]
        return {
            "title": speech["title"],
            "city": city,
            "county": county,
            "province": province,
            "place_source": ("导入时填写" if chosen_place else "从文本中识别") if city or province else "",
            "year": speech.get("year"),
            "year_source": _year_source_label(speech.get("year_source")),
            "delivered_on": speech.get("delivered_on"),
            "speaker": speech.get("speaker") or "",
            "occasion": speech.get("occasion") or "",
            "topics": speech.get("topics") or [],
            "outline": speech.get("sections") or [],
            "section_count": _count_sections(speech.get("sections") or []),
            "commitments": commitments,
            "commitment_count": len(commitments),
            "kind_counts": [
                (label, count)
                for value, label in Commitment.Kind.choices
                if (count := sum(1 for item in commitments if item["kind"] == value))
            ],
            "duplicate": speech["duplicate"],
            "near_duplicates": speech.get("near_duplicates") or [],
            "choice_key": key,
        }

    return [
        {
            "name": entry["path"],
            "error": entry["error"],
            "speeches": [
                shown(speech, f"near:{entry['path']}#{position}") for position, speech in enumerate(entry["speeches"])
            ],
        }
        for entry in report_files
    ]


def _year_source_label(value: str | None) -> str:
    if not value:
        return ""
    try:
        return Speech.YearSource(value).label
    except ValueError:
        return value


def _count_sections(sections: list[dict]) -> int:
    return sum(1 + _count_sections(section.get("children") or []) for section in sections)


def _number(value) -> str:
    return f"{value:,}" if isinstance(value, int) else f"{value:,.6f}".rstrip("0").rstrip(".")


def amount_text(target: dict) -> str:
    """An amount of the report as staff read it: 700亿元以上, 4.5—5%."""
    value = _number(target["value"]) if target.get("value") is not None else ""
    if target.get("value_max") is not None:
        value += "—" + _number(target["value_max"])
    return f"{value}{target.get('unit') or ''}{target.get('qualifier') or ''}"


def preview_commitment(number: int, commitment: dict) -> dict:
    kind, strength = commitment["kind"], commitment["strength"]
    deadline = commitment.get("deadline") or {}
    return {
        "number": number,
        "text": commitment["text"],
        "kind": kind,
        "kind_label": Commitment.Kind(kind).label if kind in Commitment.Kind.values else kind,
        "strength_label": Commitment.Strength(strength).label if strength in Commitment.Strength.values else strength,
        "amounts": [amount_text(target) for target in commitment.get("targets") or []],
        "deadline": deadline.get("text") or "",
        "responsible": commitment.get("responsible") or "",
        "section": " › ".join(commitment.get("section_path") or []),
    }


@dataclass
class PendingImport:
    """Uploaded bytes kept on the server between preview and confirm, found again by a random token.

    The browser only ever sends the token back, so a confirm cannot point the import at another file.
    """

    token: str
    folder: Path
    manifest: dict

    # None: settings.SPEECHES_PREVIEW_DIR, a folder of this deployment's own (never a fixed name
    # in the shared temporary folder, which another account on the machine could make first).
    ROOT: Path | None = None
    TOKEN = re.compile(r"[A-Za-z0-9_-]{32}")
    PASTED = "pasted.txt"
    # A preview is confirmed within minutes; what waits longer was abandoned, and holds uploads.
    MAX_AGE_SECONDS = 3600

    @classmethod
    def root(cls) -> Path:
        return cls.ROOT or Path(settings.SPEECHES_PREVIEW_DIR)

    @classmethod
    def create(cls, user, cleaned_data: dict) -> PendingImport:
        cls.sweep()
        token = secrets.token_urlsafe(24)
        cls.root().mkdir(parents=True, mode=0o700, exist_ok=True)
        folder = cls.root() / token
        folder.mkdir(mode=0o700)
        names = []
        size = documents = 0
        for number, upload in enumerate(cleaned_data["files"]):
            with open(folder / f"{number}.upload", "wb") as stored:
                for chunk in upload.chunks():
                    stored.write(chunk)
                    size += len(chunk)
            names.append(upload.name)
            documents += _documents_in(folder / f"{number}.upload", upload.name)
        text = cleaned_data.get("text", "")
        if text.strip():
            (folder / cls.PASTED).write_text(text, encoding="utf-8")
            size += len(text.encode("utf-8"))
            documents += 1
        city, province = cleaned_data.get("city"), cleaned_data.get("province")
        manifest = {
            "user": user.pk,
            "files": names,
            "pasted": bool(text.strip()),
            "city": city.pk if city else None,
            "province": province.pk if province else None,
            "year": cleaned_data.get("year"),
            "bytes": size,
            "documents": documents,
        }
        (folder / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        return cls(token, folder, manifest)

    @classmethod
    def claim(cls, token: str, user) -> PendingImport | None:
        """The upload this user previewed under the token, taken so that no second confirm can import it too."""
        if not cls.TOKEN.fullmatch(token):
            return None
        folder = cls.root() / token
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
            if manifest.get("user") != user.pk:
                return None
            claimed = folder.rename(cls.root() / f"{token}.claimed")
        except (OSError, ValueError):
            return None
        return cls(token, claimed, manifest)

    @classmethod
    def find(cls, token: str, user) -> PendingImport | None:
        """The upload this user previewed under the token, left in place (its preview is still shown)."""
        if not cls.TOKEN.fullmatch(token):
            return None
        folder = cls.root() / token
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return cls(token, folder, manifest) if manifest.get("user") == user.pk else None

    @classmethod
    def forget(cls, token: str, user) -> None:
        """Remove a preview of this user's that will not be confirmed (cancelled, or uploaded anew)."""
        pending = cls.claim(token, user)
        if pending is not None:
            pending.discard()

    @classmethod
    def sweep(cls) -> None:
        """Forget previews nobody confirmed."""
        if not cls.root().is_dir():
            return
        too_old = time.time() - cls.MAX_AGE_SECONDS
        for folder in cls.root().iterdir():
            try:
                stale = folder.stat().st_mtime < too_old
            except FileNotFoundError:  # another request swept or confirmed it meanwhile
                continue
            if stale:
                cls(folder.name, folder, _manifest_of(folder)).discard()

    @property
    def options(self) -> ImportOptions:
        regions = Region.objects.in_bulk([pk for pk in (self.manifest["city"], self.manifest["province"]) if pk])
        return ImportOptions(
            city=regions.get(self.manifest["city"]),
            province=regions.get(self.manifest["province"]),
            year=self.manifest["year"],
        )

    def run(
        self, *, dry_run: bool, user=None, near_duplicate_choices: dict[str, str] | None = None
    ) -> list[FileOutcome]:
        options = self.options
        options.dry_run = dry_run
        options.user = user
        options.near_duplicate_choices = near_duplicate_choices or {}
        outcomes = []
        for number, name in enumerate(self.manifest["files"]):
            outcomes.extend(import_upload(name, (self.folder / f"{number}.upload").read_bytes(), options))
        if self.manifest["pasted"]:
            text = (self.folder / self.PASTED).read_text(encoding="utf-8")
            outcomes.append(import_pasted_text(text, options, name=PASTED_NAME))
        return outcomes

    def queue(self, *, user, near_duplicate_choices: dict[str, str] | None = None, dry_run: bool = False) -> ImportJob:
        """An import job of exactly what was previewed; the job keeps its own copy of the files."""
        options = self.options
        options.user = user
        options.dry_run = dry_run
        options.near_duplicate_choices = near_duplicate_choices or {}
        files = [
            (name, (self.folder / f"{number}.upload").read_bytes())
            for number, name in enumerate(self.manifest["files"])
        ]
        if self.manifest["pasted"]:
            files.append((PASTED_NAME, (self.folder / self.PASTED).read_bytes()))
        return queue_import(files, options)

    def is_big(self) -> bool:
        """Too much to preview within the request: a worker makes the preview instead."""
        return (
            self.manifest.get("documents", 0) > settings.SPEECHES_PREVIEW_JOB_FILES
            or self.manifest.get("bytes", 0) > settings.SPEECHES_PREVIEW_JOB_BYTES
        )

    def queue_preview(self, *, user) -> ImportJob:
        """A dry-run job over the upload; its id is kept with the upload, for the preview's page."""
        job = self.queue(user=user, dry_run=True)
        self.manifest["preview_job"] = job.pk
        (self.folder / "manifest.json").write_text(json.dumps(self.manifest), encoding="utf-8")
        return job

    def preview_job(self) -> ImportJob | None:
        job_id = self.manifest.get("preview_job")
        return ImportJob.objects.with_progress().filter(pk=job_id).first() if job_id else None

    def discard(self) -> None:
        shutil.rmtree(self.folder, ignore_errors=True)
        if self.manifest.get("preview_job"):
            # The dry run's copy of the files goes with the upload; what it found was shown.
            ImportJob.objects.filter(pk=self.manifest["preview_job"]).delete()


def _manifest_of(folder: Path) -> dict:
    try:
        return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def _documents_in(path: Path, name: str) -> int:
    """How many documents an uploaded file holds: a zip's members, any other file one."""
    if not zipfile.is_zipfile(path) or name.lower().endswith(".docx"):
        return 1
    try:
        with zipfile.ZipFile(path) as archive:
            return sum(1 for info in archive.infolist() if not info.is_dir()) or 1
    except (zipfile.BadZipFile, OSError, ValueError):
        return 1  # the import reports it unreadable


class TargetInline(admin.TabularInline):
    model = Target
    fields = ("position", "text", "value", "value_max", "unit", "qualifier")
    extra = 0


@admin.register(Commitment)
class CommitmentAdmin(admin.ModelAdmin):
    list_display = ("short_text", "speech", "kind", "strength", "responsible", "deadline_text", "topic", "edited")
    list_filter = (
        "kind",
        "strength",
        "edited",
        "topic",
        "speech__year",
        ("speech__province", admin.RelatedOnlyFieldListFilter),
    )
    search_fields = ("text", "responsible", "deadline_text", "speech__title")
    list_select_related = ("speech", "topic")
    autocomplete_fields = ("speech",)
    fieldsets = (
        (None, {"fields": ("speech", "section", "position", "text")}),
        ("抽取结果", {"fields": ("kind", "strength", "responsible", "topic")}),
        ("时限", {"fields": ("deadline_text", ("deadline_year", "deadline_month", "deadline_day"))}),
        (None, {"fields": ("edited",)}),
    )
    inlines = (TargetInline,)

    @admin.display(description="内容", ordering="text")
    def short_text(self, commitment: Commitment) -> str:
        return commitment.text if len(commitment.text) <= 80 else commitment.text[:80] + "…"

    def get_readonly_fields(self, request, obj=None):
        # A commitment belongs to the speech it was said in; it never moves to another.
        return ("speech",) if obj else ()

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "section" in form.base_fields:
            # Offer the sections of this speech only, not every section in the archive.
            sections = Section.objects.filter(speech=obj.speech) if obj else Section.objects.none()
            form.base_fields["section"].queryset = sections
        return form

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Unticking 人工修改 alone hands the commitment back to re-extraction; any other change is a correction.
        corrected = (
            not change
            or any(name != "edited" for name in form.changed_data)
            or any(formset.has_changed() for formset in formsets)
        )
        if corrected and not form.instance.edited:
            form.instance.edited = True
            Commitment.objects.filter(pk=form.instance.pk).update(edited=True)


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ("__str__", "speech", "level", "position")
    list_filter = ("level",)
    search_fields = ("marker", "heading", "speech__title")
    list_select_related = ("speech",)
    autocomplete_fields = ("speech",)
    raw_id_fields = ("parent",)


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ("__str__", "value", "value_max", "unit", "qualifier", "commitment")
    list_filter = ("unit", "qualifier")
    search_fields = ("text", "unit", "commitment__text", "commitment__speech__title")
    list_select_related = ("commitment",)
    autocomplete_fields = ("commitment",)

    # A corrected amount is a corrected commitment: keep it on re-extraction.
    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        Commitment.objects.filter(pk=obj.commitment_id).update(edited=True)

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        Commitment.objects.filter(pk=obj.commitment_id).update(edited=True)

    def delete_queryset(self, request, queryset):
        commitment_ids = list(queryset.values_list("commitment_id", flat=True))
        super().delete_queryset(request, queryset)
        Commitment.objects.filter(pk__in=commitment_ids).update(edited=True)


# Models registered in modules of their own: import jobs, the ledger.
from . import jobs_admin, ledger_admin  # noqa: E402, F401
