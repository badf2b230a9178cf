"""The DTM dashboard: a round's map, key figures, trends, flows and site gaps, filtered by operation and province."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from panah.core.pages import page
from panah.dtm import surveys
from panah.dtm.sitrep import build_report
from panah.dtm.views.common import NAV, DashboardFilters, rtl
from panah.dtm.views.links import round_links


def _map_urls(round_id: int, province: str) -> dict[str, str]:
    boundaries = reverse("api:boundaries")
    figures = reverse("api:dtm_district_figures", args=[round_id])
    return {
        "provinces_url": f"{boundaries}?level=1",
        "districts_url": f"{boundaries}?level=2",
        "figures_url": f"{figures}?province={province}" if province else figures,
    }


@page
def dashboard(request: HttpRequest) -> HttpResponse:
    form = DashboardFilters(request.GET, actor=request.user)
    operation, round_, province = form.chosen()
    context = {"form": form, "operation": operation, "round": round_, "province": province, "nav_active": NAV}
    if round_ is not None:
        context["report"] = build_report(actor=request.user, round=round_, province=province, rtl=rtl())
        context["urls"] = _map_urls(round_.pk, province)
        context["links"] = round_links(user=request.user, round=round_)
        if context["report"].is_flow:
            context["survey_summary"] = surveys.survey_summary(actor=request.user, round=round_)
    return render(request, "dtm/dashboard.html", context)
