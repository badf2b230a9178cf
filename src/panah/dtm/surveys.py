"""Reads of flow monitoring surveys: what returnees interviewed at the crossings said, for one round.

Interviews are read through the permission policy (internal staff: any round in scope; others: published rounds
only; the public: never). Repeat respondents are counted, then left out: every share is over the other interviews.
Nothing here selects the respondent key.

Needs are ranked by the respondent, so they are scored by rank: an interview gives 3 points to its most pressing
need, 2 to the second and 1 to the third (needs past the third get none, as on the DTM questionnaire, which asks
for three). A need's score is its points over all points given in the round, so the scores add up to 100% and a
need named first by a few outweighs one named third by as many. The count of interviews naming it first is given
alongside, because a score alone hides how often a need is the most pressing one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Count, Q

from panah.core.permissions import visible_to
from panah.dtm.choices import DocumentationStatus, Need, ReturnReason, ReturnType
from panah.dtm.models import FlowSurvey, Round
from panah.dtm.selectors import round_get

NEED_POINTS = (3, 2, 1)  # points for the first, second and third need of an interview
TOP = 5


@dataclass(frozen=True)
class Share:
    code: str
    label: str
    count: int
    of: int  # the interviews analysed (or, for needs, all points given)

    @property
    def share(self) -> float:
        return round(self.count / self.of, 4) if self.of else 0.0

    @property
    def percent(self) -> int:
        """Whole percent, halves rounded up (Python's round() would make 12.5 into 12)."""
        return (200 * self.count + self.of) // (2 * self.of) if self.of else 0


@dataclass(frozen=True)
class NeedScore(Share):
    first: int  # interviews naming this need as the most pressing


@dataclass(frozen=True)
class SurveySummary:
    round_id: int
    interviews: int  # every interview the actor may see, repeats included
    repeats: int  # screened out: respondents interviewed before in the operation
    reasons: list[Share]  # a respondent may give several reasons: the shares add up to more than 100%
    destinations: list[Share]
    needs: list[NeedScore]
    documentation: list[Share]
    return_types: list[Share]

    @property
    def analysed(self) -> int:
        return self.interviews - self.repeats


def _labelled(choices: Iterable[tuple[str, Any]]) -> dict[str, str]:
    return {code: str(label) for code, label in choices}


def _shares(counts: Mapping[str, int], labels: Mapping[str, str], of: int, *, keep_all: bool) -> list[Share]:
    """Largest first, ties in code-list order; with keep_all, codes nobody gave are listed at 0."""
    order = {code: i for i, code in enumerate(labels)}
    codes = set(counts) | (set(labels) if keep_all else set())
    ranked = sorted(codes, key=lambda code: (-counts.get(code, 0), order.get(code, len(order)), code))
    return [Share(code, labels.get(code, code), counts.get(code, 0), of) for code in ranked]


def _needs(lists: Iterable[list[str]], top: int) -> list[NeedScore]:
    points: Counter[str] = Counter()
    first: Counter[str] = Counter()
    for needs in lists:
        for need, weight in zip(needs, NEED_POINTS, strict=False):
            points[need] += weight
        if needs:
            first[needs[0]] += 1
    total = sum(points.values())
    labels = _labelled(Need.choices)
    ranked = _shares(points, labels, total, keep_all=False)[:top]
    return [NeedScore(s.code, s.label, s.count, s.of, first[s.code]) for s in ranked]


def _grouped(qs: models.QuerySet[FlowSurvey], field: str) -> dict[str, int]:
    return {row[field]: row["n"] for row in qs.order_by().values(field).annotate(n=Count("id"))}


def survey_rows(*, actor: Any, round: Round | int) -> models.QuerySet[FlowSurvey]:
    """Interviews of a round the actor may see, repeats included; not found when the round is out of reach."""
    visible = round_get(actor=actor, round_id=round.pk if isinstance(round, Round) else round)
    return visible_to(actor, FlowSurvey.objects.filter(round=visible))


def survey_summary(*, actor: Any, round: Round | int, top: int = TOP) -> SurveySummary:
    """Counts, reasons, destinations, rank-weighted needs and profiles of a round's interviews, repeats left out."""
    qs = survey_rows(actor=actor, round=round)
    counts = qs.aggregate(interviews=Count("id"), repeats=Count("id", filter=Q(is_repeat=True)))
    analysed = qs.filter(is_repeat=False)
    reasons: Counter[str] = Counter()
    need_lists: list[list[str]] = []
    for row_reasons, row_needs in analysed.order_by().values_list("reasons", "needs").iterator(chunk_size=5000):
        reasons.update(set(row_reasons or ()))
        need_lists.append(list(row_needs or ()))
    n = counts["interviews"] - counts["repeats"]
    destinations = _grouped(analysed, "intended_destination")
    return SurveySummary(
        round_id=round.pk if isinstance(round, Round) else round,
        interviews=counts["interviews"],
        repeats=counts["repeats"],
        reasons=_shares(reasons, _labelled(ReturnReason.choices), n, keep_all=True),
        destinations=_shares(destinations, {d: d for d in sorted(destinations)}, n, keep_all=False)[:top],
        needs=_needs(need_lists, top),
        documentation=_shares(
            _grouped(analysed, "documentation_status"), _labelled(DocumentationStatus.choices), n, keep_all=True
        ),
        return_types=_shares(_grouped(analysed, "return_type"), _labelled(ReturnType.choices), n, keep_all=True),
    )
