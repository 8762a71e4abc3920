"""The read-only API: speeches, commitments, regions and topics, with filters, search and pages."""

from __future__ import annotations

import re

from django.http import Http404
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularSwaggerSplitView
from rest_framework import viewsets
from rest_framework.exceptions import NotFound, ValidationError

from ..filters import FIRST_YEAR, LAST_YEAR, SpeechFilter
from ..search import QUERY_MAX_CHARS
from .conditional import ConditionalGetMixin
from .filters import REGION_CODE, SLUG, ApiCommitmentFilter, ApiSpeechFilter, RegionFilter, regions_with_counts
from .rows import commitment_rows, search_terms, speech_documents, speech_rows, topics_with_counts
from .serializers import (
    CommitmentListSerializer,
    RegionSerializer,
    SpeechReuseDetailSerializer,
    SpeechSerializer,
    TopicSerializer,
    attach_section_paths,
)

# --- what the schema says about errors and parameters ------------------------------------------

BAD_REQUEST = OpenApiResponse(
    {
        "type": "object",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "example": {"year": ["确保该值小于或等于2100。"]},
    },
    description="参数无法使用：按参数名给出原因",
)
NOT_FOUND = OpenApiResponse(
    {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
    description="没有这一条，或页码超出范围",
)
TOO_MANY = OpenApiResponse(
    {"type": "object", "properties": {"detail": {"type": "string"}}, "required": ["detail"]},
    description="请求过于频繁，请按 Retry-After 稍候再试",
)


def _responses(ok, *, listing: bool = True) -> dict:
    errors = {400: BAD_REQUEST, 404: NOT_FOUND, 429: TOO_MANY} if listing else {404: NOT_FOUND, 429: TOO_MANY}
    return {200: ok, **errors}


def _by_id(noun: str) -> OpenApiParameter:
    return OpenApiParameter("id", int, OpenApiParameter.PATH, description=f"{noun}的 id")


def _year(name: str, description: str) -> OpenApiParameter:
    return OpenApiParameter(
        name, {"type": "integer", "minimum": FIRST_YEAR, "maximum": LAST_YEAR}, description=description
    )


Q = OpenApiParameter(
    "q",
    {"type": "string", "maxLength": QUERY_MAX_CHARS},
    description='全文检索：空格分隔的词须全部出现，"带引号的短语"须原样出现，-词语 排除；繁简、全半角不论。'
    "给出 q 时按相关度排序。",
)
PLACE_AND_TIME = [
    OpenApiParameter("province", str, description="省份的六位行政区划代码，见 /api/regions/?level=province"),
    OpenApiParameter("city", str, description="城市的六位行政区划代码（含其下辖县区），见 /api/regions/"),
    OpenApiParameter("topic", str, description="主题的 slug，见 /api/topics/"),
    _year("year", "年份"),
    _year("year_min", "起始年份（含）"),
    _year("year_max", "截止年份（含）"),
]


def _search(request):
    """The parsed `q`, or None without one; a query that cannot be searched is a 400 saying why."""
    value = request.query_params.get("q", "")
    if "\x00" in value:
        raise ValidationError({"q": ["搜索词不能包含空字符。"]})
    _, parsed = search_terms(value)
    if parsed is not None and not parsed:
        raise ValidationError({"q": [parsed.problem]})
    return parsed


class ArchiveViewSet(ConditionalGetMixin, viewsets.ReadOnlyModelViewSet):
    # Any value reaches the view, which answers one it cannot find with a JSON 404; values that
    # cannot be a key (not a number, a NUL, an id past the database's integers) never reach a query.
    lookup_value_regex = "[^/]+"
    lookup_pattern = re.compile(r"[0-9]{1,18}")

    def filter_queryset(self, queryset):
        # Filters choose rows of a list; one row is fetched by its key alone.
        return queryset if self.action == "retrieve" else super().filter_queryset(queryset)

    def get_object(self):
        if not self.lookup_pattern.fullmatch(self.kwargs[self.lookup_field]):
            raise NotFound("没有这一条。")
        try:
            return super().get_object()
        except Http404:
            raise NotFound("没有这一条。") from None


@extend_schema_view(
    list=extend_schema(
        summary="讲话列表",
        description="最新的在前；给出 q 时按相关度。筛选条件与网站的讲话列表相同。",
        parameters=[
            Q,
            *PLACE_AND_TIME,
            OpenApiParameter("has_commitments", bool, description="只要有（true）或没有（false）承诺的讲话"),
            OpenApiParameter(
                "sort",
                str,
                enum=list(SpeechFilter.SORTS),
                description="排序：" + "，".join(f"{key} {label}" for key, label in SpeechFilter.SORTS.items()),
            ),
        ],
        responses=_responses(SpeechSerializer(many=True)),
    ),
    retrieve=extend_schema(
        summary="一篇讲话",
        description="元数据、章节树（sections，各有 children）、全部承诺（commitments，含 targets），"
        "以及文本复用：相似的讲话（similar）、也见于其他讲话的段落（shared_passages）和通用表述（common_passages）。",
        parameters=[_by_id("讲话")],
        responses=_responses(SpeechReuseDetailSerializer, listing=False),
    ),
)
class SpeechViewSet(ArchiveViewSet):
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiSpeechFilter

    def get_queryset(self):
        if self.action == "retrieve":
            return speech_documents()
        return speech_rows(_search(self.request))

    def get_serializer_class(self):
        return SpeechReuseDetailSerializer if self.action == "retrieve" else SpeechSerializer


@extend_schema_view(
    list=extend_schema(
        summary="承诺列表",
        description="按讲话从新到旧、文中先后；给出 q 时按相关度。筛选条件与网站的承诺检索相同。",
        parameters=[Q, *PLACE_AND_TIME],
        responses=_responses(CommitmentListSerializer(many=True)),
    ),
    retrieve=extend_schema(
        summary="一条承诺",
        description="承诺及其所在的讲话、地点、年份。",
        parameters=[_by_id("承诺")],
        responses=_responses(CommitmentListSerializer, listing=False),
    ),
)
class CommitmentViewSet(ArchiveViewSet):
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiCommitmentFilter
    serializer_class = CommitmentListSerializer

    def get_queryset(self):
        if self.action == "retrieve":
            return commitment_rows()
        return commitment_rows(_search(self.request))

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        # The page's outline headings in a few queries, not one per commitment.
        attach_section_paths(page if page is not None else [])
        return page

    def get_object(self):
        commitment = super().get_object()
        attach_section_paths([commitment])
        return commitment


@extend_schema_view(
    list=extend_schema(
        summary="行政区划",
        description="省、市、县三级区划及其代码；speech_count 和 commitment_count 是以此代码筛选得到的数目。",
        parameters=[
            OpenApiParameter("level", str, enum=["province", "city", "county"], description="级别"),
            OpenApiParameter("parent", str, description="上级区划（省或市）的代码"),
            OpenApiParameter("has_speeches", bool, description="只要有（true）或没有（false）讲话的区划"),
        ],
        responses=_responses(RegionSerializer(many=True)),
    ),
    retrieve=extend_schema(
        summary="一个行政区划",
        description="按六位行政区划代码。",
        parameters=[OpenApiParameter("code", {"type": "string", "pattern": "^[0-9]{6}$"}, OpenApiParameter.PATH)],
        responses=_responses(RegionSerializer, listing=False),
    ),
)
class RegionViewSet(ArchiveViewSet):
    filter_backends = [DjangoFilterBackend]
    filterset_class = RegionFilter
    serializer_class = RegionSerializer
    lookup_field = "code"
    lookup_pattern = REGION_CODE

    def get_queryset(self):
        return regions_with_counts().order_by("code")


@extend_schema_view(
    list=extend_schema(
        summary="主题",
        description="档案的主题分类；speech_count 和 commitment_count 是以 topic= 筛选得到的数目。",
        responses=_responses(TopicSerializer(many=True)),
    ),
    retrieve=extend_schema(
        summary="一个主题",
        description="按 slug。",
        parameters=[OpenApiParameter("slug", str, OpenApiParameter.PATH)],
        responses=_responses(TopicSerializer, listing=False),
    ),
)
class TopicViewSet(ArchiveViewSet):
    serializer_class = TopicSerializer
    lookup_field = "slug"
    lookup_pattern = SLUG

    def get_queryset(self):
        return topics_with_counts()


class ApiDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the archive's own static files (drf-spectacular-sidecar), its start-up
    script a file of its own: the site's content security policy allows no inline script."""

    template_name = "api/docs.html"
    title = "讲话档案 API"
