"""Loads the reference geography shipped in geo/data/ (OCHA COD-AB 2022-09-09, OSM districts, border crossings)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from panah.core import audit
from panah.geo import geometry, reference_data
from panah.geo.models import AdminArea, BorderCrossing
from panah.geo.reference_data import AreaRecord, CrossingRecord, Shape
from panah.geo.text import normalise

GAZETTEER_FIELDS = ["name", "search_name", "level", "parent", "path", "valid_on", "source"]
SHAPE_FIELDS = ["geometry", "geometry_source", "centroid_lat", "centroid_lon"]
CROSSING_FIELDS = [
    "name", "alt_names", "search_name", "country_pair", "neighbour_side", "admin_area", "latitude", "longitude",
    "coord_status", "coord_source", "admin_note", "note", "sources",
]  # fmt: skip


@dataclass
class LoadReport:
    areas_added: int = 0
    areas_changed: int = 0
    crossings_added: int = 0
    crossings_changed: int = 0
    areas_by_level: dict[int, int] = field(default_factory=dict)
    areas_with_geometry: int = 0
    crossings_total: int = 0

    @property
    def added(self) -> int:
        return self.areas_added + self.crossings_added

    @property
    def changed(self) -> int:
        return self.areas_changed + self.crossings_changed

    def lines(self) -> list[str]:
        levels = ", ".join(f"level {lvl}: {n}" for lvl, n in sorted(self.areas_by_level.items()))
        return [
            f"Areas: {self.areas_added} added, {self.areas_changed} changed ({levels}; "
            f"{self.areas_with_geometry} with geometry).",
            f"Border crossings: {self.crossings_added} added, {self.crossings_changed} changed "
            f"({self.crossings_total} in all).",
        ]


def _area_values(record: AreaRecord, parent: AdminArea | None, shape: Shape | None) -> dict[str, Any]:
    label = geometry.label_point(shape.geometry) if shape else None
    return {
        "name": record.name,
        "search_name": normalise(record.name),
        "level": record.level,
        "parent_id": parent.pk if parent else None,
        "path": (parent.path if parent else "") + record.pcode + "/",
        "valid_on": reference_data.RELEASE_DATE,
        "source": reference_data.SOURCE,
        "geometry": shape.geometry if shape else None,
        "geometry_source": shape.source if shape else "",
        "centroid_lat": label[0] if label else None,
        "centroid_lon": label[1] if label else None,
    }


def _assign(obj: models.Model, values: dict[str, Any], now: datetime) -> bool:
    """Set the values that differ; True when any did (the row then needs writing)."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    if changed:
        obj.updated_at = now  # type: ignore[attr-defined]  # bulk_update skips auto_now
    return changed


def _load_areas(report: LoadReport, now: datetime) -> None:
    existing = {a.pcode: a for a in AdminArea.objects.all()}
    shapes = reference_data.shapes()
    by_level: dict[int, list[AreaRecord]] = defaultdict(list)
    for record in reference_data.gazetteer():
        by_level[record.level].append(record)
    for level in sorted(by_level):  # parents get their ids before their children point at them
        new: list[AdminArea] = []
        changed: list[AdminArea] = []
        for record in by_level[level]:
            parent = existing[record.parent_pcode] if record.parent_pcode else None
            values = _area_values(record, parent, shapes.get(record.pcode))
            area = existing.get(record.pcode)
            if area is None:
                new.append(AdminArea(pcode=record.pcode, **values))
                continue
            if area.valid_on > reference_data.RELEASE_DATE:
                # A newer COD release (cod_import) owns this area's name and parent: only refresh the display shape.
                values = {k: v for k, v in values.items() if k in SHAPE_FIELDS}
            if _assign(area, values, now):
                changed.append(area)
        AdminArea.objects.bulk_create(new)
        AdminArea.objects.bulk_update(changed, [*GAZETTEER_FIELDS, *SHAPE_FIELDS, "updated_at"], batch_size=200)
        existing.update({a.pcode: a for a in new})
        report.areas_added += len(new)
        report.areas_changed += len(changed)


def _crossing_values(record: CrossingRecord, districts: dict[str, int]) -> dict[str, Any]:
    return {
        "name": record.name,
        "alt_names": record.alt_names,
        "search_name": BorderCrossing.search_text(record.name, record.alt_names),
        "country_pair": record.country_pair,
        "neighbour_side": record.neighbour_side,
        "admin_area_id": districts.get(record.district_pcode),
        "latitude": record.latitude,
        "longitude": record.longitude,
        "coord_status": record.coord_status,
        "coord_source": record.coord_source,
        "admin_note": record.admin_note,
        "note": record.note,
        "sources": record.sources,
    }


def _load_crossings(report: LoadReport, now: datetime) -> None:
    existing = {c.code: c for c in BorderCrossing.objects.all()}
    records = reference_data.crossings()
    wanted = {r.district_pcode for r in records if r.district_pcode}
    districts = dict(AdminArea.objects.filter(pcode__in=wanted, level=2).values_list("pcode", "pk"))
    new: list[BorderCrossing] = []
    changed: list[BorderCrossing] = []
    for record in records:
        values = _crossing_values(record, districts)
        crossing = existing.get(record.code)
        if crossing is None:
            new.append(BorderCrossing(code=record.code, **values))
        elif _assign(crossing, values, now):
            changed.append(crossing)
    BorderCrossing.objects.bulk_create(new)
    BorderCrossing.objects.bulk_update(changed, [*CROSSING_FIELDS, "updated_at"])
    report.crossings_added, report.crossings_changed = len(new), len(changed)


@transaction.atomic
def reference_load(*, actor: Any = None) -> LoadReport:
    """Create or refresh the shipped reference geography; idempotent. Audited when a person changed data with it."""
    now = timezone.now()
    report = LoadReport()
    _load_areas(report, now)
    _load_crossings(report, now)
    counts = AdminArea.objects.values_list("level").annotate(n=models.Count("pk")).order_by("level")
    report.areas_by_level = dict(counts)
    report.areas_with_geometry = AdminArea.objects.filter(geometry__isnull=False).count()
    report.crossings_total = BorderCrossing.objects.count()
    # Bootstrap loads (migrations, the test database) run before any user exists, and the shipped files are
    # versioned in git; an event is worth writing only when a person changed live data with it.
    if actor is not None and (report.added or report.changed):
        audit.record(
            actor=actor,
            action="geo.reference_load",
            object_type=audit.object_type_of(AdminArea),
            metadata={"source": reference_data.SOURCE, "added": report.added, "changed": report.changed},
        )
    return report
