"""The archive's records: places, topics, speeches with their outline, and commitments."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Count, F, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse


class Region(models.Model):
    """An administrative division of China, keyed by its GB/T 2260 code."""

    class Level(models.IntegerChoices):
        PROVINCE = 1, "省级"
        CITY = 2, "地级"
        COUNTY = 3, "县级"

    code = models.CharField("区划代码", max_length=6, unique=True)
    name = models.CharField("全称", max_length=64)
    short_name = models.CharField("简称", max_length=32, db_index=True)
    level = models.PositiveSmallIntegerField("级别", choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "行政区划"

    def __str__(self) -> str:
        return self.name

    @property
    def province(self) -> Region:
        region = self
        while region.parent_id is not None:
            region = region.parent
        return region


class Topic(models.Model):
    """A policy area of the taxonomy; its keywords are the evidence extraction weighs."""

    slug = models.SlugField(unique=True)
    name = models.CharField("名称", max_length=32, unique=True)
    keywords = models.TextField("关键词", blank=True, help_text="以空格分隔")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "name"]
        verbose_name = verbose_name_plural = "主题"

    def __str__(self) -> str:
        return self.name


class SpeechQuerySet(models.QuerySet):
    def in_region(self, region: Region) -> SpeechQuerySet:
        """Speeches placed in the region or anywhere below it: a city holds its districts' and counties'."""
        if region.level == Region.Level.PROVINCE:
            return self.filter(province=region)
        if region.level == Region.Level.COUNTY:
            return self.filter(county=region)
        return self.filter(city=region)

    def with_counts(self) -> SpeechQuerySet:
        # A subquery, not Count over a join: grouping by a speech's columns would group by its full
        # texts (SQLite), and a join would multiply rows beside a search's full-text join.
        counted = (
            Commitment.objects.filter(speech=OuterRef("pk")).order_by().values("speech").annotate(number=Count("pk"))
        )
        return self.annotate(
            commitment_count=Coalesce(Subquery(counted.values("number"), output_field=IntegerField()), 0)
        )

    def for_listing(self) -> SpeechQuerySet:
        return self.select_related("city", "county", "province", "primary_topic").with_counts()

    # A speech's long texts: lists show titles and places, the reading page the sections.
    LONG_TEXTS = ("original_text", "search_title", "search_text", "search_folded")

    def without_text(self) -> SpeechQuerySet:
        return self.defer("text", *self.LONG_TEXTS)

    def for_reading(self) -> SpeechQuerySet:
        return self.select_related("city", "county", "province", "primary_topic").defer(*self.LONG_TEXTS)

    def by_date(self) -> SpeechQuerySet:
        """Newest first; a speech whose year or date is unknown comes after the dated ones."""
        return self.order_by(F("year").desc(nulls_last=True), F("delivered_on").desc(nulls_last=True), "-pk")

    def place_counts(self):
        """Speeches per province and city (city None: placed in the province only), in code order."""
        return (
            self.exclude(province=None)
            .values("province__code", "province__name", "city__code", "city__name")
            .annotate(speech_count=Count("pk"))
            .order_by("province__code", "city__code")
        )

    def topic_counts(self):
        return (
            self.exclude(topics=None)
            .values("topics__slug", "topics__name")
            .annotate(speech_count=Count("pk", distinct=True))
            .order_by("topics__position", "topics__slug")
        )

    def year_counts(self):
        return self.exclude(year=None).values("year").annotate(speech_count=Count("pk")).order_by("-year")


class Speech(models.Model):
    class YearSource(models.TextChoices):
        """Where the year was read; staff see it beside the year in the admin."""

        DATE_LINE = "date", "讲话日期"
        TITLE = "title", "标题或题头"
        CONGRESS = "congress", "人民代表大会届次"
        PLAN = "plan", "今年的工作安排"
        REVIEW = "review", "上一年的工作回顾"
        TERM_REVIEW = "term", "五年工作回顾或五年规划"
        PARTY = "party", "党的代表大会或全会届次"
        OPENING = "opening", "开头的日期"
        STAFF = "staff", "人工填写"

    title = models.CharField("标题", max_length=300)
    # The prefecture-level city; a district's or county's speech also names its county below.
    city = models.ForeignKey(
        Region, verbose_name="城市", null=True, blank=True, on_delete=models.PROTECT, related_name="city_speeches"
    )
    county = models.ForeignKey(
        Region,
        verbose_name="区县",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="county_speeches",
    )
    province = models.ForeignKey(
        Region,
        verbose_name="省份",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="province_speeches",
    )
    year = models.PositiveSmallIntegerField("年份", null=True, blank=True, db_index=True)
    year_source = models.CharField("年份依据", max_length=10, choices=YearSource.choices, blank=True)
    delivered_on = models.DateField("讲话日期", null=True, blank=True)
    speaker = models.CharField("讲话人", max_length=100, blank=True)
    occasion = models.CharField("场合", max_length=300, blank=True)
    primary_topic = models.ForeignKey(
        Topic, verbose_name="主要主题", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    topics = models.ManyToManyField(Topic, verbose_name="主题", blank=True, related_name="speeches")
    source_name = models.CharField("来源文件", max_length=255, blank=True)
    # Where the text was published, filled in by staff: the page it was taken from, who put it out, when.
    source_url = models.URLField("来源网址", max_length=500, blank=True)
    publisher = models.CharField("发布机构", max_length=200, blank=True)
    published_on = models.DateField("发布日期", null=True, blank=True)
    original_text = models.TextField("原文")
    text = models.TextField("规范化文本")
    content_hash = models.CharField("内容哈希", max_length=64, unique=True, editable=False)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="导入人", null=True, blank=True, on_delete=models.SET_NULL
    )
    # Names of the extracted fields staff corrected; re-extraction leaves them alone.
    edited_fields = models.JSONField("人工修改的字段", default=list, blank=True)
    # The indexed form for full-text search (speeches/search.py), recomputed on every save.
    search_title = models.TextField(default="", blank=True, editable=False)
    search_text = models.TextField(default="", blank=True, editable=False)
    search_folded = models.TextField(default="", blank=True, editable=False)

    objects = SpeechQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-delivered_on", "-id"]
        verbose_name = verbose_name_plural = "讲话"

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        from speeches.search.text import speech_search_fields

        update_fields = kwargs.get("update_fields")
        if update_fields is None or {"title", "text"} & set(update_fields):
            fields = speech_search_fields(self.title, self.text)
            for name, value in fields.items():
                setattr(self, name, value)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *fields}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("speech-detail", args=[self.pk])


class Section(models.Model):
    """A node of a speech's outline; `position` orders all sections of a speech as read."""

    speech = models.ForeignKey(Speech, on_delete=models.CASCADE, related_name="sections")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    position = models.PositiveIntegerField()
    level = models.PositiveSmallIntegerField()
    marker = models.CharField(max_length=20, blank=True)
    heading = models.CharField(max_length=500, blank=True)
    text = models.TextField(blank=True)

    class Meta:
        ordering = ["speech", "position"]
        constraints = [models.UniqueConstraint(fields=["speech", "position"], name="section_position_unique")]
        verbose_name = verbose_name_plural = "章节"

    def __str__(self) -> str:
        return f"{self.marker}{self.heading}".strip() or f"第{self.position + 1}节"


class CommitmentQuerySet(models.QuerySet):
    def in_region(self, region: Region) -> CommitmentQuerySet:
        if region.level == Region.Level.PROVINCE:
            return self.filter(speech__province=region)
        if region.level == Region.Level.COUNTY:
            return self.filter(speech__county=region)
        return self.filter(speech__city=region)

    def with_amounts(self) -> CommitmentQuerySet:
        return self.filter(kind=Commitment.Kind.TARGET)

    def due_between(self, year: int, first_month: int, last_month: int) -> CommitmentQuerySet:
        return self.filter(deadline_year=year, deadline_month__gte=first_month, deadline_month__lte=last_month)

    def for_reading(self) -> CommitmentQuerySet:
        """A speech's commitments as its page marks them: with their amounts, without the search index."""
        return self.defer("search_text", "search_sequence", "search_targets", "search_folded").prefetch_related(
            "targets"
        )

    def for_listing(self) -> CommitmentQuerySet:
        """With what a list shows beside each commitment: its speech's title, place and year, and its amounts."""
        return (
            self.select_related("speech__city", "speech__province", "topic")
            .defer(
                "search_text",
                "search_sequence",
                "search_targets",
                *(f"speech__{name}" for name in ("text", *SpeechQuerySet.LONG_TEXTS)),
            )
            .prefetch_related("targets")
        )

    def by_speech_date(self) -> CommitmentQuerySet:
        return self.order_by(
            F("speech__year").desc(nulls_last=True),
            F("speech__delivered_on").desc(nulls_last=True),
            "speech",
            "position",
        )

    def topic_counts(self):
        return (
            self.exclude(topic=None)
            .values("topic__slug", "topic__name")
            .annotate(commitment_count=Count("pk"))
            .order_by("topic__position", "topic__slug")
        )

    def year_counts(self):
        return (
            self.exclude(speech__year=None)
            .values("speech__year")
            .annotate(commitment_count=Count("pk"))
            .order_by("speech__year")
        )


class Commitment(models.Model):
    """What a government pledged in one clause or sentence of a speech."""

    class Kind(models.TextChoices):
        TARGET = "target", "目标"
        DEADLINE = "deadline", "时限"
        ACTION = "action", "举措"

    class Strength(models.TextChoices):
        BINDING = "binding", "约束性"
        PLANNED = "planned", "计划性"
        ASPIRATIONAL = "aspirational", "争取性"

    speech = models.ForeignKey(Speech, on_delete=models.CASCADE, related_name="commitments")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments")
    position = models.PositiveIntegerField()
    text = models.TextField("内容")
    kind = models.CharField("类型", max_length=10, choices=Kind.choices, db_index=True)
    strength = models.CharField("约束程度", max_length=12, choices=Strength.choices, db_index=True)
    responsible = models.CharField("责任主体", max_length=200, blank=True)
    deadline_text = models.CharField("时限", max_length=100, blank=True)
    deadline_year = models.PositiveSmallIntegerField(null=True, blank=True)
    deadline_month = models.PositiveSmallIntegerField(null=True, blank=True)
    deadline_day = models.PositiveSmallIntegerField(null=True, blank=True)
    topic = models.ForeignKey(Topic, null=True, blank=True, on_delete=models.SET_NULL, related_name="commitments")
    # Set when staff corrected this commitment; re-extraction then keeps it as it is.
    edited = models.BooleanField("人工修改", default=False)
    # The indexed form for full-text search (speeches/search.py): filled on save() and by the
    # import's bulk_create; search_targets (its amounts as written) ranks matches there higher,
    # search_sequence (its character pairs in order) proves a longer term occurs.
    search_text = models.TextField(default="", blank=True, editable=False)
    search_sequence = models.TextField(default="", blank=True, editable=False)
    search_targets = models.TextField(default="", blank=True, editable=False)
    search_folded = models.TextField(default="", blank=True, editable=False)

    objects = CommitmentQuerySet.as_manager()

    class Meta:
        ordering = ["speech", "position"]
        verbose_name = verbose_name_plural = "承诺"

    def __str__(self) -> str:
        return self.text[:60]

    def save(self, *args, **kwargs):
        from speeches.search.text import commitment_search_fields

        update_fields = kwargs.get("update_fields")
        if update_fields is None or "text" in update_fields:
            targets = self.targets.values_list("text", flat=True) if self.pk else ()
            fields = commitment_search_fields(self.text, targets)
            for name, value in fields.items():
                setattr(self, name, value)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, *fields}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return f"{self.speech.get_absolute_url()}#c-{self.pk}"

    def refresh_search_targets(self) -> None:
        """After its amounts changed: a match in them ranks higher."""
        from speeches.search.text import targets_search_text

        self.search_targets = targets_search_text(self.targets.values_list("text", flat=True))
        Commitment.objects.filter(pk=self.pk).update(search_targets=self.search_targets)


class Target(models.Model):
    """An amount within a commitment: 700亿元以上, 4.5%—5%."""

    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="targets")
    position = models.PositiveSmallIntegerField(default=0)
    value = models.DecimalField(max_digits=24, decimal_places=6)
    value_max = models.DecimalField(max_digits=24, decimal_places=6, null=True, blank=True)
    unit = models.CharField(max_length=20, blank=True)
    qualifier = models.CharField(max_length=10, blank=True)
    text = models.CharField("原文", max_length=100, blank=True)

    class Meta:
        ordering = ["commitment", "position"]
        verbose_name = verbose_name_plural = "目标数额"

    def __str__(self) -> str:
        return self.text or f"{self.value}{self.unit}{self.qualifier}"

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        self.commitment.refresh_search_targets()

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        self.commitment.refresh_search_targets()
        return result


from .alerts import Alert  # noqa: E402, F401
from .jobs import ImportJob, ImportJobFile  # noqa: E402, F401
from .ledger import LedgerEntry, Outcome  # noqa: E402, F401
from .reuse import PassageFingerprint, SignatureBand, SimilarSpeech, SpeechSignature  # noqa: E402, F401
