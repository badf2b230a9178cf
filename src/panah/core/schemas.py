"""Schemas shared by every API: the problem+json body, documented once in OpenAPI."""

from __future__ import annotations

from ninja import Schema


class FieldErrorOut(Schema):
    field: str
    message: str
    code: str


class Problem(Schema):
    type: str
    title: str
    status: int
    code: str
    errors: list[FieldErrorOut]


ERRORS = {400: Problem, 401: Problem, 403: Problem, 404: Problem, 409: Problem, 422: Problem}
