"""A complaint box opening: the box, who opened it with whom, and one ticket per note found, all or nothing."""

from __future__ import annotations

import re
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from panah.core.errors import ApplicationError, FieldError, not_found
from panah.core.pages import page
from panah.core.permissions import Perm, can
from panah.feedback import selectors, services
from panah.feedback.forms import MAX_NOTES, NOTES, BoxForm, BoxNotes
from panah.feedback.models import BoxOpening
from panah.feedback.views.record import nav

NOTE_FIELD = re.compile(r"^notes\[(?P<i>\d+)\]\.(?P<field>\w+)$")


def _with_note(data: QueryDict) -> QueryDict:
    out = data.copy()
    total = int(data.get(f"{NOTES}-TOTAL_FORMS", "1") or 1) if data.get(f"{NOTES}-TOTAL_FORMS", "").isdigit() else 1
    out[f"{NOTES}-TOTAL_FORMS"] = str(min(total + 1, MAX_NOTES))
    return out


def _record(request: HttpRequest, box: BoxForm, notes: Any) -> BoxOpening | None:
    place = box.cleaned_data
    # A note block added and left empty is no note.
    used = [f for f in notes.forms if f.cleaned_data]
    inputs = [f.to_input(place) for f in used]
    try:
        return services.box_opening_record(
            actor=request.user, area=selectors.area_by_pcode(place["area"]), box_label=place["box_label"],
            opened_at=place["opened_at"], witness=place["witness"], notes=inputs,
            site=selectors.site_by_public_id(place["site"]) if place.get("site") else None,
            idempotency_key=box.key(),
        )  # fmt: skip
    except ApplicationError as error:
        if error.status != 422:
            raise
        _place_errors(error, box, used)
        return None


def _place_errors(error: ApplicationError, box: BoxForm, used: list[Any]) -> None:
    """Errors named notes[2].description go next to that note's input; the rest on the box form."""
    own: list[FieldError] = []
    for e in error.errors:
        match = NOTE_FIELD.match(e.field)
        if match and int(match["i"]) < len(used):
            used[int(match["i"])].add_errors(ApplicationError(error.code, error.message, 422, [
                FieldError(match["field"], e.message, e.code)
            ]))  # fmt: skip
        else:
            own.append(e)
    if own:
        box.add_errors(ApplicationError(error.code, error.message, 422, own))


@page
def record_box(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Perm.CREATE, BoxOpening):
        raise not_found("page")
    data: QueryDict | None = request.POST if request.method == "POST" else None
    if data is not None and "add_note" in data:
        # Another note block, the rest as typed (htmx swaps the notes only; without JavaScript, the whole page).
        data = _with_note(data)
        box, notes = BoxForm(data, actor=request.user), BoxNotes(data, prefix=NOTES)
        return _page(request, box, notes, 200, adding=True)
    box, notes = BoxForm(data, actor=request.user), BoxNotes(data, prefix=NOTES)
    if data is None:
        return _page(request, box, notes, 200)
    if box.is_valid() & notes.is_valid() and (opening := _record(request, box, notes)) is not None:
        n = opening.notes_found
        text = ngettext("Box opening recorded with %(n)d note.", "Box opening recorded with %(n)d notes.", n)
        messages.success(request, text % {"n": n})
        return redirect("feedback:record")
    messages.error(request, _("Nothing was recorded: correct the fields marked in red, then record the box again."))
    return _page(request, box, notes, 422)


def _page(request: HttpRequest, box: BoxForm, notes: Any, status: int, adding: bool = False) -> HttpResponse:
    ctx = {"form": box, "notes": notes, "adding": adding, "nav_active": nav(request.user)}
    return render(request, "feedback/record_box.html", ctx, status=status)
