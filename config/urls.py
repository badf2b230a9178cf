from django.urls import include, path, re_path

from config.api import api
from panah.accounts import views as account_views
from panah.core.api import api_not_found

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("panah.accounts.urls")),
    path("geo/", include("panah.geo.urls")),
    path("audit/", include("panah.core.audit_urls")),
    path("", include("panah.core.urls")),
    path("dtm/", include("panah.dtm.urls")),
    path("intake/", include("panah.intake.urls")),
    path("registry/", include("panah.registry.urls")),
    path("cfm/", include("panah.feedback.urls")),  # the complaints and feedback team's pages
    path("feedback/", include("panah.feedback.public_urls")),  # public: no account needed
    path("openrosa/", include("panah.intake.openrosa.urls")),  # ODK Collect, KoboCollect, Enketo
    path("v3/displacement/", include("panah.dtm.dtm_api_urls")),  # IOM DTM API v3-compatible
    path("dtm/exports/", include("panah.dtm.exports_urls")),
    path("api/", api.urls),
    # Anything else under /api/ answers in the API's own error shape, not with an HTML page.
    re_path(r"^api/", api_not_found),
]
