"""Rounds of an operation and their lifecycle: submit, approve and publish, return, correct with a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from panah.core.errors import ApplicationError
from panah.core.pages import page
from panah.core.permissions import can
from panah.dtm import selectors, services
from panah.dtm.choices import RoundStatus
from panah.dtm.models import Round
from panah.dtm.views.common import NAV
from panah.dtm.views.links import round_links

BADGES: dict[str, str] = {
    RoundStatus.DRAFT: "badge",
    RoundStatus.SUBMITTED: "badge badge-warn",
    RoundStatus.PUBLISHED: "badge badge-ok",
    RoundStatus.SUPERSEDED: "badge badge-bad",
}


class ReasonForm(forms.Form):
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=2000, widget=forms.Textarea({"rows": 3}))


def actions_for(user: Any, round: Round) -> set[str]:
    """The lifecycle buttons this user may see on this round (the services still decide)."""
    allowed = set()
    if round.status == RoundStatus.DRAFT and can(user, "submit", round):
        allowed.add("submit")
    if round.status == RoundStatus.SUBMITTED and can(user, "approve", round):
        allowed.add("return")
        # Its submitter may take it back, not approve it: the button would only lead to a refusal.
        if round.submitted_by_id != user.pk:
            allowed.add("publish")
    if round.status == RoundStatus.PUBLISHED and can(user, "submit", round):
        allowed.add("correct")
    return allowed


@page
def rounds(request: HttpRequest) -> HttpResponse:
    operations = []
    for operation in selectors.operations_with_rounds(actor=request.user):
        rows = [
            (r, BADGES.get(r.status, "badge")) for r in selectors.round_list(actor=request.user, operation=operation)
        ]
        operations.append((operation, rows))
    return render(request, "dtm/rounds.html", {"operations": operations, "nav_active": NAV})


@page
def round_detail(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = selectors.round_get(actor=request.user, round_id=round_id)
    context = {
        "round": round_,
        "badge": BADGES.get(round_.status, "badge"),
        "actions": actions_for(request.user, round_),
        "reason_form": ReasonForm(),
        "links": round_links(user=request.user, round=round_),
        "nav_active": NAV,
    }
    return render(request, "dtm/round_detail.html", context)


def _call(request: HttpRequest, round_: Round, action: str, reason: str) -> Any:
    if action == "submit":
        return services.round_submit(actor=request.user, round=round_)
    if action == "publish":
        return services.round_publish(actor=request.user, round=round_)
    if action == "return":
        return services.round_return(actor=request.user, round=round_, reason=reason)
    return services.round_correct(actor=request.user, round=round_, reason=reason)


DONE = {
    "submit": gettext_lazy("Round submitted for approval."),
    "publish": gettext_lazy("Round approved and published."),
    "return": gettext_lazy("Round returned to draft."),
    "correct": gettext_lazy("Correction opened as a new version of the round."),
}


@require_POST
@page
def round_action(request: HttpRequest, round_id: int, action: str) -> HttpResponse:
    if action not in DONE:
        raise Http404
    round_ = selectors.round_get(actor=request.user, round_id=round_id)
    reason = ""
    if action in {"return", "correct"}:
        form = ReasonForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a reason."))
            return redirect("dtm:round_detail", round_id=round_.pk)
        reason = form.cleaned_data["reason"]
    try:
        result = _call(request, round_, action, reason)
    except ApplicationError as error:
        messages.error(request, error.message)
        return redirect("dtm:round_detail", round_id=round_.pk)
    messages.success(request, str(DONE[action]))
    target = result.pk if isinstance(result, Round) else round_.pk
    return redirect("dtm:round_detail", round_id=target)
