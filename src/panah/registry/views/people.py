"""The golden record page (a person and every source record of them the user may see) and undoing a merge."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from panah.core.errors import ApplicationError
from panah.core.pages import page
from panah.core.permissions import Perm, can
from panah.registry import merges, selectors
from panah.registry.models import MatchCandidate
from panah.registry.views.common import NAV, post_only, refused

ROWS = [
    ("given_name", gettext_lazy("Given name")),
    ("father", gettext_lazy("Father or husband")),
    ("family_name", gettext_lazy("Family or tribe name")),
    ("sex", gettext_lazy("Sex")),
    ("date_of_birth", gettext_lazy("Date of birth")),
    ("age", gettext_lazy("Age when registered")),
    ("relationship", gettext_lazy("Relationship to the head")),
]


def source_values(individual: Any) -> dict[str, Any]:
    """What one source record says, in the rows above (shared by the person page and the duplicates queue)."""
    father = " ".join(p for p in (individual.father_relation, individual.father_name) if p)
    born = individual.date_of_birth.isoformat() if individual.date_of_birth else ""
    if born and individual.birth_estimated:
        born += " ≈"
    return {
        "given_name": individual.given_name, "father": father, "family_name": individual.family_name,
        "sex": individual.get_sex_display(), "date_of_birth": born,
        "age": "" if individual.age is None else individual.age, "relationship": individual.get_relationship_display(),
    }  # fmt: skip


def cell(value: Any, golden: Any) -> tuple[Any, bool]:
    """A source's value, and whether it differs from the golden one (an estimate mark is no difference)."""
    plain, other = str(value).removesuffix(" ≈"), str(golden).removesuffix(" ≈")
    return value, bool(plain) and bool(other) and plain != other


@page
def person_detail(request: HttpRequest, registry_id: str) -> HttpResponse:
    person = selectors.person_get(actor=request.user, registry_id=registry_id)
    if person.registry_id != registry_id:
        # An id absorbed by a merge (or typed in lower case): show the record under its own id.
        return redirect("registry:person", registry_id=person.registry_id)
    view = selectors.person_view(actor=request.user, registry_id=registry_id)
    golden = view.golden
    golden_row = {
        **golden,
        "father": " ".join(p for p in (golden["father_relation"], golden["father_name"]) if p),
        "sex": {"m": _("Male"), "f": _("Female")}.get(golden["sex"], golden["sex"]),
        "date_of_birth": golden["date_of_birth"].isoformat() if golden["date_of_birth"] else "",
        "relationship": "",
    }
    values = [source_values(s.individual) for s in view.sources]
    sources = [{"view": s, "values": v} for s, v in zip(view.sources, values, strict=True)]
    rows = [(key, label, golden_row.get(key, ""), [cell(v[key], golden_row.get(key, "")) for v in values])
            for key, label in ROWS]  # fmt: skip
    ctx = {"view": view, "person": view.person, "rows": rows, "sources": sources, "nav_active": NAV,
           "may_undo": can(request.user, Perm.APPROVE, MatchCandidate)}  # fmt: skip
    return render(request, "registry/person.html", ctx)


@page
def merge_undo(request: HttpRequest, merge_id: int) -> HttpResponse:
    if (refusal := post_only(request)) is not None:
        return refusal
    merge = selectors.merge_get(actor=request.user, merge_id=merge_id)
    try:
        merges.merge_undo(actor=request.user, merge=merge)
    except ApplicationError as error:
        refused(request, error)
    else:
        messages.success(
            request,
            _("Merge undone: %(absorbed)s is a separate record again.") % {"absorbed": merge.absorbed.registry_id},
        )
    return redirect("registry:person", registry_id=merge.survivor.registry_id)
