from django.urls import URLPattern, URLResolver, path

from panah.feedback.views import public, webhook

app_name = "feedback_public"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", public.submit, name="submit"),
    path("received/", public.received, name="received"),
    path("status/", public.status, name="status"),
    path("webhook/<slug:provider>/", webhook.inbound, name="webhook"),
]
