"""The one pagination of every list endpoint: limit/offset with an envelope {items, count}."""

from __future__ import annotations

from ninja import Field
from ninja.pagination import LimitOffsetPagination


class Pagination(LimitOffsetPagination):
    class Input(LimitOffsetPagination.Input):
        # Bounded so that a huge offset is a 422 naming the field, not an integer overflow in the database.
        limit: int = Field(50, ge=1, le=500)
        offset: int = Field(0, ge=0, le=1_000_000_000)
