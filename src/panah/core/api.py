"""The API shell: one NinjaAPI, one error shape (RFC 9457 problem+json) for every refusal."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, AuthorizationError, HttpError, ValidationError

from panah.core.errors import ApplicationError, FieldError

logger = logging.getLogger("panah.api")

PROBLEM_CONTENT_TYPE = "application/problem+json"
ERROR_DOC_BASE = "/api/docs#errors-"


def problem(
    status: int, code: str, title: str, *, errors: list[FieldError] | None = None, details: dict[str, Any] | None = None
) -> JsonResponse:
    body: dict[str, Any] = {
        "type": f"{ERROR_DOC_BASE}{code}",
        "title": title,
        "status": status,
        "code": code,
        "errors": [e.as_dict() for e in errors or []],
    }
    if details:
        body["details"] = details
    return JsonResponse(body, status=status, content_type=PROBLEM_CONTENT_TYPE)


def _field_name(loc: Any) -> str:
    # ninja locations look like ("body", "payload", "name") or ("query", "level"): keep what a client sent. List
    # positions read members[1].documents[0].number, as the domain's own validation names them.
    name = ""
    for p in loc:
        if p in ("body", "query", "path", "header", "form", "cookie", "payload", "filters"):
            continue
        name += f"[{p}]" if isinstance(p, int) else (f".{p}" if name else str(p))
    return name or "request"


def _validation(request: HttpRequest, exc: Any) -> HttpResponse:
    errors = [
        FieldError(_field_name(e.get("loc", ())), str(e.get("msg", "invalid")), str(e.get("type", "invalid")))
        for e in exc.errors
    ]
    return problem(422, "invalid", "The request has invalid fields.", errors=errors)


def _application(request: HttpRequest, exc: Any) -> HttpResponse:
    return problem(exc.status, exc.code, exc.message, errors=exc.errors, details=exc.details)


def _http(request: HttpRequest, exc: Any) -> HttpResponse:
    codes = {400: "bad_request", 401: "unauthenticated", 403: "forbidden", 404: "not_found", 405: "method_not_allowed"}
    return problem(exc.status_code, codes.get(exc.status_code, "error"), str(exc.message))


def _unauthenticated(request: HttpRequest, exc: Any) -> HttpResponse:
    response = problem(401, "unauthenticated", "Sign in, or send a valid API token.")
    response["WWW-Authenticate"] = 'Bearer realm="panah"'
    return response


def _forbidden(request: HttpRequest, exc: Any) -> HttpResponse:
    return problem(403, "forbidden", "You are not allowed to do this.")


def _not_found(request: HttpRequest, exc: Any) -> HttpResponse:
    return problem(404, "not_found", "No such record.")


def _server_error(request: HttpRequest, exc: Any) -> HttpResponse:
    logger.exception("unhandled error in API", extra={"event": "api.error"})
    return problem(500, "server_error", "Something went wrong on our side; the error was logged.")


class PanahAPI(NinjaAPI):
    """NinjaAPI whose OpenAPI document says what is really sent: errors are application/problem+json."""

    def get_openapi_schema(self, *args: Any, **kwargs: Any) -> Any:
        document = super().get_openapi_schema(*args, **kwargs)
        for operations in document.get("paths", {}).values():
            for operation in operations.values():
                for status, response in operation.get("responses", {}).items():
                    content = response.get("content", {})
                    if str(status)[0] in "45" and "application/json" in content:
                        content[PROBLEM_CONTENT_TYPE] = content.pop("application/json")
        return document


def install_error_handlers(api: NinjaAPI) -> None:
    api.add_exception_handler(ValidationError, _validation)
    api.add_exception_handler(ApplicationError, _application)
    api.add_exception_handler(AuthenticationError, _unauthenticated)
    api.add_exception_handler(AuthorizationError, _forbidden)
    api.add_exception_handler(HttpError, _http)
    api.add_exception_handler(Http404, _not_found)
    api.add_exception_handler(PermissionDenied, _forbidden)
    api.add_exception_handler(Exception, _server_error)


def api_not_found(request: HttpRequest) -> HttpResponse:
    return problem(404, "not_found", "No such API endpoint.")
