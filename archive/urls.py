from django.contrib import admin
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path

from speeches.sitemaps import sitemaps

from .health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("sitemap.xml", sitemap, {"sitemaps": sitemaps}, name="sitemap"),
    path("api/", include("speeches.api.urls")),
    path("alerts/", include("speeches.alert_urls")),
    path("", include("speeches.open_data_urls")),
    path("", include("speeches.urls")),
]
