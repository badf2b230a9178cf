from django.urls import include, path

from config.api import api
from panah.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("panah.accounts.urls")),
    path("geo/", include("panah.geo.urls")),
    path("audit/", include("panah.core.audit_urls")),
    path("", include("panah.core.urls")),
    path("api/", api.urls),
]
