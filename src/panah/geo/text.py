"""Name normalisation for case- and accent-insensitive search (Tūrkham finds Turkham, D. I. Khan finds di khan)."""

from __future__ import annotations

import re
import unicodedata

# U+2019 is the apostrophe word processors type; ";" separates alternative names of a crossing.
_PUNCT = re.compile(r"[\s.\-_'\u2019`,;:/()]+")


def normalise(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _PUNCT.sub(" ", stripped.casefold()).strip()
