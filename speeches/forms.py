"""Forms of the archive's staff pages: the admin import page."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin

from .models import Region

IMPORTABLE_SUFFIXES = (".txt", ".zip", ".docx", ".pdf")


def upload_file_limit() -> int:
    """The most files one upload may hold: SPEECHES_MAX_UPLOAD_FILES, and one fewer than Django's
    own DATA_UPLOAD_MAX_NUMBER_FILES (past which Django refuses the request before the page sees it)."""
    most = settings.SPEECHES_MAX_UPLOAD_FILES
    if settings.DATA_UPLOAD_MAX_NUMBER_FILES is not None:
        most = min(most, settings.DATA_UPLOAD_MAX_NUMBER_FILES - 1)
    return max(0, most)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """A file field that takes several files at once and cleans to a list."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ",".join(IMPORTABLE_SUFFIXES)}))
        # An empty file is reported per file by the import, so the other files of the upload still go through.
        kwargs.setdefault("allow_empty_file", True)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        clean_one = super().clean
        if isinstance(data, list | tuple):
            return [clean_one(item, initial) for item in data if item]
        return [clean_one(data, initial)] if data else []


class SpeechImportForm(forms.Form):
    """Files or pasted text to import, and where and when the speeches belong if the text does not say."""

    files = MultipleFileField(
        label="文件",
        required=False,
        help_text="可多选；支持 .txt 文本文件、Word 文档（.docx）、带文字层的 PDF，以及包含这些文件的 .zip 压缩包。旧版 .doc 和 .wps 请先另存为 .docx；扫描版 PDF 请先做文字识别（OCR）。",
    )
    text = forms.CharField(
        label="粘贴文本",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8, "cols": 80}),
        help_text="也可以直接粘贴讲话全文。",
    )
    city = forms.ModelChoiceField(
        label="城市",
        queryset=Region.objects.filter(level=Region.Level.CITY),
        required=False,
        help_text="填写则以此为准；留空则从文本中识别。",
    )
    province = forms.ModelChoiceField(
        label="省份",
        queryset=Region.objects.filter(level=Region.Level.PROVINCE),
        required=False,
        help_text="填写则以此为准；留空则从文本或城市推断。",
    )
    year = forms.IntegerField(
        label="年份", required=False, min_value=1949, max_value=2100, help_text="填写则以此为准；留空则从文本中识别。"
    )

    def __init__(self, *args, admin_site=admin.site, **kwargs):
        super().__init__(*args, **kwargs)
        # Plain selects, which any browser, keyboard and screen reader handles without script: the
        # 34 provinces, and the 330-odd prefecture-level cities grouped under their provinces.
        cities = Region.objects.filter(level=Region.Level.CITY).select_related("parent").order_by("code")
        grouped: dict[str, list] = {}
        for city in cities:
            grouped.setdefault(city.parent.name if city.parent else "其他", []).append((city.pk, city.name))
        self.fields["city"].widget.choices = [("", "（从文本中识别）"), *grouped.items()]
        provinces = Region.objects.filter(level=Region.Level.PROVINCE).order_by("code").values_list("pk", "name")
        self.fields["province"].widget.choices = [("", "（从文本或城市推断）"), *provinces]
        size = settings.SPEECHES_MAX_FILE_BYTES / 1024 / 1024
        self.fields["files"].help_text += f"一次最多 {upload_file_limit()} 个文件，每个不超过 {size:.0f} MB。"

    def clean_files(self) -> list:
        files = self.cleaned_data["files"]
        for upload in files:
            if upload.name.lower().endswith((".doc", ".wps")):
                raise forms.ValidationError(f"{upload.name}：旧版 Word（.doc）和 WPS 文档请另存为 .docx 后再导入。")
            if not upload.name.lower().endswith(IMPORTABLE_SUFFIXES):
                raise forms.ValidationError(f"{upload.name}：只能导入 .txt、.docx、.pdf 或 .zip 文件。")
        return files

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not cleaned.get("files") and not cleaned.get("text", "").strip():
            raise forms.ValidationError("请选择文件或粘贴讲话文本。")
        city, province = cleaned.get("city"), cleaned.get("province")
        if city and province and city.province != province:
            self.add_error("city", f"{city}不属于{province}。")
        return cleaned
