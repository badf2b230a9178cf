from django.urls import path

from panah.intake import views

app_name = "intake"

urlpatterns = [
    path("batches/", views.batch_list, name="batches"),
    path("<str:spec_name>/rounds/<int:round_id>/upload/", views.upload, name="upload"),
    path("<str:spec_name>/rounds/<int:round_id>/template.<str:fmt>", views.template, name="template"),
    path("batches/<int:batch_id>/", views.batch_detail, name="batch"),
    path("batches/<int:batch_id>/progress/", views.batch_progress, name="batch_progress"),
    path("batches/<int:batch_id>/decide/", views.batch_decide, name="batch_decide"),
    path("rows/<int:row_id>/", views.held_row, name="held_row"),
]
