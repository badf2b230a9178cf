"""Importing a file of households: intake's upload machinery with the registry's spec, outside any DTM round.

The file's households are staged; the batch's review (batches.py) merges them into the registry or rejects them.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from panah.core.errors import ApplicationError
from panah.core.pages import page
from panah.intake import registry as intake_specs
from panah.intake import tasks as intake_tasks
from panah.intake.forms import UploadForm
from panah.intake.template_files import template_csv, template_xlsx
from panah.registry.views.common import NAV

SPEC = "registry.households"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@page
def upload(request: HttpRequest) -> HttpResponse:
    spec = intake_specs.get(SPEC)
    spec.authorise(request.user, {})
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            done = intake_tasks.batch_upload(actor=request.user, spec_name=SPEC, context={}, filename=file.name,
                                             content=file.read(), policy=form.cleaned_data["policy"])  # fmt: skip
        except ApplicationError as error:
            if error.status != 422:
                raise
            form.add_error(None, error.message)
            status = 422
        else:
            if not done.created:
                messages.info(request, _("This file was already uploaded: nothing changed."))
            return redirect("intake:batch", batch_id=done.batch.pk)
    elif request.method == "POST":
        status = 422
    return render(request, "registry/import.html", {"form": form, "spec": spec, "nav_active": NAV}, status=status)


@page
def template(request: HttpRequest, fmt: str) -> HttpResponse:
    spec = intake_specs.get(SPEC)
    spec.authorise(request.user, {})
    if fmt == "csv":
        response = HttpResponse(template_csv(spec), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(template_xlsx(spec, request.user, {}), content_type=XLSX_TYPE)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="registry-households.{fmt}"'
    return response
