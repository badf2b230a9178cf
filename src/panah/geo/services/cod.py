"""Imports a newer OCHA COD-AB release: adds, renames, re-parents and retires P-codes (never deletes them)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple

from django.db import transaction
from django.utils import timezone

from panah.core import audit
from panah.core.errors import ApplicationError, conflict
from panah.geo import codfile
from panah.geo.codfile import CodRelease
from panah.geo.models import AdminArea
from panah.geo.reference_data import COUNTRY_PCODE
from panah.geo.text import normalise

UPDATE_FIELDS = ["name", "search_name", "parent", "path", "valid_on", "source", "retired_on", "updated_at"]


class Named(NamedTuple):
    pcode: str
    name: str


class Renamed(NamedTuple):
    pcode: str
    old_name: str
    new_name: str


class Reparented(NamedTuple):
    pcode: str
    old_parent: str
    new_parent: str


@dataclass
class CodImportReport:
    dry_run: bool
    valid_on: date
    levels: list[int]
    added: list[Named] = field(default_factory=list)
    renamed: list[Renamed] = field(default_factory=list)
    reparented: list[Reparented] = field(default_factory=list)
    retired: list[Named] = field(default_factory=list)
    reinstated: list[Named] = field(default_factory=list)
    unchanged: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "added": len(self.added),
            "renamed": len(self.renamed),
            "reparented": len(self.reparented),
            "retired": len(self.retired),
            "reinstated": len(self.reinstated),
            "unchanged": self.unchanged,
        }


@dataclass
class _Plan:
    """The release applied to in-memory rows; nothing is written until `_write`."""

    report: CodImportReport
    areas: dict[str, AdminArea]
    parent_of: dict[str, str | None]
    new: list[AdminArea] = field(default_factory=list)
    changed: dict[str, AdminArea] = field(default_factory=dict)


def _load_current() -> tuple[dict[str, AdminArea], dict[str, str | None]]:
    areas = {a.pcode: a for a in AdminArea.objects.all()}
    pcode_of = {a.pk: a.pcode for a in areas.values()}
    return areas, {a.pcode: pcode_of.get(a.parent_id) for a in areas.values()}  # type: ignore[arg-type]


def _merge_record(plan: _Plan, record: Any, valid_on: date, source: str) -> None:
    area = plan.areas.get(record.pcode)
    if area is None:
        area = AdminArea(pcode=record.pcode, name=record.name, search_name=normalise(record.name), level=record.level)
        area.valid_on, area.source = valid_on, source
        plan.areas[record.pcode] = area
        plan.parent_of[record.pcode] = record.parent_pcode
        plan.new.append(area)
        plan.report.added.append(Named(record.pcode, record.name))
        return
    report, touched = plan.report, False
    if area.retired_on is not None:
        area.retired_on, touched = None, True
        report.reinstated.append(Named(area.pcode, record.name))
    if area.name != record.name:
        report.renamed.append(Renamed(area.pcode, area.name, record.name))
        area.name, area.search_name, touched = record.name, normalise(record.name), True
    if plan.parent_of[area.pcode] != record.parent_pcode:
        report.reparented.append(Reparented(area.pcode, plan.parent_of[area.pcode] or "", record.parent_pcode))
        plan.parent_of[area.pcode], touched = record.parent_pcode, True
    if not touched:
        report.unchanged += 1
    if touched or area.valid_on < valid_on:
        # The release confirms this row: its name and parent now come from it (reference_load leaves it alone).
        area.valid_on, area.source = valid_on, source
        plan.changed[area.pcode] = area


def _plan(release: CodRelease, valid_on: date, source: str, *, dry_run: bool) -> _Plan:
    areas, parent_of = _load_current()
    if COUNTRY_PCODE not in areas:
        raise ApplicationError(
            "not_loaded", "Load the reference geography (load_geography) before importing a release.", 409
        )
    latest = max(a.valid_on for a in areas.values())
    if valid_on < latest:
        raise conflict(f"This release ({valid_on}) is older than the one already loaded ({latest}).")
    plan = _Plan(CodImportReport(dry_run=dry_run, valid_on=valid_on, levels=release.levels), areas, parent_of)
    for record in sorted(release.records.values(), key=lambda r: (r.level, r.pcode)):
        _merge_record(plan, record, valid_on, source)
    for area in sorted(areas.values(), key=lambda a: a.pcode):
        # Only levels the file carries are complete in it: a districts-only table retires no tehsil.
        if area.level in release.levels and area.retired_on is None and area.pcode not in release.records:
            area.retired_on = valid_on
            plan.changed[area.pcode] = area
            plan.report.retired.append(Named(area.pcode, area.name))
    _recompute_paths(plan)
    return plan


def _recompute_paths(plan: _Plan) -> None:
    """A re-parented district moves its tehsils too: rebuild every path top-down and mark the rows that moved."""
    for area in sorted(plan.areas.values(), key=lambda a: a.level):
        parent = plan.parent_of.get(area.pcode)
        path = (plan.areas[parent].path if parent else "") + area.pcode + "/"
        if area.path != path:
            area.path = path
            if area.pk is not None:
                plan.changed[area.pcode] = area


def _write(plan: _Plan) -> None:
    now = timezone.now()
    for level in (1, 2, 3):  # parents get their ids before their children point at them
        rows = [a for a in [*plan.new, *plan.changed.values()] if a.level == level]
        for area in rows:
            area.parent_id = plan.areas[plan.parent_of[area.pcode]].pk  # type: ignore[index]
            area.updated_at = now
        AdminArea.objects.bulk_create([a for a in rows if a.pk is None])
    AdminArea.objects.bulk_update(list(plan.changed.values()), UPDATE_FIELDS, batch_size=200)


def cod_import(*, actor: Any, path: str | Path, dry_run: bool, valid_on: date | None = None) -> CodImportReport:
    """Compare a COD release with the stored areas and, unless a dry run, apply it with one audit event."""
    release = codfile.read_release(path)
    release_date = valid_on or release.valid_on or timezone.localdate()
    source = f"OCHA COD-AB PAK {release_date.isoformat()} ({Path(path).name})"
    with transaction.atomic():
        plan = _plan(release, release_date, source, dry_run=dry_run)
        if dry_run:
            return plan.report
        _write(plan)
        report = plan.report
        audit.record(
            actor=actor,
            action="geo.cod_import",
            object_type=audit.object_type_of(AdminArea),
            object_id=release_date.isoformat(),
            metadata={
                "file": Path(path).name,
                "valid_on": release_date.isoformat(),
                "levels": report.levels,
                **report.counts(),
                "added_pcodes": [a.pcode for a in report.added],
                "renamed_pcodes": [a.pcode for a in report.renamed],
                "reparented_pcodes": [a.pcode for a in report.reparented],
                "retired_pcodes": [a.pcode for a in report.retired],
            },
        )
    return report
