"""/api/indicators/ and /api/ledger/: the ledger's taxonomy and its rows, the site's filters made strict."""

from __future__ import annotations

from django.core.exceptions import ValidationError as FormError
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, viewsets
from rest_framework.response import Response

from ..filters import FIRST_YEAR, LAST_YEAR, NATIONAL, LedgerFilter, ledger_place
from ..ledger_rows import indicator_data, ledger_row
from ..models import LedgerEntry
from ..parsing.indicators import DIRECTIONS, indicators_by_slug, load_indicators
from .conditional import ConditionalGetMixin
from .filters import REGION_CODE, strict
from .views import _responses


def _known_place(value: str) -> None:
    if value != NATIONAL and not REGION_CODE.fullmatch(value):
        raise FormError("region 须为六位行政区划代码或 national，见 /api/regions/。", code="invalid")
    if ledger_place(value) is False:
        raise FormError(f"没有代码为 {value} 的地区，见 /api/regions/。", code="unknown")


def _known_indicator(value: str) -> None:
    if value not in indicators_by_slug():
        raise FormError("没有这个指标：indicator 取 /api/indicators/ 所列的 slug。", code="unknown")


class ApiLedgerFilter(LedgerFilter):
    region = strict(LedgerFilter.base_filters["region"], validators=[_known_place])
    indicator = strict(LedgerFilter.base_filters["indicator"], validators=[_known_indicator])

    class Meta(LedgerFilter.Meta):
        pass


class IndicatorSerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    unit = serializers.CharField()
    direction = serializers.ChoiceField(choices=DIRECTIONS)

    def to_representation(self, instance):
        return indicator_data(instance)


class _TargetSerializer(serializers.Serializer):
    value = serializers.FloatField()
    value_max = serializers.FloatField(allow_null=True)
    unit = serializers.CharField()
    qualifier = serializers.CharField(allow_null=True)
    text = serializers.CharField()
    commitment_id = serializers.IntegerField()
    speech_id = serializers.IntegerField()


class _OutcomeSerializer(serializers.Serializer):
    value = serializers.FloatField()
    unit = serializers.CharField()
    text = serializers.CharField()
    speech_id = serializers.IntegerField()
    year = serializers.IntegerField()


class _PlaceSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class LedgerEntrySerializer(serializers.Serializer):
    """Documents the row's shape for the schema; the row itself is `ledger_row`'s, as in the CSV."""

    indicator = IndicatorSerializer()
    region = _PlaceSerializer(allow_null=True, help_text="null：全国（不属任何省份的报告）")
    target_year = serializers.IntegerField()
    target = _TargetSerializer()
    outcome = _OutcomeSerializer(allow_null=True)
    status = serializers.ChoiceField(choices=LedgerEntry.Status.values)
    explanation = serializers.CharField()

    def to_representation(self, instance):
        return ledger_row(instance)


@extend_schema_view(
    list=extend_schema(
        summary="指标",
        description="目标台账所用的指标分类：slug、名称、单位、方向（higher 越高越好，ceiling 不超过上限，lower 降得越多越好）。",
        responses=_responses(IndicatorSerializer(many=True), listing=False),
    )
)
class IndicatorViewSet(ConditionalGetMixin, viewsets.ViewSet):
    def list(self, request):
        return Response([indicator_data(indicator) for indicator in load_indicators()])


@extend_schema_view(
    list=extend_schema(
        summary="目标台账",
        description="每项量化目标及其实际结果和状态（met 已完成、missed 未完成、partly 部分完成、unclear 无法判断、"
        "pending 待下一年报告），按目标年份、指标排列。",
        parameters=[
            OpenApiParameter(
                "region",
                {"type": "string", "pattern": "^([0-9]{6}|national)$"},
                description="地区的六位行政区划代码（只含该级自己的报告），或 national（不属任何省份的报告）",
            ),
            OpenApiParameter(
                "year",
                {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR},
                description="目标年份",
            ),
            OpenApiParameter("indicator", str, description="指标的 slug，见 /api/indicators/"),
            OpenApiParameter("status", str, enum=LedgerEntry.Status.values, description="状态"),
        ],
        responses=_responses(LedgerEntrySerializer(many=True)),
    )
)
class LedgerViewSet(ConditionalGetMixin, mixins.ListModelMixin, viewsets.GenericViewSet):
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiLedgerFilter
    serializer_class = LedgerEntrySerializer

    def get_queryset(self):
        return LedgerEntry.objects.for_listing().by_year()
