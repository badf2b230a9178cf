"""Canonical forms of names, documents and phone numbers, shared by the linkage engine and the registry's forms.

Pure functions, no Django: the engine runs in benchmarks, a management command and Spark.

Names. Registrations of one person differ by transliteration (Muhammad/Mohammad/Mohd, Yousaf/Yusuf, Rehman/Rahman),
by spacing of compound names (Habibullah/"Habib Ullah", "Zia ud Din"), and by a devotional "Muhammad" that one
enumerator writes and another drops. `name_key` removes those differences: tokens are transliteration-folded, compound
particles joined to their neighbour, every spelling of Muhammad is one token which is dropped when other tokens remain,
and each token is reduced to a consonant skeleton (first letter kept, vowels and y/w dropped elsewhere, doubles merged,
q→k, ph→f). Distinct names can share a skeleton (Ali/Aliya): the engine weighs that level by what it measures on the
data, and sex and date of birth separate most of them.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

MUHAMMAD_SPELLINGS = frozenset(
    {
        "muhammad", "mohammad", "mohammed", "muhammed", "mohamed", "mohamad", "muhamad", "mohammod", "muhammod",
        "mohamaad", "muhamaad", "mohmmad", "muhmmad", "mohd", "muhd", "mohammadd", "mahammad",
    }
)  # fmt: skip
MUHAMMAD = "mhmd"

# Compound names are written joined or spaced: "habib ullah" = "habibullah", "zia ud din" = "ziauddin",
# "abdul rehman" = "abdur rahman" = "abdulrehman". Particles between two parts are dropped (their vowel and
# assimilated consonant vary).
_JOIN_WITH_PREVIOUS = frozenset({"ullah", "ulla", "ullha", "allah", "uddin", "udin", "din", "deen", "uldin"})
# ("al", "ar" are left out: they are also the skeletons of Ali and Ara, and keys must be stable under name_key.)
_PARTICLES = frozenset({"ul", "ud", "ur", "us", "u", "el"})
_ABD = re.compile(r"^abd(?:ul|ur|us|al|el|ar|as)")


_NON_LETTER = re.compile(r"[^\w]+|[\d_]+")
_VOWELS = frozenset("aeiouyw")


def fold(text: object) -> str:
    """Lower case, accents removed, anything but letters turned into single spaces."""
    if not isinstance(text, str):
        return ""
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(_NON_LETTER.sub(" ", text.casefold()).split())


def place_key(text: object) -> str:
    """A district as compared: a name or a P-code, folded, letters and digits kept ("PK-720" = "pk720")."""
    if not isinstance(text, str):
        return ""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if ch.isalnum() and not unicodedata.combining(ch))


def _join_compounds(tokens: list[str]) -> list[str]:
    joined: list[str] = []
    glue_next = False
    particle = ""
    for token in tokens:
        if token in _PARTICLES and joined and joined[-1] not in MUHAMMAD_SPELLINGS:
            if particle:  # two particles in a row: the first stands alone
                joined.append(particle)
            glue_next, particle = True, token
            continue
        if glue_next or (token in _JOIN_WITH_PREVIOUS and joined and joined[-1] not in MUHAMMAD_SPELLINGS):
            joined[-1] += token
        else:
            joined.append(token)
        glue_next, particle = _ABD.fullmatch(token) is not None, ""
    if particle:  # a particle at the end joins nothing: it is a name of its own
        joined.append(particle)
    return [_ABD.sub("abd", token) if len(token) > 5 else token for token in joined]


def skeleton(token: str) -> str:
    """Consonant skeleton of one folded token (Yousaf, Yusuf -> ysf; Rehman, Rahman -> rhmn; Umar, Omar -> amr)."""
    if not token:
        return ""
    if token in MUHAMMAD_SPELLINGS:
        return MUHAMMAD
    if not token.isascii():
        return token  # Urdu or Pashto script: compared as written
    token = _respell(token)
    # A final h after a vowel is a spelling habit (Fatimah, Aminah), not a sound; -ullah keeps its h.
    if len(token) > 2 and token[-1] == "h" and token[-2] in "aeiou" and not token.endswith("llah"):
        token = token[:-1]
    key = _consonants(token)
    # Dropping vowels can bring together letters that respelling merges (kapuhr -> kphr -> kfr): repeat until stable.
    while (again := _consonants(_respell(key))) != key:
        key = again
    return key


def _consonants(token: str) -> str:
    out = ["a" if token[0] in "aeiou" else token[0]]
    for ch in token[1:]:
        if ch not in _VOWELS and ch != out[-1]:
            out.append(ch)
    return "".join(out)


def _respell(token: str) -> str:
    # v and w are one letter in Urdu (Sarwar, Sarvar); both then count as vowels.
    while True:
        respelled = token.replace("ph", "f").replace("q", "k").replace("ck", "k").replace("v", "w")
        if respelled == token:
            return token
        token = respelled


# Honorifics (Bibi, Begum, Khatoon, Mst.): dropped from a name when other tokens remain; a family name made only of
# them (or of Mai, Bai, Sahib) is missing, not a family.
_HONORIFIC_SKELETONS = frozenset(skeleton(word) for word in ("bibi", "begum", "khatoon", "mst", "mussammat"))
_FAMILY_HONORIFICS = _HONORIFIC_SKELETONS | {skeleton(word) for word in ("mai", "bai", "sahib")}


@lru_cache(maxsize=262_144)
def name_tokens(text: str) -> tuple[tuple[str, ...], bool]:
    """Skeleton tokens of a name with Muhammad removed (kept when it is the only token), and whether it was there."""
    tokens = _join_compounds(fold(text).split())
    skeletons = [skeleton(token) for token in tokens]
    has_muhammad = MUHAMMAD in skeletons
    without_muhammad = tuple(s for s in skeletons if s != MUHAMMAD)
    core = tuple(s for s in without_muhammad if s not in _HONORIFIC_SKELETONS)
    return (core or without_muhammad or ((MUHAMMAD,) if has_muhammad else ())), has_muhammad


def name_key(text: object) -> str:
    """Canonical form of a name: transliteration variants, spacing and a dropped Muhammad give the same key."""
    if not isinstance(text, str):
        return ""
    return " ".join(name_tokens(text)[0])


def family_key(text: object) -> str:
    """`name_key` of a family name without honorifics (Bibi, Begum, Mai), which say nothing about the family."""
    tokens = [token for token in name_key(text).split() if token not in _FAMILY_HONORIFICS]
    # One family name, however spaced: "Black Well" = "Blackwell", "Mac Kinder" = "MacKinder".
    return skeleton("".join(tokens))


# Documents ---------------------------------------------------------------------------------------------------------

DOCUMENT_TYPES = frozenset({"cnic", "bform", "por", "acc", "tazkira", "passport", "other"})
_DOCUMENT_ALIASES = {
    "nic": "cnic", "snic": "cnic", "nicop": "cnic", "b-form": "bform", "b form": "bform", "crc": "bform",
    "proof of registration": "por", "afghan citizen card": "acc", "tazkera": "tazkira", "taskera": "tazkira",
}  # fmt: skip
_NON_DIGIT = re.compile(r"\D")
_NON_ALNUM = re.compile(r"[^0-9A-Z]")
_PLACEHOLDER = re.compile(r"^(\d)\1*$")


@lru_cache(maxsize=1024)
def known_document_type(doc_type: object) -> str:
    """The document type named by `doc_type` ("CNIC", "B-Form", "PoR"...), "" when it names none."""
    folded = fold(doc_type)
    kind = _DOCUMENT_ALIASES.get(folded, folded.replace(" ", ""))
    return kind if kind in DOCUMENT_TYPES else ""


def document_type(doc_type: object, number: object) -> str:
    """Known document type; a bare 13-digit number with no type is a CNIC, anything else without a type is 'other'."""
    kind = known_document_type(doc_type)
    if kind:
        return kind
    digits = _NON_DIGIT.sub("", number) if isinstance(number, str) else ""
    return "cnic" if len(digits) == 13 else "other"


def normalise_document(doc_type: object, text: object) -> str:
    """Number of a document as it is compared: digits only for CNIC and B-form, upper-case letters and digits otherwise.

    Placeholders made of one repeated digit ("0000000000000") are no document at all and give "".
    """
    if not isinstance(text, str):
        return ""
    kind = document_type(doc_type, text)
    if kind in {"cnic", "bform"}:
        number = _NON_DIGIT.sub("", text)
    else:
        number = _NON_ALNUM.sub("", unicodedata.normalize("NFKC", text).upper())
    if not number or _PLACEHOLDER.match(number):
        return ""
    return number


PROVINCES = {
    "1": "Khyber Pakhtunkhwa", "2": "ex-FATA", "3": "Punjab", "4": "Sindh", "5": "Balochistan", "6": "Islamabad",
    "7": "Gilgit-Baltistan",
}  # fmt: skip
_CNIC_FORMAT = re.compile(r"^(\d{5})-(\d{7})-(\d)$|^(\d{13})$")


@dataclass(frozen=True)
class CnicCheck:
    number: str  # 13 digits when valid, "" otherwise
    errors: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


def cnic_check(number: object, sex: object = None) -> CnicCheck:
    """Hard checks of a CNIC (13 digits, plain or 5-7-1, province code 1..7); a sex/last-digit mismatch only warns."""
    text = number.strip() if isinstance(number, str) else ""
    if not _CNIC_FORMAT.match(text):
        return CnicCheck("", errors=("A CNIC has 13 digits, written 12345-1234567-1 or without dashes.",))
    digits = text.replace("-", "")
    if digits[0] not in PROVINCES:
        return CnicCheck("", errors=(f"A CNIC starts with a province code 1 to 7, not {digits[0]}.",))
    warnings: tuple[str, ...] = ()
    recorded = normalise_sex(sex)
    implied = "m" if int(digits[-1]) % 2 else "f"
    if recorded and recorded != implied:
        warnings = ("The last digit of this CNIC is odd for men and even for women: check the sex or the number.",)
    return CnicCheck(digits, warnings=warnings)


def normalise_sex(text: object) -> str:
    """'m', 'f' or '' (unknown)."""
    folded = fold(text)
    if folded in {"m", "male", "man", "boy", "mard"}:
        return "m"
    if folded in {"f", "female", "woman", "girl", "aurat", "w"}:
        return "f"
    return ""


# Phones ------------------------------------------------------------------------------------------------------------


def normalise_phone(text: object) -> str:
    """Pakistani mobiles as +923XXXXXXXXX, Afghan numbers as +93..., anything else as its digits ("" for none)."""
    if not isinstance(text, str):
        return ""
    digits = re.sub(r"\D", "", text)
    if text.strip().startswith("+") or digits.startswith("00"):
        digits = digits.removeprefix("00")
        international = True
    else:
        international = False
    if international and digits.startswith("92"):
        national = digits[2:].removeprefix("0")
        return f"+92{national}" if national else ""
    if international and digits.startswith("93"):
        national = digits[3:].removeprefix("0") if digits[2:3] == "0" else digits[2:]
        return f"+93{national}" if national else ""
    if len(digits) == 11 and digits.startswith("03"):
        return f"+92{digits[1:]}"
    if len(digits) == 10 and digits.startswith("3"):
        return f"+92{digits}"
    if len(digits) == 12 and digits.startswith("923"):
        return f"+{digits}"
    if len(digits) == 11 and digits.startswith("937"):
        return f"+{digits}"
    if len(digits) == 10 and digits.startswith("07"):
        return f"+93{digits[1:]}"
    return digits
