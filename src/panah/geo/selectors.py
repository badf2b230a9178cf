"""Reads of the geography. Every function is permission-scoped through panah.core.permissions."""

from __future__ import annotations

import hashlib
from typing import Any, cast
from uuid import UUID

from django.db import models

from panah.core.errors import FieldError, invalid, not_found
from panah.core.permissions import get_visible, visible_to
from panah.geo.models import AdminArea, AdminAreaQuerySet, AdminLevel, BorderCrossing, Site, SiteKind
from panah.geo.text import normalise

MAP_LEVELS = (0, 1, 2)  # tehsils have no polygons in the shipped data


def _check_level(level: int | None, allowed: tuple[int, ...] = tuple(AdminLevel.values)) -> None:
    if level is not None and level not in allowed:
        choices = ", ".join(str(v) for v in allowed)
        raise invalid(
            f"Level must be one of {choices}.", FieldError("level", f"Level must be one of {choices}.", "choice")
        )


def _visible_areas(actor: Any) -> AdminAreaQuerySet:
    return cast(AdminAreaQuerySet, visible_to(actor, AdminArea.objects.select_related("parent")))


def area_search(
    *, actor: Any, q: str = "", level: int | None = None, parent: str | None = None, include_retired: bool = False
) -> models.QuerySet[AdminArea]:
    """Areas by name (case- and accent-insensitive) or P-code prefix; `parent` keeps its direct children only."""
    _check_level(level)
    qs = _visible_areas(actor).search(q or "")
    if not include_retired:
        qs = qs.current()
    if level is not None:
        qs = qs.filter(level=level)
    if parent:
        parent_area = AdminArea.objects.filter(pcode=parent.strip().upper()).first()
        if parent_area is None:
            raise invalid(
                "Unknown parent P-code.", FieldError("parent", f"No admin area has the P-code {parent!r}.", "unknown")
            )
        qs = qs.filter(parent=parent_area)
    return qs.order_by("level", "pcode")


def area_get(*, actor: Any, pcode: str) -> AdminArea:
    """One area by P-code, retired or not; not found when missing or invisible."""
    return get_visible(actor, AdminArea.objects.select_related("parent"), pcode=pcode.strip().upper())


def area_children(*, actor: Any, pcode: str, include_retired: bool = False) -> models.QuerySet[AdminArea]:
    """The direct children of an area, current ones unless asked; not found when the area is."""
    area = area_get(actor=actor, pcode=pcode)
    qs = _visible_areas(actor).filter(parent=area)
    return (qs if include_retired else qs.current()).order_by("pcode")


def area_ancestors(area: AdminArea) -> list[AdminArea]:
    """Country first, the area's parent last: one query, read from the materialised path."""
    pcodes = [p for p in area.path.split("/") if p and p != area.pcode]
    by_pcode = {a.pcode: a for a in AdminArea.objects.filter(pcode__in=pcodes)}
    return [by_pcode[p] for p in pcodes if p in by_pcode]


def _boundary_areas(actor: Any, level: int) -> models.QuerySet[AdminArea]:
    _check_level(level, MAP_LEVELS)
    return visible_to(actor, AdminArea.objects.current().filter(level=level, geometry__isnull=False))


def boundaries_version(*, actor: Any, level: int) -> str:
    """A cheap fingerprint of one level's boundaries (for an ETag): changes whenever any of its rows change."""
    stats = _boundary_areas(actor, level).aggregate(n=models.Count("pk"), last=models.Max("updated_at"))
    return hashlib.sha256(f"{level}:{stats['n']}:{stats['last']}".encode()).hexdigest()[:32]


def boundaries(*, actor: Any, level: int) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of the current areas of one level that have a display geometry."""
    rows = _boundary_areas(actor, level).select_related("parent").order_by("pcode")
    features = [
        {
            "type": "Feature",
            "id": area.pcode,
            "properties": {
                "pcode": area.pcode,
                "name": area.name,
                "level": area.level,
                "parent_pcode": area.parent.pcode if area.parent else None,
                "geometry_source": area.geometry_source,
                "label_point": [area.centroid_lon, area.centroid_lat] if area.centroid_lat is not None else None,
            },
            "geometry": area.geometry,
        }
        for area in rows
    ]
    return {"type": "FeatureCollection", "features": features}


def site_list(
    *, actor: Any, q: str | None = None, area: str | None = None, kind: str | None = None
) -> models.QuerySet[Site]:
    """Sites in the actor's areas; `area` keeps the sites inside that area (any depth)."""
    qs = visible_to(actor, Site.objects.select_related("admin_area"))
    if q and q.strip():
        qs = qs.filter(search_name__contains=normalise(q))
    if kind:
        if kind not in SiteKind.values:
            message = f"Kind must be one of: {', '.join(SiteKind.values)}."
            raise invalid(message, FieldError("kind", message, "choice"))
        qs = qs.filter(kind=kind)
    if area:
        within = AdminArea.objects.filter(pcode=area.strip().upper()).first()
        if within is None:
            raise invalid(
                "Unknown area P-code.", FieldError("area", f"No admin area has the P-code {area!r}.", "unknown")
            )
        qs = qs.filter(admin_area__path__startswith=within.path)
    return qs.order_by("name", "pk")


def site_get(*, actor: Any, public_id: UUID | str) -> Site:
    """One site in the actor's areas; the same not-found for a missing, malformed or out-of-scope id."""
    return get_visible(actor, Site.objects.select_related("admin_area"), public_id=parse_public_id(public_id))


def parse_public_id(value: UUID | str) -> UUID:
    """A site id as a UUID; a malformed one is simply not found (the model field would raise a 500-bound error)."""
    try:
        return value if isinstance(value, UUID) else UUID(str(value))
    except ValueError:
        raise not_found("site") from None


def crossing_list(
    *, actor: Any, q: str | None = None, area: AdminArea | None = None
) -> models.QuerySet[BorderCrossing]:
    """Border crossings by name or alternative name (Tūrkham finds Torkham), optionally those inside one area."""
    qs = visible_to(actor, BorderCrossing.objects.select_related("admin_area", "admin_area__parent"))
    if q and q.strip():
        qs = qs.filter(search_name__contains=normalise(q))
    if area is not None:
        qs = qs.filter(admin_area__path__startswith=area.path)
    return qs.order_by("name")


def crossing_get(*, actor: Any, code: str) -> BorderCrossing:
    """One border crossing by its code (torkham, chaman, ...)."""
    return get_visible(
        actor, BorderCrossing.objects.select_related("admin_area", "admin_area__parent"), code=code.strip().lower()
    )


def area_by_pcode(pcode: str) -> AdminArea:
    """System use only (seeding, imports): one area by P-code without a user's scope; not found when missing."""
    area = AdminArea.objects.filter(pcode=pcode.strip().upper()).first()
    if area is None:
        raise not_found("admin area")
    return area
