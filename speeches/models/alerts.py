"""E-mail alerts: an address following a commitment or speech search, served a digest of what is new.

An alert is written when someone asks for it and sends nothing until the address confirms it
(double opt-in). Each digest lists what was imported after `served_until` and moves it on, so a
row is never listed twice and an archive that got nothing new sends nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.db import models
from django.db.models import Q
from django.utils import timezone


class AlertQuerySet(models.QuerySet):
    def confirmed(self) -> AlertQuerySet:
        return self.exclude(confirmed_at=None)

    def unconfirmed(self) -> AlertQuerySet:
        return self.filter(confirmed_at=None)

    def of_address(self, email: str) -> AlertQuerySet:
        return self.filter(email=Alert.normalize_email(email))

    def due(self, now: datetime) -> AlertQuerySet:
        """Confirmed alerts whose digest is due: daily ones last served before today began, weekly
        ones before this week (Monday) began, in the archive's time zone. Counted in calendar days,
        not 24 hours, so a daily run a few minutes earlier than yesterday's still sends."""
        today = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
        this_week = today - timedelta(days=today.weekday())
        return self.confirmed().filter(
            Q(frequency=Alert.Frequency.DAILY, served_until__lt=today)
            | Q(frequency=Alert.Frequency.WEEKLY, served_until__lt=this_week)
        )

    def pending(self, now: datetime) -> AlertQuerySet:
        """Confirmed alerts that could have something new by `now`, due or not (`send_alerts --now`)."""
        return self.confirmed().filter(served_until__lt=now)


class Alert(models.Model):
    class Search(models.TextChoices):
        COMMITMENTS = "commitments", "承诺检索"
        SPEECHES = "speeches", "讲话检索"

    class Frequency(models.TextChoices):
        DAILY = "daily", "每天"
        WEEKLY = "weekly", "每周"

    email = models.EmailField("邮箱地址")
    search = models.CharField("检索", max_length=12, choices=Search.choices, default=Search.COMMITMENTS)
    # The search's parameters, normalised (known ones only, in a fixed order, urlencoded), so the
    # same search asked for twice is the same alert.
    query = models.CharField("检索条件", max_length=2000, blank=True)
    frequency = models.CharField("频率", max_length=6, choices=Frequency.choices, default=Frequency.DAILY)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    confirmed_at = models.DateTimeField("确认时间", null=True, blank=True)
    # Speeches imported after this have not been in a digest yet; set when the alert is confirmed.
    served_until = models.DateTimeField("已发送至", null=True, blank=True)

    objects = AlertQuerySet.as_manager()

    class Meta:
        ordering = ["email", "created_at", "pk"]
        verbose_name = verbose_name_plural = "邮件提醒"
        constraints = [
            models.UniqueConstraint(fields=["email", "search", "query"], name="one_alert_per_address_and_search")
        ]

    def __str__(self) -> str:
        return f"{self.email} · {self.get_search_display()} {self.query}"

    @staticmethod
    def normalize_email(email: str) -> str:
        # One address, however it is typed, so its alerts, its manage page and its throttle agree.
        return email.strip().lower()

    def confirm(self, frequency: str, now: datetime | None = None) -> None:
        """Confirmed once, from then on served what is imported; confirming again keeps its place."""
        now = now or timezone.now()
        self.frequency = frequency
        if self.confirmed_at is None:
            self.confirmed_at = self.served_until = now
        self.save(update_fields=["frequency", "confirmed_at", "served_until"])
