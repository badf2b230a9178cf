"""A staged batch's review: merging what deduplication found into the registry, or rejecting the batch.

Merging activates the batch's households and merges the golden records of every pair the linkage was sure of;
pairs between the thresholds join the adjudication queue. A batch stopped for an abnormal duplicate rate merges only
when the reviewer confirms it. Rejecting keeps the staged records (nothing is deleted) but never activates them.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.core import audit
from panah.core.errors import conflict, not_found
from panah.core.permissions import Perm, can
from panah.registry.linking import apply_links
from panah.registry.models import BatchReview, Household, MatchCandidate, RecordState, ReviewStatus


def batch_review_open(*, batch_id: int, organisation_id: int, area_id: int) -> BatchReview:
    """The review of a batch being staged (idempotent: a resumed import finds the same one)."""
    review, _created = BatchReview.objects.get_or_create(
        batch_id=batch_id, defaults={"organisation_id": organisation_id, "area_id": area_id}
    )
    if not _created and review.status not in (ReviewStatus.MERGED, ReviewStatus.REJECTED):
        review.status = ReviewStatus.LINKING
        review.save(update_fields=["status", "updated_at"])
    return review


def _locked(actor: Any, review: BatchReview) -> BatchReview:
    if not can(actor, Perm.APPROVE, review):
        raise not_found(_("batch"))
    locked = BatchReview.objects.select_for_update().get(pk=review.pk)
    if locked.status in (ReviewStatus.MERGED, ReviewStatus.REJECTED):
        raise conflict(_("This batch was already decided."))
    if locked.status in (ReviewStatus.LINKING, ReviewStatus.FAILED):
        raise conflict(_("Deduplication of this batch has not finished."))
    return locked


def batch_review_merge(*, actor: Any, review: BatchReview, confirm_abnormal: bool = False) -> BatchReview:
    """Activate the batch's households and apply its sure links, in one transaction. Audited."""
    with transaction.atomic():
        review = _locked(actor, review)
        if review.status == ReviewStatus.STOPPED and not confirm_abnormal:
            raise conflict(_("This batch stopped for an abnormal duplicate rate: confirm to merge it anyway."))
        households = Household.objects.filter(batch_id=review.batch_id, state=RecordState.STAGED)
        activated = households.update(state=RecordState.ACTIVE, updated_at=timezone.now())
        candidates = MatchCandidate.objects.filter(batch_id=review.batch_id).order_by("-probability", "pk")
        merges = apply_links(candidates, actor=actor)
        review.status, review.decided_by, review.decided_at = ReviewStatus.MERGED, actor, timezone.now()
        review.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        audit.record(
            actor=actor, action="registry.batch_merge", obj=review,
            metadata={"batch_id": review.batch_id, "households": activated, "merges": merges,
                      "to_review": review.to_review, "duplicate_rate": round(review.duplicate_rate, 4)},
        )  # fmt: skip
    return review


def batch_review_reject(*, actor: Any, review: BatchReview) -> BatchReview:
    """Reject a staged batch: its households stay staged-and-rejected, never in the registry. Audited."""
    with transaction.atomic():
        review = _locked(actor, review)
        rejected = Household.objects.filter(batch_id=review.batch_id, state=RecordState.STAGED).update(
            state=RecordState.REJECTED, updated_at=timezone.now()
        )
        review.status, review.decided_by, review.decided_at = ReviewStatus.REJECTED, actor, timezone.now()
        review.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
        audit.record(actor=actor, action="registry.batch_reject", obj=review, metadata={"households": rejected})
    return review
