from django.urls import path

from . import alert_views

urlpatterns = [
    path("new/", alert_views.alert_new, name="alert-new"),
    path("confirm/<str:token>/", alert_views.alert_confirm, name="alert-confirm"),
    path("unsubscribe/<str:token>/", alert_views.alert_unsubscribe, name="alert-unsubscribe"),
    path("manage/<str:token>/", alert_views.alert_manage, name="alert-manage"),
]
