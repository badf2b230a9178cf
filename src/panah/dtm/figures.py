"""Stocks and movements as types, so that the wrong sum is hard to write.

A round figure is a stock: the people present at the end of one round of one operation. Stocks of the same round
add up (districts into a province); stocks of different rounds or operations never do, because the same people are
counted again in every round. Flow figures are movements through crossing points: they add up over days and
crossings, but they count crossings, not people, and never mix with stocks.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any


class MixedFiguresError(TypeError):
    """Raised by an addition that would count people twice or mix people with movements."""


@dataclass(frozen=True, order=True)
class Stock:
    round_id: int
    value: int

    def __add__(self, other: Any) -> Stock:
        if not isinstance(other, Stock):
            raise MixedFiguresError(f"a stock cannot be added to {type(other).__name__}")
        if other.round_id != self.round_id:
            raise MixedFiguresError(
                f"stocks of rounds {self.round_id} and {other.round_id} cannot be added: each round counts the same "
                "people again; compare them instead"
            )
        return Stock(self.round_id, self.value + other.value)

    def __radd__(self, other: Any) -> Stock:
        if other == 0:  # sum() starts from 0
            return self
        return self.__add__(other)

    def change_since(self, previous: Stock | None) -> int | None:
        """The difference from an earlier round's stock: the one arithmetic allowed across rounds."""
        return None if previous is None else self.value - previous.value

    def __int__(self) -> int:
        return self.value


@dataclass(frozen=True)
class Movements:
    first_day: date
    last_day: date
    value: int

    def __add__(self, other: Any) -> Movements:
        if not isinstance(other, Movements):
            raise MixedFiguresError(f"movements cannot be added to {type(other).__name__}")
        return Movements(
            min(self.first_day, other.first_day), max(self.last_day, other.last_day), self.value + other.value
        )

    def __radd__(self, other: Any) -> Movements:
        if other == 0:
            return self
        return self.__add__(other)

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1

    @property
    def per_day(self) -> float:
        return self.value / self.days

    def __int__(self) -> int:
        return self.value
