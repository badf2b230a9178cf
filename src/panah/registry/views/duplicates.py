"""The adjudication queue: clusters of pairs between the thresholds, side by side, decided in bulk."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext as _

from panah.core.errors import ApplicationError, forbidden
from panah.core.pages import page
from panah.core.permissions import Perm, can
from panah.registry import merges, selectors
from panah.registry.forms import DecisionForm
from panah.registry.models import Individual, MatchCandidate
from panah.registry.selectors import mask_number
from panah.registry.templatetags.registry_labels import doc_short
from panah.registry.views.common import post_only, refused
from panah.registry.views.people import ROWS, cell, source_values

NAV = "duplicates"


def _record(individual: Individual) -> dict[str, Any]:
    household = individual.household
    return {
        "individual": individual, "household": household, "values": source_values(individual),
        # Documents in a list are masked whatever the role: enough to compare, nothing to copy.
        "documents": [(doc_short(d.doc_type), mask_number(d.number)) for d in individual.documents.all()],
    }  # fmt: skip


def _cluster(pairs: list[MatchCandidate]) -> dict[str, Any]:
    records: dict[int, Individual] = {}
    for c in pairs:
        records.setdefault(c.left_id, c.left)
        records.setdefault(c.right_id, c.right)
    ordered = [_record(i) for i in sorted(records.values(), key=lambda i: (i.household.created_at, i.pk))]
    letters = {r["individual"].pk: chr(ord("A") + n) if n < 26 else str(n + 1) for n, r in enumerate(ordered)}
    for r in ordered:
        r["letter"] = letters[r["individual"].pk]
    # Each value next to a flag: does it differ from the first record's (what the reviewer should look at)?
    rows = [(label, [cell(r["values"][key], ordered[0]["values"][key]) for r in ordered]) for key, label in ROWS]
    return {
        "records": ordered, "rows": rows, "ids": ",".join(str(c.pk) for c in pairs),
        "pairs": [{"candidate": c, "left": letters[c.left_id], "right": letters[c.right_id],
                   "percent": round(c.probability * 100), "evidence": [gettext(v) for v in c.evidence.values() if v]}
                  for c in pairs],
    }  # fmt: skip


def _batch_filter(request: HttpRequest) -> int | None:
    value = request.GET.get("batch", "")
    return int(value) if value.isdigit() and len(value) < 12 else None


@page
def queue(request: HttpRequest) -> HttpResponse:
    if not can(request.user, Perm.APPROVE, MatchCandidate):
        raise forbidden()
    batch_id = _batch_filter(request)
    clusters = [_cluster(c) for c in selectors.candidate_queue(actor=request.user, batch_id=batch_id)]
    shown = sum(len(c["pairs"]) for c in clusters)
    capped = batch_id is None and shown >= selectors.QUEUE_PAIRS
    waiting = selectors.candidate_count(actor=request.user) if capped else 0
    ctx = {"clusters": clusters, "batch_id": batch_id, "nav_active": NAV, "pairs": shown, "waiting": waiting}
    return render(request, "registry/queue.html", ctx)


@page
def decide(request: HttpRequest) -> HttpResponse:
    if (refusal := post_only(request)) is not None:
        return refusal
    form = DecisionForm(request.POST)
    back = reverse("registry:queue") + (f"?batch={b}" if (b := _batch_filter(request)) is not None else "")
    if not form.is_valid():
        messages.error(request, _("Choose “Same person” or “Different people”."))
        return redirect(back)
    same = form.cleaned_data["decision"] == "same"
    try:
        decided = merges.candidates_decide(actor=request.user, candidate_ids=form.chosen(), same_person=same)
    except ApplicationError as error:
        refused(request, error)
    else:
        n = len(decided)
        text = (
            ngettext("%(n)d pair decided: same person.", "%(n)d pairs decided: same person.", n)
            if same
            else ngettext("%(n)d pair decided: different people.", "%(n)d pairs decided: different people.", n)
        )
        messages.success(request, text % {"n": n})
    return redirect(back)
