"""The public feedback pages: no account needed, in English and Urdu, never cached, and nothing personal in a URL.

The reference and PIN go from the submission to the receipt page through the session (a redirect after the POST),
and the PIN is dropped from it the first time it is shown.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache

from panah.accounts.forms import add_application_error
from panah.core import context
from panah.core.errors import ApplicationError
from panah.feedback import public
from panah.feedback.forms_public import FeedbackForm, StatusForm

RECEIPT = "feedback_receipt"


def _address() -> str:
    return context.current().client_ip


def _page(request: HttpRequest, template: str, ctx: dict[str, Any], status: int = 200) -> HttpResponse:
    ctx.setdefault("hotline", settings.PANAH_CFM_HOTLINE)
    ctx.setdefault("nav", "status" if template == "status.html" else "submit")
    return render(request, f"feedback/public/{template}", ctx, status=status)


def _limited(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    response = _page(request, "limited.html", {"error": error}, status=429)
    response["Retry-After"] = "3600"
    return response


@never_cache
def submit(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request, "form.html", {"form": FeedbackForm(initial={"token": public.form_token()})})
    form = FeedbackForm(request.POST.copy())  # mutable: the token may be renewed when shown again
    if form.is_valid():
        try:
            submitted = public.public_submit(
                data=form.to_input(translation.get_language() or "en"),
                token=form.cleaned_data["token"],
                honeypot=form.cleaned_data["hp_note"],
                address=_address(),
            )
        except ApplicationError as error:
            if error.status == 429:
                return _limited(request, error)
            if error.status != 422:
                raise
            add_application_error(form, error)
        else:
            _keep_receipt(request, submitted)
            return redirect("feedback_public:received")
    return _page(request, "form.html", {"form": _with_live_token(form)}, status=422)


def _with_live_token(form: FeedbackForm) -> FeedbackForm:
    # Shown again with the same token while it is still good (a double submit later stays one ticket); a fresh one
    # when it expired or was forged. The honeypot is emptied: a browser may have filled it for a real person.
    data = cast(QueryDict, form.data)
    try:
        public.form_nonce(data.get("token", ""), check_age=False)
    except ApplicationError:
        data["token"] = public.form_token()
    data["hp_note"] = ""
    return form


def _keep_receipt(request: HttpRequest, submitted: Any) -> None:
    ticket = submitted.ticket
    earlier = request.session.get(RECEIPT) or {}
    if not submitted.created and earlier.get("reference") == ticket.reference and earlier.get("pin"):
        return  # a double click: the first answer, with the PIN, has not been shown yet
    due = public.next_date(ticket)
    request.session[RECEIPT] = {
        "reference": ticket.reference,
        "pin": submitted.pin or "",
        "repeat": not submitted.created,
        "confidential": ticket.sealed,
        "due": due.isoformat() if due else "",
    }


@never_cache
def received(request: HttpRequest) -> HttpResponse:
    receipt = request.session.get(RECEIPT)
    if not receipt:
        return redirect("feedback_public:submit")
    shown = dict(receipt)
    if receipt.get("pin"):
        request.session[RECEIPT] = {**receipt, "pin": "", "pin_was_shown": True}
    return _page(request, "received.html", {"receipt": shown})


@never_cache
def status(request: HttpRequest) -> HttpResponse:
    form = StatusForm(request.POST if request.method == "POST" else None)
    result, code = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            result = public.status_check(
                reference=form.cleaned_data["reference"], pin=form.cleaned_data["pin"], address=_address()
            )
        except ApplicationError as error:
            if error.status == 429:
                return _limited(request, error)
            form.add_error(None, error.message)
            code = 404
    elif form.is_bound:
        code = 422
    return _page(request, "status.html", {"form": StatusForm() if result else form, "result": result}, status=code)
