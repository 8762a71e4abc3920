from django.urls import path, re_path

from . import about_views, ledger_views, views

urlpatterns = [
    path("", views.home, name="home"),
    path("speeches/", views.speech_list, name="speech-list"),
    path("speeches/<int:pk>/", views.speech_detail, name="speech-detail"),
    path("commitments/", views.commitment_list, name="commitment-list"),
    path("cities/", views.city_list, name="city-list"),
    re_path(r"^cities/(?P<code>[0-9]{6})/$", views.city_detail, name="city-detail"),
    path("topics/", views.topic_list, name="topic-list"),
    path("topics/<slug:slug>/", views.topic_detail, name="topic-detail"),
    path("years/", views.year_list, name="year-list"),
    path("years/<int:year>/", views.year_detail, name="year-detail"),
    path("reuse/", views.reuse_overview, name="reuse"),
    re_path(r"^reuse/(?P<code>[0-9]{6})/$", views.reuse_place, name="reuse-place"),
    path("ledger/", ledger_views.ledger_index, name="ledger-index"),
    path("ledger/export.csv", ledger_views.ledger_csv, name="ledger-csv"),
    path("ledger/compare/<slug:slug>/<int:year>/", ledger_views.ledger_compare, name="ledger-compare"),
    re_path(r"^ledger/(?P<place>national|[0-9]{6})/$", ledger_views.ledger_place_record, name="ledger-place"),
    re_path(
        r"^ledger/(?P<place>national|[0-9]{6})/(?P<slug>[-a-zA-Z0-9_]+)/$",
        ledger_views.ledger_indicator,
        name="ledger-indicator",
    ),
    path("about/", about_views.about, name="about"),
    path("sitemap/", about_views.sitemap_page, name="sitemap-page"),
    path("robots.txt", views.robots_txt, name="robots-txt"),
]
