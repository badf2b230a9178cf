"""Urdu: every interface string is translated, and the compiled catalogue is the one built from the .po file."""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

from django.utils import translation

LOCALE = Path(__file__).resolve().parents[1] / "src" / "panah" / "locale" / "ur" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]+\}|</?[a-z]+>")


def _entries() -> dict[str, str]:
    """msgid -> msgstr (plural entries keyed by their singular, valued by msgstr[0]) from django.po."""
    entries: dict[str, str] = {}
    current: dict[str, str] = {}
    key = ""
    for line in [*(LOCALE / "django.po").read_text(encoding="utf-8").splitlines(), ""]:
        if not line.strip():
            if current.get("msgid"):
                entries[current["msgid"]] = current.get("msgstr", current.get("msgstr[0]", ""))
            current, key = {}, ""
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            current[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            current[key] = ast.literal_eval(value)
    return entries


def test_every_string_has_an_urdu_translation_with_the_same_placeholders():
    entries = _entries()
    untranslated = [msgid for msgid, msgstr in entries.items() if not msgstr]
    broken = [
        msgid
        for msgid, msgstr in entries.items()
        if sorted(PLACEHOLDER.findall(msgid)) != sorted(PLACEHOLDER.findall(msgstr))
    ]

    assert len(entries) > 200
    assert untranslated == []
    assert broken == []


def test_compiled_catalogue_matches_the_po_file():
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)

    stale = [msgid for msgid, msgstr in _entries().items() if compiled.gettext(msgid) != msgstr]

    assert stale == [], "recompile: msgfmt -o django.mo django.po"


def test_django_serves_urdu():
    with translation.override("ur"):
        assert translation.gettext("Sign in") == _entries()["Sign in"]
        assert translation.get_language_bidi() is True
