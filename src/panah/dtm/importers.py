"""DTM's tabular imports (location assessments, site assessments, flow counts), registered with panah.intake.

Each validator is built once per batch and preloads what it looks up (areas, sites, crossings, the keys already
stored in the round) into dicts, so that validating a row costs no query. Scope: the uploader's DATA_ENTRY grants
for the round's operation; a row outside them is held, never written.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from decimal import Decimal
from typing import Any, NamedTuple

from django.db.models import Model
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from panah.core.errors import forbidden, invalid
from panah.core.permissions import Perm, can, get_visible, grants_of
from panah.dtm import choices as c
from panah.dtm.models import FlowCount, LocationAssessment, Round, SiteAssessment
from panah.dtm.policy import DATA_ENTRY
from panah.dtm.services import ensure_editable
from panah.geo.models import AdminArea, AdminLevel, BorderCrossing, Site
from panah.geo.text import normalise
from panah.intake import registry
from panah.intake.cleaning import boolean, choice, code_list, decimal, integer, iso_date
from panah.intake.registry import CleanRow, Column, ImportSpec, RawRow, RowError

INSERT_CHUNK = 5000
CONTEXT = {"round_id": int}
NEEDS = frozenset(c.Need.values)


class Area(NamedTuple):
    id: int
    pcode: str
    level: int
    parent: str
    path: str
    retired_on: Any


def scope_paths(actor: Any, round: Round) -> tuple[str, ...]:
    """Area paths the actor may enter data for in this round's operation."""
    return tuple(
        g.area_path for g in grants_of(actor) if g.role in DATA_ENTRY and g.operation_id in (None, round.operation_id)
    )


def _round(context: Mapping[str, Any], actor: Any = None) -> Round:
    return get_visible(actor, Round.objects.select_related("operation"), pk=context["round_id"])


def _authorise(model: type[Model], kind: str) -> Any:
    def authorise(actor: Any, context: Mapping[str, Any]) -> Round:
        round = _round(context, actor)
        if not can(actor, Perm.CREATE, model):
            raise forbidden(_("Your role may not enter displacement data."))
        if round.kind != kind:
            raise invalid(_("This import does not fit a %(kind)s round.") % {"kind": round.get_kind_display()})
        ensure_editable(round)
        return round

    return authorise


def _persist(model: type[Model]) -> Any:
    def persist(actor: Any, round: Round, rows: Sequence[CleanRow], batch_id: int) -> int:
        ensure_editable(round)  # locks the round until the batch commits: it cannot be submitted half-imported
        objs = [model(round_id=round.pk, import_batch_id=batch_id, **row) for row in rows]
        model.objects.bulk_create(objs, batch_size=INSERT_CHUNK)  # type: ignore[attr-defined]
        return len(objs)

    return persist


def _forget(model: type[Model]) -> Any:
    def forget(round: Round, batch_id: int) -> int:
        return int(model.objects.filter(round=round, import_batch_id=batch_id).delete()[0])  # type: ignore[attr-defined]

    return forget


def _area_index() -> dict[str, Area]:
    rows = AdminArea.objects.values_list("pk", "pcode", "level", "parent__pcode", "path", "retired_on")
    return {r[1]: Area(r[0], r[1], r[2], r[3] or "", r[4], r[5]) for r in rows}


def _area_options(level: int) -> Any:
    def options(actor: Any, context: Mapping[str, Any]) -> list[str]:
        paths = scope_paths(actor, _round(context, actor))
        qs = AdminArea.objects.current().filter(level=level).order_by("pcode")
        return [p for p, path in qs.values_list("pcode", "path") if path.startswith(paths)] if paths else []

    return options


class _Base:
    def __init__(self, actor: Any, round: Round) -> None:
        self.round = round
        self.paths = scope_paths(actor, round)
        self.existing: set[Hashable] = set()

    def in_scope(self, path: str) -> bool:
        return bool(self.paths) and path.startswith(self.paths)

    def in_period(self, value: Any, column: str, errors: list[RowError]) -> None:
        if value is not None and not self.round.period_start <= value <= self.round.period_end:
            period = {"start": self.round.period_start, "end": self.round.period_end}
            errors.append(RowError(column, _("Outside the round's period (%(start)s to %(end)s).") % period))

    def check_stored(self, row: CleanRow, errors: list[RowError]) -> None:
        if self.key(row) in self.existing:  # type: ignore[attr-defined]
            errors.append(RowError("row", _("Already recorded in this round.")))

    @staticmethod
    def sums(row: CleanRow, parts: Sequence[str], column: str, errors: list[RowError]) -> None:
        values = [row[p] for p in parts]
        total = row["individuals"]
        if total is not None and None not in values and sum(values) != total:
            message = _("%(parts)s add up to %(sum)s, not to individuals (%(total)s).")
            errors.append(RowError(column, message % {"parts": " + ".join(parts), "sum": sum(values), "total": total}))


# --- Location assessments -------------------------------------------------------------------------------------

LOCATION_COUNTS = ("males", "females", "children", "adults", "elderly")
LOCATION_COLUMNS = (
    Column("level", _l("Assessment level"), "choice", choices=tuple(c.AssessmentLevel.values),
           help=_l("LA: location assessment of a tehsil; BA: baseline of a district. Empty means LA.")),
    Column("district_pcode", _l("District P-code"), "pcode", required=True, options=_area_options(AdminLevel.DISTRICT)),
    Column("admin_pcode", _l("Tehsil P-code"), "pcode", required=True, options=_area_options(AdminLevel.TEHSIL),
           help=_l("The tehsil (the district itself for a baseline row); it must lie in the district.")),
    Column("location_name", _l("Union council or village"), help=_l("Below the tehsil; may be empty.")),
    Column("population_group", _l("Population group"), "choice", True, tuple(c.PopulationGroup.values)),
    Column("displacement_reason", _l("Displacement reason"), "choice", True, tuple(c.DisplacementReason.values)),
    Column("origin_pcode", _l("Area of origin P-code"), "text", help=_l("Any level; may be empty.")),
    Column("households", _l("Households"), "integer", True),
    Column("individuals", _l("Individuals"), "integer", True, help=_l("At least the number of households.")),
    Column("males", _l("Males"), "integer", help=_l("With females, must add up to individuals.")),
    Column("females", _l("Females"), "integer"),
    Column("children", _l("Children (0-17)"), "integer", help=_l("With adults and elderly, adds up to individuals.")),
    Column("adults", _l("Adults (18-59)"), "integer"),
    Column("elderly", _l("Elderly (60+)"), "integer"),
    Column("displaced_since", _l("Displaced since"), "date", help=_l("YYYY-MM-DD, not after the round's end.")),
    Column("shelter_type", _l("Shelter type"), "choice", choices=tuple(c.ShelterType.values)),
    Column("priority_needs", _l("Priority needs"), "list", choices=tuple(c.Need.values),
           help=_l("Need codes separated by ';', most pressing first.")),
)  # fmt: skip


class LocationValidator(_Base):
    GROUPS = frozenset(c.PopulationGroup.values)
    REASONS = frozenset(c.DisplacementReason.values)
    SHELTERS = frozenset(c.ShelterType.values)
    LEVELS = {"LA": AdminLevel.TEHSIL, "BA": AdminLevel.DISTRICT}

    def __init__(self, actor: Any, round: Round) -> None:
        super().__init__(actor, round)
        self.areas = _area_index()
        keys = LocationAssessment.objects.filter(round=round).values_list(
            "admin_area_id", "location_name", "population_group", "displacement_reason", "origin_area_id"
        )
        self.existing = set(keys)

    def key(self, row: CleanRow) -> Hashable:
        return (row["admin_area_id"], row["location_name"], row["population_group"],
                row["displacement_reason"], row["origin_area_id"])  # fmt: skip

    def area(self, pcode: str, column: str, errors: list[RowError], level: int | None = None) -> Area | None:
        if not pcode:
            errors.append(RowError(column, _("Required.")))
            return None
        found = self.areas.get(pcode.upper())
        if found is None:
            errors.append(RowError(column, _("Unknown P-code %(pcode)s.") % {"pcode": pcode}))
        elif found.retired_on is not None:
            message = _("P-code %(pcode)s was retired on %(date)s: use the current P-code.")
            errors.append(RowError(column, message % {"pcode": found.pcode, "date": found.retired_on}))
        elif level is not None and found.level != level:
            message = _("%(pcode)s is not a %(level)s.")
            errors.append(RowError(column, message % {"pcode": found.pcode, "level": AdminLevel(level).label.lower()}))
        else:
            return found
        return None

    def places(self, row: RawRow, level: str, errors: list[RowError]) -> tuple[Area | None, Area | None]:
        district = self.area(row.get("district_pcode", ""), "district_pcode", errors, AdminLevel.DISTRICT)
        admin = self.area(row.get("admin_pcode", ""), "admin_pcode", errors, self.LEVELS[level])
        if district is not None and admin is not None and district.pcode not in (admin.parent, admin.pcode):
            message = _("%(admin)s is not in district %(district)s.")
            errors.append(RowError("admin_pcode", message % {"admin": admin.pcode, "district": district.pcode}))
        elif admin is not None and not self.in_scope(admin.path):
            errors.append(RowError("admin_pcode", _("%(pcode)s is outside your areas.") % {"pcode": admin.pcode}))
        origin_code = row.get("origin_pcode", "")
        origin = self.area(origin_code, "origin_pcode", errors) if origin_code else None
        return admin, origin

    def __call__(self, row: RawRow) -> tuple[CleanRow | None, list[RowError]]:
        errors: list[RowError] = []
        get = row.get
        level = (get("level", "") or "LA").upper()
        if level not in self.LEVELS:
            errors.append(RowError("level", _("Write LA or BA, not %(value)s.") % {"value": get("level")}))
            level = "LA"
        admin, origin = self.places(row, level, errors)
        cleaned: CleanRow = {
            "level": level,
            "admin_area_id": admin.id if admin else None,
            "location_name": get("location_name", "")[:200],
            "population_group": choice(
                get("population_group", ""), "population_group", errors, self.GROUPS, required=True
            ),
            "displacement_reason": choice(
                get("displacement_reason", ""), "displacement_reason", errors, self.REASONS, required=True
            ),
            "origin_area_id": origin.id if origin else None,
            "households": integer(get("households", ""), "households", errors, required=True),
            "individuals": integer(get("individuals", ""), "individuals", errors, required=True),
            "displaced_since": iso_date(get("displaced_since", ""), "displaced_since", errors),
            "shelter_type": choice(get("shelter_type", ""), "shelter_type", errors, self.SHELTERS) or "",
            "priority_needs": code_list(get("priority_needs", ""), "priority_needs", errors, NEEDS),
        }
        for name in LOCATION_COUNTS:
            cleaned[name] = integer(get(name, ""), name, errors)
        self.figures(cleaned, errors)
        if errors:
            return None, errors
        self.check_stored(cleaned, errors)
        return (None, errors) if errors else (cleaned, errors)

    def figures(self, row: CleanRow, errors: list[RowError]) -> None:
        households, individuals = row["households"], row["individuals"]
        if households is not None and individuals is not None and individuals < households:
            message = _("Fewer individuals (%(i)s) than households (%(h)s).")
            errors.append(RowError("individuals", message % {"i": individuals, "h": households}))
        self.sums(row, ("males", "females"), "males", errors)
        self.sums(row, ("children", "adults", "elderly"), "children", errors)
        since = row["displaced_since"]
        if since is not None and since > self.round.period_end:
            errors.append(
                RowError("displaced_since", _("After the round's end (%(end)s).") % {"end": self.round.period_end})
            )


# --- Site assessments -----------------------------------------------------------------------------------------

SITE_INTS = ("males", "females", "children", "elderly", "functioning_water_points", "functioning_latrines",
             "security_incidents")  # fmt: skip
SITE_BOOLS = ("latrines_sex_segregated", "health_facility_access", "waste_management", "lighting")
YES_NO = ("yes", "no")


def _site_options(actor: Any, context: Mapping[str, Any]) -> list[str]:
    paths = scope_paths(actor, _round(context, actor))
    rows = Site.objects.filter(is_active=True).values_list("name", "admin_area__path")
    return sorted({name for name, path in rows if paths and path.startswith(paths)})


SITE_COLUMNS = (
    Column("site", _l("Site"), "pcode", True, options=_site_options, help=_l("Site name, or its id.")),
    Column("assessed_on", _l("Assessed on"), "date", True, help=_l("YYYY-MM-DD, within the round's period.")),
    Column("managing_agency", _l("Managing agency")),
    Column("households", _l("Households"), "integer", True),
    Column("individuals", _l("Individuals"), "integer", True),
    *(Column(name, name.replace("_", " ").capitalize(), "integer") for name in SITE_INTS[:4]),
    Column("water_litres_per_person_day", _l("Water, litres per person per day"), "decimal", help="0-500"),
    *(Column(name, name.replace("_", " ").capitalize(), "integer") for name in SITE_INTS[4:6]),
    Column("distance_to_water_m", _l("Distance to water (m)"), "integer", help="0-50000"),
    Column("covered_space_m2_per_person", _l("Covered space, m² per person"), "decimal", help="0-100"),
    *(Column(name, name.replace("_", " ").capitalize(), "boolean", choices=YES_NO) for name in SITE_BOOLS),
    Column("security_incidents", _l("Security incidents (last 30 days)"), "integer"),
    Column("priority_needs", _l("Priority needs"), "list", choices=tuple(c.Need.values)),
)  # fmt: skip


class SiteValidator(_Base):
    def __init__(self, actor: Any, round: Round) -> None:
        super().__init__(actor, round)
        self.by_id: dict[str, tuple[int, str]] = {}
        self.by_name: dict[str, list[tuple[int, str]]] = {}
        for pk, public_id, name, path in Site.objects.values_list("pk", "public_id", "name", "admin_area__path"):
            self.by_id[str(pk)] = self.by_id[str(public_id)] = (pk, path)
            self.by_name.setdefault(normalise(name), []).append((pk, path))
        self.existing = set(SiteAssessment.objects.filter(round=round).values_list("site_id", flat=True))

    def key(self, row: CleanRow) -> Hashable:
        return int(row["site_id"])

    def site(self, value: str, errors: list[RowError]) -> int | None:
        found = self.by_id.get(value.lower()) or self.by_id.get(value)
        if found is None:
            matches = self.by_name.get(normalise(value), []) if value else []
            if len(matches) > 1:
                errors.append(RowError("site", _("Several sites are called %(name)s: give the id.") % {"name": value}))
                return None
            found = matches[0] if matches else None
        if found is None or not self.in_scope(found[1]):
            # One message for missing and out-of-scope sites: a site's existence is not disclosed outside scope.
            errors.append(RowError("site", _("No site %(name)s in your areas.") % {"name": value or '""'}))
            return None
        return found[0]

    def __call__(self, row: RawRow) -> tuple[CleanRow | None, list[RowError]]:
        errors: list[RowError] = []
        get = row.get
        cleaned: CleanRow = {
            "site_id": self.site(get("site", ""), errors),
            "assessed_on": iso_date(get("assessed_on", ""), "assessed_on", errors, required=True),
            "managing_agency": get("managing_agency", "")[:200],
            "households": integer(get("households", ""), "households", errors, required=True),
            "individuals": integer(get("individuals", ""), "individuals", errors, required=True),
            "water_litres_per_person_day": decimal(
                get("water_litres_per_person_day", ""),
                "water_litres_per_person_day",
                errors,
                minimum=Decimal(0),
                maximum=Decimal(500),
                places=1,
            ),
            "distance_to_water_m": integer(get("distance_to_water_m", ""), "distance_to_water_m", errors),
            "covered_space_m2_per_person": decimal(
                get("covered_space_m2_per_person", ""),
                "covered_space_m2_per_person",
                errors,
                minimum=Decimal(0),
                maximum=Decimal(100),
            ),
            "priority_needs": code_list(get("priority_needs", ""), "priority_needs", errors, NEEDS),
        }
        for name in SITE_INTS:
            cleaned[name] = integer(get(name, ""), name, errors)
        for name in SITE_BOOLS:
            cleaned[name] = boolean(get(name, ""), name, errors)
        self.in_period(cleaned["assessed_on"], "assessed_on", errors)
        distance = cleaned["distance_to_water_m"]
        if distance is not None and distance > 50_000:
            errors.append(RowError("distance_to_water_m", _("Must be between 0 and 50000.")))
        h, i = cleaned["households"], cleaned["individuals"]
        if h is not None and i is not None and i < h:
            errors.append(
                RowError("individuals", _("Fewer individuals (%(i)s) than households (%(h)s).") % {"i": i, "h": h})
            )
        self.sums(cleaned, ("males", "females"), "males", errors)
        if not errors:
            self.check_stored(cleaned, errors)
        return (None, errors) if errors else (cleaned, errors)


# --- Flow counts ----------------------------------------------------------------------------------------------

FLOW_COUNTS = ("men", "women", "boys", "girls", "unaccompanied_children", "persons_with_disability",
               "pregnant_or_lactating", "older_persons")  # fmt: skip


def _crossing_options(actor: Any, context: Mapping[str, Any]) -> list[str]:
    paths = scope_paths(actor, _round(context, actor))
    rows = BorderCrossing.objects.order_by("code").values_list("code", "admin_area__path")
    return [code for code, path in rows if paths and (path or "PK/").startswith(paths)]


FLOW_COLUMNS = (
    Column("crossing", _l("Crossing point code"), "pcode", True, options=_crossing_options),
    Column("date", _l("Date"), "date", True, help=_l("YYYY-MM-DD, within the round's period.")),
    Column("direction", _l("Direction"), "choice", True, tuple(c.Direction.values)),
    Column("documentation_status", _l("Documentation status"), "choice", True, tuple(c.DocumentationStatus.values)),
    Column("return_type", _l("Return type"), "choice", True, tuple(c.ReturnType.values)),
    *(Column(name, name.replace("_", " ").capitalize(), "integer", help=_l("Empty means 0.")) for name in FLOW_COUNTS),
)  # fmt: skip


class FlowValidator(_Base):
    DIRECTIONS = frozenset(c.Direction.values)
    DOCUMENTS = frozenset(c.DocumentationStatus.values)
    RETURNS = frozenset(c.ReturnType.values)

    def __init__(self, actor: Any, round: Round) -> None:
        super().__init__(actor, round)
        rows = BorderCrossing.objects.values_list("code", "pk", "admin_area__path")
        self.crossings = {code: (pk, path or "PK/") for code, pk, path in rows}
        self.existing = set(FlowCount.objects.filter(round=round).values_list(
            "crossing_id", "date", "direction", "documentation_status", "return_type"))  # fmt: skip

    def key(self, row: CleanRow) -> Hashable:
        return (row["crossing_id"], row["date"], row["direction"], row["documentation_status"], row["return_type"])

    def __call__(self, row: RawRow) -> tuple[CleanRow | None, list[RowError]]:
        errors: list[RowError] = []
        get = row.get
        code = get("crossing", "").lower()
        crossing = self.crossings.get(code)
        if crossing is None or not self.in_scope(crossing[1]):
            errors.append(RowError("crossing", _("No crossing point %(code)s in your areas.") % {"code": code or '""'}))
        cleaned: CleanRow = {
            "crossing_id": crossing[0] if crossing else None,
            "date": iso_date(get("date", ""), "date", errors, required=True),
            "direction": choice(get("direction", ""), "direction", errors, self.DIRECTIONS, required=True),
            "documentation_status": choice(
                get("documentation_status", ""), "documentation_status", errors, self.DOCUMENTS, required=True
            ),
            "return_type": choice(get("return_type", ""), "return_type", errors, self.RETURNS, required=True),
        }
        for name in FLOW_COUNTS:
            cleaned[name] = integer(get(name, ""), name, errors) or 0
        self.in_period(cleaned["date"], "date", errors)
        if not errors:
            self.check_stored(cleaned, errors)
        return (None, errors) if errors else (cleaned, errors)


def _spec(
    name: str, label: Any, columns: tuple[Column, ...], model: type[Model], kind: str, validator: Any
) -> ImportSpec:
    return ImportSpec(
        name=name, label=label, columns=columns, authorise=_authorise(model, kind),
        validator=lambda actor, context, round: validator(actor, round),
        persist=_persist(model), forget=_forget(model), context_fields=CONTEXT,
    )  # fmt: skip


def register_importers() -> None:
    """Called from DtmConfig.ready."""
    mobility, flow = c.RoundKind.MOBILITY, c.RoundKind.FLOW
    registry.register(_spec("dtm.location_assessment", _l("Location assessments"), LOCATION_COLUMNS,
                            LocationAssessment, mobility, LocationValidator))  # fmt: skip
    registry.register(_spec("dtm.site_assessment", _l("Site assessments"), SITE_COLUMNS, SiteAssessment, mobility,
                            SiteValidator))  # fmt: skip
    registry.register(_spec("dtm.flow_count", _l("Flow counts"), FLOW_COLUMNS, FlowCount, flow, FlowValidator))
