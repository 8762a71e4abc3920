from django.urls import path, re_path

from . import views

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
    path("robots.txt", views.robots_txt, name="robots-txt"),
]
