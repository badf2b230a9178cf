"""Reads of import batches and their held rows, always scoped to what the caller may see."""

from __future__ import annotations

from typing import Any

from django.db import models

from panah.core.permissions import Perm, get_visible, visible_to
from panah.intake.models import HeldRow, ImportBatch, Resolution, Submission
from panah.intake.registry import context_key


def _batches(actor: Any, action: str = Perm.VIEW) -> models.QuerySet[ImportBatch]:
    # The file itself is never needed to show a batch: leave the (possibly large) bytes in the database.
    return visible_to(actor, ImportBatch.objects.defer("content").select_related("uploaded_by"), action)


def batch_list(
    *, actor: Any, spec_name: str = "", context: dict[str, Any] | None = None
) -> models.QuerySet[ImportBatch]:
    """Batches the actor may see, newest first, optionally for one spec and context."""
    qs = _batches(actor)
    if spec_name:
        qs = qs.filter(spec_name=spec_name)
    if context is not None:
        qs = qs.filter(context_key=context_key(context))
    return qs


def batch_get(*, actor: Any, batch_id: int, action: str = Perm.VIEW) -> ImportBatch:
    """One batch the actor may see (uploader, IM officer, administrator); not found otherwise."""
    return get_visible(actor, _batches(actor, action), action, pk=batch_id)


def held_row_list(
    *, actor: Any, batch_id: int, column: str = "", include_resolved: bool = False
) -> models.QuerySet[HeldRow]:
    """The row report of a batch: rows with problems in file order, optionally only those with a problem in `column`."""
    batch = batch_get(actor=actor, batch_id=batch_id)
    qs = HeldRow.objects.filter(batch=batch)
    if not include_resolved:
        qs = qs.filter(resolution=Resolution.OPEN)
    if column:
        # JSON containment differs between SQLite and PostgreSQL; a text match on the stored list works on both.
        qs = qs.filter(errors__icontains=f'"column": "{column}"')
    return qs.order_by("row_number")


def held_row_get(*, actor: Any, row_id: int, action: str = Perm.VIEW) -> HeldRow:
    """One held row of a batch the actor may see; not found otherwise."""
    return get_visible(actor, HeldRow.objects.select_related("batch"), action, pk=row_id)


def report_columns(*, batch: ImportBatch) -> list[str]:
    """The columns named in the batch's row report, for the filter."""
    columns: set[str] = set()
    for errors in HeldRow.objects.filter(batch=batch).values_list("errors", flat=True):
        columns.update(e["column"] for e in errors)
    return sorted(columns)


def batch_submission_source(*, batch_id: int) -> str:
    """How the submissions staged in a batch arrived ("openrosa", "kobo"); "" for an uploaded file. Not scoped: read
    by the import pipeline while it processes the batch, never shown to a user."""
    return str(Submission.objects.filter(batch_id=batch_id).values_list("source", flat=True).first() or "")
