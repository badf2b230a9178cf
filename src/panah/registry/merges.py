"""Merging golden records, undoing merges, and deciding candidate pairs (the adjudication queue's writes).

A merge moves the source individuals of the absorbed person onto the survivor (the older golden record, so a
registry id handed out first stays valid) and records which ones moved; undoing moves exactly those back. Nothing is
deleted. A merge can be undone while the survivor has not itself been absorbed by a later merge.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.core import audit
from panah.core.errors import conflict, invalid, not_found
from panah.core.permissions import Perm
from panah.registry import policy
from panah.registry.models import CandidateStatus, Individual, MatchCandidate, Merge, MergeReason, Person


def root(person: Person) -> Person:
    """The golden record a person now belongs to (following merges)."""
    seen = set()
    while person.merged_into_id is not None and person.pk not in seen:
        seen.add(person.pk)
        person = Person.objects.get(pk=person.merged_into_id)
    return person


def person_merge(
    *,
    actor: Any,
    first: Person,
    second: Person,
    reason: str,
    probability: float | None = None,
    candidate: MatchCandidate | None = None,
) -> Merge | None:
    """Merge two golden records (no-op, None, when they already are one). Call inside a transaction; audited."""
    a, b = root(first), root(second)
    if a.pk == b.pk:
        return None
    survivor, absorbed = (a, b) if a.pk < b.pk else (b, a)
    # Lock both rows: two reviewers deciding overlapping pairs at once must not interleave.
    list(Person.objects.select_for_update().filter(pk__in=[survivor.pk, absorbed.pk]))
    moved = list(Individual.objects.filter(person=absorbed).order_by("pk").values_list("pk", flat=True))
    Individual.objects.filter(pk__in=moved).update(person=survivor)
    absorbed.merged_into = survivor
    absorbed.save(update_fields=["merged_into", "updated_at"])
    merge = Merge.objects.create(
        survivor=survivor, absorbed=absorbed, moved=moved, reason=reason, probability=probability,
        candidate=candidate, merged_by=actor if getattr(actor, "is_authenticated", False) else None,
    )  # fmt: skip
    audit.record(
        actor=actor, action="registry.merge", obj=survivor,
        metadata={"absorbed": absorbed.registry_id, "individuals": len(moved), "reason": reason,
                  "probability": probability},
    )  # fmt: skip
    return merge


def merge_undo(*, actor: Any, merge: Merge) -> Merge:
    """Undo a merge: its individuals go back to the absorbed golden record; the decided pair returns to the queue.
    Refused (409) while a later merge of either record is in force. Audited."""
    # The survivor may itself have been absorbed since: who may decide is read where its records are now.
    if not _may_decide(actor, root(merge.survivor)):
        raise not_found(_("merge"))
    with transaction.atomic():
        merge = Merge.objects.select_for_update().get(pk=merge.pk)
        if merge.is_undone:
            raise conflict(_("This merge was already undone."))
        # Only a later merge that carried these individuals on (the survivor itself absorbed) depends on this one.
        later = Merge.objects.filter(absorbed=merge.survivor_id, undone_at__isnull=True, pk__gt=merge.pk)
        if later.exists():
            raise conflict(_("This record was merged again later: undo that merge first."))
        Individual.objects.filter(pk__in=merge.moved).update(person=merge.absorbed)
        Person.objects.filter(pk=merge.absorbed_id).update(merged_into=None, updated_at=timezone.now())
        merge.undone_at, merge.undone_by = timezone.now(), actor
        merge.save(update_fields=["undone_at", "undone_by", "updated_at"])
        if merge.candidate_id is not None:
            MatchCandidate.objects.filter(pk=merge.candidate_id).update(
                status=CandidateStatus.PENDING, decided_by=None, decided_at=None, updated_at=timezone.now()
            )
        audit.record(
            actor=actor, action="registry.merge_undo", obj=merge.survivor,
            metadata={"absorbed": merge.absorbed.registry_id, "individuals": len(merge.moved), "merge": merge.pk},
        )  # fmt: skip
    return merge


def _may_decide(actor: Any, person: Person) -> bool:
    return any(policy.can_household(actor, Perm.APPROVE, s.household) for s in person.sources.all())


def candidates_decide(*, actor: Any, candidate_ids: Iterable[int], same_person: bool) -> list[MatchCandidate]:
    """Decide pending pairs in bulk: same person (merge their golden records) or different people. All or none:
    a pair the actor may not decide, or one decided already, refuses the whole decision. Audited per merge."""
    ids = sorted(set(candidate_ids))
    if not ids:
        raise invalid(_("Choose at least one pair."))
    with transaction.atomic():
        candidates = list(
            MatchCandidate.objects.select_for_update(of=("self",))
            .select_related("left__household__area", "right__household__area", "left__person", "right__person")
            .filter(pk__in=ids)
        )
        visible = [c for c in candidates if policy.PairRule().can(actor, Perm.APPROVE, c)]
        if len(visible) != len(ids):
            raise not_found(_("pair"))
        if any(c.status != CandidateStatus.PENDING for c in visible):
            raise conflict(_("Some of these pairs were decided meanwhile: reload the queue."))
        now = timezone.now()
        for c in visible:
            c.status = CandidateStatus.LINKED if same_person else CandidateStatus.DISTINCT
            c.decided_by, c.decided_at = actor, now
            c.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
            if same_person:
                c.left.refresh_from_db(fields=["person"])
                c.right.refresh_from_db(fields=["person"])
                person_merge(
                    actor=actor, first=c.left.person, second=c.right.person, reason=MergeReason.ADJUDICATED,
                    probability=c.probability, candidate=c,
                )  # fmt: skip
        if not same_person:
            audit.record(
                actor=actor, action="registry.distinct", object_type="registry.matchcandidate",
                object_id=",".join(str(c.pk) for c in visible), metadata={"pairs": len(visible)},
            )  # fmt: skip
    return visible
