"""Sites: where displaced people live. Creating and changing one is scoped to the actor's areas and audited."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.db import transaction

from panah.core import audit
from panah.core.errors import ApplicationError, FieldError, forbidden, invalid
from panah.core.permissions import Perm, can, get_visible
from panah.geo.models import AdminArea, AdminLevel, Site, SiteKind
from panah.geo.selectors import parse_public_id

# Pakistan's bounding box with a little margin; catches swapped latitude/longitude and points typed in the sea.
LON_RANGE = (60.8, 77.9)
LAT_RANGE = (23.6, 37.1)
SITE_FIELDS = ["name", "kind", "admin_area", "latitude", "longitude", "is_active"]
UNSET: Any = object()


def _resolve_area(admin_area: AdminArea | str | None) -> tuple[AdminArea | None, FieldError | None]:
    if isinstance(admin_area, AdminArea):
        area: AdminArea | None = admin_area
    else:
        area = AdminArea.objects.filter(pcode=(admin_area or "").strip().upper()).first()
        if area is None:
            return None, FieldError("admin_area", f"No admin area has the P-code {admin_area!r}.", "unknown")
    assert area is not None
    if area.level not in (AdminLevel.DISTRICT, AdminLevel.TEHSIL):
        return None, FieldError("admin_area", "Choose a district or a tehsil, not a province or the country.", "level")
    if area.is_retired:
        return None, FieldError(
            "admin_area", f"{area.pcode} was retired on {area.retired_on}; choose its successor.", "retired"
        )
    return area, None


def _coordinate_errors(latitude: float | None, longitude: float | None) -> list[FieldError]:
    if (latitude is None) != (longitude is None):
        missing = "longitude" if longitude is None else "latitude"
        return [FieldError(missing, "Give both latitude and longitude, or neither.", "required")]
    errors = []
    if latitude is not None and not LAT_RANGE[0] <= latitude <= LAT_RANGE[1]:
        errors.append(
            FieldError(
                "latitude", f"Latitude must lie within Pakistan ({LAT_RANGE[0]} to {LAT_RANGE[1]} N).", "out_of_range"
            )
        )
    if longitude is not None and not LON_RANGE[0] <= longitude <= LON_RANGE[1]:
        errors.append(
            FieldError(
                "longitude", f"Longitude must lie within Pakistan ({LON_RANGE[0]} to {LON_RANGE[1]} E).", "out_of_range"
            )
        )
    return errors


def _validated(site: Site, admin_area: AdminArea | str | None) -> None:
    """Fill `site.admin_area` and check every field; one error listing each bad field."""
    site.name = " ".join((site.name or "").split())
    errors: list[FieldError] = []
    if not site.name:
        errors.append(FieldError("name", "Give the site a name.", "required"))
    elif len(site.name) > Site._meta.get_field("name").max_length:  # type: ignore[operator]
        errors.append(FieldError("name", "The name is too long (200 characters at most).", "too_long"))
    if site.kind not in SiteKind.values:
        errors.append(FieldError("kind", f"Kind must be one of: {', '.join(SiteKind.values)}.", "choice"))
    area, area_error = _resolve_area(admin_area)
    if area_error:
        errors.append(area_error)
    errors += _coordinate_errors(site.latitude, site.longitude)
    if errors:
        raise invalid("The site has invalid fields.", *errors)
    site.admin_area = area  # type: ignore[assignment]


def _snapshot(site: Site) -> dict[str, Any]:
    # The area by P-code, not row id: the audit trail must stay readable after a COD re-import.
    return {
        "name": site.name,
        "kind": site.kind,
        "admin_area": site.admin_area.pcode if site.admin_area_id else None,
        "latitude": site.latitude,
        "longitude": site.longitude,
        "is_active": site.is_active,
    }


def _out_of_scope() -> ApplicationError:
    return forbidden("You may only record sites inside your own areas.")


@transaction.atomic
def site_create(
    *,
    actor: Any,
    name: str,
    kind: str,
    admin_area: AdminArea | str,
    latitude: float | None = None,
    longitude: float | None = None,
) -> Site:
    """Record a new site in an area the actor manages; writes a create audit event."""
    if not can(actor, Perm.CREATE, Site):
        raise forbidden("You may not record sites.")
    site = Site(name=name, kind=kind, latitude=latitude, longitude=longitude)
    _validated(site, admin_area)
    if not can(actor, Perm.CREATE, site):
        raise _out_of_scope()
    site.save()
    audit.record(actor=actor, action=audit.Action.CREATE, obj=site, changes=audit.diff(Site, {}, _snapshot(site)))
    return site


@transaction.atomic
def site_update(
    *,
    actor: Any,
    public_id: UUID | str,
    name: str = UNSET,
    kind: str = UNSET,
    admin_area: AdminArea | str = UNSET,
    latitude: float | None = UNSET,
    longitude: float | None = UNSET,
    is_active: bool = UNSET,
) -> Site:
    """Change the given fields of a site the actor may see and change; writes an update audit event if any changed."""
    locked = Site.objects.select_related("admin_area").select_for_update(of=("self",))
    site = get_visible(actor, locked, public_id=parse_public_id(public_id))
    if not can(actor, Perm.CHANGE, site):
        raise forbidden("You may not change this site.")
    before = _snapshot(site)
    given = {"name": name, "kind": kind, "latitude": latitude, "longitude": longitude, "is_active": is_active}
    for field_name, value in given.items():
        if value is not UNSET:
            setattr(site, field_name, value)
    _validated(site, site.admin_area if admin_area is UNSET else admin_area)
    if not can(actor, Perm.CHANGE, site):  # moving a site out of one's own areas would hand it to someone else
        raise _out_of_scope()
    after = _snapshot(site)
    changes = audit.diff(Site, before, after)
    if changes:
        fields = (
            [f for f in SITE_FIELDS if f in changes] + (["search_name"] if "name" in changes else []) + ["updated_at"]
        )
        site.save(update_fields=fields)
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=site, changes=changes)
    return site
