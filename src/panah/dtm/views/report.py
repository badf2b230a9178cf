"""The situation report of one round: a printable page (A4) and the same as a PDF."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from panah.core.pages import page
from panah.dtm import selectors
from panah.dtm.sitrep import build_report, render_pdf
from panah.dtm.views.common import NAV, rtl


@page
def sitrep(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = selectors.round_get(actor=request.user, round_id=round_id)
    province = request.GET.get("province", "")
    report = build_report(actor=request.user, round=round_, province=province, rtl=rtl(), with_map=True)
    return render(request, "dtm/sitrep.html", {"report": report, "round": round_, "nav_active": NAV})


@page
def sitrep_pdf(request: HttpRequest, round_id: int) -> HttpResponse:
    round_ = selectors.round_get(actor=request.user, round_id=round_id)
    # The PDF's fonts have no Urdu shaping: it is written in English; the printable page serves Urdu readers.
    with translation.override("en"):
        report = build_report(actor=request.user, round=round_, with_map=True)
        body = render_pdf(report)
    response = HttpResponse(body, content_type="application/pdf")
    filename = f"panah-sitrep-{round_.operation.code}-round-{round_.number}-v{round_.version}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
