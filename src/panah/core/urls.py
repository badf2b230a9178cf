from django.urls import path

from panah.core import views

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("about/", views.about, name="about"),
]
