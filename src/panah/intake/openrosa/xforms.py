"""Which XLSForm feeds which import spec, and how its questions map to the spec's columns.

Capability apps declare their forms in a `forms_registry` module (found on first use, as Django's admin finds
`admin` modules), so intake never imports the apps above it. An XLSForm is compiled to an XForm once per file
version; the served bytes, their MD5 (formList's hash) and the form's version come from that one compilation.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from panah.core.errors import not_found

XFORMS_NS = "http://www.w3.org/2002/xforms"


@dataclass(frozen=True)
class XFormSpec:
    """One XLSForm. `fields` maps a spec column to the question's path under the instance root ("group/name")."""

    form_id: str
    xlsform: Path
    spec_name: str
    fields: Mapping[str, str]
    # Context keys of the import (e.g. round_id) read from a question of the form: key -> path.
    context: Mapping[str, str] = field(default_factory=dict)
    media: tuple[Path, ...] = ()
    # The consent question's path: an instance whose answer is not "yes" is recorded as refused, never imported.
    consent: str = ""
    # Questions never stored in clear (e.g. a respondent's number the spec hashes): emptied in the stored XML.
    withheld: tuple[str, ...] = ()
    # A repeat group's path ("members"): each of its instances is one row, with the answers outside it copied in.
    repeat: str = ""
    # False: an edit (meta/deprecatedID) of a received instance is refused with a 409 instead of replacing it.
    edits: bool = True


@dataclass(frozen=True)
class Compiled:
    xml: bytes
    md5: str
    version: str
    title: str


_forms: dict[str, XFormSpec] = {}
_discovered = threading.Event()


def register(spec: XFormSpec) -> None:
    _forms[spec.form_id] = spec


def _discover() -> None:
    if not _discovered.is_set():
        autodiscover_modules("forms_registry")
        _discovered.set()


def all_forms() -> list[XFormSpec]:
    _discover()
    return sorted(_forms.values(), key=lambda f: f.form_id)


def get(form_id: str) -> XFormSpec:
    _discover()
    try:
        return _forms[form_id]
    except KeyError:
        raise not_found(_("form")) from None


def for_spec(spec_name: str) -> XFormSpec | None:
    """The (first) form that feeds an import spec: how Kobo records of a form built from it are read."""
    return next((f for f in all_forms() if f.spec_name == spec_name), None)


def compiled(form: XFormSpec) -> Compiled:
    """The XForm of the form's current XLSForm file; recompiled only when the file changes."""
    stat = form.xlsform.stat()
    return _compile(str(form.xlsform), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=32)
def _compile(path: str, mtime_ns: int, size: int) -> Compiled:
    from pyxform.xls2xform import convert

    xml = convert(xlsform=path, validate=False).xform.encode("utf-8")
    root = ElementTree.fromstring(xml)  # noqa: S314 (our own pyxform output)
    instance = root.find(f".//{{{XFORMS_NS}}}instance")
    data = instance[0] if instance is not None and len(instance) else None
    title = root.findtext("{http://www.w3.org/1999/xhtml}head/{http://www.w3.org/1999/xhtml}title") or ""
    version = data.get("version", "") if data is not None else ""
    return Compiled(xml=xml, md5=hashlib.md5(xml).hexdigest(), version=version, title=title)  # noqa: S324


def media_md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()  # noqa: S324  (OpenRosa's manifest hash is MD5)
