"""API shapes of the registry.

Inputs bound every string (PostgreSQL refuses NUL, columns have lengths: either would be a 500, not a 422) and leave
the rules to inputs.check(), so the API and the pages name the same problems the same way. Outputs never carry a
value the selectors masked: the full views come from household_view/person_view, which mask by role; lists carry no
sensitive field at all (not even the documentation status of an Afghan household).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Schema

from panah.core.classification import MASK
from panah.core.schemas import FieldErrorOut
from panah.registry import inputs, policy
from panah.registry.models import (
    Documentation,
    DocumentType,
    FatherRelation,
    HouseholdStatus,
    MatchCandidate,
    Relationship,
    Sex,
)
from panah.registry.selectors import HouseholdView, MemberView, PersonView, mask_number

# Control characters never occur in these values, and PostgreSQL refuses NUL outright (a 500, not a 422).
LINE = r"^[^\x00-\x1f\x7f]*$"
TEXT = r"^[^\x00]*$"  # an address may run over several lines
PUBLIC_ID = r"^[0-9A-Za-z]{1,12}$"
MAX_ID = 2**63 - 1
ShortLine = Annotated[str, Field(max_length=40, pattern=LINE)]


# --- inputs -------------------------------------------------------------------------------------------------------


class DocumentIn(Schema):
    doc_type: DocumentType
    number: str = Field(..., max_length=40, pattern=LINE, description="As printed; dashes and spaces are ignored.")


class MemberIn(Schema):
    given_name: str = Field(..., max_length=100, pattern=LINE)
    sex: Sex
    relationship: Relationship
    father_name: str = Field("", max_length=100, pattern=LINE)
    father_relation: FatherRelation | None = Field(None, description="s/o, d/o or w/o (then the husband's name).")
    family_name: str = Field("", max_length=100, pattern=LINE)
    date_of_birth: date | None = None
    age: int | None = Field(None, ge=0, le=32767, description="Years, when the date of birth is not known.")
    birth_estimated: bool = False
    documents: list[DocumentIn] = Field(default_factory=list, max_length=len(DocumentType.values))
    washington_group: dict[str, int] = Field(
        default_factory=dict, max_length=len(inputs.WG_DOMAINS), description="Domain -> 1 (no difficulty) to 4."
    )
    flags: dict[str, bool] = Field(default_factory=dict, max_length=len(inputs.FLAGS))

    def to_input(self) -> inputs.MemberInput:
        return inputs.MemberInput(
            given_name=self.given_name, sex=str(self.sex), relationship=str(self.relationship),
            father_name=self.father_name, father_relation=str(self.father_relation or ""),
            family_name=self.family_name, date_of_birth=self.date_of_birth, age=self.age,
            birth_estimated=self.birth_estimated,
            documents=[inputs.DocumentInput(str(d.doc_type), d.number) for d in self.documents],
            washington_group=dict(self.washington_group), flags=dict(self.flags),
        )  # fmt: skip


class HouseholdIn(Schema):
    area_pcode: str = Field(..., max_length=20, pattern=LINE, description="P-code of a tehsil in your areas.")
    status: HouseholdStatus
    documentation: Documentation = Documentation.NOT_APPLICABLE
    consent_purpose: str = Field(..., max_length=200, pattern=LINE)
    consent_date: date
    consent_recorded_by: str = Field(..., max_length=150, pattern=LINE)
    members: list[MemberIn] = Field(..., max_length=inputs.MAX_MEMBERS)
    site: str = Field("", max_length=40, pattern=LINE, description="Public id of a site in the tehsil.")
    address: str = Field("", max_length=1000, pattern=TEXT)
    latitude: float | None = None
    longitude: float | None = None
    phones: list[ShortLine] = Field(default_factory=list, max_length=5)
    shared_with: list[ShortLine] = Field(default_factory=list, max_length=20, description="Organisation short names.")
    source_ref: str = Field(
        "",
        max_length=120,
        pattern=LINE,
        description="Your reference of this registration (a UUID made on the device). Sending the same source_ref "
        "again returns the household registered the first time (200, created false) instead of a second one.",
    )

    def to_input(self) -> inputs.HouseholdInput:
        return inputs.HouseholdInput(
            area_pcode=self.area_pcode, status=str(self.status), consent_purpose=self.consent_purpose,
            consent_date=self.consent_date, consent_recorded_by=self.consent_recorded_by,
            members=[m.to_input() for m in self.members], documentation=str(self.documentation), site=self.site,
            address=self.address, latitude=self.latitude, longitude=self.longitude,
            phones=list(self.phones), shared_with=list(self.shared_with),
        )  # fmt: skip


class HouseholdFilters(Schema):
    q: str | None = Field(None, max_length=12, pattern=LINE, description="A registration id.")
    area: str | None = Field(None, max_length=20, pattern=LINE, description="P-code: households inside this area.")


class CandidateFilters(Schema):
    batch_id: int | None = Field(None, ge=1, le=MAX_ID, description="Only the pairs found in this imported batch.")


class LookupIn(Schema):
    """Either a document (type and number) or a registration id. A POST, so that numbers never appear in URLs."""

    doc_type: DocumentType | None = None
    number: str | None = Field(None, max_length=40, pattern=LINE)
    registration_id: str | None = Field(None, max_length=12, pattern=LINE)


class DecideIn(Schema):
    ids: list[Annotated[int, Field(ge=1, le=MAX_ID)]] = Field(
        ..., min_length=1, max_length=500, description="Candidate pair ids, decided together: all or none."
    )
    same_person: bool


class BatchMergeIn(Schema):
    confirm_abnormal: bool = Field(False, description="Merge a batch stopped for an abnormal duplicate rate anyway.")


# --- outputs ------------------------------------------------------------------------------------------------------


class AreaRef(Schema):
    pcode: str
    name: str


class HouseholdOut(Schema):
    """A list row: no sensitive value."""

    registration_id: str
    organisation: str
    area: AreaRef
    status: str
    state: str
    source: str
    member_count: int
    consent_active: bool
    created_at: datetime

    @staticmethod
    def resolve_organisation(obj: Any) -> str:
        return str(obj["organisation"] if isinstance(obj, dict) else obj.organisation.short_name)


class RegisteredOut(Schema):
    registration_id: str
    created: bool = Field(description="False: this source_ref was registered before; nothing new was written.")
    warnings: list[FieldErrorOut]


class LookupOut(Schema):
    items: list[HouseholdOut]
    count: int


class DocumentOut(Schema):
    doc_type: str
    label: str
    number: str = Field(description=f"Whole for roles that see sensitive data, else '{MASK}' and the last two.")


class MemberOut(Schema):
    line_number: int
    relationship: str
    given_name: str
    father_name: str
    father_relation: str
    family_name: str
    sex: str
    date_of_birth: date | None
    age: int | None
    birth_estimated: bool
    registry_id: str
    other_sources: int = Field(description="Other source records you may see of the same person.")
    documents: list[DocumentOut]
    vulnerabilities: dict[str, Any] = Field(description="Empty when you may not see sensitive data.")


class HouseholdDetailOut(HouseholdOut):
    sensitive: bool = Field(description="False: address, coordinates, phones, documents are masked.")
    documentation: str
    address: str
    coordinates: str
    phones: list[str]
    consent_purpose: str
    consent_date: date
    consent_recorded_by: str
    consent_withdrawn_at: datetime | None
    shared_with: list[str]
    members: list[MemberOut]


class SourceOut(MemberOut):
    registration_id: str
    organisation: str
    area: AreaRef


class GoldenOut(Schema):
    given_name: str
    father_name: str
    father_relation: str
    family_name: str
    sex: str
    date_of_birth: date | None
    age: int | None
    documents: list[DocumentOut]


class MergeOut(Schema):
    id: int
    survivor: str
    absorbed: str
    reason: str
    probability: float | None
    individuals: int
    created_at: datetime
    undone_at: datetime | None

    @staticmethod
    def resolve_survivor(obj: Any) -> str:
        return str(obj.survivor.registry_id)

    @staticmethod
    def resolve_absorbed(obj: Any) -> str:
        return str(obj.absorbed.registry_id)

    @staticmethod
    def resolve_individuals(obj: Any) -> int:
        return len(obj.moved)


class PersonOut(Schema):
    registry_id: str
    merged_into: str | None
    golden: GoldenOut
    sources: list[SourceOut]
    merges: list[MergeOut]


class PairSideOut(Schema):
    registry_id: str
    registration_id: str
    organisation: str
    area: AreaRef
    line_number: int
    relationship: str
    given_name: str
    father_name: str
    family_name: str
    sex: str
    date_of_birth: date | None
    age: int | None
    documents: list[DocumentOut]


class CandidateOut(Schema):
    id: int
    cluster: int = Field(description="Pairs with the same cluster touch the same golden records: decide together.")
    probability: float
    match_weight: float
    suggestion: str
    evidence: dict[str, str] = Field(description="Comparison -> level reached; no values.")
    batch_id: int | None
    left: PairSideOut
    right: PairSideOut


class DecidedOut(Schema):
    decided: list[int]
    status: str


class BatchReviewOut(Schema):
    batch_id: int
    organisation: str
    area: AreaRef
    status: str
    households: int
    individuals: int
    to_create: int
    to_link: int
    to_review: int
    duplicate_rate: float
    error: str
    decided_at: datetime | None

    @staticmethod
    def resolve_organisation(obj: Any) -> str:
        return str(obj.organisation.short_name)


# --- building the nested outputs from the selectors' views --------------------------------------------------------


def _area(area: Any) -> dict[str, str]:
    return {"pcode": area.pcode, "name": area.name}


def member_out(view: MemberView) -> dict[str, Any]:
    ind = view.individual
    return {
        "line_number": ind.line_number, "relationship": ind.relationship, "given_name": ind.given_name,
        "father_name": ind.father_name, "father_relation": ind.father_relation, "family_name": ind.family_name,
        "sex": ind.sex, "date_of_birth": ind.date_of_birth, "age": ind.age, "birth_estimated": ind.birth_estimated,
        "registry_id": view.person.registry_id, "other_sources": view.other_sources, "documents": view.documents,
        "vulnerabilities": view.vulnerabilities,
    }  # fmt: skip


def household_detail(view: HouseholdView) -> dict[str, Any]:
    hh = view.household
    masked_documentation = MASK if hh.documentation and not view.sensitive else hh.documentation
    return {
        "registration_id": hh.registration_id, "organisation": hh.organisation.short_name, "area": _area(hh.area),
        "status": hh.status, "state": hh.state, "source": hh.source, "member_count": len(view.members),
        "consent_active": hh.consent_active, "created_at": hh.created_at, "sensitive": view.sensitive,
        "documentation": masked_documentation, "address": view.address, "coordinates": view.coordinates,
        "phones": view.phones, "consent_purpose": hh.consent_purpose, "consent_date": hh.consent_date,
        "consent_recorded_by": hh.consent_recorded_by, "consent_withdrawn_at": hh.consent_withdrawn_at,
        "shared_with": view.shared_with, "members": [member_out(m) for m in view.members],
    }  # fmt: skip


def person_detail(view: PersonView) -> dict[str, Any]:
    golden = dict(view.golden)
    for name in ("date_of_birth", "age"):
        golden[name] = golden[name] if golden[name] != "" else None
    sources = [
        {**member_out(s), "registration_id": s.individual.household.registration_id,
         "organisation": s.individual.household.organisation.short_name, "area": _area(s.individual.household.area)}
        for s in view.sources
    ]  # fmt: skip
    merged_into = view.person.merged_into.registry_id if view.person.merged_into else None
    return {
        "registry_id": view.person.registry_id, "merged_into": merged_into, "golden": golden,
        "sources": sources, "merges": view.merges,
    }  # fmt: skip


def _side(ind: Any, sensitive: bool) -> dict[str, Any]:
    hh = ind.household
    documents = [
        {"doc_type": d.doc_type, "label": str(d.get_doc_type_display()),
         "number": d.number if sensitive else mask_number(d.number)}
        for d in ind.documents.all()
    ]  # fmt: skip
    return {
        "registry_id": ind.person.registry_id, "registration_id": hh.registration_id,
        "organisation": hh.organisation.short_name, "area": _area(hh.area), "line_number": ind.line_number,
        "relationship": ind.relationship, "given_name": ind.given_name, "father_name": ind.father_name,
        "family_name": ind.family_name, "sex": ind.sex, "date_of_birth": ind.date_of_birth, "age": ind.age,
        "documents": documents,
    }  # fmt: skip


def candidate_rows(actor: Any, clusters: list[list[MatchCandidate]]) -> list[dict[str, Any]]:
    """The queue flattened, each pair carrying its cluster's number; documents masked by role per household."""
    sensitive: dict[int, bool] = {}

    def side(ind: Any) -> dict[str, Any]:
        if ind.household_id not in sensitive:
            sensitive[ind.household_id] = policy.may_see_sensitive(actor, ind.household)
        return _side(ind, sensitive[ind.household_id])

    return [
        {"id": c.pk, "cluster": number, "probability": c.probability, "match_weight": c.match_weight,
         "suggestion": c.suggestion, "evidence": {str(k): str(v) for k, v in c.evidence.items()},
         "batch_id": c.batch_id, "left": side(c.left), "right": side(c.right)}
        for number, cluster in enumerate(clusters, start=1)
        for c in cluster
    ]  # fmt: skip
