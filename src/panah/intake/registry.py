"""Import specs: what a tabular import of one kind of record looks like. Capability apps register theirs at start-up.

intake knows nothing of the records themselves: a spec brings its columns, a per-batch row validator (which
preloads whatever it looks up), a bulk persister and the permission check. The framework parses, reports and
stores; the spec decides what a valid row is and how it is written.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.utils.translation import gettext_lazy as _

from panah.core.errors import not_found

# Values of a row as read from the file (strings, "" when empty), keyed by column name.
RawRow = Mapping[str, str]
# Values of a valid row, ready for the persister (usually model field values).
CleanRow = dict[str, Any]


@dataclass(frozen=True)
class Column:
    name: str
    label: Any
    kind: str = "text"  # text | integer | decimal | date | choice | boolean | pcode | list
    required: bool = False
    choices: tuple[str, ...] = ()
    help: Any = ""
    # For drop-downs whose values depend on who asks (P-codes of the actor's areas): (actor, context) -> values.
    options: Callable[[Any, Mapping[str, Any]], Sequence[str]] | None = None


@dataclass(frozen=True)
class RowError:
    column: str
    message: str

    def as_dict(self) -> dict[str, str]:
        return {"column": self.column, "message": str(self.message)}


class RowValidator(Protocol):
    """Built once per batch. Returns the cleaned row and no errors, or None and at least one error."""

    def __call__(self, row: RawRow) -> tuple[CleanRow | None, list[RowError]]: ...

    def key(self, row: CleanRow) -> Hashable | None:
        """The row's identity for duplicate checks (within the file and against stored rows); None: no check."""
        ...


@dataclass(frozen=True)
class ImportSpec:
    """One kind of tabular import. The callables receive the uploader and the batch context."""

    name: str
    label: Any
    columns: tuple[Column, ...]
    # Raise ApplicationError (404/403/409) when the actor may not import into this context; return the target.
    authorise: Callable[[Any, Mapping[str, Any]], Any]
    # (actor, context, target) -> validator preloaded for one batch.
    validator: Callable[[Any, Mapping[str, Any], Any], RowValidator]
    # (actor, target, rows, batch_id) -> number of rows written. Called inside the batch's transaction.
    persist: Callable[[Any, Any, Sequence[CleanRow], int], int]
    # (target, batch_id) -> rows removed: undoes an interrupted earlier attempt of the same batch.
    forget: Callable[[Any, int], int]
    # Optional check across all valid rows (totals, coverage): {row_number: [errors]} moves those rows to held.
    cross_check: Callable[[Any, Sequence[tuple[int, CleanRow]]], Mapping[int, list[RowError]]] | None = None
    # Context keys the spec expects, each with a parser (e.g. {"round_id": int}).
    context_fields: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)
    description: Any = ""
    # False when a row is not a record on its own (a household member): a held row is then corrected in the file,
    # not alone on the held-row page, where importing it would write part of a record.
    row_correction: bool = True

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


_specs: dict[str, ImportSpec] = {}


def register(spec: ImportSpec) -> None:
    _specs[spec.name] = spec


def get(name: str) -> ImportSpec:
    try:
        return _specs[name]
    except KeyError:
        raise not_found(str(_("import type"))) from None


def all_specs() -> list[ImportSpec]:
    return sorted(_specs.values(), key=lambda s: s.name)


def context_key(context: Mapping[str, Any]) -> str:
    """The canonical text of a batch context: the same target always gives the same key."""
    return json.dumps(dict(context), sort_keys=True, separators=(",", ":"), default=str)
