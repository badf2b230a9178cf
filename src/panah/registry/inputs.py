"""What a registration carries, and its validation. Pages, the API, form submissions and imports all build these.

Validation collects every problem at once and names each field by its path (members[2].documents[0].number), so a
page can show each next to its input and an import can report it against its row and column.
"""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from panah.core.errors import FieldError, invalid
from panah.registry.linkage.normalise import cnic_check, normalise_document, normalise_phone
from panah.registry.models import (
    Documentation,
    DocumentType,
    FatherRelation,
    HouseholdStatus,
    Relationship,
    Sex,
)

MAX_MEMBERS = 40
MAX_AGE = 120
# Washington Group short set: six domains, each answered 1 (no difficulty) to 4 (cannot do at all).
WG_DOMAINS = ("seeing", "hearing", "walking", "remembering", "self_care", "communicating")
FLAGS = ("pregnant_lactating", "chronic_illness", "separated_child")
# Optional per-type patterns for numbers whose format is not published (PoR, ACC, Tazkira): configurable later.
LENGTHS = {DocumentType.PASSPORT: (6, 12), DocumentType.POR: (4, 20), DocumentType.ACC: (4, 20)}


@dataclass
class DocumentInput:
    doc_type: str
    number: str
    attachment: str = ""


@dataclass
class MemberInput:
    given_name: str
    sex: str
    relationship: str
    father_name: str = ""
    father_relation: str = ""
    family_name: str = ""
    date_of_birth: datetime.date | None = None
    age: int | None = None
    birth_estimated: bool = False
    documents: list[DocumentInput] = field(default_factory=list)
    washington_group: dict[str, int] = field(default_factory=dict)
    flags: dict[str, bool] = field(default_factory=dict)

    def vulnerabilities_json(self) -> str:
        data: dict[str, Any] = {}
        if self.washington_group:
            data["wg"] = dict(sorted(self.washington_group.items()))
        data.update({k: True for k, v in sorted(self.flags.items()) if v})
        return json.dumps(data, sort_keys=True) if data else ""


@dataclass
class HouseholdInput:
    area_pcode: str
    status: str
    consent_purpose: str
    consent_date: datetime.date
    consent_recorded_by: str
    members: list[MemberInput]
    documentation: str = ""
    site: str = ""  # public id of a site in the area
    address: str = ""
    latitude: float | None = None
    longitude: float | None = None
    phones: list[str] = field(default_factory=list)
    shared_with: list[str] = field(default_factory=list)  # organisation short names


@dataclass
class Checked:
    """The normalised values the services store, and the warnings that do not stop a registration."""

    phones: list[str]
    documents: dict[tuple[int, int], str]  # (member, document) -> normalised number
    warnings: list[FieldError]


def check(data: HouseholdInput, *, today: datetime.date | None = None) -> Checked:
    """Every rule about one registration; raises one 422 listing all field errors."""
    today = today or timezone.localdate()
    errors: list[FieldError] = []
    warnings: list[FieldError] = []
    _choice(errors, "status", data.status, HouseholdStatus.values)
    _choice(errors, "documentation", data.documentation, Documentation.values, blank=True)
    if data.status == HouseholdStatus.AFGHAN and not data.documentation:
        errors.append(FieldError("documentation", _("Say which documentation an Afghan household holds."), "required"))
    if not data.consent_purpose.strip():
        errors.append(FieldError("consent_purpose", _("Say what the household consented to."), "required"))
    if not data.consent_recorded_by.strip():
        errors.append(FieldError("consent_recorded_by", _("Say who took the consent."), "required"))
    if data.consent_date > today:
        errors.append(FieldError("consent_date", _("The consent date is in the future."), "invalid"))
    _coordinates(errors, data.latitude, data.longitude)
    phones = _phones(errors, data.phones)
    documents = _members(errors, warnings, data.members, today)
    if errors:
        raise invalid(_("The registration has %(n)d problem(s).") % {"n": len(errors)}, *errors)
    return Checked(phones=phones, documents=documents, warnings=warnings)


def _choice(errors: list[FieldError], name: str, value: str, allowed: list[str], *, blank: bool = False) -> None:
    if value in allowed or (blank and not value):
        return
    if not value and not blank:
        errors.append(FieldError(name, _("This field is required."), "required"))
    elif value not in allowed:
        errors.append(FieldError(name, _("'%(value)s' is not one of the choices.") % {"value": value}, "invalid"))


def _coordinates(errors: list[FieldError], lat: float | None, lon: float | None) -> None:
    if (lat is None) != (lon is None):
        errors.append(FieldError("latitude", _("Give both latitude and longitude, or neither."), "invalid"))
    # Pakistan and its borders, generously: a point far outside is a swapped or mistyped coordinate.
    elif lat is not None and lon is not None and not (20 <= lat <= 40 and 58 <= lon <= 80):
        errors.append(FieldError("latitude", _("The coordinates are outside Pakistan."), "invalid"))


def _phones(errors: list[FieldError], phones: list[str]) -> list[str]:
    out: list[str] = []
    for i, raw in enumerate(p for p in phones if p.strip()):
        number = normalise_phone(raw)
        if not 10 <= len(number.lstrip("+")) <= 15:
            errors.append(FieldError(f"phones[{i}]", _("Not a phone number."), "invalid"))
        elif number not in out:
            out.append(number)
    return out


def _members(
    errors: list[FieldError], warnings: list[FieldError], members: list[MemberInput], today: datetime.date
) -> dict[tuple[int, int], str]:
    if not members:
        errors.append(FieldError("members", _("A household has at least one member."), "required"))
    if len(members) > MAX_MEMBERS:
        errors.append(FieldError("members", _("At most %(n)d members.") % {"n": MAX_MEMBERS}, "invalid"))
    heads = [i for i, m in enumerate(members) if m.relationship == Relationship.HEAD]
    if members and len(heads) != 1:
        errors.append(FieldError("members", _("Exactly one member is the head of household."), "invalid"))
    documents: dict[tuple[int, int], str] = {}
    seen: dict[str, str] = {}
    for i, member in enumerate(members):
        documents.update(_member(errors, warnings, f"members[{i}]", i, member, today, seen))
    return documents


def _member(
    errors: list[FieldError],
    warnings: list[FieldError],
    at: str,
    index: int,
    m: MemberInput,
    today: datetime.date,
    seen: dict[str, str],
) -> dict[tuple[int, int], str]:
    if not m.given_name.strip():
        errors.append(FieldError(f"{at}.given_name", _("This field is required."), "required"))
    _choice(errors, f"{at}.sex", m.sex, Sex.values)
    _choice(errors, f"{at}.relationship", m.relationship, Relationship.values)
    _choice(errors, f"{at}.father_relation", m.father_relation, FatherRelation.values, blank=True)
    if m.date_of_birth is None and m.age is None:
        errors.append(FieldError(f"{at}.date_of_birth", _("Give a date of birth or an age."), "required"))
    if m.date_of_birth is not None and not (today.year - MAX_AGE <= m.date_of_birth.year and m.date_of_birth <= today):
        errors.append(FieldError(f"{at}.date_of_birth", _("The date of birth is not plausible."), "invalid"))
    if m.age is not None and not 0 <= m.age <= MAX_AGE:
        errors.append(FieldError(f"{at}.age", _("The age must be between 0 and %(n)d.") % {"n": MAX_AGE}, "invalid"))
    for domain, answer in m.washington_group.items():
        if domain not in WG_DOMAINS or answer not in (1, 2, 3, 4):
            errors.append(FieldError(f"{at}.washington_group.{domain}", _("Answer 1 to 4."), "invalid"))
    for flag in m.flags:
        if flag not in FLAGS:
            errors.append(FieldError(f"{at}.flags.{flag}", _("Unknown vulnerability."), "invalid"))
    out: dict[tuple[int, int], str] = {}
    types: set[str] = set()
    for j, doc in enumerate(m.documents):
        where = f"{at}.documents[{j}]"
        number = _document(errors, warnings, where, doc, m.sex)
        if number is None:
            continue
        if doc.doc_type in types:
            errors.append(FieldError(f"{where}.doc_type", _("Each document type once per member."), "invalid"))
        types.add(doc.doc_type)
        key = f"{doc.doc_type}:{number}"
        if key in seen:
            errors.append(
                FieldError(f"{where}.number", _("Also given for %(other)s.") % {"other": seen[key]}, "invalid")
            )
        seen[key] = at
        out[(index, j)] = number
    return out


def _document(
    errors: list[FieldError], warnings: list[FieldError], where: str, doc: DocumentInput, sex: str
) -> str | None:
    if doc.doc_type not in DocumentType.values:
        errors.append(FieldError(f"{where}.doc_type", _("Unknown document type."), "invalid"))
        return None
    number = normalise_document(doc.doc_type, doc.number)
    if not number:
        errors.append(FieldError(f"{where}.number", _("This field is required."), "required"))
        return None
    if doc.doc_type in (DocumentType.CNIC, DocumentType.BFORM):
        result = cnic_check(doc.number, sex=sex or None)
        if result.errors:
            errors.extend(FieldError(f"{where}.number", e, "invalid") for e in result.errors)
            return None
        warnings.extend(FieldError(f"{where}.number", w, "warning") for w in result.warnings)
    elif doc.doc_type in LENGTHS:
        low, high = LENGTHS[DocumentType(doc.doc_type)]
        if not low <= len(number) <= high:
            message = _("Expected %(low)d to %(high)d letters or digits.") % {"low": low, "high": high}
            errors.append(FieldError(f"{where}.number", message, "invalid"))
            return None
    return number
