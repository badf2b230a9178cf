"""Intake API: upload a file for an import spec, follow the batch, read its row report, fetch templates."""

# No `from __future__ import annotations`: ninja resolves the annotations at import time.

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema, Status, UploadedFile
from ninja.pagination import paginate

from panah.core.pagination import Pagination
from panah.core.schemas import ERRORS
from panah.intake import registry, selectors, tasks
from panah.intake.template_files import template_csv, template_xlsx

router = Router()
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class BatchOut(Schema):
    id: int
    spec_name: str
    context: dict[str, Any]
    original_filename: str
    sha256: str
    status: str
    policy: str
    total_rows: int
    valid_rows: int
    held_rows: int
    imported_rows: int
    progress: int
    error_summary: str


class UploadOut(Schema):
    batch: BatchOut
    created: bool
    message: str


class RowErrorOut(Schema):
    column: str
    message: str


class HeldRowOut(Schema):
    id: int
    row_number: int
    values: dict[str, str]
    errors: list[RowErrorOut]
    resolution: str


@router.post("/{spec_name}/batches", response={201: UploadOut, 200: UploadOut, **ERRORS}, url_name="intake_upload")
def upload(
    request: HttpRequest, spec_name: str, round_id: Form[int], policy: Form[str], file: File[UploadedFile]
) -> Any:
    done = tasks.batch_upload(
        actor=request.user, spec_name=spec_name, context={"round_id": round_id}, filename=file.name or "upload",
        content=file.read(), policy=policy,
    )  # fmt: skip
    batch = selectors.batch_get(actor=request.user, batch_id=done.batch.pk) if done.created else done.batch
    message = "Batch created." if done.created else "This file was already uploaded: nothing changed."
    return Status(201 if done.created else 200, {"batch": batch, "created": done.created, "message": message})


@router.get("/batches/{batch_id}", response={200: BatchOut, **ERRORS}, url_name="intake_batch")
def batch_status(request: HttpRequest, batch_id: int) -> Any:
    return selectors.batch_get(actor=request.user, batch_id=batch_id)


@router.get("/batches/{batch_id}/rows", response={200: list[HeldRowOut], **ERRORS}, url_name="intake_rows")
@paginate(Pagination)
def row_report(request: HttpRequest, batch_id: int, column: str = "") -> Any:
    return selectors.held_row_list(actor=request.user, batch_id=batch_id, column=column)


@router.get("/{spec_name}/template", response={200: None, **ERRORS}, url_name="intake_template")
def template(request: HttpRequest, spec_name: str, round_id: int, format: str = "xlsx") -> HttpResponse:
    spec = registry.get(spec_name)
    context = {"round_id": round_id}
    spec.authorise(request.user, context)
    if format == "csv":
        response = HttpResponse(template_csv(spec), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(template_xlsx(spec, request.user, context), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{spec.name}.{"csv" if format == "csv" else "xlsx"}"'
    return response
