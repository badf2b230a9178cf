"""Pages of intake: upload per spec and round, the batch with its progress and row report, held-row correction."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from panah.core.errors import ApplicationError
from panah.core.pages import page
from panah.core.permissions import Perm, can
from panah.intake import registry, selectors, services, tasks
from panah.intake.forms import DecisionForm, HeldRowForm, UploadForm
from panah.intake.models import BatchStatus, KoboSource
from panah.intake.template_files import template_csv, template_xlsx

PAGE_SIZE = 50
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _form_error(form: Any, error: ApplicationError) -> None:
    named = [e for e in error.errors if e.field in form.fields]
    for e in named:
        form.add_error(e.field, e.message)
    if not named:
        form.add_error(None, error.message)


@page
def upload(request: HttpRequest, spec_name: str, round_id: int) -> HttpResponse:
    spec = registry.get(spec_name)
    context = {"round_id": round_id}
    spec.authorise(request.user, context)
    form = UploadForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        try:
            done = tasks.batch_upload(actor=request.user, spec_name=spec.name, context=context, filename=file.name,
                                      content=file.read(), policy=form.cleaned_data["policy"])  # fmt: skip
        except ApplicationError as error:
            _form_error(form, error)
            status = error.status
        else:
            if not done.created:
                messages.info(request, _("This file was already uploaded for this round: nothing changed."))
            return redirect("intake:batch", batch_id=done.batch.pk)
    elif request.method == "POST":
        status = 422
    ctx = {"form": form, "spec": spec, "round_id": round_id, "nav_active": "intake"}
    return render(request, "intake/upload.html", ctx, status=status)


@page
def template(request: HttpRequest, spec_name: str, round_id: int, fmt: str) -> HttpResponse:
    spec = registry.get(spec_name)
    context = {"round_id": round_id}
    spec.authorise(request.user, context)
    if fmt == "csv":
        response = HttpResponse(template_csv(spec), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        response = HttpResponse(template_xlsx(spec, request.user, context), content_type=XLSX_TYPE)
    else:
        raise Http404
    response["Content-Disposition"] = f'attachment; filename="{spec.name}-round-{round_id}.{fmt}"'
    return response


def _round_filter(request: HttpRequest) -> int | None:
    value = request.GET.get("round", "")
    return int(value) if value.isdigit() else None


@page
def batch_list(request: HttpRequest) -> HttpResponse:
    round_id = _round_filter(request)
    context = {"round_id": round_id} if round_id is not None else None
    batches = selectors.batch_list(actor=request.user, context=context)
    page_obj = Paginator(batches, PAGE_SIZE).get_page(request.GET.get("page"))
    ctx = {"page_obj": page_obj, "round_id": round_id, "nav_active": "intake",
           "can_manage_kobo": can(request.user, Perm.VIEW, KoboSource)}  # fmt: skip
    return render(request, "intake/batches.html", ctx)


def _batch_context(request: HttpRequest, batch_id: int) -> dict[str, Any]:
    batch = selectors.batch_get(actor=request.user, batch_id=batch_id)
    column = request.GET.get("column", "")
    rows = selectors.held_row_list(actor=request.user, batch_id=batch.pk, column=column)
    return {
        "batch": batch, "column": column, "columns": selectors.report_columns(batch=batch),
        "page_obj": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "can_correct": batch.status == BatchStatus.DONE, "decision_form": DecisionForm(), "nav_active": "intake",
    }  # fmt: skip


@page
def batch_detail(request: HttpRequest, batch_id: int) -> HttpResponse:
    return render(request, "intake/batch.html", _batch_context(request, batch_id))


@page
def batch_progress(request: HttpRequest, batch_id: int) -> HttpResponse:
    batch = selectors.batch_get(actor=request.user, batch_id=batch_id)
    response = render(request, "intake/_progress.html", {"batch": batch})
    if batch.is_finished or batch.status == BatchStatus.NEEDS_DECISION:
        response["HX-Refresh"] = "true"  # the finished batch has a report to show: reload the whole page once
    return response


@page
def batch_decide(request: HttpRequest, batch_id: int) -> HttpResponse:
    if request.method != "POST":
        return redirect("intake:batch", batch_id=batch_id)
    batch = selectors.batch_get(actor=request.user, batch_id=batch_id, action=Perm.CHANGE)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            tasks.batch_decide(actor=request.user, batch=batch, policy=form.cleaned_data["policy"])
        except ApplicationError as error:
            messages.error(request, error.message)
    return redirect("intake:batch", batch_id=batch_id)


@page
def held_row(request: HttpRequest, row_id: int) -> HttpResponse:
    row = selectors.held_row_get(actor=request.user, row_id=row_id, action=Perm.CHANGE)
    spec = registry.get(row.batch.spec_name)
    form = HeldRowForm(spec, request.POST or None, initial=row.values)
    if request.method == "POST" and form.is_valid():
        try:
            if "discard" in request.POST:
                services.held_row_discard(actor=request.user, row=row)
                messages.success(request, _("Row %(n)s discarded.") % {"n": row.row_number})
                return redirect("intake:batch", batch_id=row.batch_id)
            if not services.held_row_correct(actor=request.user, row=row, values=form.cleaned_data):
                messages.success(request, _("Row %(n)s imported.") % {"n": row.row_number})
                return redirect("intake:batch", batch_id=row.batch_id)
        except ApplicationError as error:
            _form_error(form, error)
    return render(request, "intake/held_row.html", {"row": row, "form": form, "spec": spec, "nav_active": "intake"})
