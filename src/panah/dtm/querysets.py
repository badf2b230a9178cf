"""Query helpers that keep stocks within one round."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import Sum

from panah.dtm.figures import MixedFiguresError, Movements, Stock


class StockQuerySet(models.QuerySet[Any]):
    def for_round(self, round_id: int) -> StockQuerySet:
        return self.filter(round_id=round_id)

    def stock(self, field: str = "individuals") -> Stock | None:
        """The sum of `field` as a Stock; refused when the rows span more than one round."""
        rounds = list(self.order_by().values_list("round_id", flat=True).distinct()[:2])
        if len(rounds) > 1:
            raise MixedFiguresError("these rows span several rounds: filter with for_round() before summing")
        if not rounds:
            return None
        return Stock(rounds[0], self.aggregate(total=Sum(field))["total"] or 0)


PEOPLE_FIELDS = ("men", "women", "boys", "girls")


class FlowQuerySet(models.QuerySet[Any]):
    def between(self, first_day: Any, last_day: Any) -> FlowQuerySet:
        return self.filter(date__gte=first_day, date__lte=last_day)

    def movements(self) -> Movements | None:
        agg = self.aggregate(first=models.Min("date"), last=models.Max("date"), **{f: Sum(f) for f in PEOPLE_FIELDS})
        if agg["first"] is None:
            return None
        return Movements(agg["first"], agg["last"], sum(agg[f] or 0 for f in PEOPLE_FIELDS))
