from django.urls import path

from panah.dtm import views

app_name = "dtm"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:round_id>/", views.round_detail, name="round_detail"),
    path("rounds/<int:round_id>/actions/<slug:action>/", views.round_action, name="round_action"),
    path("rounds/<int:round_id>/report/", views.sitrep, name="sitrep"),
    path("rounds/<int:round_id>/report.pdf", views.sitrep_pdf, name="sitrep_pdf"),
]
