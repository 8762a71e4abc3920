"""The promise ledger: the results reports state, and each target beside the result it is judged by.

Indicators are the taxonomy's (speeches/data/indicators.toml), named by slug here: the file is
the one place they are defined, so a row never disagrees with it.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Count, Q

from ..parsing.indicators import Indicator, indicators_by_slug
from ..parsing.ledger import MET, MISSED, PARTLY, PENDING, UNCLEAR
from . import Commitment, Region, Section, Speech


def place_filter(region: Region | None, prefix: str = "speech__") -> Q:
    """The rows of exactly one place: a province's own reports, a city's (not its counties'), a
    county's; None is the national level, the texts placed in no province."""
    if region is None:
        return Q(**{f"{prefix}province": None})
    if region.level == Region.Level.PROVINCE:
        return Q(**{f"{prefix}province": region, f"{prefix}city": None})
    if region.level == Region.Level.COUNTY:
        return Q(**{f"{prefix}county": region})
    return Q(**{f"{prefix}city": region, f"{prefix}county": None})


def place_of(speech: Speech) -> Region | None:
    """The place a speech speaks for, at its own level (None: national)."""
    return speech.county or speech.city or speech.province


class OutcomeQuerySet(models.QuerySet):
    def of_place(self, region: Region | None) -> OutcomeQuerySet:
        return self.filter(place_filter(region))


class Outcome(models.Model):
    """A quantified result a report states (国内生产总值增长6.9%), for the year it describes."""

    speech = models.ForeignKey(Speech, on_delete=models.CASCADE, related_name="outcomes")
    section = models.ForeignKey(Section, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    paragraph = models.PositiveIntegerField("段落", default=1)
    position = models.PositiveIntegerField()
    indicator = models.CharField("指标", max_length=40, db_index=True)
    year = models.PositiveSmallIntegerField("所述年份", db_index=True)
    value = models.DecimalField("数值", max_digits=24, decimal_places=6)
    unit = models.CharField("单位", max_length=20)
    amount_text = models.CharField("原文数额", max_length=100, blank=True)
    text = models.TextField("原句")

    objects = OutcomeQuerySet.as_manager()

    class Meta:
        ordering = ["speech", "position"]
        verbose_name = verbose_name_plural = "实际结果"

    def __str__(self) -> str:
        return f"{self.year}年 {self.indicator_name} {self.amount_text or self.value}"

    def get_absolute_url(self) -> str:
        # The paragraph that states it, as the speech page numbers them (p-<section>-<n>).
        anchor = f"#p-{self.section_id}-{self.paragraph}" if self.section_id else ""
        return f"{self.speech.get_absolute_url()}{anchor}"

    @property
    def indicator_info(self) -> Indicator | None:
        return indicators_by_slug().get(self.indicator)

    @property
    def indicator_name(self) -> str:
        info = self.indicator_info
        return info.name if info else self.indicator


class LedgerEntryQuerySet(models.QuerySet):
    def of_place(self, region: Region | None) -> LedgerEntryQuerySet:
        return self.filter(place_filter(region))

    def for_listing(self) -> LedgerEntryQuerySet:
        return self.select_related(
            "speech__province", "speech__city", "speech__county", "commitment", "outcome__speech"
        ).defer(
            "speech__text",
            "speech__original_text",
            "speech__search_title",
            "speech__search_text",
            "speech__search_folded",
            "commitment__search_text",
            "commitment__search_sequence",
            "commitment__search_targets",
            "commitment__search_folded",
            "outcome__speech__text",
            "outcome__speech__original_text",
            "outcome__speech__search_title",
            "outcome__speech__search_text",
            "outcome__speech__search_folded",
        )

    def by_year(self) -> LedgerEntryQuerySet:
        return self.order_by("target_year", "indicator", "speech", "commitment__position", "target_position")

    def status_counts(self):
        """Entries per target year and status, oldest year first."""
        return self.order_by().values("target_year", "status").annotate(count=Count("pk")).order_by("target_year")


class LedgerEntry(models.Model):
    """One target of a place for one year, with the result it is judged by and its status."""

    class Status(models.TextChoices):
        MET = MET, "已完成"
        MISSED = MISSED, "未完成"
        PARTLY = PARTLY, "部分完成"
        UNCLEAR = UNCLEAR, "无法判断"
        PENDING = PENDING, "待下一年报告"

    speech = models.ForeignKey(Speech, on_delete=models.CASCADE, related_name="ledger_entries")
    # The commitment and the place of its amount (Target.position): both outlive re-extraction,
    # which keeps a commitment's id and rewrites its amounts, so staff corrections stay attached.
    commitment = models.ForeignKey(Commitment, on_delete=models.CASCADE, related_name="ledger_entries")
    target_position = models.PositiveSmallIntegerField(default=0)
    indicator = models.CharField("指标", max_length=40, db_index=True)
    target_year = models.PositiveSmallIntegerField("目标年份", db_index=True)
    value = models.DecimalField("目标值", max_digits=24, decimal_places=6)
    value_max = models.DecimalField("目标上限", max_digits=24, decimal_places=6, null=True, blank=True)
    unit = models.CharField("单位", max_length=20)
    qualifier = models.CharField("限定词", max_length=10, blank=True)
    text = models.CharField("目标原文", max_length=100, blank=True)
    outcome = models.ForeignKey(
        Outcome, verbose_name="实际结果", null=True, blank=True, on_delete=models.SET_NULL, related_name="entries"
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, db_index=True)
    explanation = models.CharField("说明", max_length=200, blank=True)
    # Set when staff corrected the link or the status; re-extraction and new imports leave it be.
    edited = models.BooleanField("人工修改", default=False)

    objects = LedgerEntryQuerySet.as_manager()

    class Meta:
        ordering = ["target_year", "indicator", "speech", "target_position"]
        constraints = [
            models.UniqueConstraint(fields=["commitment", "target_position"], name="ledger_entry_target_unique")
        ]
        verbose_name = verbose_name_plural = "目标台账"

    def __str__(self) -> str:
        return f"{self.target_year}年 {self.indicator_name} {self.text}"

    def get_absolute_url(self) -> str:
        return self.commitment.get_absolute_url()

    @property
    def indicator_info(self) -> Indicator | None:
        return indicators_by_slug().get(self.indicator)

    @property
    def indicator_name(self) -> str:
        info = self.indicator_info
        return info.name if info else self.indicator
