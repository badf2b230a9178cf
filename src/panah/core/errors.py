"""The one error type of the domain. The API maps it to problem+json, pages map it to form errors."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class FieldError:
    field: str
    message: str
    code: str = "invalid"

    def as_dict(self) -> dict[str, str]:
        return {"field": self.field, "message": self.message, "code": self.code}


@dataclass
class ApplicationError(Exception):
    """A refused request: `code` is stable (clients switch on it), `message` is for people."""

    code: str
    message: str
    status: int = 400
    errors: list[FieldError] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.message)


def not_found(what: str = "record") -> ApplicationError:
    # Same text whether the record is missing or outside the caller's scope: nothing leaks through the message.
    return ApplicationError("not_found", f"No such {what}.", status=404)


def forbidden(message: str = "You are not allowed to do this.") -> ApplicationError:
    return ApplicationError("forbidden", message, status=403)


def invalid(message: str, *errors: FieldError) -> ApplicationError:
    return ApplicationError("invalid", message, status=422, errors=list(errors))


def conflict(message: str) -> ApplicationError:
    return ApplicationError("conflict", message, status=409)
