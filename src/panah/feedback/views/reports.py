"""The monthly trend page, the "you said, we did" notice and the aggregate downloads (report right only)."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language, get_language_bidi, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from panah.core.errors import forbidden
from panah.core.pages import page
from panah.feedback import exports, reports, reports_quality
from panah.feedback.policy import may_report
from panah.feedback.reports_charts import trend_charts
from panah.feedback.reports_yswd import you_said_we_did
from panah.feedback.selectors import category_list
from panah.geo.models import AdminArea

NAV = "feedback_trends"
MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
MAX_MONTHS = 24
DEFAULT_MONTHS = 6
DEFAULT_REPEAT = 5


class ReportFilters(forms.Form):
    """Month range and area, offered within the user's report areas; bad values fall back to the defaults."""

    start = forms.CharField(label=gettext_lazy("From month"), required=False, widget=forms.TextInput({"type": "month"}))
    end = forms.CharField(label=gettext_lazy("To month"), required=False, widget=forms.TextInput({"type": "month"}))
    province = forms.ChoiceField(label=gettext_lazy("Province"), required=False)
    district = forms.ChoiceField(label=gettext_lazy("District"), required=False)
    repeat = forms.IntegerField(label=gettext_lazy("Repeated at least"), required=False, min_value=2, max_value=100)

    def __init__(self, data: Any, *, actor: Any) -> None:
        super().__init__(data)
        paths = reports.report_scope(actor).paths
        areas = AdminArea.objects.current().filter(level__in=[1, 2]).order_by("name")
        inside = [a for a in areas if any(a.path.startswith(p) or p.startswith(a.path) for p in paths)]
        province = str(self.data.get("province", ""))
        fields: dict[str, Any] = self.fields
        fields["province"].choices = [("", _("All provinces")), *((a.pcode, a.name) for a in inside if a.level == 1)]
        districts = [a for a in inside if a.level == 2 and (not province or a.path.split("/")[1] == province)]
        fields["district"].choices = [("", _("All districts")), *((a.pcode, a.name) for a in districts)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = _month(data.get("start")), _month(data.get("end"))
        if start and end and start > end:
            self.add_error("end", _("The last month cannot be before the first."))
        elif start and end and len(reports.Period(start, end).months()) > MAX_MONTHS:
            self.add_error("end", _("Choose at most %(n)d months.") % {"n": MAX_MONTHS})
        for name in ("start", "end"):
            if data.get(name) and not _month(data.get(name)):
                self.add_error(name, _("Give a month as YYYY-MM."))
        return data

    def chosen(self) -> tuple[reports.Period, AdminArea | None, int]:
        """The period (the last six months by default), the area (None: all of the user's) and the repeat minimum."""
        default = reports.last_months(DEFAULT_MONTHS)
        if not self.is_valid():
            return default, None, DEFAULT_REPEAT
        data = self.cleaned_data
        start, end = _month(data.get("start")), _month(data.get("end"))
        period = reports.Period(start or default.first, end or default.last)
        if start and not end:
            period = reports.Period(start, max(start, default.last))
        pcode = data.get("district") or data.get("province") or ""
        area = AdminArea.objects.filter(pcode=pcode).first() if pcode else None
        return period, area, data.get("repeat") or DEFAULT_REPEAT


def _month(value: Any) -> date | None:
    match = MONTH.match(str(value or ""))
    return date(int(match[1]), int(match[2]), 1) if match else None


def _setup(request: HttpRequest) -> tuple[ReportFilters, reports.Period, reports.Scope, int, dict[str, str]]:
    if not may_report(request.user):
        raise forbidden()
    form = ReportFilters(request.GET, actor=request.user)
    period, area, repeat = form.chosen()
    filters = {"start": f"{period.first:%Y-%m}", "end": f"{period.last:%Y-%m}", "area": area.pcode if area else ""}
    return form, period, reports.report_scope(request.user, area), repeat, filters


@require_safe
@page
def trends(request: HttpRequest) -> HttpResponse:
    form, period, scope, repeat, filters = _setup(request)
    counts = reports.trend_counts(scope=scope, period=period, language=get_language() or "en")
    qs = reports.tickets(scope.paths, period)
    meetings, meeting_issues = reports_quality.meeting_totals(scope.paths, period, _sensitive())
    context = {
        "form": form,
        "period": period,
        "counts": counts,
        "charts": trend_charts(counts, rtl=bool(get_language_bidi())),
        "compliance": reports_quality.sla_compliance(qs),
        "close_times": reports_quality.close_times(qs, period.months()),
        "repeats": _with_labels(reports_quality.repeated_issues(qs, repeat)),
        "repeat": repeat,
        "reopened": _labelled(reports_quality.reopened(qs)),
        "meetings": meetings,
        "meeting_issues": _labelled(meeting_issues),
        "threshold": reports.threshold(),
        "query": request.GET.urlencode(),
        "filters": filters,
        "nav_active": NAV,
    }
    return render(request, "feedback/reports/trends.html", context)


@require_safe
@page
def you_said_we_did_page(request: HttpRequest) -> HttpResponse:
    form, period, scope, _repeat, _filters = _setup(request)
    boards = you_said_we_did(scope=scope, period=period)
    context = {
        "form": form,
        "period": period,
        "boards": boards,
        "languages": [("en", "ltr"), ("ur", "rtl")],
        "query": request.GET.urlencode(),
        "nav_active": NAV,
    }
    return render(request, "feedback/reports/you_said_we_did.html", context)


@require_safe
@page
def you_said_we_did_csv(request: HttpRequest) -> HttpResponse:
    _form, period, scope, _repeat, filters = _setup(request)
    return _download(exports.you_said_we_did_csv(actor=request.user, scope=scope, period=period, filters=filters))


@require_safe
@page
def hxl(request: HttpRequest) -> HttpResponse:
    _form, period, scope, _repeat, filters = _setup(request)
    return _download(exports.feedback_hxl(actor=request.user, scope=scope, period=period, filters=filters))


def _download(export: exports.Export) -> HttpResponse:
    response = HttpResponse(export.text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    return response


def _sensitive() -> set[str]:
    return {c.code for c in category_list() if c.sensitive}


def _with_labels(repeats: list[reports_quality.Repeat]) -> list[dict[str, Any]]:
    language = get_language() or "en"
    labels = {c.code: c.label(language) for c in category_list()}
    return [{**vars(r), "label": labels.get(r.category, r.category)} for r in repeats]


def _labelled(counts: dict[str, int]) -> list[tuple[str, int]]:
    language = get_language() or "en"
    labels = {c.code: c.label(language) for c in category_list()}
    return sorted(((labels.get(code, _("Not yet categorised")), n) for code, n in counts.items()), key=lambda x: -x[1])
