"""From a form instance (OpenRosa XML or a Kobo JSON record) to one row of an import spec's columns, as text.

Both sources name a question by its group path ("population/households"), so one mapping serves both. Values stay
text: the spec's validator parses them exactly as it parses a cell of an uploaded file.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from xml.etree import ElementTree

from django.utils.translation import gettext as _

from panah.core.errors import FieldError, invalid
from panah.intake.openrosa.xforms import XFormSpec
from panah.intake.registry import ImportSpec

INSTANCE_ID = "meta/instanceID"
JR_TEMPLATE = "{http://openrosa.org/javarosa}template"
DEPRECATED_ID = "meta/deprecatedID"  # an edit names the instance it replaces
# Entities are how XML bombs and external-file reads start; a form instance never needs a DTD.
_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


@dataclass(frozen=True)
class Instance:
    form_id: str
    version: str
    instance_id: str
    values: dict[str, str]  # leaf path under the root -> text (of a repeat, its first instance's answers)
    root: ElementTree.Element | None = field(default=None, compare=False, repr=False)

    @property
    def deprecated_id(self) -> str:
        return self.values.get(DEPRECATED_ID, "").strip()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _bad(message: str) -> Exception:
    return invalid(message, FieldError("xml_submission_file", message, "invalid"))


def parse_instance(payload: bytes) -> Instance:
    """The submission's form id, version, instanceID and answers; a 422 naming xml_submission_file otherwise."""
    if _DTD.search(payload):
        raise _bad(_("The submission may not declare a DTD or entities."))
    try:
        root = ElementTree.fromstring(payload)  # noqa: S314 (DTDs refused above; expat has no external entities)
    except ElementTree.ParseError as error:
        raise _bad(_("The submission is not well-formed XML: %(error)s.") % {"error": error}) from None
    values: dict[str, str] = {}
    _flatten(root, "", values)
    form_id = root.get("id", "")
    instance_id = values.get(INSTANCE_ID, "").strip()
    if not form_id:
        raise _bad(_("The submission's root element has no id attribute (the form id)."))
    if not instance_id or len(instance_id) > 100:
        raise _bad(_("The submission has no usable meta/instanceID."))
    return Instance(
        form_id=form_id, version=root.get("version", ""), instance_id=instance_id, values=values, root=root
    )  # fmt: skip


def _flatten(element: ElementTree.Element, prefix: str, out: dict[str, str]) -> None:
    for child in element:
        if child.get(JR_TEMPLATE) is not None:
            continue  # the blank template of a repeat, as a form's instance declares it: never an answer
        path = f"{prefix}{_local(child.tag)}"
        if len(child):
            _flatten(child, f"{path}/", out)
        else:
            # A repeat gives the same path once per instance: here the first answer is kept (see instance_records).
            out.setdefault(path, (child.text or "").strip())


def _repeat_values(outside: dict[str, Any], repeat: str, items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """One set of values per repeat instance, each with the answers outside the repeat; none: the outside only."""
    inside = f"{repeat}/"
    base = {k: v for k, v in outside.items() if not k.startswith(inside) and k != repeat}
    return [{**base, **item} for item in items] or [base]


def instance_records(form: XFormSpec, instance: Instance) -> list[dict[str, Any]]:
    """The values of each row a submission makes: one, or one per instance of the form's repeat group."""
    if not form.repeat or instance.root is None:
        return [instance.values]
    items: list[dict[str, str]] = []
    for element in _elements(instance.root, form.repeat.split("/")):
        values: dict[str, str] = {}
        _flatten(element, f"{form.repeat}/", values)
        items.append(values)
    return _repeat_values(instance.values, form.repeat, items)


def _elements(parent: ElementTree.Element, parts: list[str]) -> list[ElementTree.Element]:
    found = [c for c in parent if _local(c.tag) == parts[0] and c.get(JR_TEMPLATE) is None]
    if len(parts) == 1:
        return found
    return [e for child in found for e in _elements(child, parts[1:])]


def kobo_records(form: XFormSpec | None, record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The same for a KPI v2 JSON record, where a repeat is a list of dicts keyed by full path ("members/sex")."""
    if form is None or not form.repeat:
        return [dict(record)]
    items = record.get(form.repeat)
    rows = [dict(i) for i in items if isinstance(i, Mapping)] if isinstance(items, list) else []
    return _repeat_values(dict(record), form.repeat, rows)


def _lookup(values: Mapping[str, Any], path: str, column: str) -> str:
    value = values.get(path)
    if value is None:
        # A form built elsewhere may group questions differently: fall back to the question's own name.
        value = next((v for k, v in values.items() if k.rsplit("/", 1)[-1] == column), None)
    return "" if value is None or isinstance(value, (list, dict)) else str(value).strip()


def answer(values: Mapping[str, Any], path: str) -> str:
    """The answer to the question at this path (or, failing that, of that name anywhere), as text."""
    return _lookup(values, path, path.rsplit("/", 1)[-1])


def row_from_values(spec: ImportSpec, form: XFormSpec | None, values: Mapping[str, Any]) -> dict[str, str]:
    """One row of the spec's columns; select_multiple answers (space-separated) become the ';' lists of files."""
    fields = form.fields if form is not None else {}
    row: dict[str, str] = {}
    for column in spec.columns:
        text = _lookup(values, fields.get(column.name, column.name), column.name)
        row[column.name] = ";".join(text.split()) if column.kind == "list" else text
    return row


def context_from_values(form: XFormSpec | None, values: Mapping[str, Any]) -> dict[str, str]:
    """The import context answered in the form itself (e.g. the round id); missing keys are left out."""
    if form is None:
        return {}
    found = {key: _lookup(values, path, key) for key, path in form.context.items()}
    return {key: value for key, value in found.items() if value}


def withhold(payload: bytes, paths: Sequence[str]) -> bytes:
    """The payload with the questions at these paths emptied; a 400 if one still has an answer afterwards."""
    stripped = payload
    for path in paths:
        name = re.escape(path.rsplit("/", 1)[-1].encode())
        # A text edit, not a re-serialisation: the rest of the XML stays byte for byte as the phone sent it.
        stripped = re.sub(rb"<(" + name + rb")(\s[^>]*)?>.*?</\1\s*>", rb"<\1/>", stripped, flags=re.DOTALL)
    values = parse_instance(stripped).values
    if any(_lookup(values, path, path.rsplit("/", 1)[-1]) for path in paths):
        raise _bad(_("The submission could not be stored without its withheld answers."))
    return stripped
