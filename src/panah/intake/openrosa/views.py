"""The OpenRosa API on the legacy base path (no projects): formList, form and media download, submission.

Every endpoint answers an unauthenticated request with a Basic challenge, as ODK Collect expects; handlers only
parse the request and shape the response, the work is in openrosa.services.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from panah.core.errors import ApplicationError
from panah.intake.openrosa import auth, responses, tasks, xforms

View = Callable[..., HttpResponse]
XML_PART = "xml_submission_file"


def basic_auth_required(view: View) -> View:
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = auth.authenticate(request)
        if user is None:
            response = responses.message(_("Sign in with your Panah username and API token."), 401)
            response["WWW-Authenticate"] = 'Basic realm="Panah", charset="UTF-8"'
            return response
        request.user = user
        return view(request, *args, **kwargs)

    return wrapped


def _absolute(request: HttpRequest, name: str, *args: str) -> str:
    return request.build_absolute_uri(reverse(f"openrosa:{name}", args=args))


@require_GET
@basic_auth_required
def form_list(request: HttpRequest) -> HttpResponse:
    wanted = request.GET.get("formID", "")
    entries = []
    for form in xforms.all_forms():
        if wanted and form.form_id != wanted:
            continue
        built = xforms.compiled(form)
        entry = {"formID": form.form_id, "name": built.title, "version": built.version, "hash": f"md5:{built.md5}",
                 "downloadUrl": _absolute(request, "form", form.form_id)}  # fmt: skip
        if form.media:
            entry["manifestUrl"] = _absolute(request, "manifest", form.form_id)
        entries.append(entry)
    return responses.openrosa(responses.form_list(entries))


def _form(form_id: str) -> xforms.XFormSpec:
    try:
        return xforms.get(form_id)
    except ApplicationError:
        raise Http404(form_id) from None


@require_GET
@basic_auth_required
def form_download(request: HttpRequest, form_id: str) -> HttpResponse:
    return responses.openrosa(xforms.compiled(_form(form_id)).xml)


@require_GET
@basic_auth_required
def manifest(request: HttpRequest, form_id: str) -> HttpResponse:
    form = _form(form_id)
    files = [(p.name, xforms.media_md5(p), _absolute(request, "media", form_id, p.name)) for p in form.media]
    return responses.openrosa(responses.manifest(files))


@require_GET
@basic_auth_required
def media(request: HttpRequest, form_id: str, filename: str) -> HttpResponse:
    found = next((p for p in _form(form_id).media if p.name == filename), None)
    if found is None:
        raise Http404(filename)
    return FileResponse(found.open("rb"), filename=found.name)  # type: ignore[return-value]


def _refusal(error: ApplicationError) -> HttpResponse:
    # Collect shows this text to the enumerator: name the field, so the form can be corrected.
    fields = [e for e in error.errors if e.message == error.message]
    details = "; ".join(f"{e.field}: {e.message}" for e in error.errors if e.message != error.message)
    text = f"{fields[0].field}: {error.message}" if fields else error.message
    text = f"{text} ({details})" if details else text
    # OpenRosa clients know 400, 401, 403, 404, 409 and 413; an unprocessable instance is a bad request to them.
    return responses.message(text, 400 if error.status == 422 else error.status)


@csrf_exempt
@require_http_methods(["HEAD", "POST"])
@basic_auth_required
def submission(request: HttpRequest) -> HttpResponse:
    if request.method == "HEAD":
        return responses.message("", 204)
    if int(request.META.get("CONTENT_LENGTH") or 0) > responses.max_submission_bytes():
        return responses.message(_("The submission is too large: send the attachments in several parts."), 413)
    xml_file = request.FILES.get(XML_PART)
    if xml_file is None:
        return responses.message(_("The request has no %(part)s part.") % {"part": XML_PART}, 400)
    attachments = [f for name, files in request.FILES.lists() if name != XML_PART for f in files]
    try:
        receipt = tasks.submission_receive(actor=request.user, payload=xml_file.read(), attachments=attachments)
    except ApplicationError as error:
        return _refusal(error)
    if receipt.refused:
        text = _("Recorded as a refused interview (no consent): nothing was imported.")
        return responses.message(text, 201, "submit_success")
    if not receipt.created:
        return responses.message(_("This submission was already received."), 202, "submit_success")
    return responses.message(_("Thank you: the submission was received."), 201, "submit_success")
