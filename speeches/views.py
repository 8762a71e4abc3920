"""The public pages: browse speeches by place, topic and year, read one, search the commitments.

Views only choose rows (QuerySet methods, FilterSets) and a template; every page runs a fixed
number of queries, however large the archive grows.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django import forms
from django.core.paginator import Paginator
from django.db.models import Count, F, Q
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.functional import cached_property

from . import anchors, reuse, search
from .filters import FIRST_YEAR, LAST_YEAR, NO_PROVINCE, NO_YEAR, NONE, CommitmentFilter, SpeechFilter
from .models import Commitment, Region, Speech, Topic
from .search.snippets import commitment_context, passages

SPEECHES_PER_PAGE = 20
COMMITMENTS_PER_PAGE = 20
# Commitments shown on a city, topic or year page; the rest are a link to the search away.
COMMITMENTS_SHOWN = 10


# Where a search's total is an estimate, its pages go this far (the best matches first); filters
# narrow the rest.
ESTIMATED_PAGES = 50


class _CountedPaginator(Paginator):
    """Pages of rows already counted (with the facets, in the same pass)."""

    def __init__(self, rows, per_page: int, count: int):
        super().__init__(rows, per_page)
        self.told = count

    @cached_property
    def count(self) -> int:
        return self.told


def _page(request, rows, per_page: int, count: int | None = None):
    # get_page() answers page=abc with the first page and page=999 with the last, never an error.
    paginator = Paginator(rows, per_page) if count is None else _CountedPaginator(rows, per_page, count)
    return paginator.get_page(request.GET.get("page"))


def _targets(commitments):
    """The commitments worth showing first on a page of a place, topic or year: those with amounts."""
    return (
        commitments.with_amounts().for_listing().select_related("speech__county").by_speech_date()[:COMMITMENTS_SHOWN]
    )


# --- counts that add up ---------------------------------------------------------------------------


def place_groups(place_counts) -> list[dict]:
    """Rows of place_counts() gathered under their provinces, in code order. A municipality's city
    record carries the province's own name (北京市 under 北京市): its speeches count for the
    province, and it is not listed a second time as a city."""
    groups: dict[str, dict] = {}
    for row in place_counts:
        group = groups.setdefault(
            row["province__code"],
            {"code": row["province__code"], "name": row["province__name"], "count": 0, "own": 0, "cities": []},
        )
        group["count"] += row["speech_count"]
        if row["city__code"] is None:  # the province's own (provincial) speeches
            group["own"] += row["speech_count"]
        elif row["city__name"] != row["province__name"]:
            group["cities"].append({"code": row["city__code"], "name": row["city__name"], "count": row["speech_count"]})
    return list(groups.values())


def _on_topic(topic: Topic) -> Q:
    """A speech is counted under a topic when it is tagged with it or holds a commitment on it, so a
    topic's page never counts commitments from speeches it does not count."""
    tagged = Speech.topics.through.objects.filter(topic=topic).values("speech_id")
    holding = Commitment.objects.filter(topic=topic).values("speech_id")
    return Q(pk__in=tagged) | Q(pk__in=holding)


def topic_counts() -> list[Topic]:
    """Every topic, in the taxonomy's order, with its speeches (counted as _on_topic counts them)
    and its commitments: one query, grouping the (speech, topic) pairs once rather than asking
    for each topic and speech."""
    topics, through, commitments = (
        Topic._meta.db_table,
        Speech.topics.through._meta.db_table,
        Commitment._meta.db_table,
    )
    pairs = (
        f"SELECT speech_id, topic_id FROM {through}"
        f" UNION SELECT speech_id, topic_id FROM {commitments} WHERE topic_id IS NOT NULL"
    )
    return list(
        Topic.objects.raw(
            f"SELECT t.id, t.slug, t.name, t.keywords, t.position,"
            f" COALESCE(s.n, 0) AS speech_count, COALESCE(c.n, 0) AS commitment_count FROM {topics} t"
            f" LEFT JOIN (SELECT topic_id, count(*) AS n FROM ({pairs}) p GROUP BY topic_id) s ON s.topic_id = t.id"
            f" LEFT JOIN (SELECT topic_id, count(*) AS n FROM {commitments} WHERE topic_id IS NOT NULL"
            f" GROUP BY topic_id) c ON c.topic_id = t.id ORDER BY t.position, t.slug"
        )
    )


def home(request):
    totals = Speech.objects.aggregate(
        speech_count=Count("pk"),
        city_count=Count("city", distinct=True),
        year_count=Count("year", distinct=True),
        unplaced_count=Count("pk", filter=Q(province=None)),
        undated_count=Count("pk", filter=Q(year=None)),
    )
    return render(
        request,
        "speeches/home.html",
        {
            **totals,
            "commitment_count": Commitment.objects.count(),
            "latest": Speech.objects.for_listing().without_text().by_date()[:8],
            "places": place_groups(Speech.objects.place_counts()),
            "topics": [topic for topic in topic_counts() if topic.speech_count or topic.commitment_count],
            "years": Speech.objects.year_counts(),
            "commitments_per_year": Commitment.objects.year_counts(),
            "commitments_per_topic": Commitment.objects.topic_counts(),
            "no_province": NO_PROVINCE,
            "no_year": NO_YEAR,
            "none": NONE,
        },
    )


# --- the search form: what the reader typed, and values that cannot be used ------------------------

COMMITMENT_SORTS = {
    "relevance": "最相关",
    "newest": "最新在前",
    "oldest": "最早在前",
    "deadline": "按时限，早的在前",
}
# What a search of the other kind keeps when the reader switches between commitments and speeches.
_SHARED_PARAMS = ("q", "province", "city", "topic", "year", "year_min", "year_max")
_YEAR = forms.IntegerField(min_value=FIRST_YEAR, max_value=LAST_YEAR)
_YEAR_NAMES = {"year": "年份", "year_min": "起始年份", "year_max": "截止年份"}


def _switched(request, url_name: str):
    """The header's one search box says where to search (`in`): the other list, if not this one."""
    target = {"commitments": "commitment-list", "speeches": "speech-list"}.get(request.GET.get("in", ""))
    if target is None or target == url_name:
        return None
    return redirect(_other_search(target, request.GET))


def _other_search(url_name: str, query: QueryDict) -> str:
    """The same words and places searched in the other list."""
    kept = QueryDict(mutable=True)
    for name in _SHARED_PARAMS:
        for value in query.getlist(name):
            kept.appendlist(name, value)
    return f"{reverse(url_name)}?{kept.urlencode()}"


def _search_form(request, sorts: dict[str, str]) -> tuple[QueryDict, str, search.ParsedQuery | None, list[str]]:
    """The query string as the page uses it: `q` cleaned, the years checked, the sort known; and
    what was left out, said in the reader's words. A value the page cannot use is dropped from the
    links it makes, never an error."""
    query = request.GET.copy()
    query.pop("in", None)
    notes = []
    # PostgreSQL cannot compare text holding NUL, and no one searches for it.
    q = query.get("q", "").replace("\x00", "").strip()
    parsed = None
    if q:
        parsed = search.parse_query(q)
        query["q"] = q = q[: search.QUERY_MAX_CHARS]
    else:
        query.pop("q", None)
    years = {}
    for name, label in _YEAR_NAMES.items():
        value = query.get(name, "").strip()
        if not value or (name == "year" and value.lower() == NONE):
            continue
        try:
            years[name] = _YEAR.clean(value)
        except forms.ValidationError:
            notes.append(f"{label}“{value[:20]}”不是 {FIRST_YEAR}—{LAST_YEAR} 之间的年份，未使用。")
            query.pop(name)
    if years.get("year_min") and years.get("year_max") and years["year_min"] > years["year_max"]:
        notes.append(f"起始年份 {years['year_min']} 晚于截止年份 {years['year_max']}，年份范围未使用。")
        query.pop("year_min")
        query.pop("year_max")
    sort = query.get("sort", "")
    if sort and (sort not in sorts or (sort == "relevance" and not q)):
        if sort not in sorts:
            notes.append("不认识这种排序方式，按默认顺序排列。")
        query.pop("sort")
    return query, q, parsed, notes


def _for_search_form(query: QueryDict) -> dict:
    return {name: query.get(name, "") for name in ("year_min", "year_max", "sort")}


def _feed_query(query: QueryDict) -> str:
    """The page's query string for its feed: every match, not one page or order of them."""
    kept = query.copy()
    for name in ("page", "sort"):
        kept.pop(name, None)
    return f"?{kept.urlencode()}" if kept else ""


def speech_list(request):
    switched = _switched(request, "speech-list")
    if switched is not None:
        return switched
    query, q, parsed, notes = _search_form(request, {"relevance": "最相关", **SpeechFilter.SORTS})
    problem = parsed.problem if parsed is not None else None
    if q:
        # The speeches holding every term, best first (a match in the title counts most); each
        # carries `snippet` and `title_snippet`, which need its text.
        rows = search.search_speeches(parsed)
        listed = rows.for_listing()
        if query.get("sort") == "relevance":
            query.pop("sort")  # best first is the search's own order
        base = Speech.objects.filter(pk__in=rows.values("pk")) if parsed else Speech.objects.none()
    else:
        listed = Speech.objects.for_listing().without_text().by_date()
        base = None
    filters = SpeechFilter(query, queryset=listed)
    facets = filters.facets(base=base)
    page_obj = _page(request, filters.qs, SPEECHES_PER_PAGE)
    if q and parsed:
        terms = [term.text for term in parsed.terms]
        outlines = anchors.outlines([speech.pk for speech in page_obj])
        for speech in page_obj:
            outline = outlines.get(speech.pk)
            speech.passages = passages(outline, terms) if outline is not None else []
    return render(
        request,
        "speeches/speech_list.html",
        {
            "q": q,
            "problem": problem,
            "notes": notes,
            "query": query,
            "form": _for_search_form(query),
            "filters": filters,
            "facets": facets,
            "active": filters.active_filters(facets),
            "page_obj": page_obj,
            "sorts": {"relevance": "最相关", **SpeechFilter.SORTS} if q else SpeechFilter.SORTS,
            "sort": query.get("sort") or ("relevance" if q else "date"),
            "commitment_search": _other_search("commitment-list", query),
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


def _commitment_order(rows, sort: str):
    if sort == "oldest":
        return rows.order_by(
            F("speech__year").asc(nulls_last=True), F("speech__delivered_on").asc(nulls_last=True), "speech", "position"
        )
    if sort == "deadline":
        # The soonest deadline first; commitments without one after all that have one.
        return rows.order_by(
            F("deadline_year").asc(nulls_last=True),
            F("deadline_month").asc(nulls_last=True),
            F("deadline_day").asc(nulls_last=True),
            F("speech__year").desc(nulls_last=True),
            "speech",
            "position",
        )
    return rows


def _section_path(outline, section_id: int | None) -> list[dict]:
    """The headed parts a commitment stands in, outermost first, each with its anchor."""
    if outline is None or section_id is None:
        return []
    by_id = {section.pk: section for section in outline.sections}
    path = []
    section = by_id.get(section_id)
    while section is not None:
        if anchors.is_headed(section):
            label = f"{section.marker}{section.heading}".strip()
            path.append(
                {"label": label if len(label) <= 30 else f"{label[:29]}…", "anchor": outline.section(section.pk)}
            )
        section = by_id.get(section.parent_id)
    return path[::-1]


def _placed(commitments, terms: list[str]) -> None:
    """Give each commitment of a page its section path and the sentence around it (one query)."""
    outlines = anchors.outlines({commitment.speech_id for commitment in commitments}, with_text=False)
    for commitment in commitments:
        outline = outlines.get(commitment.speech_id)
        commitment.section_path = _section_path(outline, commitment.section_id)
        section = commitment.section if commitment.section_id else None
        commitment.context = commitment_context(section.text, commitment.text, terms) if section is not None else ""


def _listed(filters: CommitmentFilter, parsed, order: str, counted) -> tuple:
    """The rows a commitment search lists, and how many to page (None: count them). Narrowed
    inside the search's index where the chosen filters allow, rather than by reading every match,
    and told the count the facets' pass made; an estimated total pages only the best rows."""
    shown = filters.qs
    narrowing = filters.search_filters()
    if narrowing:
        shown = search.search_commitments(parsed, order=order, **narrowing).for_listing()
        shown = shown.select_related("speech__county", "section")
    if not counted.total_estimated and hasattr(shown, "knowing_count"):  # not a refused query
        shown = shown.knowing_count(counted.total)
    if counted.total_estimated:
        return shown, min(counted.total, ESTIMATED_PAGES * COMMITMENTS_PER_PAGE)
    return shown, counted.total


def commitment_list(request):
    switched = _switched(request, "commitment-list")
    if switched is not None:
        return switched
    query, q, parsed, notes = _search_form(request, COMMITMENT_SORTS)
    # A refused query (too long, only punctuation) says why; the page keeps a usable part of it.
    problem = parsed.problem if parsed is not None else None
    sort = query.get("sort") or ("relevance" if q else "newest")
    rows = Commitment.objects.all()
    order = "relevance" if sort == "relevance" else "date"
    if q:
        # The one place the page asks the search: every match, best first (or newest first). The
        # FilterSet narrows them as it narrows the browsing list, so the facet counts and the
        # results agree.
        rows = search.search_commitments(parsed, order=order)
    listed = rows.for_listing().select_related("speech__county", "section")
    filters = CommitmentFilter(query, queryset=listed if q else listed.by_speech_date())
    # A search's facets are counted in one pass over its matches, not one search per facet; the
    # same pass counts the rows listed.
    counted = search.commitment_facets(filters, rows) if q else None
    facets = counted.facets if counted else filters.facets()
    shown, total = _listed(filters, parsed, order, counted) if q else (filters.qs, None)
    page_obj = _page(request, _commitment_order(shown, sort), COMMITMENTS_PER_PAGE, total)
    terms = [term.text for term in parsed.terms] if parsed else []
    _placed(page_obj, terms)
    # Words that stand in speeches but in no commitment are found by the speech search.
    speech_matches = search.search_speeches(parsed).count() if q and parsed else 0
    return render(
        request,
        "speeches/commitment_list.html",
        {
            "q": q,
            "problem": problem,
            "notes": notes,
            "query": query,
            "form": _for_search_form(query),
            "sorts": COMMITMENT_SORTS if q else {k: v for k, v in COMMITMENT_SORTS.items() if k != "relevance"},
            "sort": sort,
            "sort_label": COMMITMENT_SORTS[sort],
            "feed_query": _feed_query(query),
            "filters": filters,
            "facets": facets,
            "active": filters.active_filters(facets),
            "page_obj": page_obj,
            "speech_matches": speech_matches,
            "speech_search": _other_search("speech-list", query) if q else "",
            "estimated_total": counted.total if counted and counted.total_estimated else None,
            "facets_estimated": bool(counted and counted.estimated),
        },
    )


def city_list(request):
    return render(
        request,
        "speeches/city_list.html",
        {
            "places": place_groups(Speech.objects.place_counts()),
            "unplaced": Speech.objects.filter(province=None).count(),
            "no_province": NO_PROVINCE,
            "none": NONE,
        },
    )


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
            # A province's cities, and its own speeches beside them, so that the counts add up.
            "places": place_groups(speeches.place_counts()) if region.level == Region.Level.PROVINCE else [],
            "none": NONE,
            "page_obj": _page(request, speeches.for_listing().without_text().by_date(), SPEECHES_PER_PAGE),
            "commitment_count": commitments.count(),
            "targets": _targets(commitments),
            "chart": commitments.topic_counts(),
        },
    )


def topic_list(request):
    return render(
        request,
        "speeches/topic_list.html",
        {"topics": topic_counts(), "chart": Commitment.objects.topic_counts()},
    )


def topic_detail(request, slug: str):
    topic = get_object_or_404(Topic, slug=slug)
    choice = {"topic": slug}
    # Speeches and commitments counted the same way: a commitment by its own topic, a speech when
    # it holds such a commitment (or is tagged with the topic), so every commitment counted stands
    # in a speech counted.
    on_topic = dict(Commitment.objects.filter(topic=topic).order_by().values_list("speech").annotate(n=Count("pk")))
    dated = Speech.objects.filter(_on_topic(topic)).values_list("pk", "year", "delivered_on")
    # Most reports touch every topic: those saying most about this one come first, then the newest.
    ordered = [
        pk
        for pk, *_ in sorted(
            dated,
            key=lambda row: (-on_topic.get(row[0], 0), -(row[1] or 0), -(row[2] or date.min).toordinal(), -row[0]),
        )
    ]
    page_obj = _page(request, ordered, SPEECHES_PER_PAGE)
    rows = Speech.objects.filter(pk__in=page_obj.object_list).for_listing().without_text().in_bulk()
    page_obj.object_list = [rows[pk] for pk in page_obj.object_list if pk in rows]
    for speech in page_obj.object_list:
        speech.topic_commitments = on_topic.get(speech.pk, 0)
    commitments = CommitmentFilter(choice, queryset=Commitment.objects.all()).qs
    return render(
        request,
        "speeches/topic_detail.html",
        {
            "topic": topic,
            "choice": urlencode(choice),
            "page_obj": page_obj,
            "tagged_count": topic.speeches.count(),
            "commitment_count": sum(on_topic.values()),
            "targets": _targets(commitments),
            "chart": commitments.year_counts(),
        },
    )


def year_list(request):
    return render(
        request,
        "speeches/year_list.html",
        {
            "years": Speech.objects.year_counts(),
            "chart": Commitment.objects.year_counts(),
            "undated": Speech.objects.filter(year=None).count(),
            "undated_commitments": Commitment.objects.filter(speech__year=None).count(),
            "no_year": NO_YEAR,
            "none": NONE,
        },
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
