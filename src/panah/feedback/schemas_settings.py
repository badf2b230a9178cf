"""API shapes of the feedback settings (taxonomy, service-level targets, routing), for system administrators.

Inputs only bound their strings (a NUL or an over-long column would be a 500, not a 422); the rules and their
messages are taxonomy_services' own, so the API and the settings pages refuse the same things the same way.
"""

from __future__ import annotations

from typing import Any

from ninja import Field, Schema

from panah.feedback.choices import Step
from panah.feedback.models import Category, Routing
from panah.feedback.schemas import LINE, SLACK
from panah.feedback.taxonomy_selectors import targets_of
from panah.feedback.taxonomy_services import MAX_HOURS

CODE_FIELD = "1 to 20 lower-case letters, digits or hyphens; fixed once tickets use the category."
SENSITIVE = "True: the category's tickets are sealed for the PSEA focal point (stays on while sealed tickets use it)."


def _line(limit: int, description: str = "") -> Any:
    return Field("", max_length=limit + SLACK, pattern=LINE, description=description)


class CategoryCreateIn(Schema):
    code: str = Field(..., max_length=20 + SLACK, pattern=LINE, description=CODE_FIELD)
    name: str = Field(..., max_length=120 + SLACK, pattern=LINE)
    name_ur: str = _line(120, "The name in Urdu.")
    sensitive: bool = Field(False, description=SENSITIVE)
    needs_response: bool = Field(True, description="False: the ticket may close without a drafted response.")
    routing: str = _line(200, "A note on where these tickets go (shown to the team).")
    position: int = Field(0, description="Order in the lists (0 to 32767), then by code.")


class CategoryPatchIn(Schema):
    """Only the fields given change; a field absent or null stays as it is."""

    code: str | None = Field(None, max_length=20 + SLACK, pattern=LINE, description=CODE_FIELD)
    name: str | None = Field(None, max_length=120 + SLACK, pattern=LINE)
    name_ur: str | None = Field(None, max_length=120 + SLACK, pattern=LINE)
    sensitive: bool | None = Field(None, description=SENSITIVE)
    needs_response: bool | None = None
    routing: str | None = Field(None, max_length=200 + SLACK, pattern=LINE)
    position: int | None = None
    active: bool | None = Field(None, description="False: the forms no longer offer it (its tickets keep it).")

    def changes(self) -> dict[str, Any]:
        """The category's own fields given (`active` is a separate service)."""
        return {k: v for k, v in self.dict(exclude_none=True).items() if k != "active"}


class TargetIn(Schema):
    hours: int = Field(..., description=f"1 to {MAX_HOURS} hours.")
    working_time: bool = Field(True, description="True: Monday to Friday only; False: every hour counts.")


class RoutingIn(Schema):
    focal_point: str = Field(
        ...,
        max_length=150,
        pattern=LINE,
        description="Username of an administrator, or a mission complaints and feedback officer, covering the area.",
    )


class SettingsTargetOut(Schema):
    step: Step
    hours: int
    working_time: bool
    default: bool = Field(description="True: the category has no target of its own for this step.")


class RoutingOut(Schema):
    area: str = Field(description="P-code: triage in this area (and below, unless a deeper routing exists).")
    area_name: str
    focal_point: str = Field(description="Username of the person triage assigns the tickets to.")


class SettingsCategoryOut(Schema):
    code: str
    name: str
    name_ur: str
    sensitive: bool
    needs_response: bool
    routing: str
    position: int
    active: bool
    targets: list[SettingsTargetOut] = Field(description="Each step's effective target: its own, or the default.")
    routings: list[RoutingOut]


def settings_category_out(category: Category, routings: list[Routing]) -> dict[str, Any]:
    """`category` with its sla_targets prefetched; `routings` with area and focal point loaded."""
    return {
        "code": category.code, "name": category.name, "name_ur": category.name_ur, "sensitive": category.sensitive,
        "needs_response": category.needs_response, "routing": category.routing, "position": category.position,
        "active": category.is_active,
        "targets": [
            {"step": t.step, "hours": t.hours, "working_time": t.working_time, "default": t.default}
            for t in targets_of(category)
        ],
        "routings": [
            {"area": r.area.pcode, "area_name": r.area.name, "focal_point": r.focal_point.get_username()}
            for r in routings
        ],
    }  # fmt: skip
