"""Mounted at /openrosa/ (config/urls.py): ODK Collect's server URL is https://<host>/openrosa."""

from django.urls import path

from panah.intake.openrosa import views

app_name = "openrosa"

urlpatterns = [
    path("formList", views.form_list, name="form_list"),
    path("forms/<slug:form_id>.xml", views.form_download, name="form"),
    path("forms/<slug:form_id>/manifest", views.manifest, name="manifest"),
    path("forms/<slug:form_id>/media/<str:filename>", views.media, name="media"),
    path("submission", views.submission, name="submission"),
]
