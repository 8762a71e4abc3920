"""Open data outside the API: list exports, one speech as a file, and the Atom feeds."""

from django.urls import path, re_path

from . import exports, feeds

urlpatterns = [
    path("commitments/export.csv", exports.commitments_csv, name="export-commitments-csv"),
    path("commitments/export.jsonl", exports.commitments_jsonl, name="export-commitments-jsonl"),
    path("speeches/export.csv", exports.speeches_csv, name="export-speeches-csv"),
    path("speeches/export.jsonl", exports.speeches_jsonl, name="export-speeches-jsonl"),
    path("speeches/<int:pk>.txt", exports.speech_txt, name="speech-txt"),
    path("speeches/<int:pk>.md", exports.speech_markdown, name="speech-md"),
    path("speeches/<int:pk>.json", exports.speech_json, name="speech-json"),
    path("feeds/speeches.atom", feeds.SpeechFeed(), name="feed-speeches"),
    re_path(r"^feeds/cities/(?P<code>[0-9]{6})\.atom$", feeds.CitySpeechFeed(), name="feed-city"),
    path("feeds/topics/<slug:slug>.atom", feeds.TopicSpeechFeed(), name="feed-topic"),
    path("feeds/commitments.atom", feeds.CommitmentSearchFeed(), name="feed-commitments"),
]
