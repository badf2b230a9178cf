"""The administrators' settings of the complaints and feedback mechanism: the taxonomy, its targets, its routing.

Anyone else finds no such page (the selectors refuse as not found). Each form posts its own `action`; a refused
change comes back as errors on that form, with the page re-drawn at status 422.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from panah.core.errors import ApplicationError
from panah.core.pages import page
from panah.feedback import taxonomy_selectors as selectors
from panah.feedback import taxonomy_services as services
from panah.feedback.choices import Step
from panah.feedback.forms_settings import CategoryForm, ConfirmForm, RoutingForm, TargetForm, UnrouteForm
from panah.feedback.models import Category
from panah.feedback.selectors import area_by_pcode
from panah.feedback.views.common import NAV

Run = Callable[[Any, Category, Any], Any]
CATEGORY_FIELDS = ("code", "name", "name_ur", "routing", "position", "sensitive", "needs_response")


@page
def settings_list(request: HttpRequest) -> HttpResponse:
    categories = selectors.settings_categories(actor=request.user)
    form = CategoryForm(request.POST if request.method == "POST" else None, prefix="new")
    status = 200
    if form.is_bound:
        if form.is_valid():
            try:
                category = services.category_create(actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                if error.status != 422:
                    raise
                form.add_errors(error)
            else:
                messages.success(request, _("Category added."))
                return redirect("feedback:settings_category", code=category.code)
        status = 422
    rows = [(c, selectors.targets_of(c)) for c in categories]
    ctx = {"rows": rows, "steps": Step.choices, "form": form, "nav_active": NAV}
    return render(request, "feedback/settings.html", ctx, status=status)


def _save_category(actor: Any, category: Category, form: Any) -> None:
    services.category_update(actor=actor, category=category, **form.cleaned_data)


def _set_target(step: str) -> Run:
    def run(actor: Any, category: Category, form: Any) -> None:
        d = form.cleaned_data
        services.sla_target_set(actor=actor, category=category, step=step, hours=d["hours"],
                                working_time=d["clock"] == "working")  # fmt: skip

    return run


def _clear_target(step: str) -> Run:
    return lambda actor, category, form: services.sla_target_clear(actor=actor, category=category, step=step)


def _route(actor: Any, category: Category, form: Any) -> None:
    d = form.cleaned_data
    focal_point = next((u for u in selectors.focal_point_candidates(actor=actor) if u.pk == d["focal_point"]), None)
    services.routing_set(actor=actor, category=category, area=area_by_pcode(d["area"]), focal_point=focal_point)


def _unroute(actor: Any, category: Category, form: Any) -> None:
    routing = selectors.routing_get(actor=actor, category=category, routing_id=form.cleaned_data["routing"])
    services.routing_remove(actor=actor, routing=routing)


def _actions() -> dict[str, tuple[Any, Run]]:
    actions: dict[str, tuple[Any, Run]] = {
        "category": (CategoryForm, _save_category),
        "route": (RoutingForm, _route),
        "unroute": (UnrouteForm, _unroute),
        "deactivate": (ConfirmForm, lambda a, c, f: services.category_deactivate(actor=a, category=c)),
        "activate": (ConfirmForm, lambda a, c, f: services.category_activate(actor=a, category=c)),
    }
    for step in Step.values:
        actions[f"target-{step}"] = (TargetForm, _set_target(step))
        actions[f"clear-{step}"] = (ConfirmForm, _clear_target(step))
    return actions


def _blank(request: HttpRequest, category: Category, name: str, form_class: Any) -> Any:
    kwargs: dict[str, Any] = {"prefix": name}
    if form_class is RoutingForm:
        kwargs["candidates"] = selectors.focal_point_candidates(actor=request.user)
    if name == "category":
        kwargs["initial"] = {f: getattr(category, f) for f in CATEGORY_FIELDS}
    elif name.startswith("target-"):
        target = next(t for t in selectors.targets_of(category) if f"target-{t.step}" == name)
        kwargs["initial"] = {"hours": target.hours, "clock": "working" if target.working_time else "elapsed"}
    data = request.POST if request.method == "POST" and request.POST.get("action") == name else None
    return form_class(data, **kwargs)


@page
def settings_category(request: HttpRequest, code: str) -> HttpResponse:
    category = selectors.settings_category(actor=request.user, code=code[:20])
    actions = _actions()
    forms = {name: _blank(request, category, name, form_class) for name, (form_class, _run) in actions.items()}
    status = 200
    if request.method == "POST":
        name = request.POST.get("action", "")
        form = forms.get(name)
        if form is not None and form.is_valid():
            try:
                actions[name][1](request.user, category, form)
            except ApplicationError as error:
                if error.status != 422:
                    raise
                form.add_errors(error)
            else:
                messages.success(request, _("Saved."))
                category.refresh_from_db(fields=["code"])
                return redirect("feedback:settings_category", code=category.code)
        status = 422 if form is not None else 400
    return render(request, "feedback/settings_category.html", _context(request, category, forms), status=status)


def _context(request: HttpRequest, category: Category, forms: dict[str, Any]) -> dict[str, Any]:
    targets = [(t, forms[f"target-{t.step}"]) for t in selectors.targets_of(category)]
    routings = selectors.settings_routings(actor=request.user, category=category)
    return {"category": category, "forms": forms, "targets": targets, "routings": routings, "nav_active": NAV}
