"""The feedback settings over the API: the taxonomy, each step's service-level target and the routing of categories by
area, for system administrators. Thin: parse, call one taxonomy selector or service, shape.

Like the settings pages, this surface does not exist for anyone else: every route answers them 404 (as the accounts
API does to those who may not see what they would change), before any lookup, so nothing is learnt from it.
"""

# No `from __future__ import annotations`: ninja reads the annotations of the handlers at import time.

from typing import Any

from django.db import transaction
from django.http import HttpRequest
from ninja import P, PathEx, Router, Status

from panah.core.errors import not_found
from panah.core.permissions import Perm, can
from panah.core.schemas import ERRORS
from panah.feedback import taxonomy_selectors as selectors
from panah.feedback import taxonomy_services as services
from panah.feedback.choices import Step
from panah.feedback.models import Category
from panah.feedback.schemas import CODE
from panah.feedback.schemas_settings import (
    CategoryCreateIn,
    CategoryPatchIn,
    RoutingIn,
    SettingsCategoryOut,
    TargetIn,
    settings_category_out,
)
from panah.feedback.selectors import area_by_pcode

router = Router()
Code = PathEx[str, P(pattern=CODE, description="The category's code.")]
StepName = PathEx[str, P(pattern=r"^[a-z-]{1,20}$", description="One of: " + ", ".join(Step.values) + ".")]
PCode = PathEx[str, P(pattern=r"^[A-Za-z0-9]{1,20}$", description="P-code of a current province or district.")]


def _administrators_only(actor: Any) -> None:
    if not can(actor, Perm.CHANGE, Category):
        raise not_found("record")


def _category(actor: Any, code: str) -> Category:
    _administrators_only(actor)
    return selectors.settings_category(actor=actor, code=code)


def _out(actor: Any, code: str) -> dict[str, Any]:
    category = selectors.settings_category(actor=actor, code=code)
    return settings_category_out(category, list(selectors.settings_routings(actor=actor, category=category)))


def _step(step: str) -> str:
    if step not in Step.values:
        raise not_found("step")
    return step


@router.get(
    "/categories",
    response={200: list[SettingsCategoryOut], **ERRORS},
    url_name="feedback_settings",
    summary="Every category, deactivated ones too, with each step's effective target and its routings",
)
def categories(request: HttpRequest) -> Any:
    _administrators_only(request.user)
    return [settings_category_out(c, list(c.routings.all())) for c in selectors.settings_taxonomy(actor=request.user)]


@router.post(
    "/categories",
    response={201: SettingsCategoryOut, **ERRORS},
    url_name="feedback_settings_create",
    summary="Add a category (a sensitive one seals its tickets)",
)
def category_create(request: HttpRequest, payload: CategoryCreateIn) -> Any:
    _administrators_only(request.user)
    category = services.category_create(actor=request.user, **payload.dict())
    return Status(201, _out(request.user, category.code))


@router.patch(
    "/categories/{code}",
    response={200: SettingsCategoryOut, **ERRORS},
    url_name="feedback_settings_category",
    summary="Change a category's code, names, flags, routing note, position or whether it is offered",
)
def category_update(request: HttpRequest, code: Code, payload: CategoryPatchIn) -> Any:
    category = _category(request.user, code)
    # The change and the (de)activation stand or fall together, as one request.
    with transaction.atomic():
        category = services.category_update(actor=request.user, category=category, **payload.changes())
        if payload.active is True:
            category = services.category_activate(actor=request.user, category=category)
        elif payload.active is False:
            category = services.category_deactivate(actor=request.user, category=category)
    return _out(request.user, category.code)


@router.put(
    "/categories/{code}/targets/{step}",
    response={200: SettingsCategoryOut, **ERRORS},
    url_name="feedback_settings_target",
    summary="Set the time a step may take for the category (running clocks keep their due time)",
)
def target_set(request: HttpRequest, code: Code, step: StepName, payload: TargetIn) -> Any:
    category = _category(request.user, code)
    services.sla_target_set(actor=request.user, category=category, step=_step(step), hours=payload.hours,
                            working_time=payload.working_time)  # fmt: skip
    return _out(request.user, code)


@router.delete(
    "/categories/{code}/targets/{step}",
    response={204: None, **ERRORS},
    url_name="feedback_settings_target_clear",
    summary="Clear the category's own target for a step: the default applies to clocks started next",
)
def target_clear(request: HttpRequest, code: Code, step: StepName) -> Any:
    category = _category(request.user, code)
    services.sla_target_clear(actor=request.user, category=category, step=_step(step))
    return Status(204, None)


@router.put(
    "/categories/{code}/routings/{pcode}",
    response={200: SettingsCategoryOut, **ERRORS},
    url_name="feedback_settings_routing",
    summary="Route the category's tickets in an area to a focal point (triage assigns them)",
)
def routing_set(request: HttpRequest, code: Code, pcode: PCode, payload: RoutingIn) -> Any:
    category = _category(request.user, code)
    area = area_by_pcode(pcode)
    if area is None:
        raise not_found("area")
    candidates = selectors.focal_point_candidates(actor=request.user)
    focal_point = next((u for u in candidates if u.get_username() == payload.focal_point), None)
    services.routing_set(actor=request.user, category=category, area=area, focal_point=focal_point)
    return _out(request.user, code)


@router.delete(
    "/categories/{code}/routings/{pcode}",
    response={204: None, **ERRORS},
    url_name="feedback_settings_routing_remove",
    summary="Stop routing the category in an area (a wider area's routing applies, if any)",
)
def routing_remove(request: HttpRequest, code: Code, pcode: PCode) -> Any:
    category = _category(request.user, code)
    routing = selectors.routing_in_area(actor=request.user, category=category, pcode=pcode)
    services.routing_remove(actor=request.user, routing=routing)
    return Status(204, None)
