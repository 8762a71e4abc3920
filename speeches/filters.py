"""What readers filter speeches and commitments by, with the counts the pages show beside each choice.

One FilterSet per model, shared by the pages and anything else that lists speeches or commitments
(an API, a CSV export): they take the same query parameters and give the same rows. A value that
cannot be understood never fails a request: a malformed year or an unknown kind is left out (the
form drops it), an unknown city, province or topic matches nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import django_filters
from django import forms
from django.db.models import Count, Exists, Expression, F, OuterRef, Q, QuerySet

from .models import Commitment, LedgerEntry, Speech
from .parsing.indicators import load_indicators

# Years a speech can sensibly carry; anything else in the query string is dropped, not searched.
FIRST_YEAR, LAST_YEAR = 1900, 2100

# The value of a facet's bucket for rows that have no value there (no province, city, topic or
# year): `?province=none` chooses them, so every facet's counts add up to the rows listed.
NONE = "none"


class YearField(forms.IntegerField):
    """A year, or NONE (the speeches whose year is not known) where `allow_none`."""

    def __init__(self, *args, allow_none: bool = False, **kwargs):
        self.allow_none = allow_none
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        if self.allow_none and isinstance(value, str) and value.strip().lower() == NONE:
            return NONE
        return super().to_python(value)

    def validate(self, value):
        if value != NONE:
            super().validate(value)

    def run_validators(self, value):
        if value != NONE:
            super().run_validators(value)


class YearFilter(django_filters.NumberFilter):
    field_class = YearField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", FIRST_YEAR)
        kwargs.setdefault("max_value", LAST_YEAR)
        super().__init__(*args, **kwargs)

    def filter(self, qs, value):
        if value == NONE:
            return qs.filter(**{f"{self.field_name}__isnull": True})
        return super().filter(qs, value)


def _or_none(field: str):
    """A filter by `field`, where NONE chooses the rows that have none."""

    def filter_field(queryset, name, value):
        if value == NONE:
            return queryset.filter(**{f"{field.rsplit('__', 1)[0]}__isnull": True})
        return queryset.filter(**{field: value})

    return filter_field


@dataclass
class FacetOption:
    value: str
    label: str
    count: int
    selected: bool = False


@dataclass
class Facet:
    """One way to narrow a list: the query parameter, its name on the page, and its choices with counts."""

    param: str
    label: str
    options: list[FacetOption] = field(default_factory=list)
    estimated: bool = False  # the counts are estimates from a sample of the rows (shown as 约)

    # How many choices a facet shows before the rest are folded away (behind "另外 N 项").
    SHOWN = 12

    @property
    def selected(self) -> FacetOption | None:
        return next((option for option in self.options if option.selected), None)

    @property
    def shown(self) -> list[FacetOption]:
        return self.options[: self.SHOWN] if len(self.options) > self.SHOWN + 1 else self.options

    @property
    def folded(self) -> list[FacetOption]:
        return self.options[self.SHOWN :] if len(self.options) > self.SHOWN + 1 else []

    @property
    def folded_selected(self) -> bool:
        return any(option.selected for option in self.folded)


@dataclass(frozen=True)
class FacetSpec:
    """How to count one facet: group the rows by `value` (shown as `label`), in `order`."""

    param: str
    label: str
    value: str
    name: str = ""  # field holding the option's label; empty: `choices` or the value itself
    order: tuple[str, ...] = ()
    choices: tuple[tuple[str, str], ...] = ()
    suffix: str = ""  # appended to a bare value: 2025 -> 2025年
    annotate: Callable[[], Expression] | None = None  # computes `value` when it is not a field
    # The label of the bucket of rows without a value (chosen by NONE); empty: such rows not counted.
    none_label: str = ""


@dataclass
class ActiveFilter:
    param: str
    name: str
    label: str


class FacetedFilterSet(django_filters.FilterSet):
    facet_specs: tuple[FacetSpec, ...] = ()
    # Parameters that order or page the rows rather than choose them.
    not_filters: tuple[str, ...] = ("sort",)

    def active_filters(self, facets: list[Facet]) -> list[ActiveFilter]:
        """The filters in force, each named as the reader would say it, for the links that undo them."""
        self.is_valid()
        chosen = {facet.param: facet.selected.label for facet in facets if facet.selected}
        active = []
        for name, value in self.form.cleaned_data.items():
            if value in (None, "") or name in self.not_filters:
                continue
            label = chosen.get(name) or ({True: "是", False: "否"}.get(value) if isinstance(value, bool) else value)
            active.append(ActiveFilter(name, str(self.filters[name].label), str(label)))
        return active

    def facets(self, base: QuerySet | None = None) -> list[Facet]:
        """Counts for every facet, each over the rows the *other* filters leave.

        So choosing a city still shows the other cities one could switch to, and the counts say
        how many rows a click would give. One grouped query per facet, however many rows exist.
        `base` narrows the rows first (the matches of a text search).
        """
        if base is None:
            base = self._meta.model._default_manager.all()
        return [self._facet(spec, base) for spec in self.facet_specs]

    def _facet(self, spec: FacetSpec, base: QuerySet) -> Facet:
        data = self.data.copy()
        data.pop(spec.param, None)
        rows = type(self)(data, queryset=base).qs.order_by()
        if spec.annotate is not None:
            rows = rows.annotate(**{spec.value: spec.annotate()})
        fields = [spec.value, spec.name] if spec.name else [spec.value]
        if not spec.none_label:
            rows = rows.exclude(**{spec.value: None})
        grouped = rows.values(*fields).annotate(count=Count("pk", distinct=True)).order_by(*(spec.order or fields))
        chosen = str(self.data.get(spec.param, ""))
        labels = dict(spec.choices)
        options, unknown = [], None
        for row in grouped:
            value = row[spec.value]
            if value is None:
                unknown = FacetOption(NONE, spec.none_label, row["count"], selected=chosen == NONE)
                continue
            value = "true" if value is True else "false" if value is False else str(value)
            label = row[spec.name] if spec.name else labels.get(value, f"{value}{spec.suffix}")
            options.append(FacetOption(value, label, row["count"], selected=value == chosen))
        if spec.choices:
            options.sort(key=lambda option: list(labels).index(option.value) if option.value in labels else 99)
        if unknown is not None:  # last, whatever order the database puts NULL in
            options.append(unknown)
        return Facet(spec.param, spec.label, options)


# The buckets of rows without a value, as the facets name them.
NO_PROVINCE = "全国/未注明"
NO_CITY = "省级、全国或未注明"
NO_TOPIC = "未分主题"
NO_YEAR = "年份不详"


def _has_commitments() -> Exists:
    return Exists(Commitment.objects.filter(speech=OuterRef("pk")))


def _in_city(prefix: str):
    """A city holds the speeches placed in it and in its counties; filter by the city's region code."""

    def filter_city(queryset, name, value):
        if value == NONE:
            return queryset.filter(**{f"{prefix}city__isnull": True})
        return queryset.filter(
            Q(**{f"{prefix}city__code": value})
            | Q(**{f"{prefix}city__parent__code": value})
            | Q(**{f"{prefix}county__code": value})
        )

    return filter_city


class SpeechFilter(FacetedFilterSet):
    SORTS = {
        "date": "最新在前",
        "oldest": "最早在前",
        "title": "按标题",
        "commitments": "承诺最多",
    }

    province = django_filters.CharFilter(method=_or_none("province__code"), label="省份")
    city = django_filters.CharFilter(method="filter_city", label="城市")
    topic = django_filters.CharFilter(method="filter_topic", label="主题")
    year = YearFilter(field_name="year", label="年份", allow_none=True)
    year_min = YearFilter(field_name="year", lookup_expr="gte", label="起始年份")
    year_max = YearFilter(field_name="year", lookup_expr="lte", label="截止年份")
    has_commitments = django_filters.BooleanFilter(method="filter_has_commitments", label="有无承诺")
    sort = django_filters.ChoiceFilter(choices=list(SORTS.items()), method="sort_speeches", label="排序")

    facet_specs = (
        FacetSpec("province", "省份", "province__code", "province__name", none_label=NO_PROVINCE),
        FacetSpec("city", "城市", "city__code", "city__name", none_label=NO_CITY),
        # A speech may have several topics (or none): this facet's counts are not meant to add up.
        FacetSpec("topic", "主题", "topics__slug", "topics__name", order=("topics__position", "topics__slug")),
        FacetSpec("year", "年份", "year", order=("-year",), suffix="年", none_label=NO_YEAR),
        FacetSpec(
            "has_commitments",
            "有无承诺",
            "has_any",
            choices=(("true", "有承诺"), ("false", "无承诺")),
            annotate=_has_commitments,
        ),
    )

    class Meta:
        model = Speech
        fields = ()

    filter_city = staticmethod(_in_city(""))

    def filter_topic(self, queryset, name, value):
        if value == NONE:
            return queryset.filter(topics=None)
        return queryset.filter(topics__slug=value)

    def filter_has_commitments(self, queryset, name, value):
        return queryset.filter(_has_commitments() if value else ~_has_commitments())

    def sort_speeches(self, queryset, name, value):
        if value == "oldest":
            return queryset.order_by(F("year").asc(nulls_last=True), F("delivered_on").asc(nulls_last=True), "pk")
        if value == "title":
            return queryset.order_by("title", "pk")
        if value == "commitments":
            if "commitment_count" not in queryset.query.annotations:
                queryset = queryset.with_counts()
            return queryset.order_by("-commitment_count", "-pk")
        return queryset.by_date()


class CommitmentFilter(FacetedFilterSet):
    province = django_filters.CharFilter(method=_or_none("speech__province__code"), label="省份")
    city = django_filters.CharFilter(method="filter_city", label="城市")
    topic = django_filters.CharFilter(method=_or_none("topic__slug"), label="主题")
    year = YearFilter(field_name="speech__year", label="年份", allow_none=True)
    year_min = YearFilter(field_name="speech__year", lookup_expr="gte", label="起始年份")
    year_max = YearFilter(field_name="speech__year", lookup_expr="lte", label="截止年份")
    kind = django_filters.ChoiceFilter(choices=Commitment.Kind.choices, label="类型")
    strength = django_filters.ChoiceFilter(choices=Commitment.Strength.choices, label="约束程度")

    facet_specs = (
        FacetSpec("province", "省份", "speech__province__code", "speech__province__name", none_label=NO_PROVINCE),
        FacetSpec("city", "城市", "speech__city__code", "speech__city__name", none_label=NO_CITY),
        FacetSpec(
            "topic", "主题", "topic__slug", "topic__name", order=("topic__position", "topic__slug"), none_label=NO_TOPIC
        ),
        FacetSpec("year", "年份", "speech__year", order=("-speech__year",), suffix="年", none_label=NO_YEAR),
        FacetSpec("kind", "类型", "kind", choices=tuple(Commitment.Kind.choices)),
        FacetSpec("strength", "约束程度", "strength", choices=tuple(Commitment.Strength.choices)),
    )

    class Meta:
        model = Commitment
        fields = ()

    filter_city = staticmethod(_in_city("speech__"))

    def search_filters(self) -> dict | None:
        """The chosen filters as search_commitments' keywords, so a search is narrowed inside its
        index rather than after it; None where one of them chooses the rows without a value (NONE),
        which only the FilterSet can say. The rows are the ones `qs` gives over the search."""
        self.is_valid()
        chosen = {name: value for name, value in self.form.cleaned_data.items() if value not in (None, "")}
        if NONE in chosen.values():
            return None
        keywords = {name: chosen[name] for name in ("province", "city", "topic", "kind", "strength") if name in chosen}
        first, last = chosen.get("year_min", FIRST_YEAR), chosen.get("year_max", LAST_YEAR)
        if "year" in chosen:
            first, last = max(first, chosen["year"]), min(last, chosen["year"])
        if (first, last) != (FIRST_YEAR, LAST_YEAR):
            keywords["year"] = (first, last)
        return keywords


# --- the promise ledger -------------------------------------------------------------------------

NATIONAL = "national"


def ledger_place(value: str):
    """The place a ledger's `region` names: "national" (None), a Region, or False when it names none."""
    from .models import Region

    if value == NATIONAL:
        return None
    if len(value) != 6 or not value.isdigit():
        return False
    return Region.objects.filter(code=value).first() or False


class LedgerFilter(django_filters.FilterSet):
    """The ledger's rows by place (a six-digit code or "national": exactly that place's own
    reports), target year, indicator and status; an unknown place matches nothing, an unknown
    indicator or status is left out."""

    region = django_filters.CharFilter(method="filter_region", label="地区")
    year = YearFilter(field_name="target_year", label="目标年份")
    indicator = django_filters.ChoiceFilter(
        field_name="indicator", choices=[(i.slug, i.name) for i in load_indicators()], label="指标"
    )
    status = django_filters.ChoiceFilter(choices=LedgerEntry.Status.choices, label="状态")

    class Meta:
        model = LedgerEntry
        fields = ()

    def filter_region(self, queryset, name, value):
        place = ledger_place(value)
        return queryset.none() if place is False else queryset.of_place(place)
