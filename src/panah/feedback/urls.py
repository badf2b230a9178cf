from django.urls import URLPattern, URLResolver, include, path

app_name = "feedback"

urlpatterns: list[URLPattern | URLResolver] = [
    path("reports/", include("panah.feedback.urls_reports")),
]
