"""/sitemap.xml: every page a reader can reach by browsing, so search engines find each speech."""

from django.contrib.sitemaps import Sitemap
from django.db.models import Q
from django.urls import reverse

from .models import Region, Speech, Topic


class PageSitemap(Sitemap):
    def items(self):
        return [
            "home",
            "speech-list",
            "commitment-list",
            "city-list",
            "topic-list",
            "year-list",
            "about",
            "sitemap-page",
        ]

    def location(self, item):
        return reverse(item)


class SpeechSitemap(Sitemap):
    limit = 5000

    def items(self):
        return Speech.objects.order_by("pk").only("pk", "imported_at")

    def lastmod(self, speech):
        return speech.imported_at


class PlaceSitemap(Sitemap):
    """Provinces and cities that have speeches; the other regions of the gazetteer have no page worth a visit."""

    def items(self):
        placed = Q(province_speeches__isnull=False) | Q(city_speeches__isnull=False)
        return Region.objects.filter(placed).distinct().order_by("code").only("code")

    def location(self, region):
        return reverse("city-detail", args=[region.code])


class TopicSitemap(Sitemap):
    def items(self):
        return Topic.objects.exclude(speeches=None).distinct().order_by("position", "slug").only("slug")

    def location(self, topic):
        return reverse("topic-detail", args=[topic.slug])


class YearSitemap(Sitemap):
    def items(self):
        return list(Speech.objects.year_counts().values_list("year", flat=True))

    def location(self, year):
        return reverse("year-detail", args=[year])


sitemaps = {
    "pages": PageSitemap,
    "speeches": SpeechSitemap,
    "places": PlaceSitemap,
    "topics": TopicSitemap,
    "years": YearSitemap,
}
