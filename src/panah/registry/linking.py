"""Deduplication of new registrations against each other and against the registry (the linkage engine's caller).

New records are a household just registered (linked at once: links above the upper threshold merge, pairs between
the thresholds go to the adjudication queue) or a staged batch (nothing merges before a reviewer merges the batch;
a batch whose duplicate rate is abnormal stops). Existing records are compared when they could be the same person
(see _candidates_q), plus any record that shares a document with a new one.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from panah.registry.merges import person_merge
from panah.registry.models import (
    BatchReview,
    CandidateStatus,
    Document,
    DocumentType,
    Household,
    Individual,
    MatchCandidate,
    MergeReason,
    RecordState,
    ReviewStatus,
    Suggestion,
)

if TYPE_CHECKING:
    import pandas as pd

logger = logging.getLogger(__name__)
# The document the engine compares when a person holds several: the strongest identifier first.
DOC_PRIORITY = [DocumentType.CNIC, DocumentType.BFORM, DocumentType.POR, DocumentType.ACC, DocumentType.TAZKIRA,
                DocumentType.PASSPORT]  # fmt: skip


@dataclass
class Found:
    new: set[int]
    pairs: dict[tuple[int, int], dict[str, Any]]  # (left, right) -> probability, weight, evidence, suggestion


def thresholds() -> Any:
    from panah.registry.linkage import DEFAULT_THRESHOLDS, Thresholds

    upper = settings.PANAH_LINK_UPPER if settings.PANAH_LINK_UPPER is not None else DEFAULT_THRESHOLDS.upper
    lower = settings.PANAH_LINK_LOWER if settings.PANAH_LINK_LOWER is not None else DEFAULT_THRESHOLDS.lower
    return Thresholds(upper=upper, lower=lower)


def _district(area_path: str) -> str:
    parts = [p for p in area_path.split("/") if p]
    return parts[2] if len(parts) > 2 else (parts[-1] if parts else "")


def _province(area_path: str) -> str:
    parts = [p for p in area_path.split("/") if p]
    return parts[1] if len(parts) > 1 else ""


def _individuals(q: Q) -> list[Individual]:
    return list(
        Individual.objects.filter(q)
        .select_related("household__area", "household__organisation")
        .prefetch_related("documents")
    )


def frame(individuals: Iterable[Individual]) -> pd.DataFrame:
    """The engine's input: one row per source individual, values decrypted in memory only."""
    import pandas as pd

    rows = []
    for ind in individuals:
        household = ind.household
        docs = sorted(ind.documents.all(), key=lambda d: DOC_PRIORITY.index(DocumentType(d.doc_type)))
        registered = household.created_at.date() if household.created_at else None
        birth_year = ind.date_of_birth.year if ind.date_of_birth else None
        if birth_year is None and ind.age is not None and registered is not None:
            birth_year = registered.year - ind.age
        rows.append(
            {
                "record_id": str(ind.pk),
                "given_name": ind.given_name,
                "family_name": ind.family_name,
                "father_name": ind.father_name,
                "sex": ind.sex,
                "date_of_birth": ind.date_of_birth.isoformat() if ind.date_of_birth else "",
                "birth_year": str(birth_year or ""),
                "age": "" if ind.age is None else str(ind.age),
                "district": _district(household.area.path),
                "phone": (household.phones or "").split("\n")[0],
                "document_number": docs[0].number if docs else "",
                "document_type": docs[0].doc_type if docs else "",
                "household_ref": str(household.pk),
                "source_org": household.organisation.short_name,
            }
        )
    columns = ["record_id", "given_name", "family_name", "father_name", "sex", "date_of_birth", "birth_year", "age",
               "district", "phone", "document_number", "document_type", "household_ref", "source_org"]  # fmt: skip
    return pd.DataFrame(rows, columns=columns, dtype="string").fillna("")


def _document_pairs(new: list[Individual], households: Collection[int]) -> dict[tuple[int, int], dict[str, Any]]:
    """The exact pass: the same document type and number is the same person, wherever it was registered."""
    indexes = {d.number_index: ind.pk for ind in new for d in ind.documents.all()}
    same = Document.objects.filter(number_index__in=indexes).exclude(individual__household_id__in=households)
    same = same.filter(Q(individual__household__state=RecordState.ACTIVE) | Q(individual__household_id__in=households))
    pairs: dict[tuple[int, int], dict[str, Any]] = {}
    for index, other in same.values_list("number_index", "individual_id"):
        this = indexes[index]
        pairs[(min(this, other), max(this, other))] = _pair(
            1.0, 99.0, {"document": "document: same"}, Suggestion.DOCUMENT
        )
    # Within the new records themselves (two households of one batch holding the same CNIC).
    by_index: dict[str, list[int]] = {}
    for ind in new:
        for d in ind.documents.all():
            by_index.setdefault(d.number_index, []).append(ind.pk)
    for ids in by_index.values():
        for other in ids[1:]:
            pairs[(min(ids[0], other), max(ids[0], other))] = _pair(
                1.0, 99.0, {"document": "document: same"}, Suggestion.DOCUMENT
            )
    return pairs


def _pair(probability: float, weight: float, evidence: dict[str, str], suggestion: str) -> dict[str, Any]:
    return {"probability": probability, "weight": weight, "evidence": evidence, "suggestion": suggestion}


def search_keys(ind: Individual) -> tuple[str, int | None]:
    """The name block and birth year a record is found by (see Individual.name_block)."""
    from panah.registry.linkage.normalise import name_key

    tokens = name_key(ind.given_name).split()
    birth_year = ind.date_of_birth.year if ind.date_of_birth else None
    if birth_year is None and ind.age is not None and ind.household.created_at is not None:
        birth_year = ind.household.created_at.year - ind.age
    return (tokens[0] if tokens else "")[:40], birth_year


def _keyed(new: list[Individual]) -> None:
    for ind in new:
        ind.name_block, ind.birth_year = search_keys(ind)
    Individual.objects.bulk_update(new, ["name_block", "birth_year"], batch_size=2000)


YEAR_SLACK = 3  # ages drift between registrations and estimated years are rounded


def _candidates_q(new: list[Individual], households: Collection[int]) -> Q:
    """Registry records that could describe one of the new people: a name block in common (given or family name,
    since the two get swapped) and either the same province or a birth year within YEAR_SLACK; then every member of
    a household found that way, so the engine sees the household as a whole."""
    from panah.registry.linkage.normalise import name_key

    blocks = {i.name_block for i in new if i.name_block}
    blocks |= {t.split()[0][:40] for t in (name_key(i.family_name) for i in new) if t}
    years = {y + d for i in new if i.birth_year for y in [i.birth_year] for d in range(-YEAR_SLACK, YEAR_SLACK + 1)}
    provinces = {_province(i.household.area.path) for i in new}
    near = _in_provinces(provinces) | Q(birth_year__in=years) | Q(birth_year__isnull=True)
    active = Q(household__state=RecordState.ACTIVE, household__consent_withdrawn_at__isnull=True)
    found = Individual.objects.filter(active, near, name_block__in=blocks).exclude(household_id__in=households)
    return active & Q(household_id__in=found.values("household_id"))


def find(households: Collection[int]) -> Found:
    """Pairs of (new, any) individuals the exact pass or the engine scored at or above the lower threshold."""
    from panah.registry.linkage import link

    new = _individuals(Q(household_id__in=households))
    _keyed(new)
    new_ids = {i.pk for i in new}
    pairs = _document_pairs(new, households)
    documented = {pk for pair in pairs for pk in pair} - new_ids
    existing = _individuals(_candidates_q(new, households) | Q(pk__in=documented))
    records = frame([*new, *existing])
    decided = MatchCandidate.objects.filter(status=CandidateStatus.DISTINCT).filter(
        Q(left_id__in=new_ids) | Q(right_id__in=new_ids)
    )
    distinct = [(str(a), str(b)) for a, b in decided.values_list("left_id", "right_id")]
    result = link(records, thresholds=thresholds(), new_ids={str(i) for i in new_ids}, exclude_pairs=distinct)
    evidence_columns = [c for c in result.pairs.columns if c.startswith("evidence_")]
    for row in result.pairs.itertuples(index=False):
        left, right = sorted((int(row.record_id_l), int(row.record_id_r)))
        if (left, right) in pairs:
            continue
        evidence = {c.removeprefix("evidence_"): str(getattr(row, c)) for c in evidence_columns}
        suggestion = Suggestion.LINK if row.decision == "link" else Suggestion.REVIEW
        pairs[(left, right)] = _pair(float(row.match_probability), float(row.match_weight), evidence, suggestion)
    return Found(new=new_ids, pairs=pairs)


def _in_provinces(provinces: set[str]) -> Q:
    q = Q()
    for code in sorted(provinces):
        q |= Q(household__area__path__startswith=f"PK/{code}/") if code else Q()
    return q


def _store(found: Found, batch_id: int | None) -> list[MatchCandidate]:
    existing = {
        (c.left_id, c.right_id): c
        for c in MatchCandidate.objects.filter(
            left_id__in=[p[0] for p in found.pairs], right_id__in=[p[1] for p in found.pairs]
        )
    }
    new = [
        MatchCandidate(
            left_id=left,
            right_id=right,
            probability=p["probability"],
            match_weight=p["weight"],
            evidence=p["evidence"],
            suggestion=p["suggestion"],
            batch_id=batch_id,
        )
        for (left, right), p in found.pairs.items()
        if (left, right) not in existing
    ]
    MatchCandidate.objects.bulk_create(new, ignore_conflicts=True)
    return list(
        MatchCandidate.objects.filter(left_id__in=[p[0] for p in found.pairs], right_id__in=[p[1] for p in found.pairs])
    )


def apply_links(candidates: Iterable[MatchCandidate], *, actor: Any = None) -> int:
    """Merge the golden records of every pending pair the linkage was sure of (document or above the upper
    threshold). Call inside a transaction. Returns the number of merges."""
    merges = 0
    for c in candidates:
        if c.status != CandidateStatus.PENDING or c.suggestion == Suggestion.REVIEW:
            continue
        left = Individual.objects.select_related("person").get(pk=c.left_id)
        right = Individual.objects.select_related("person").get(pk=c.right_id)
        reason = MergeReason.DOCUMENT if c.suggestion == Suggestion.DOCUMENT else MergeReason.AUTOMATIC
        c.status = CandidateStatus.LINKED
        c.save(update_fields=["status", "updated_at"])
        if person_merge(actor=actor, first=left.person, second=right.person, reason=reason,
                        probability=c.probability, candidate=c) is not None:  # fmt: skip
            merges += 1
    return merges


def household_link(household_id: int) -> int:
    """Deduplicate one household registered straight into the registry: merge sure links, queue the rest."""
    return households_link([household_id])


def households_link(household_ids: Collection[int]) -> int:
    """Deduplicate active households (against each other and the registry); returns the number of merges."""
    found = find(household_ids)
    if not found.pairs:
        return 0
    with transaction.atomic():
        candidates = _store(found, None)
        return apply_links(candidates)


def batch_link(batch_id: int) -> BatchReview:
    """Deduplicate a staged batch; record what merging it would create, link and queue; stop an abnormal one."""
    review = BatchReview.objects.get(batch_id=batch_id)
    households = list(
        Household.objects.filter(batch_id=batch_id, state=RecordState.STAGED).values_list("pk", flat=True)
    )
    try:
        found = find(households)
    except Exception as error:  # the engine failing must show on the review page, not leave it "linking" forever
        logger.exception("registry linkage failed for batch %s", batch_id)
        review.status, review.error = ReviewStatus.FAILED, type(error).__name__
        review.save(update_fields=["status", "error", "updated_at"])
        return review
    with transaction.atomic():
        _store(found, batch_id)
        _count(review, found, len(households))
    return review


def _count(review: BatchReview, found: Found, households: int) -> None:
    sure: set[int] = set()
    unsure: set[int] = set()
    for (left, right), p in found.pairs.items():
        target = unsure if p["suggestion"] == Suggestion.REVIEW else sure
        target.update(pk for pk in (left, right) if pk in found.new)
    unsure -= sure
    review.households, review.individuals = households, len(found.new)
    review.to_link, review.to_review = len(sure), len(unsure)
    review.to_create = len(found.new) - len(sure) - len(unsure)
    review.duplicate_rate = (len(sure) + len(unsure)) / len(found.new) if found.new else 0.0
    stop = review.duplicate_rate > settings.PANAH_DUPLICATE_RATE_STOP
    review.status = ReviewStatus.STOPPED if stop else ReviewStatus.READY
    review.save(update_fields=["households", "individuals", "to_link", "to_review", "to_create", "duplicate_rate",
                               "status", "updated_at"])  # fmt: skip
