"""/api/: the viewsets, the OpenAPI schema and its docs page."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import DefaultRouter

from . import ledger, views

router = DefaultRouter()
# One representation, JSON: no .json twins of every path in the schema.
router.include_format_suffixes = False
router.register("speeches", views.SpeechViewSet, basename="api-speech")
router.register("commitments", views.CommitmentViewSet, basename="api-commitment")
router.register("regions", views.RegionViewSet, basename="api-region")
router.register("topics", views.TopicViewSet, basename="api-topic")
router.register("indicators", ledger.IndicatorViewSet, basename="api-indicator")
router.register("ledger", ledger.LedgerViewSet, basename="api-ledger")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", views.ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    *router.urls,
]
