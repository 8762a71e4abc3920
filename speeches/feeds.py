"""Atom feeds: the newest speeches, those of a city or a topic, and a saved commitment search.

"Newest" is newest in the archive (imported last), which is what a feed reader follows; each
entry is dated by its import. The feeds choose their rows as the pages do, with the same
FilterSets and search, so a feed follows exactly the page it is linked from.
"""

from __future__ import annotations

from django.contrib.syndication.views import Feed
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html
from django.utils.text import Truncator

from .api.conditional import conditional_response
from .api.rows import commitment_rows, search_terms
from .api.serializers import ordered_topics
from .filters import CommitmentFilter, SpeechFilter
from .models import Region, Speech, Topic

FEED_ENTRIES = 50
SITE_NAME = "讲话档案"


class ArchiveFeed(Feed):
    """Each entry's summary is HTML (type="html"): the descriptions below escape the archive's
    text into HTML, and the feed generator escapes that HTML for XML. A reader that unescapes the
    XML and renders the HTML shows the text as written, markup in it included, and runs nothing."""

    feed_type = Atom1Feed
    language = "zh-hans"

    def __call__(self, request, *args, **kwargs):
        # A reader polling an unchanged feed gets a 304, not the feed again.
        return conditional_response(request, super().__call__(request, *args, **kwargs))

    def item_updateddate(self, item):
        return self._speech(item).imported_at

    def item_pubdate(self, item):
        return self._speech(item).imported_at

    def _speech(self, item) -> Speech:
        return item if isinstance(item, Speech) else item.speech


class SpeechFeed(ArchiveFeed):
    title = f"{SITE_NAME}：最新讲话"
    subtitle = "新收入档案的政府讲话与工作报告"

    def link(self):
        return reverse("speech-list")

    def choice(self, obj) -> dict:
        """The filter of the speech list this feed follows (none: all speeches)."""
        return {}

    def items(self, obj=None):
        rows = Speech.objects.select_related("city", "province").prefetch_related("topics")
        rows = SpeechFilter(self.choice(obj), queryset=rows).qs
        return rows.defer("original_text", "search_title", "search_text", "search_folded").order_by(
            "-imported_at", "-pk"
        )[:FEED_ENTRIES]

    def item_title(self, speech: Speech) -> str:
        return speech.title

    def item_description(self, speech: Speech) -> str:
        place = " ".join(region.name for region in (speech.province, speech.city) if region is not None)
        facts = [place, f"{speech.year}年" if speech.year else "", speech.speaker, speech.occasion]
        summary = " · ".join(fact for fact in facts if fact)
        opening = Truncator(speech.text.replace("\n", " ")).chars(200)
        return format_html("{}<br>{}", summary, opening) if summary else format_html("{}", opening)

    def item_author_name(self, speech: Speech) -> str | None:
        return speech.speaker or None

    def item_categories(self, speech: Speech) -> list[str]:
        return [topic.name for topic in ordered_topics(speech)]


class CitySpeechFeed(SpeechFeed):
    def get_object(self, request, code: str) -> Region:
        return get_object_or_404(Region, code=code, level__in=[Region.Level.PROVINCE, Region.Level.CITY])

    def choice(self, region: Region) -> dict:
        # The city page's own choice, so the feed holds what the page lists.
        return {"province" if region.level == Region.Level.PROVINCE else "city": region.code}

    def title(self, region: Region) -> str:
        return f"{SITE_NAME}：{region.name}的讲话"

    def subtitle(self, region: Region) -> str:
        return f"新收入档案的{region.name}政府讲话与工作报告"

    def link(self, region: Region) -> str:
        return reverse("city-detail", args=[region.code])


class TopicSpeechFeed(SpeechFeed):
    def get_object(self, request, slug: str) -> Topic:
        return get_object_or_404(Topic, slug=slug)

    def choice(self, topic: Topic) -> dict:
        return {"topic": topic.slug}

    def title(self, topic: Topic) -> str:
        return f"{SITE_NAME}：{topic.name}"

    def subtitle(self, topic: Topic) -> str:
        return f"新收入档案的讲话中关于{topic.name}的"

    def link(self, topic: Topic) -> str:
        return reverse("topic-detail", args=[topic.slug])


class CommitmentSearchFeed(ArchiveFeed):
    """A saved search: the commitments the search page finds for the same `q` and filters,
    those of the speeches imported last first."""

    def __call__(self, request, *args, **kwargs):
        _, parsed = search_terms(request.GET.get("q"))
        if parsed is not None and not parsed:
            # A feed that can never have an entry is better refused, with the reason.
            return HttpResponseBadRequest(parsed.problem, content_type="text/plain; charset=utf-8")
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request):
        return request

    def title(self, request) -> str:
        q = search_terms(request.GET.get("q"))[0]
        return f"{SITE_NAME}：承诺检索“{q}”" if q else f"{SITE_NAME}：承诺"

    def subtitle(self, request) -> str:
        return "新收入档案的讲话中符合检索条件的承诺"

    def link(self, request) -> str:
        query = request.GET.copy()
        query.pop("page", None)
        return f"{reverse('commitment-list')}?{query.urlencode()}" if query else reverse("commitment-list")

    def items(self, request):
        _, parsed = search_terms(request.GET.get("q"))
        rows = CommitmentFilter(request.GET, queryset=commitment_rows(parsed)).qs
        return rows.order_by("-speech__imported_at", "-speech_id", "position")[:FEED_ENTRIES]

    def item_title(self, commitment) -> str:
        return Truncator(commitment.text).chars(60)

    def item_description(self, commitment) -> str:
        speech = commitment.speech
        place = " ".join(region.name for region in (speech.province, speech.city) if region is not None)
        source = " · ".join(fact for fact in (speech.title, place, f"{speech.year}年" if speech.year else "") if fact)
        return format_html("{}<br>——{}", commitment.text, source)

    def item_categories(self, commitment) -> list[str]:
        return [commitment.topic.name] if commitment.topic else []
