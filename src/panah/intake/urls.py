from django.urls import path

from panah.intake import views
from panah.intake.kobo import views as kobo_views

app_name = "intake"

urlpatterns = [
    path("batches/", views.batch_list, name="batches"),
    path("<str:spec_name>/rounds/<int:round_id>/upload/", views.upload, name="upload"),
    path("<str:spec_name>/rounds/<int:round_id>/template.<str:fmt>", views.template, name="template"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch"),
    path("batches/<int:batch_id>/progress/", views.batch_progress, name="batch_progress"),
    path("batches/<int:batch_id>/decide/", views.batch_decide, name="batch_decide"),
    path("rows/<int:row_id>/", views.held_row, name="held_row"),
    path("kobo/", kobo_views.source_list, name="kobo_sources"),
    path("kobo/<int:source_id>/", kobo_views.source_edit, name="kobo_source_edit"),
    path("kobo/<int:source_id>/delete/", kobo_views.source_delete, name="kobo_source_delete"),
    path("kobo/<int:source_id>/pull/", kobo_views.source_pull, name="kobo_source_pull"),
    path("kobo/<int:source_id>/row/", kobo_views.source_row, name="kobo_source_row"),
]
