from django.urls import path

from panah.registry.views import batches, duplicates, households, imports, people

app_name = "registry"

urlpatterns = [
    path("", households.household_list, name="households"),
    path("register/", households.register, name="register"),
    path("register/sites/", households.site_options, name="site_options"),
    path("lookup/", households.lookup, name="lookup"),
    path("households/<str:registration_id>/", households.household_detail, name="household"),
    path("households/<str:registration_id>/share/", households.household_share, name="household_share"),
    path("people/<str:registry_id>/", people.person_detail, name="person"),
    path("merges/<int:merge_id>/undo/", people.merge_undo, name="merge_undo"),
    path("duplicates/", duplicates.queue, name="queue"),
    path("duplicates/decide/", duplicates.decide, name="decide"),
    path("import/", imports.upload, name="import"),
    path("import/template.<str:fmt>", imports.template, name="import_template"),
    path("batches/", batches.batch_list, name="batches"),
    path("batches/<int:batch_id>/", batches.batch_detail, name="batch"),
    path("batches/<int:batch_id>/merge/", batches.batch_merge, name="batch_merge"),
    path("batches/<int:batch_id>/reject/", batches.batch_reject, name="batch_reject"),
]
