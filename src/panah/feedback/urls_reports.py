from django.urls import URLPattern, URLResolver, path

from panah.feedback.views import reports

urlpatterns: list[URLPattern | URLResolver] = [
    path("", reports.trends, name="trends"),
    path("you-said-we-did/", reports.you_said_we_did_page, name="you_said_we_did"),
    path("you-said-we-did.csv", reports.you_said_we_did_csv, name="you_said_we_did_csv"),
    path("feedback.hxl.csv", reports.hxl, name="hxl"),
]
