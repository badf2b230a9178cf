from django.urls import path

from panah.geo import views

app_name = "geo"

urlpatterns = [
    path("areas/", views.areas, name="areas"),
    path("areas/<str:pcode>/", views.area_detail, name="area_detail"),
    path("map/", views.map_page, name="map"),
    path("sites/", views.sites, name="sites"),
    path("sites/new/", views.site_new, name="site_new"),
    path("sites/<uuid:public_id>/", views.site_detail, name="site_detail"),
    path("sites/<uuid:public_id>/edit/", views.site_edit, name="site_edit"),
    path("crossings/", views.crossings, name="crossings"),
    path("crossings/<slug:code>/", views.crossing_detail, name="crossing_detail"),
]
