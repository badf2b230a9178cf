"""The inbound SMS/WhatsApp webhook: a gateway posts each message it received as signed JSON (docs/cfm-webhook.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from panah.core.api import problem
from panah.core.errors import ApplicationError
from panah.feedback import public


@csrf_exempt  # a gateway, not a browser: the signature stands in for the CSRF token
@require_POST
def inbound(request: HttpRequest, provider: str) -> HttpResponse:
    if provider not in public.PROVIDERS:
        return problem(404, "not_found", "No such provider.")
    declared = request.META.get("CONTENT_LENGTH") or "0"
    if not declared.isdigit() or int(declared) > public.WEBHOOK_MAX_BYTES:
        return problem(413, "too_large", f"The body may have at most {public.WEBHOOK_MAX_BYTES} bytes.")
    body = request.body
    try:
        public.webhook_verify(
            body=body,
            timestamp=request.headers.get("X-Panah-Timestamp", ""),
            signature=request.headers.get("X-Panah-Signature", ""),
        )
        answer = public.webhook_intake(provider=provider, body=body)
    except ApplicationError as error:
        return problem(error.status, error.code, error.message, errors=error.errors, details=error.details)
    payload = {"reference": answer.reference, "pin": answer.pin, "reply": answer.reply, "duplicate": answer.duplicate}
    response = JsonResponse(payload, status=200 if answer.duplicate else 201)
    response["Cache-Control"] = "no-store"
    return response
