"""The composition root of the API: one NinjaAPI, each app's router under its own prefix."""

from __future__ import annotations

from panah.accounts.api import router as accounts_router
from panah.accounts.auth import API_AUTH
from panah.core.api import PanahAPI, install_error_handlers
from panah.core.audit_api import router as audit_router
from panah.dtm.api import router as dtm_router
from panah.feedback.api import router as feedback_router
from panah.feedback.api_sealed import router as feedback_sealed_router
from panah.feedback.api_settings import router as feedback_settings_router
from panah.geo.api import router as geo_router
from panah.intake.api import router as intake_router
from panah.registry.api import router as registry_router

api = PanahAPI(
    title="Panah API",
    version="1",
    description=(
        "Panah's API. Authenticate with a personal API token (`Authorization: Bearer <token>`) or a browser "
        "session. Every error is an RFC 9457 problem+json body with a stable `code` and per-field `errors`. "
        "Lists are paginated with `limit` and `offset`."
    ),
    auth=API_AUTH,
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
install_error_handlers(api)
api.add_router("/accounts/", accounts_router, tags=["accounts"])
api.add_router("/geo/", geo_router, tags=["geography"])
api.add_router("/audit/", audit_router, tags=["audit"])
api.add_router("/dtm/", dtm_router, tags=["displacement"])
api.add_router("/intake/", intake_router, tags=["intake"])
api.add_router("/registry/", registry_router, tags=["registry"])
api.add_router("/feedback/", feedback_router, tags=["feedback"])
api.add_router("/feedback/sealed", feedback_sealed_router, tags=["feedback (sealed, PSEA only)"])
api.add_router("/feedback/settings", feedback_settings_router, tags=["feedback"])
