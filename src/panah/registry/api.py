"""Registry API: register and read households, look one up at a distribution point, golden records and their merges,
the adjudication queue, and the review of imported batches. Thin: parse, call one selector or service, shape.

Anything outside the caller's scope answers exactly like something that does not exist (404, or an empty list).
"""

# No `from __future__ import annotations`: ninja reads the annotations of the handlers at import time.

from typing import Any

from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import P, PathEx, Query, Router, Status
from ninja.pagination import paginate

from panah.core.errors import FieldError, invalid
from panah.core.pagination import Pagination
from panah.core.schemas import ERRORS
from panah.registry import merges, review, selectors, tasks
from panah.registry.models import Household, Source
from panah.registry.schemas import (
    MAX_ID,
    PUBLIC_ID,
    BatchMergeIn,
    BatchReviewOut,
    CandidateFilters,
    CandidateOut,
    DecidedOut,
    DecideIn,
    HouseholdDetailOut,
    HouseholdFilters,
    HouseholdIn,
    HouseholdOut,
    LookupIn,
    LookupOut,
    MergeOut,
    PersonOut,
    RegisteredOut,
    candidate_rows,
    household_detail,
    person_detail,
)

router = Router()
RecordId = PathEx[int, P(ge=1, le=MAX_ID)]  # bounded: a 64-bit overflow must be a 422, not a database error
PublicId = PathEx[str, P(pattern=PUBLIC_ID)]
LOOKUP_LIMIT = 50  # a document is held by one person; more than a handful of households is itself a finding


@router.get("/households", response={200: list[HouseholdOut], **ERRORS}, url_name="registry_households",
            summary="Households in my scope (no sensitive values)")  # fmt: skip
@paginate(Pagination)
def households(request: HttpRequest, filters: Query[HouseholdFilters]) -> Any:
    return selectors.household_list(actor=request.user, q=filters.q, area=filters.area)


@router.post("/households", response={201: RegisteredOut, 200: RegisteredOut, **ERRORS},
             url_name="registry_household_register", summary="Register a household with its members")  # fmt: skip
def household_register(request: HttpRequest, payload: HouseholdIn) -> Any:
    done = tasks.household_register(
        actor=request.user, data=payload.to_input(), source=Source.API, source_ref=payload.source_ref
    )
    body = {"registration_id": done.household.registration_id, "created": done.created, "warnings": done.warnings}
    return Status(201 if done.created else 200, body)


@router.get("/households/{registration_id}", response={200: HouseholdDetailOut, **ERRORS},
            url_name="registry_household", summary="One household in full, masked by role (audited)")  # fmt: skip
def household(request: HttpRequest, registration_id: PublicId) -> Any:
    return household_detail(selectors.household_view(actor=request.user, registration_id=registration_id))


@router.post("/lookup", response={200: LookupOut, **ERRORS}, url_name="registry_lookup",
             summary="Find households by a member's document or a registration id")  # fmt: skip
def lookup(request: HttpRequest, payload: LookupIn) -> Any:
    items = list(_lookup(request.user, payload)[:LOOKUP_LIMIT])
    return {"items": items, "count": len(items)}


def _lookup(actor: Any, payload: LookupIn) -> QuerySet[Household]:
    by_document = payload.doc_type is not None or bool(payload.number)
    if payload.registration_id and by_document:
        message = _("Give a document or a registration id, not both.")
        raise invalid(message, FieldError("registration_id", message, "invalid"))
    if payload.registration_id:
        return selectors.household_list(actor=actor, q=payload.registration_id)
    if payload.doc_type is None:
        required = _("This field is required.")
        errors = [FieldError("doc_type", required, "required")]
        if not payload.number:
            errors.append(FieldError("number", required, "required"))
        raise invalid(_("Give a document type and number, or a registration id."), *errors)
    found = selectors.households_by_document(actor=actor, doc_type=str(payload.doc_type), number=payload.number or "")
    return found.annotate(member_count=Count("members"))


@router.get("/persons/{registry_id}", response={200: PersonOut, **ERRORS}, url_name="registry_person",
            summary="A golden record: its values, the source records I may see, its merges (audited)")  # fmt: skip
def person(request: HttpRequest, registry_id: PublicId) -> Any:
    return person_detail(selectors.person_view(actor=request.user, registry_id=registry_id))


@router.post("/merges/{merge_id}/undo", response={200: MergeOut, **ERRORS}, url_name="registry_merge_undo",
             summary="Undo a merge: its records go back to the absorbed golden record")  # fmt: skip
def merge_undo(request: HttpRequest, merge_id: RecordId) -> Any:
    merge = selectors.merge_get(actor=request.user, merge_id=merge_id)
    return merges.merge_undo(actor=request.user, merge=merge)


@router.get("/candidates", response={200: list[CandidateOut], **ERRORS}, url_name="registry_candidates",
            summary="Pairs waiting for a decision, most probable cluster first")  # fmt: skip
@paginate(Pagination)
def candidates(request: HttpRequest, filters: Query[CandidateFilters]) -> Any:
    return candidate_rows(request.user, selectors.candidate_queue(actor=request.user, batch_id=filters.batch_id))


@router.post("/candidates/decide", response={200: DecidedOut, **ERRORS}, url_name="registry_candidates_decide",
             summary="Decide pairs together: the same person (merge) or different people; all or none")  # fmt: skip
def candidates_decide(request: HttpRequest, payload: DecideIn) -> Any:
    decided = merges.candidates_decide(actor=request.user, candidate_ids=payload.ids, same_person=payload.same_person)
    return {"decided": [c.pk for c in decided], "status": decided[0].status}


@router.get("/batches/{batch_id}/review", response={200: BatchReviewOut, **ERRORS}, url_name="registry_batch_review",
            summary="What deduplication found in an imported batch")  # fmt: skip
def batch_review(request: HttpRequest, batch_id: RecordId) -> Any:
    return selectors.batch_review_get(actor=request.user, batch_id=batch_id)


@router.post("/batches/{batch_id}/merge", response={200: BatchReviewOut, **ERRORS}, url_name="registry_batch_merge",
             summary="Merge a reviewed batch into the registry")  # fmt: skip
def batch_merge(request: HttpRequest, payload: BatchMergeIn, batch_id: RecordId) -> Any:
    found = selectors.batch_review_get(actor=request.user, batch_id=batch_id)
    return review.batch_review_merge(actor=request.user, review=found, confirm_abnormal=payload.confirm_abnormal)


@router.post("/batches/{batch_id}/reject", response={200: BatchReviewOut, **ERRORS}, url_name="registry_batch_reject",
             summary="Reject an imported batch: its households never enter the registry")  # fmt: skip
def batch_reject(request: HttpRequest, batch_id: RecordId) -> Any:
    found = selectors.batch_review_get(actor=request.user, batch_id=batch_id)
    return review.batch_review_reject(actor=request.user, review=found)
