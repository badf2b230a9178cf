"""IOM DTM API v3 paths, mounted at /v3/displacement/ (see dtm_api.py)."""

from django.urls import path

from panah.dtm import dtm_api

app_name = "dtm_api"

urlpatterns = [
    path("admin0", dtm_api.admin0, name="admin0"),
    path("admin1", dtm_api.admin1, name="admin1"),
    path("admin2", dtm_api.admin2, name="admin2"),
    path("country-list", dtm_api.country_list, name="country_list"),
    path("operation-list", dtm_api.operation_list, name="operation_list"),
]
