from django.urls import URLPattern, URLResolver, include, path

from panah.feedback.views import box, record, sealed, settings, steps, tickets

app_name = "feedback"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", tickets.ticket_list, name="tickets"),
    path("overdue/", tickets.overdue, name="overdue"),
    path("tickets/<str:reference>/", tickets.ticket_detail, name="ticket"),
    path("tickets/<str:reference>/<slug:step>/", steps.ticket_step, name="ticket_step"),
    path("record/", record.landing, name="record"),
    path("record/sites/", record.site_options, name="site_options"),
    path("record/box/", box.record_box, name="record_box"),
    path("record/meeting/", record.record_meeting, name="record_meeting"),
    path("record/dispute/", record.record_dispute, name="record_dispute"),
    path("record/<slug:kind>/", record.record_ticket, name="record_ticket"),
    path("sealed/", sealed.sealed_list, name="sealed"),
    path("sealed/<str:reference>/", sealed.sealed_ticket, name="sealed_ticket"),
    path("sealed/<str:reference>/<slug:step>/", sealed.sealed_step, name="sealed_step"),
    path("settings/", settings.settings_list, name="settings"),
    path("settings/<slug:code>/", settings.settings_category, name="settings_category"),
    path("reports/", include("panah.feedback.urls_reports")),
]
