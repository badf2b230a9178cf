"""Households from files and field forms, registered with panah.intake: one row per member, grouped by household_ref.

A row is checked alone first (formats, codes, the tehsil in the uploader's areas); then each household is checked
whole with the registry's own rules (inputs.check), and its FieldErrors are reported against the row and column
they came from. A household with any problem is held whole, a message on each of its rows: importing part of a
household would register a different family. Files are staged (a reviewer merges the batch after deduplication);
field forms register straight into the registry, deduplicated after commit.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from panah.core.errors import ApplicationError, forbidden
from panah.geo.models import AdminArea, AdminLevel, Site
from panah.intake import registry
from panah.intake import selectors as intake_selectors
from panah.intake.cleaning import boolean, choice, integer, iso_date
from panah.intake.registry import CleanRow, Column, ImportSpec, RawRow, RowError
from panah.registry import inputs, policy, review, services, tasks
from panah.registry.models import (
    Documentation,
    DocumentType,
    FatherRelation,
    Household,
    HouseholdStatus,
    RecordState,
    Relationship,
    Sex,
    Source,
)

FILE_SPEC = "registry.households"
FORM_SPEC = "registry.household_form"
YES_NO = ("yes", "no")
WG = tuple(f"wg_{d}" for d in inputs.WG_DOMAINS)
# Household-level columns: given on the head's row; other rows may leave them blank, or repeat the same value.
HOUSEHOLD = ("area_pcode", "site", "status", "documentation", "phone", "phone_2", "address", "consent_purpose",
             "consent_date", "consent_recorded_by")  # fmt: skip
PHONES = ("phone", "phone_2")
MAX_REF = 100
_MEMBER_FIELD = re.compile(r"^members\[(\d+)\]\.(.+)$")


def _tehsil_options(actor: Any, context: Mapping[str, Any]) -> list[str]:
    return sorted(_tehsils(actor))


COLUMNS = (
    Column("household_ref", _l("Household reference"), required=True,
           help=_l("Your reference of the household: every member's row carries the same one.")),
    Column("area_pcode", _l("Tehsil P-code"), "pcode", required=True, options=_tehsil_options,
           help=_l("On the head's row; other rows may leave it empty.")),
    Column("site", _l("Site id"), help=_l("The site's public id, when the household lives on a site.")),
    Column("status", _l("Status"), "choice", choices=tuple(HouseholdStatus.values)),
    Column("documentation", _l("Documentation (Afghan households)"), "choice",
           choices=tuple(v for v in Documentation.values if v)),
    Column("phone", _l("Phone")),
    Column("phone_2", _l("Second phone")),
    Column("address", _l("Address")),
    Column("consent_purpose", _l("Consent: purpose")),
    Column("consent_date", _l("Consent: date"), "date", help=_l("YYYY-MM-DD, not in the future.")),
    Column("consent_recorded_by", _l("Consent: recorded by")),
    Column("relationship", _l("Relationship to the head"), "choice", True, tuple(Relationship.values)),
    Column("given_name", _l("Given name"), required=True),
    Column("father_name", _l("Father's (or husband's) name")),
    Column("father_relation", _l("s/o, d/o or w/o"), "choice", choices=tuple(FatherRelation.values)),
    Column("family_name", _l("Family name")),
    Column("sex", _l("Sex"), "choice", True, tuple(Sex.values)),
    Column("date_of_birth", _l("Date of birth"), "date", help=_l("YYYY-MM-DD; or give the age.")),
    Column("age", _l("Age in years"), "integer"),
    Column("birth_estimated", _l("Date of birth estimated"), "boolean", choices=YES_NO),
    Column("document_type", _l("Document type"), "choice", choices=tuple(DocumentType.values)),
    Column("document_number", _l("Document number")),
    *(Column(name, name.replace("_", " ").capitalize().replace("Wg", "Washington Group:"), "choice",
             choices=("1", "2", "3", "4"), help=_l("1 no difficulty, 2 some, 3 a lot, 4 cannot do at all."))
      for name in WG),
    Column("pregnant_lactating", _l("Pregnant or lactating"), "boolean", choices=YES_NO),
    Column("chronic_illness", _l("Chronic illness"), "boolean", choices=YES_NO),
    Column("separated_child", _l("Separated or unaccompanied child"), "boolean", choices=YES_NO),
)  # fmt: skip
# A field form also names the photo of the member's document (an attachment of the same submission).
FORM_COLUMNS = (*COLUMNS, Column("document_photo", _l("Photo of the document (file name)")))
CHOICES = {c.name: frozenset(c.choices) for c in FORM_COLUMNS if c.kind == "choice"}


@dataclass
class Target:
    """The importer's side of one batch: whose households these are, and the households with a failed row."""

    actor: Any
    organisation_id: int
    failed: set[str] = field(default_factory=set)


def _authorise(actor: Any, context: Mapping[str, Any]) -> Target:
    if not policy.may_create(actor):
        raise forbidden(_("Your role may not register households."))
    if actor.organisation_id is None:
        raise forbidden(_("Your account belongs to no organisation, so it cannot register households."))
    return Target(actor=actor, organisation_id=actor.organisation_id)


def _tehsils(actor: Any) -> dict[str, str]:
    """Current tehsils the actor may register in: P-code -> path."""
    areas = AdminArea.objects.filter(level=AdminLevel.TEHSIL, retired_on__isnull=True).only("pcode", "path")
    return {a.pcode: a.path for a in areas if policy.may_create_in(actor, a)}


class MemberValidator:
    """One row alone: every value parses and every code is known. Built once per batch (areas and sites preloaded)."""

    def __init__(self, actor: Any, target: Target) -> None:
        self.target = target
        self.tehsils = _tehsils(actor)
        self.sites = {str(p): path for p, path in Site.objects.values_list("public_id", "admin_area__path")}

    def key(self, row: CleanRow) -> Hashable | None:
        return None  # two members may be alike (twins); the household check finds repeated documents

    def __call__(self, row: RawRow) -> tuple[CleanRow | None, list[RowError]]:
        errors: list[RowError] = []
        get = row.get
        ref = get("household_ref", "")
        if not ref:
            errors.append(RowError("household_ref", _("Required.")))
        elif len(ref) > MAX_REF:
            errors.append(RowError("household_ref", _("At most %(n)s characters.") % {"n": MAX_REF}))
        pcode = get("area_pcode", "").upper()
        if pcode and pcode not in self.tehsils:
            errors.append(RowError("area_pcode", _("Not a current tehsil P-code of your areas: %(v)s.") % {"v": pcode}))
        site = get("site", "")
        if site and site.lower() not in self.sites:
            errors.append(RowError("site", _("No site with this id.")))
        for name, allowed in CHOICES.items():
            choice(get(name, ""), name, errors, allowed, required=name in ("relationship", "sex"))
        if not get("given_name", ""):
            errors.append(RowError("given_name", _("Required.")))
        iso_date(get("consent_date", ""), "consent_date", errors)
        iso_date(get("date_of_birth", ""), "date_of_birth", errors)
        integer(get("age", ""), "age", errors)
        for name in ("birth_estimated", *inputs.FLAGS):
            boolean(get(name, ""), name, errors)
        if bool(get("document_type", "")) != bool(get("document_number", "")):
            column = "document_number" if get("document_type", "") else "document_type"
            errors.append(RowError(column, _("Give the document's type and its number together.")))
        if errors:
            if ref:
                self.target.failed.add(ref)
            return None, errors
        return {c.name: get(c.name, "") for c in FORM_COLUMNS}, []


def _validator(actor: Any, context: Mapping[str, Any], target: Target) -> MemberValidator:
    return MemberValidator(actor, target)


# --- Households: rows grouped, checked whole ------------------------------------------------------------------


@dataclass
class Grouped:
    ref: str
    rows: list[tuple[int, CleanRow]]
    data: inputs.HouseholdInput | None = None
    errors: dict[int, list[RowError]] = field(default_factory=dict)


def _groups(valid: Sequence[tuple[int, CleanRow]]) -> list[Grouped]:
    groups: dict[str, Grouped] = {}
    for number, row in valid:
        ref = row["household_ref"]
        groups.setdefault(ref, Grouped(ref=ref, rows=[])).rows.append((number, row))
    return list(groups.values())


def _primary(rows: list[tuple[int, CleanRow]]) -> int:
    """The index of the row household values come from: the head's (the first row when there is no single head)."""
    heads = [i for i, (_n, row) in enumerate(rows) if row["relationship"].lower() == Relationship.HEAD]
    return heads[0] if len(heads) == 1 else 0


def _household_values(group: Grouped, primary: int) -> dict[str, str]:
    values: dict[str, str] = {}
    first_number = group.rows[primary][0]
    for column in HOUSEHOLD:
        given = group.rows[primary][1][column]
        source = first_number
        if not given:
            source, given = next(((n, r[column]) for n, r in group.rows if r[column]), (first_number, ""))
        values[column] = given
        for number, row in group.rows:
            if row[column] and row[column].casefold() != given.casefold():
                message = _("Differs from row %(row)s (%(value)s): a household has one value.")
                group.errors.setdefault(number, []).append(RowError(column, message % {"row": source, "value": given}))
    return values


def _member(row: CleanRow) -> inputs.MemberInput:
    ignored: list[RowError] = []  # the row passed the row check: these parse
    documents = []
    if row["document_type"]:
        doc = inputs.DocumentInput(row["document_type"].lower(), row["document_number"], row.get("document_photo", ""))
        documents.append(doc)
    return inputs.MemberInput(
        given_name=row["given_name"], sex=row["sex"].lower(), relationship=row["relationship"].lower(),
        father_name=row["father_name"], father_relation=row["father_relation"].lower(),
        family_name=row["family_name"], date_of_birth=iso_date(row["date_of_birth"], "date_of_birth", ignored),
        age=integer(row["age"], "age", ignored), birth_estimated=bool(boolean(row["birth_estimated"], "", ignored)),
        documents=documents,
        washington_group={name[3:]: int(row[name]) for name in WG if row[name]},
        flags={name: True for name in inputs.FLAGS if boolean(row[name], name, ignored)},
    )  # fmt: skip


def _build(group: Grouped, *, check: bool = True) -> None:
    """The household's input from its rows, checked whole (check=False: the rows passed the check already, and the
    service checks again before writing)."""
    primary = _primary(group.rows)
    number = group.rows[primary][0]
    values = _household_values(group, primary)
    for column, message in (("area_pcode", _("Required on the head's row.")),
                            ("consent_date", _("Required on the head's row."))):  # fmt: skip
        if not values[column]:
            group.errors.setdefault(number, []).append(RowError(column, message))
    if group.errors:
        return
    ignored: list[RowError] = []
    data = inputs.HouseholdInput(
        area_pcode=values["area_pcode"].upper(), status=values["status"].lower(),
        consent_purpose=values["consent_purpose"],
        consent_date=iso_date(values["consent_date"], "", ignored) or date.min,
        consent_recorded_by=values["consent_recorded_by"], members=[_member(row) for _n, row in group.rows],
        documentation=values["documentation"].lower(), site=values["site"].lower(), address=values["address"],
        phones=[values[p] for p in PHONES if values[p]],
    )  # fmt: skip
    if not check:
        group.data = data
        return
    try:
        inputs.check(data)
    except ApplicationError as error:
        phones = [p for p in PHONES if values[p]]
        for e in error.errors:
            row_number, column = _locate(e.field, group.rows, primary, phones)
            group.errors.setdefault(row_number, []).append(RowError(column, e.message))
        return
    group.data = data


def _locate(name: str, rows: list[tuple[int, CleanRow]], primary: int, phones: list[str]) -> tuple[int, str]:
    """The row and column a FieldError of inputs.check (members[2].documents[0].number) came from."""
    found = _MEMBER_FIELD.match(name)
    if found is not None:
        index, rest = int(found[1]), found[2]
        if rest.startswith("documents["):
            column = "document_type" if rest.endswith("doc_type") else "document_number"
        elif rest.startswith("washington_group."):
            column = "wg_" + rest.split(".", 1)[1]
        elif rest.startswith("flags."):
            column = rest.split(".", 1)[1]
        else:
            column = rest
        return rows[index][0], column
    number = rows[primary][0]
    if name.startswith("phones["):
        return number, phones[int(name[7:-1])]
    if name == "members":
        return number, "relationship"
    return number, name if name in HOUSEHOLD else "household_ref"


def _check_site(group: Grouped, tehsils: dict[str, str], sites: dict[str, str]) -> None:
    data = group.data
    if data is None or not data.site:
        return
    if not sites.get(data.site, "").startswith(tehsils.get(data.area_pcode, "-")):
        group.errors.setdefault(group.rows[_primary(group.rows)][0], []).append(
            RowError("site", _("This site is not in the household's tehsil."))
        )
        group.data = None


def _cross_check(target: Target, valid: Sequence[tuple[int, CleanRow]]) -> dict[int, list[RowError]]:
    """Each household checked whole; one with any problem is held whole, a message on each of its rows."""
    groups = _groups(valid)
    tehsils = _tehsils(target.actor)
    sites = {str(p): path for p, path in Site.objects.values_list("public_id", "admin_area__path")}
    problems: dict[int, list[RowError]] = {}
    for group in groups:
        if group.ref not in target.failed:
            _build(group)
            _check_site(group, tehsils, sites)
        if group.data is not None:
            continue
        numbers = ", ".join(str(n) for n, _row in group.rows)
        held = _("Held with its household %(ref)s (rows %(rows)s): correct every row of it, then upload again.")
        for number, _row in group.rows:
            problems[number] = group.errors.get(number) or [
                RowError("household_ref", held % {"ref": group.ref, "rows": numbers})
            ]
    return problems


def households_of(rows: Sequence[CleanRow]) -> list[tuple[str, inputs.HouseholdInput]]:
    """Valid rows (as cross_check passed them) grouped back into households, in file order."""
    out = []
    for group in _groups(list(enumerate(rows))):
        _build(group, check=False)
        if group.data is None:  # cannot happen after cross_check; refuse rather than write part of a household
            raise ApplicationError("invalid", _("Household %(ref)s has problems.") % {"ref": group.ref}, status=422)
        out.append((group.ref, group.data))
    return out


# --- Writing ------------------------------------------------------------------------------------------------------


def _common_area(households: Sequence[Household]) -> AdminArea:
    """The smallest area holding every household of a batch: where its review is seen."""
    paths = {h.area.path for h in households}
    parts = [p.split("/") for p in paths]
    common = []
    for segments in zip(*parts, strict=False):
        if len(set(segments)) != 1 or not segments[0]:
            break
        common.append(segments[0])
    return AdminArea.objects.get(path="/".join(common) + "/")


def _persist_file(actor: Any, target: Target, rows: Sequence[CleanRow], batch_id: int) -> int:
    # The household_ref is the file's own: "1", "2" recur across files. Keyed by batch, so that two files never
    # collide and a re-run of the same batch finds (and forgets) exactly its own households.
    items = [(f"{batch_id}:{ref}", data) for ref, data in households_of(rows)]
    if not items:
        return 0
    written = services.households_register_bulk(
        actor=actor, items=items, source=Source.FILE, batch_id=batch_id, state=RecordState.STAGED
    )
    if written.households:
        area = _common_area(written.households)
        review.batch_review_open(batch_id=batch_id, organisation_id=target.organisation_id, area_id=area.pk)
        tasks.enqueue_batch_link(batch_id)
    return len(rows)


def _persist_form(actor: Any, target: Target, rows: Sequence[CleanRow], batch_id: int) -> int:
    # A field registration goes straight into the registry (no reviewer waits for it); its household_ref is the
    # submission's instanceID, so the same instance received twice is one household.
    arrived = intake_selectors.batch_submission_source(batch_id=batch_id)
    source = Source.KOBO if arrived == Source.KOBO else Source.OPENROSA
    written = services.households_register_bulk(
        actor=actor, items=households_of(rows), source=source, batch_id=batch_id, state=RecordState.ACTIVE
    )
    for household in written.households:
        pk = household.pk
        transaction.on_commit(lambda pk=pk: tasks.link_household.enqueue(pk))  # type: ignore[misc]
    return len(rows)


def _forget(states: tuple[str, ...]) -> Any:
    def forget(target: Target, batch_id: int) -> int:
        return services.households_forget(organisation_id=target.organisation_id, batch_id=batch_id, states=states)

    return forget


def _spec(name: str, label: Any, columns: tuple[Column, ...], persist: Any, states: tuple[str, ...]) -> ImportSpec:
    return ImportSpec(
        name=name, label=label, columns=columns, authorise=_authorise, validator=_validator, persist=persist,
        forget=_forget(states), cross_check=_cross_check, row_correction=False,
        description=_l("One row per household member. Household values (tehsil, status, phone, consent) on the "
                       "head's row; the other members' rows may leave them empty."),
    )  # fmt: skip


def register_importers() -> None:
    """Called from RegistryConfig.ready."""
    registry.register(_spec(FILE_SPEC, _l("Households (registry)"), COLUMNS, _persist_file, (RecordState.STAGED,)))
    registry.register(
        _spec(FORM_SPEC, _l("Household registration form"), FORM_COLUMNS, _persist_form, (RecordState.ACTIVE,))
    )
