"""How speeches, commitments, places and topics read as JSON: in the API, the .json of a speech and
the JSON Lines exports alike.

Names and shapes are those of the import report (speeches/importing.py, `outcome_report`) where a
field means the same thing: `city` and `province` as {code, name}, `topics` as names, primary
first, `sections` as a tree with `children`, and each commitment's `kind`, `strength`, `targets`
[{value, value_max, unit, qualifier}], `deadline` {text, year, month, day}, `responsible`,
`section_path` and `topic` (a slug). What the report leaves unset is null here too, not "".
"""

from __future__ import annotations

from collections.abc import Iterable

from drf_spectacular.helpers import lazy_serializer
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import Commitment, Region, Section, Speech, Topic
from ..parsing.structures import ParsedDeadline, ParsedTarget

LEVEL_NAMES = {Region.Level.PROVINCE: "province", Region.Level.CITY: "city", Region.Level.COUNTY: "county"}


# --- helpers the exports share -----------------------------------------------------------------


def section_label(section: Section) -> str:
    return f"{section.marker}{section.heading}".strip()


def attach_section_paths(commitments: Iterable[Commitment], sections: Iterable[Section] = ()) -> None:
    """Give each commitment `section_path`: the headings from the top of the outline down to its
    section, as the import report lists them. `sections` may hold the speech's outline already;
    the rest is read a level of the outline per query, so a page or an export chunk costs a
    handful of queries however many commitments it holds."""
    commitments = list(commitments)
    known = {section.pk: (section.parent_id, section_label(section)) for section in sections}
    wanted = {commitment.section_id for commitment in commitments} - {None} - known.keys()
    while wanted:
        for pk, parent, marker, heading in Section.objects.filter(pk__in=wanted).values_list(
            "pk", "parent_id", "marker", "heading"
        ):
            known[pk] = (parent, f"{marker}{heading}".strip())
        wanted = {parent for parent, _ in known.values() if parent is not None} - known.keys()
    for commitment in commitments:
        path = []
        pk = commitment.section_id
        while pk in known:
            pk, label = known[pk]
            if label:
                path.append(label)
        commitment.section_path = path[::-1]


def section_tree(sections: Iterable[Section]) -> list[dict]:
    """The outline rows (parents before children, as stored) as nested dicts."""
    nodes: dict[int, dict] = {}
    roots: list[dict] = []
    for section in sorted(sections, key=lambda row: row.position):
        node = {
            "id": section.pk,
            "marker": section.marker,
            "heading": section.heading,
            "text": section.text,
            "level": section.level,
            "children": [],
        }
        nodes[section.pk] = node
        siblings = nodes[section.parent_id]["children"] if section.parent_id in nodes else roots
        siblings.append(node)
    return roots


def ordered_topics(speech: Speech) -> list[Topic]:
    """The speech's topics, its primary topic first, as the import report lists them."""
    return sorted(speech.topics.all(), key=lambda topic: (topic.pk != speech.primary_topic_id, topic.position))


def absolute_url(context: dict, path: str) -> str:
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path


class OptionalTextField(serializers.CharField):
    """A text field the archive leaves blank when extraction found nothing: null, as in the report."""

    def __init__(self, **kwargs):
        super().__init__(allow_null=True, **kwargs)

    def to_representation(self, value):
        return value or None


# --- the parts -------------------------------------------------------------------------------


class RegionRefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="GB/T 2260 行政区划代码")
    name = serializers.CharField()


class TargetSerializer(serializers.Serializer):
    value = serializers.FloatField(help_text="数额：700亿元以上 -> 700")
    value_max = serializers.FloatField(allow_null=True, help_text="区间的上限：4.5%—5% -> 5")
    unit = serializers.CharField(help_text="单位：亿元、%、个……")
    qualifier = serializers.CharField(allow_null=True, help_text="以上、左右、以内……")
    text = serializers.CharField(help_text="数额原文")

    def to_representation(self, target):
        # The report's own rendering, so a number reads the same in both: 700, not "700.000000".
        amount = ParsedTarget(
            value=target.value, unit=target.unit, value_max=target.value_max, qualifier=target.qualifier or None
        )
        return {**amount.as_report(), "text": target.text}


class DeadlineSerializer(serializers.Serializer):
    text = serializers.CharField(help_text="时限原文：6月底前")
    year = serializers.IntegerField(allow_null=True)
    month = serializers.IntegerField(allow_null=True)
    day = serializers.IntegerField(allow_null=True)


def deadline_report(commitment: Commitment) -> dict | None:
    if not commitment.deadline_text and commitment.deadline_year is None:
        return None
    return ParsedDeadline(
        commitment.deadline_text, commitment.deadline_year, commitment.deadline_month, commitment.deadline_day
    ).as_report()


class SectionSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    marker = serializers.CharField(help_text="一、（一）1. …；开头部分为空")
    heading = serializers.CharField()
    text = serializers.CharField(help_text="标题下的正文")
    level = serializers.IntegerField(help_text="层级，1 为最高")
    children = serializers.SerializerMethodField()

    @extend_schema_field(lazy_serializer("speeches.api.serializers.SectionSerializer")(many=True))
    def get_children(self, node: dict) -> list:
        return SectionSerializer(node["children"], many=True).data


class CommitmentSerializer(serializers.Serializer):
    """A commitment as a speech lists it."""

    id = serializers.IntegerField()
    text = serializers.CharField()
    kind = serializers.ChoiceField(
        choices=Commitment.Kind.choices, help_text="target 目标 / deadline 时限 / action 举措"
    )
    strength = serializers.ChoiceField(
        choices=Commitment.Strength.choices, help_text="binding 约束性 / planned 计划性 / aspirational 争取性"
    )
    targets = TargetSerializer(many=True)
    deadline = serializers.SerializerMethodField(help_text="时限；没有时为 null")
    responsible = OptionalTextField(help_text="责任主体")
    section = serializers.IntegerField(source="section_id", allow_null=True, help_text="所在章节的 id")
    section_path = serializers.ListField(child=serializers.CharField(), help_text="从最高一级到所在章节的标题")
    topic = serializers.CharField(source="topic.slug", allow_null=True, help_text="主题的 slug")

    @extend_schema_field(DeadlineSerializer(allow_null=True))
    def get_deadline(self, commitment: Commitment) -> dict | None:
        return deadline_report(commitment)


class SpeechRefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="讲话页面")

    def get_url(self, speech: Speech) -> str:
        return absolute_url(self.context, speech.get_absolute_url())


class CommitmentListSerializer(CommitmentSerializer):
    """A commitment on its own: where it was said comes with it."""

    speech = SpeechRefSerializer()
    city = RegionRefSerializer(source="speech.city", allow_null=True)
    county = RegionRefSerializer(source="speech.county", allow_null=True)
    province = RegionRefSerializer(source="speech.province", allow_null=True)
    year = serializers.IntegerField(source="speech.year", allow_null=True)
    url = serializers.SerializerMethodField(help_text="承诺在讲话页面上的位置")

    def get_url(self, commitment: Commitment) -> str:
        return absolute_url(self.context, commitment.get_absolute_url())


class SpeechSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="讲话页面")
    city = RegionRefSerializer(allow_null=True)
    county = RegionRefSerializer(allow_null=True, help_text="区县：区、县的讲话所在的区县")
    province = RegionRefSerializer(allow_null=True)
    year = serializers.IntegerField(allow_null=True)
    delivered_on = serializers.DateField(allow_null=True)
    speaker = OptionalTextField()
    occasion = OptionalTextField()
    topics = serializers.SerializerMethodField(help_text="主题名称，主要主题在前")
    topic_slugs = serializers.SerializerMethodField(help_text="同一顺序的主题 slug：topic= 取这个值")
    commitment_count = serializers.IntegerField()
    imported_at = serializers.DateTimeField(help_text="收入档案的时间")

    def get_url(self, speech: Speech) -> str:
        return absolute_url(self.context, speech.get_absolute_url())

    def get_topics(self, speech: Speech) -> list[str]:
        return [topic.name for topic in ordered_topics(speech)]

    def get_topic_slugs(self, speech: Speech) -> list[str]:
        return [topic.slug for topic in ordered_topics(speech)]


class SpeechDetailSerializer(SpeechSerializer):
    # Provenance, as staff entered it; null where nobody did.
    source_url = OptionalTextField(help_text="来源网址：这篇讲话发布的网页")
    publisher = OptionalTextField(help_text="发布机构")
    published_on = serializers.DateField(allow_null=True, help_text="发布日期")
    sections = serializers.SerializerMethodField(help_text="章节树：每节的 children 是其下一级")
    commitments = CommitmentSerializer(many=True, source="commitment_rows", help_text="全部承诺，按文中先后")

    def to_representation(self, speech: Speech) -> dict:
        # The commitments with their section paths, read from the outline already at hand. They
        # point back at the speech: let go of them once written, or an export keeps every speech.
        speech.commitment_rows = list(speech.commitments.all())
        attach_section_paths(speech.commitment_rows, speech.sections.all())
        try:
            return super().to_representation(speech)
        finally:
            del speech.commitment_rows

    @extend_schema_field(SectionSerializer(many=True))
    def get_sections(self, speech: Speech) -> list[dict]:
        # section_tree() gives the very shape SectionSerializer describes.
        return section_tree(speech.sections.all())


class RegionSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="GB/T 2260 行政区划代码：city= 和 province= 取这个值")
    name = serializers.CharField()
    short_name = serializers.CharField()
    level = serializers.SerializerMethodField(help_text="province 省级 / city 地级 / county 县级")
    parent = serializers.CharField(source="parent.code", allow_null=True, help_text="上级区划的代码")
    speech_count = serializers.IntegerField(help_text="以此代码筛选得到的讲话数")
    commitment_count = serializers.IntegerField(help_text="以此代码筛选得到的承诺数")

    @extend_schema_field({"type": "string", "enum": list(LEVEL_NAMES.values())})
    def get_level(self, region: Region) -> str:
        return LEVEL_NAMES[region.level]


class TopicSerializer(serializers.Serializer):
    slug = serializers.CharField(help_text="topic= 取这个值")
    name = serializers.CharField()
    keywords = serializers.SerializerMethodField(help_text="归入此主题所依据的关键词")
    speech_count = serializers.IntegerField()
    commitment_count = serializers.IntegerField()

    @extend_schema_field(serializers.ListField(child=serializers.CharField()))
    def get_keywords(self, topic: Topic) -> list[str]:
        return topic.keywords.split()


# --- text reuse (the API's speech detail only: exports leave it out) ----------------------------------


class SimilarSpeechSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="speech.pk")
    title = serializers.CharField(source="speech.title")
    similarity = serializers.FloatField(help_text="较短一篇有多少文字也见于另一篇，0—1")


class PassageElsewhereSerializer(serializers.Serializer):
    speech_id = serializers.IntegerField(source="speech.pk")
    anchor = serializers.CharField(source="cite", help_text="那篇讲话页面上这一段的 id（按大纲位置，如 s2.3-p4）")
    year = serializers.IntegerField(source="speech.year", allow_null=True)


class SharedPassageSerializer(serializers.Serializer):
    anchor = serializers.CharField(
        source="cite", help_text="讲话页面上这一段的 id（按大纲位置，如 s2.3-p4：二、（三）的第四段；重新抽取后不变）"
    )
    text = serializers.CharField()
    others = PassageElsewhereSerializer(many=True, help_text="也有这一段的讲话，最早的在前")


class CommonPassageSerializer(serializers.Serializer):
    anchor = serializers.CharField(source="cite")
    text = serializers.CharField()
    speech_count = serializers.IntegerField(help_text="有这些表述的讲话篇数")


class SpeechReuseDetailSerializer(SpeechDetailSerializer):
    similar = SimilarSpeechSerializer(many=True, source="reuse.similar", help_text="文字大半相同的讲话，最早的在前")
    shared_passages = SharedPassageSerializer(
        many=True, source="reuse.shared", help_text="也见于其他讲话的段落，按文中先后"
    )
    common_passages = CommonPassageSerializer(
        many=True, source="reuse.common", help_text="许多讲话都用的通用表述，不算复用"
    )

    def to_representation(self, speech: Speech) -> dict:
        from ..reuse import speech_reuse

        speech.reuse = speech_reuse(speech, sorted(speech.sections.all(), key=lambda section: section.position))
        return super().to_representation(speech)
