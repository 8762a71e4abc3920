"""/about/: what the archive holds and how it is read; /sitemap/: every part of the site on one page.

The XML sitemap for crawlers stays at /sitemap.xml (speeches/sitemaps.py).
"""

from __future__ import annotations

from django.db.models import Count, Max, Min, Q
from django.shortcuts import render
from django.views.decorators.http import require_safe

from .models import Commitment, Region, Speech, Target
from .views import topic_counts


def _choice_counts(field: str, choices) -> list[dict]:
    counted = dict(Commitment.objects.order_by().values_list(field).annotate(number=Count("pk")))
    return [{"value": value, "label": label, "count": counted.get(value, 0)} for value, label in choices]


@require_safe
def about(request):
    totals = Speech.objects.order_by().aggregate(
        speeches=Count("pk"),
        first_year=Min("year"),
        last_year=Max("year"),
        last_import=Max("imported_at"),
        provinces=Count("province", distinct=True),
        cities=Count("city", distinct=True),
        dated=Count("pk", filter=Q(year__isnull=False)),
        placed=Count("pk", filter=Q(province__isnull=False)),
    )
    kinds = _choice_counts("kind", Commitment.Kind.choices)
    strengths = _choice_counts("strength", Commitment.Strength.choices)
    context = {
        "totals": totals,
        "commitment_count": sum(row["count"] for row in kinds),
        "target_count": Target.objects.count(),
        "kinds_and_strengths": list(zip(kinds, strengths, strict=True)),
        "year_sources": Speech.YearSource.choices,
    }
    return render(request, "about.html", context)


def _places() -> list[dict]:
    """Provinces with speeches, each with its cities that have speeches, in code order."""
    provinces = Region.objects.filter(level=Region.Level.PROVINCE).annotate(
        speech_count=Count("province_speeches", distinct=True)
    )
    cities = (
        Region.objects.filter(level=Region.Level.CITY)
        .annotate(speech_count=Count("city_speeches", distinct=True))
        .filter(speech_count__gt=0)
        .order_by("code")
    )
    by_province: dict[int, list[Region]] = {}
    for city in cities:
        by_province.setdefault(city.parent_id, []).append(city)
    shown = []
    for province in provinces.filter(speech_count__gt=0).order_by("code"):
        # A municipality's city record bears the province's own name: listed once, as the province.
        own = [city for city in by_province.get(province.pk, []) if city.name != province.name]
        shown.append({"region": province, "cities": own})
    return shown


@require_safe
def sitemap_page(request):
    # Counted as the topic pages count them: a speech tagged with the topic or holding a commitment on it.
    topics = [topic for topic in topic_counts() if topic.speech_count]
    years = (
        Speech.objects.exclude(year=None).order_by().values("year").annotate(speech_count=Count("pk")).order_by("-year")
    )
    context = {"places": _places(), "topics": topics, "years": list(years)}
    return render(request, "sitemap.html", context)
