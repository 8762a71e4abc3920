from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("speeches/", views.speech_list, name="speech-list"),
    path("speeches/<int:pk>/", views.speech_detail, name="speech-detail"),
]
