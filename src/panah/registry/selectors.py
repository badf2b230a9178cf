"""Reads of the registry, each scoped by policy.py. Anything outside the actor's scope is simply not found.

Lists carry no sensitive values. A full household or person record is read through `household_view` or
`person_view`, which mask what the actor's roles may not see and write an audit event for each read.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Count, OuterRef, Prefetch, Q, Subquery
from django.utils.translation import gettext as _

from panah.core import audit
from panah.core.classification import MASK
from panah.core.errors import FieldError, invalid, not_found
from panah.core.permissions import Perm, get_visible, visible_to
from panah.geo.models import AdminArea
from panah.registry import policy
from panah.registry.linkage.normalise import normalise_document
from panah.registry.models import (
    BatchReview,
    CandidateStatus,
    Document,
    DocumentType,
    Household,
    Individual,
    MatchCandidate,
    Merge,
    Person,
    RecordState,
)
from panah.registry.services import document_index


def mask_number(number: str) -> str:
    """Only the last two characters: enough to tell two documents apart when talking to the holder."""
    return f"{MASK}{number[-2:]}" if len(number) > 4 else MASK


def household_list(
    *, actor: Any, q: str | None = None, area: str | None = None, state: str | None = RecordState.ACTIVE
) -> models.QuerySet[Household]:
    """Households the actor may see, newest first; `q` finds a registration id; `area` keeps one area's."""
    qs = visible_to(actor, Household.objects.select_related("area", "organisation", "site"))
    if state:
        qs = qs.filter(state=state)
    if q and q.strip():
        # Ids are stored upper-case: an exact match uses the unique index (iexact would scan the whole registry).
        qs = qs.filter(registration_id=q.strip().upper())
    if area and area.strip():
        within = AdminArea.objects.filter(pcode=area.strip().upper()).values_list("path", flat=True).first()
        qs = qs.filter(area__path__startswith=within) if within else qs.none()
    # A correlated count is computed for the rows of the page only; a GROUP BY would count the whole registry.
    members = Individual.objects.filter(household_id=OuterRef("pk")).order_by().values("household_id")
    member_count = Subquery(members.annotate(n=Count("pk")).values("n"), output_field=models.IntegerField())
    return qs.annotate(member_count=member_count).order_by("-created_at", "-pk")


def household_get(*, actor: Any, registration_id: str) -> Household:
    """One household by registration id, not audited (for checks and lists); not found when out of scope."""
    qs = Household.objects.select_related("area", "organisation", "site", "registered_by")
    return get_visible(actor, qs, registration_id=registration_id.strip().upper())


def households_by_document(*, actor: Any, doc_type: str, number: str) -> models.QuerySet[Household]:
    """The households with a member holding this document (exact, by keyed hash): a distribution point's lookup."""
    if doc_type not in DocumentType.values:
        raise invalid(_("Unknown document type."), FieldError("doc_type", _("Unknown document type."), "invalid"))
    normalised = normalise_document(doc_type, number)
    if not normalised:
        raise invalid(_("Give a document number."), FieldError("number", _("This field is required."), "required"))
    index = document_index(doc_type, normalised)
    holders = Document.objects.filter(number_index=index).values("individual__household_id")
    qs = visible_to(actor, Household.objects.select_related("area", "organisation"))
    found = qs.filter(pk__in=holders, state=RecordState.ACTIVE)
    # Who looked up which document is itself sensitive: the keyed hash lets a data-protection officer trace the
    # lookups of one number without the log holding the number.
    audit.record(
        actor=actor, action="registry.lookup", object_type="registry.document", object_id=index[:32],
        metadata={"doc_type": doc_type, "found": found.count()},
    )  # fmt: skip
    return found


@dataclass
class MemberView:
    individual: Individual
    documents: list[dict[str, str]]
    vulnerabilities: dict[str, Any]
    person: Person
    other_sources: int  # how many other source records the actor may see describe the same person


@dataclass
class HouseholdView:
    household: Household
    members: list[MemberView]
    phones: list[str]
    address: str
    coordinates: str
    sensitive: bool  # False: the sensitive values above are masked
    shared_with: list[str] = field(default_factory=list)


def household_view(*, actor: Any, registration_id: str) -> HouseholdView:
    """The full record of a household, masked by role; every call is audited as a read."""
    household = household_get(actor=actor, registration_id=registration_id)
    sensitive = policy.may_see_sensitive(actor, household)
    members = [
        _member_view(actor, ind, sensitive)
        for ind in household.members.select_related("person").prefetch_related("documents").order_by("line_number")
    ]
    audit.record(actor=actor, action=audit.Action.READ, obj=household, metadata={"sensitive": sensitive})
    return HouseholdView(
        household=household, members=members, sensitive=sensitive,
        phones=household.phones.split("\n") if sensitive and household.phones else ([MASK] if household.phones else []),
        address=household.address if sensitive else (MASK if household.address else ""),
        coordinates=household.coordinates if sensitive else (MASK if household.coordinates else ""),
        shared_with=sorted(o.short_name for o in household.shared_with.all()),
    )  # fmt: skip


def _member_view(actor: Any, ind: Individual, sensitive: bool) -> MemberView:
    documents = [
        {
            "doc_type": d.doc_type,
            "label": d.get_doc_type_display(),
            "number": d.number if sensitive else mask_number(d.number),
        }
        for d in ind.documents.all()
    ]
    vulnerabilities = json.loads(ind.vulnerabilities) if sensitive and ind.vulnerabilities else {}
    others = visible_to(actor, Individual.objects.filter(person_id=ind.person_id).exclude(pk=ind.pk)).count()
    return MemberView(ind, documents, vulnerabilities, ind.person, others)


@dataclass
class PersonView:
    person: Person
    golden: dict[str, Any]
    sources: list[MemberView]
    merges: list[Merge]


GOLDEN_FIELDS = ("given_name", "father_name", "father_relation", "family_name", "sex", "date_of_birth", "age")


def person_get(*, actor: Any, registry_id: str) -> Person:
    """One golden record by registry id. An id absorbed by a merge gives the record it now belongs to, when the actor
    may see that one (cards printed before a merge keep working); not found otherwise."""
    registry_id = registry_id.strip().upper()
    visible = visible_to(actor, Person.objects.select_related("merged_into"))
    found = visible.filter(registry_id=registry_id).first()
    if found is not None:
        return found
    absorbed = Person.objects.filter(registry_id=registry_id, merged_into__isnull=False).first()
    if absorbed is not None:
        from panah.registry.merges import root

        survivor = visible.filter(pk=root(absorbed).pk).first()
        if survivor is not None:
            return survivor
    raise not_found(_("person"))


def person_view(*, actor: Any, registry_id: str) -> PersonView:
    """A golden record with the source records the actor may see and its merge history; audited as a read."""
    person = person_get(actor=actor, registry_id=registry_id)
    sources_qs = visible_to(
        actor,
        Individual.objects.filter(person=person)
        .select_related("household__area", "household__organisation", "person")
        .prefetch_related("documents"),
    ).order_by("created_at", "pk")
    sources = [_member_view(actor, ind, policy.may_see_sensitive(actor, ind.household)) for ind in sources_qs]
    merges = list(
        Merge.objects.filter(Q(survivor=person) | Q(absorbed=person))
        .select_related("survivor", "absorbed", "merged_by", "undone_by")
        .order_by("-created_at", "-pk")
    )
    audit.record(actor=actor, action=audit.Action.READ, obj=person, metadata={"sources": len(sources)})
    return PersonView(person=person, golden=golden(sources), sources=sources, merges=merges)


def golden(sources: list[MemberView]) -> dict[str, Any]:
    """Survivorship: each value from the earliest source that has it (the first registration is usually the one
    checked against documents); documents are the union of all sources'."""
    values: dict[str, Any] = {}
    for name in GOLDEN_FIELDS:
        values[name] = next(
            (getattr(s.individual, name) for s in sources if getattr(s.individual, name) not in ("", None)), ""
        )
    seen: dict[str, dict[str, str]] = {}
    for s in sources:
        for d in s.documents:
            seen.setdefault(f"{d['doc_type']}:{d['number']}", d)
    values["documents"] = list(seen.values())
    return values


# The most likely pairs shown at once: a reviewer decides them, then the next ones come up.
QUEUE_PAIRS = 500


def candidate_queue(*, actor: Any, batch_id: int | None = None) -> list[list[MatchCandidate]]:
    """Pending pairs the actor may decide, between active records, grouped into clusters (pairs sharing a golden
    record), most probable first."""
    qs = visible_to(actor, MatchCandidate.objects.all(), Perm.APPROVE).filter(
        status=CandidateStatus.PENDING,
        left__household__state=RecordState.ACTIVE,
        right__household__state=RecordState.ACTIVE,
    )
    if batch_id is not None:
        qs = qs.filter(batch_id=batch_id)
    pairs = list(
        qs.select_related(
            "left__household__area", "left__household__organisation", "left__person",
            "right__household__area", "right__household__organisation", "right__person",
        ).prefetch_related(Prefetch("left__documents"), Prefetch("right__documents"))[:QUEUE_PAIRS]
    )  # fmt: skip
    return _clusters(pairs)


def _clusters(pairs: list[MatchCandidate]) -> list[list[MatchCandidate]]:
    parent: dict[int, int] = {}

    def find(x: int) -> int:
        while parent.setdefault(x, x) != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for c in pairs:
        parent[find(c.left.person_id)] = find(c.right.person_id)
    groups: dict[int, list[MatchCandidate]] = {}
    for c in pairs:
        groups.setdefault(find(c.left.person_id), []).append(c)
    return sorted(groups.values(), key=lambda g: -max(c.probability for c in g))


def candidate_count(*, actor: Any) -> int:
    return (
        visible_to(actor, MatchCandidate.objects.all(), Perm.APPROVE)
        .filter(status=CandidateStatus.PENDING, left__household__state=RecordState.ACTIVE,
                right__household__state=RecordState.ACTIVE)
        .count()
    )  # fmt: skip


def merge_get(*, actor: Any, merge_id: int) -> Merge:
    """A merge whose survivor the actor may see (where its records are now, when a later merge absorbed it);
    not found otherwise."""
    merge = Merge.objects.select_related("survivor", "absorbed").filter(pk=merge_id).first()
    if merge is None or not visible_to(actor, Person.objects.filter(pk=_root_id(merge.survivor))).exists():
        raise not_found(_("merge"))
    return merge


def _root_id(person: Person) -> int:
    seen: set[int] = set()
    pk, parent = person.pk, person.merged_into_id
    while parent is not None and pk not in seen:
        seen.add(pk)
        pk, parent = parent, Person.objects.filter(pk=parent).values_list("merged_into_id", flat=True).first()
    return pk


def batch_review_list(*, actor: Any) -> models.QuerySet[BatchReview]:
    return visible_to(actor, BatchReview.objects.select_related("organisation", "area"))


def batch_review_get(*, actor: Any, batch_id: int) -> BatchReview:
    return get_visible(actor, BatchReview.objects.select_related("organisation", "area"), batch_id=batch_id)


def staged_households(*, actor: Any, batch_id: int) -> models.QuerySet[Household]:
    """What a batch would add, for its reviewer (lists: no sensitive values)."""
    batch_review_get(actor=actor, batch_id=batch_id)
    return Household.objects.filter(batch_id=batch_id).select_related("area").prefetch_related("members").order_by("pk")
