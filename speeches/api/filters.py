"""The API's filters: the site's own FilterSets, made strict.

The pages quietly leave out a value they cannot use (a malformed year, an unknown kind), so a
hand-edited link still shows a page. An API client is better told: here the same filters answer
such a value with 400 and a message, and an unknown city, province or topic is refused too,
rather than matching nothing. The filtering itself is the site's: these classes only add checks.
"""

from __future__ import annotations

import copy
import re

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Case, F, Func, IntegerField, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce

from ..filters import CommitmentFilter, SpeechFilter
from ..models import Commitment, Region, Speech, Topic

REGION_CODE = re.compile(r"[0-9]{6}")
SLUG = re.compile(r"[-a-zA-Z0-9_]+")
CITY_LEVELS = (Region.Level.CITY, Region.Level.COUNTY)
LEVELS = {"province": Region.Level.PROVINCE, "city": Region.Level.CITY, "county": Region.Level.COUNTY}


def known_region(levels: tuple[int, ...], noun: str):
    def validate(code: str) -> None:
        # The form checks the code before asking the database (which may refuse, say, a NUL in it).
        if not REGION_CODE.fullmatch(code):
            raise ValidationError(f"{noun}须为六位行政区划代码，见 /api/regions/。", code="invalid")
        if not Region.objects.filter(code=code, level__in=levels).exists():
            raise ValidationError(f"没有代码为 {code} 的{noun}，见 /api/regions/。", code="unknown")

    return validate


def known_topic(slug: str) -> None:
    if not SLUG.fullmatch(slug) or not Topic.objects.filter(slug=slug).exists():
        raise ValidationError("没有这个主题：topic 取 /api/topics/ 所列的 slug。", code="unknown")


class StrictBooleanField(forms.NullBooleanField):
    """true/false (or 1/0); anything else is an error, where a page would read it as "either"."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, "") or isinstance(value, bool):
            return value if isinstance(value, bool) else None
        text = str(value).strip().lower()
        if text in ("true", "1"):
            return True
        if text in ("false", "0"):
            return False
        raise ValidationError("只能是 true 或 false。", code="invalid")


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanField


def strict(site_filter: django_filters.Filter, *, field_class=None, **extra) -> django_filters.Filter:
    """A copy of one of the site's filters with more checks on its value (`validators=[...]`)."""
    clone = copy.deepcopy(site_filter)
    clone.extra.update(extra)
    if field_class is not None:
        clone.field_class = field_class
    return clone


class ApiSpeechFilter(SpeechFilter):
    province = strict(
        SpeechFilter.base_filters["province"], validators=[known_region((Region.Level.PROVINCE,), "省份")]
    )
    city = strict(SpeechFilter.base_filters["city"], validators=[known_region(CITY_LEVELS, "城市")])
    topic = strict(SpeechFilter.base_filters["topic"], validators=[known_topic])
    has_commitments = strict(SpeechFilter.base_filters["has_commitments"], field_class=StrictBooleanField)

    class Meta(SpeechFilter.Meta):
        pass


class ApiCommitmentFilter(CommitmentFilter):
    province = strict(
        CommitmentFilter.base_filters["province"], validators=[known_region((Region.Level.PROVINCE,), "省份")]
    )
    city = strict(CommitmentFilter.base_filters["city"], validators=[known_region(CITY_LEVELS, "城市")])
    topic = strict(CommitmentFilter.base_filters["topic"], validators=[known_topic])

    class Meta(CommitmentFilter.Meta):
        pass


# --- regions: the gazetteer, for the codes the filters take ------------------------------------


def _count(rows) -> Coalesce:
    """How many `rows` there are (they refer to the outer query by OuterRef), as a subquery."""
    counted = rows.order_by().annotate(number=Func(F("pk"), function="COUNT")).values("number")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _in_region(manager, prefix: str) -> Case:
    """How many rows a region's code selects in the list filters: a province's `province=`, a
    city's (or county's) `city=`, which takes in the city's counties."""
    region = OuterRef("pk")
    in_province = manager.filter(**{f"{prefix}province": region})
    in_city = manager.filter(Q(**{f"{prefix}city": region}) | Q(**{f"{prefix}city__parent": region}))
    return Case(When(level=Region.Level.PROVINCE, then=_count(in_province)), default=_count(in_city))


def regions_with_counts():
    return Region.objects.select_related("parent").annotate(
        speech_count=_in_region(Speech.objects, ""),
        commitment_count=_in_region(Commitment.objects, "speech__"),
    )


class RegionFilter(django_filters.FilterSet):
    level = django_filters.ChoiceFilter(
        choices=[("province", "省级"), ("city", "地级"), ("county", "县级")], method="filter_level", label="级别"
    )
    parent = django_filters.CharFilter(
        field_name="parent__code",
        label="上级",
        validators=[known_region((Region.Level.PROVINCE, Region.Level.CITY), "上级区划")],
    )
    has_speeches = StrictBooleanFilter(method="filter_has_speeches", label="有无讲话")

    class Meta:
        model = Region
        fields = ()

    def filter_level(self, queryset, name, value):
        return queryset.filter(level=LEVELS[value])

    def filter_has_speeches(self, queryset, name, value):
        return queryset.filter(speech_count__gt=0) if value else queryset.filter(speech_count=0)
