"""The public pages: browse speeches by place, topic and year, read one, search the commitments.

Views only choose rows (QuerySet methods, FilterSets) and a template; every page runs a fixed
number of queries, however large the archive grows.
"""

from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from . import reuse, search
from .filters import FIRST_YEAR, LAST_YEAR, CommitmentFilter, SpeechFilter
from .models import Commitment, Region, Speech, Topic

SPEECHES_PER_PAGE = 20
COMMITMENTS_PER_PAGE = 20
# Commitments shown on a city, topic or year page; the rest are a link to the search away.
COMMITMENTS_SHOWN = 10


def _page(request, rows, per_page: int):
    # get_page() answers page=abc with the first page and page=999 with the last, never an error.
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def _targets(commitments):
    """The commitments worth showing first on a page of a place, topic or year: those with amounts."""
    return commitments.with_amounts().for_listing().by_speech_date()[:COMMITMENTS_SHOWN]


def home(request):
    totals = Speech.objects.aggregate(
        speech_count=Count("pk"), city_count=Count("city", distinct=True), year_count=Count("year", distinct=True)
    )
    return render(
        request,
        "speeches/home.html",
        {
            **totals,
            "commitment_count": Commitment.objects.count(),
            "latest": Speech.objects.for_listing().without_text().by_date()[:8],
            "places": Speech.objects.place_counts(),
            "topics": Speech.objects.topic_counts(),
            "years": Speech.objects.year_counts(),
            "commitments_per_year": Commitment.objects.year_counts(),
            "commitments_per_topic": Commitment.objects.topic_counts(),
        },
    )


def speech_list(request):
    filters = SpeechFilter(request.GET, queryset=Speech.objects.for_listing().without_text().by_date())
    facets = filters.facets()
    return render(
        request,
        "speeches/speech_list.html",
        {
            "filters": filters,
            "facets": facets,
            "active": filters.active_filters(facets),
            "page_obj": _page(request, filters.qs, SPEECHES_PER_PAGE),
            "sorts": SpeechFilter.SORTS,
        },
    )


def speech_detail(request, pk: int):
    speech = get_object_or_404(Speech.objects.for_reading(), pk=pk)
    others = Speech.objects.exclude(pk=speech.pk).without_text().by_date()
    sections = list(speech.sections.all())
    return render(
        request,
        "speeches/speech_detail.html",
        {
            "speech": speech,
            "topics": list(speech.topics.all()),
            "sections": sections,
            "reuse": reuse.speech_reuse(speech, sections),
            "commitments": list(speech.commitments.for_reading()),
            "same_place": others.in_region(speech.city or speech.province)[:5] if speech.province_id else [],
            "same_topic": others.filter(topics=speech.primary_topic)[:5] if speech.primary_topic_id else [],
        },
    )


def commitment_list(request):
    query = request.GET.copy()
    # PostgreSQL cannot compare text holding NUL, and no one searches for it.
    q = query.get("q", "").replace("\x00", "").strip()
    problem = None
    rows = Commitment.objects.all()
    if q:
        # A refused query (too long, only punctuation) says why; the page keeps a usable part of it.
        parsed = search.parse_query(q)
        problem = parsed.problem
        query["q"] = q = q[: search.QUERY_MAX_CHARS]
        # The one place the page asks the search: every match, best first. The FilterSet narrows
        # them as it narrows the browsing list, so the facet counts and the results agree.
        rows = search.search_commitments(parsed)
    filters = CommitmentFilter(query, queryset=rows.for_listing() if q else rows.for_listing().by_speech_date())
    # A search's facets are counted in one pass over its matches, not one search per facet.
    facets = search.commitment_facets(filters, rows) if q else filters.facets()
    return render(
        request,
        "speeches/commitment_list.html",
        {
            "q": q,
            "problem": problem,
            "query": query,
            "filters": filters,
            "facets": facets,
            "active": filters.active_filters(facets),
            "page_obj": _page(request, filters.qs, COMMITMENTS_PER_PAGE),
        },
    )


def city_list(request):
    return render(request, "speeches/city_list.html", {"places": Speech.objects.place_counts()})


def city_detail(request, code: str):
    region = get_object_or_404(Region.objects.select_related("parent__parent"), code=code)
    # A district or county has its page as a city does; its code chooses its own speeches.
    # The same choice as the city or province filter of the lists, so "all commitments" finds these.
    choice = {"province" if region.level == Region.Level.PROVINCE else "city": code}
    speeches = SpeechFilter(choice, queryset=Speech.objects.all()).qs
    commitments = CommitmentFilter(choice, queryset=Commitment.objects.all()).qs
    return render(
        request,
        "speeches/city_detail.html",
        {
            "region": region,
            "choice": urlencode(choice),
            "cities": speeches.exclude(city=None).place_counts() if region.level == Region.Level.PROVINCE else [],
            "page_obj": _page(request, speeches.for_listing().without_text().by_date(), SPEECHES_PER_PAGE),
            "commitment_count": commitments.count(),
            "targets": _targets(commitments),
            "chart": commitments.topic_counts(),
        },
    )


def topic_list(request):
    # A grouped query leaves out Meta.ordering: the order is spelled out, the same on every database.
    topics = Topic.objects.annotate(speech_count=Count("speeches", distinct=True)).order_by("position", "slug")
    return render(
        request,
        "speeches/topic_list.html",
        {"topics": topics, "chart": Commitment.objects.topic_counts()},
    )


def topic_detail(request, slug: str):
    topic = get_object_or_404(Topic, slug=slug)
    choice = {"topic": slug}
    speeches = SpeechFilter(choice, queryset=Speech.objects.all()).qs
    commitments = CommitmentFilter(choice, queryset=Commitment.objects.all()).qs
    return render(
        request,
        "speeches/topic_detail.html",
        {
            "topic": topic,
            "choice": urlencode(choice),
            "page_obj": _page(request, speeches.for_listing().without_text().by_date(), SPEECHES_PER_PAGE),
            "commitment_count": commitments.count(),
            "targets": _targets(commitments),
            "chart": commitments.year_counts(),
        },
    )


def year_list(request):
    return render(
        request,
        "speeches/year_list.html",
        {"years": Speech.objects.year_counts(), "chart": Commitment.objects.year_counts()},
    )


def year_detail(request, year: int):
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("没有这一年")
    choice = {"year": year}
    speeches = SpeechFilter(choice, queryset=Speech.objects.all()).qs
    page_obj = _page(request, speeches.for_listing().without_text().by_date(), SPEECHES_PER_PAGE)
    if not page_obj.paginator.count:
        raise Http404("这一年没有讲话")
    commitments = CommitmentFilter(choice, queryset=Commitment.objects.all()).qs
    return render(
        request,
        "speeches/year_detail.html",
        {
            "year": year,
            "choice": urlencode(choice),
            "page_obj": page_obj,
            "commitment_count": commitments.count(),
            "targets": _targets(commitments),
            "chart": commitments.topic_counts(),
            "previous_year": Speech.objects.year_counts().filter(year__lt=year).first(),
            "next_year": Speech.objects.year_counts().filter(year__gt=year).last(),
        },
    )


def reuse_overview(request):
    """speeches/reuse.html: the groups of speeches much of whose text is the same, and the places."""
    return render(
        request,
        "speeches/reuse.html",
        {"clusters": reuse.clusters(), "places": Speech.objects.place_counts(), "similar": reuse.compare.SIMILAR},
    )


def reuse_place(request, code: str):
    """speeches/reuse_place.html: whose texts the place's speeches reuse, and who reuses its texts."""
    region = get_object_or_404(Region, code=code)
    return render(request, "speeches/reuse_place.html", {"region": region, "reuse": reuse.region_reuse(region)})


def robots_txt(request):
    return render(request, "robots.txt", content_type="text/plain; charset=utf-8")
