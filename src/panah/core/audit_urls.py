from django.urls import path

from panah.core import audit_views

app_name = "audit"

urlpatterns = [
    path("", audit_views.events, name="events"),
    path("events/<int:id>/", audit_views.event_detail, name="event_detail"),
    path("verify/", audit_views.verify, name="verify"),
    path("verify/<str:task_id>/", audit_views.verification, name="verification"),
]
