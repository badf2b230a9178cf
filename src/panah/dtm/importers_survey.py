"""The flow monitoring survey import (`dtm.flow_survey`): one row per interview at a border crossing point.

The respondent's document or phone number is turned into a keyed hash on the way in and then forgotten: the row as
read loses it too, so a row held for correction (whose values intake keeps) shows a marker and the user types the
number again. A respondent already interviewed in this operation (an earlier round, this round, or earlier in the
file) is imported as a repeat: kept, flagged and left out of the analysis, as the DTM flow monitoring survey does.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, MutableMapping, Sequence
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from panah.core.fields import blind_index
from panah.dtm import choices as c
from panah.dtm.importers import CONTEXT, INSERT_CHUNK, _authorise, _Base, _crossing_options
from panah.dtm.models import FlowSurvey, Round
from panah.dtm.services import ensure_editable
from panah.geo.models import BorderCrossing
from panah.geo.text import normalise
from panah.intake import registry
from panah.intake.cleaning import choice, code_list, integer, iso_date
from panah.intake.registry import CleanRow, Column, ImportSpec, RawRow, RowError

SPEC_NAME = "dtm.flow_survey"
KEY_PURPOSE = "flow-survey-respondent"
# Put in place of the respondent's number in a row as read: held rows keep their values, never this one.
WITHHELD = "[withheld: re-enter]"
MAX_AGE = 120
# Fewer digits than this is a placeholder ("0", "n/a", "-"), not a number: hashing it would make every such
# respondent a repeat of the first.
MIN_DIGITS = 5
_SEPARATORS = re.compile(r"[\s\-./()+]+")

# The 34 provinces of Afghanistan, canonical name first, then spellings met in questionnaires. Names only: the
# admin1 P-codes differ between the AGCHO and older gazetteers, and a wrong code would be worse than none.
PROVINCES: dict[str, tuple[str, ...]] = {
    "Badakhshan": ("Badakshan",),
    "Badghis": ("Badghees", "Badgis"),
    "Baghlan": (),
    "Balkh": (),
    "Bamyan": ("Bamiyan", "Bamian"),
    "Daykundi": ("Daikundi", "Daykondi", "Daikondi", "Dai Kundi"),
    "Farah": (),
    "Faryab": ("Fariab",),
    "Ghazni": ("Ghazny",),
    "Ghor": ("Ghowr", "Ghur"),
    "Helmand": ("Hilmand",),
    "Herat": ("Hirat",),
    "Jawzjan": ("Jowzjan", "Jozjan", "Jauzjan"),
    "Kabul": (),
    "Kandahar": ("Qandahar", "Kandhar", "Qandhar"),
    "Kapisa": ("Kapesa",),
    "Khost": ("Khowst", "Khust"),
    "Kunar": ("Konar",),
    "Kunduz": ("Kondoz", "Qunduz", "Kundoz"),
    "Laghman": ("Lagman",),
    "Logar": ("Lowgar", "Loghar"),
    "Nangarhar": ("Nangrahar", "Ningarhar", "Nangahar"),
    "Nimroz": ("Nimruz", "Nimrooz"),
    "Nuristan": ("Nooristan", "Nurestan"),
    "Paktika": ("Paktica",),
    "Paktya": ("Paktia", "Paktiya"),
    "Panjshir": ("Panjsher", "Panjshayr", "Panjsheer"),
    "Parwan": ("Parvan",),
    "Samangan": (),
    "Sar-e-Pul": ("Sar-e Pol", "Sar-i-Pul", "Sari Pul", "Saripul", "Sarepul", "Sar-e-Pol", "Saripol", "Sarpul"),
    "Takhar": (),
    "Uruzgan": ("Oruzgan", "Urozgan", "Orozgan"),
    "Wardak": ("Maidan Wardak", "Maydan Wardak", "Wardag"),
    "Zabul": ("Zabol",),
}


def _squash(name: str) -> str:
    return normalise(name).replace(" ", "")


PROVINCE_BY_SPELLING = {_squash(spelling): name for name, more in PROVINCES.items() for spelling in (name, *more)}


def province(value: str) -> str | None:
    """The canonical name of an Afghan province written in any known spelling; None when not recognised."""
    return PROVINCE_BY_SPELLING.get(_squash(value))


def respondent_key(value: str) -> str | None:
    """The keyed hash of a document or phone number, after removing separators; None for a placeholder."""
    compact = _SEPARATORS.sub("", value).casefold()
    if compact.startswith("00") and compact.isdigit():
        compact = compact[2:]  # 0092 300... and +92 300... are one number
    elif compact.isdigit() and len(compact) == 11 and compact.startswith("03"):
        compact = "92" + compact[1:]  # a Pakistani mobile written nationally: 0300 1234567
    elif compact.isdigit() and len(compact) == 10 and compact.startswith("07"):
        compact = "93" + compact[1:]  # an Afghan mobile written nationally: 070 123 4567
    if sum(ch.isdigit() for ch in compact) < MIN_DIGITS or len(compact) > 40:
        return None
    return blind_index(compact, purpose=KEY_PURPOSE)


SURVEY_COLUMNS = (
    Column("crossing", _l("Crossing point code"), "pcode", True, options=_crossing_options),
    Column("interviewed_on", _l("Interviewed on"), "date", True, help=_l("YYYY-MM-DD, within the round's period.")),
    Column("respondent_id", _l("Respondent's document or phone number"), "text", True,
           help=_l("Only a keyed hash is kept, to screen out repeat interviews; the number itself is never stored.")),
    Column("sex", _l("Sex"), "choice", True, ("m", "f")),
    Column("age", _l("Age"), "integer", help=_l("0-120; may be empty.")),
    Column("documentation_status", _l("Documentation status"), "choice", True, tuple(c.DocumentationStatus.values)),
    Column("return_type", _l("Return type"), "choice", True, tuple(c.ReturnType.values)),
    Column("intended_destination", _l("Intended destination (province of Afghanistan)"), "choice", True,
           tuple(PROVINCES), help=_l("Province name; common spellings are accepted.")),
    Column("reasons", _l("Reasons for return"), "list", True, tuple(c.ReturnReason.values),
           help=_l("Reason codes separated by ';'.")),
    Column("needs", _l("Needs"), "list", choices=tuple(c.Need.values),
           help=_l("Need codes separated by ';', most pressing first.")),
)  # fmt: skip


class SurveyValidator(_Base):
    DOCUMENTS = frozenset(c.DocumentationStatus.values)
    RETURNS = frozenset(c.ReturnType.values)
    REASONS = frozenset(c.ReturnReason.values)
    NEEDS = frozenset(c.Need.values)
    SEXES = {"m": "m", "male": "m", "f": "f", "female": "f"}

    def __init__(self, actor: Any, round: Round) -> None:
        super().__init__(actor, round)
        rows = BorderCrossing.objects.values_list("code", "pk", "admin_area__path")
        self.crossings = {code: (pk, path or "PK/") for code, pk, path in rows}
        # Other versions of this round number are left out: a correction holds a copy of their interviews.
        earlier = FlowSurvey.objects.filter(
            Q(round=round) | Q(round__operation_id=round.operation_id, round__number__lt=round.number)
        )
        self.interviewed: set[str] = set(earlier.values_list("respondent_key", flat=True).distinct())
        self.existing = set(
            FlowSurvey.objects.filter(round=round).values_list("respondent_key", "crossing_id", "interviewed_on")
        )

    def key(self, row: CleanRow) -> Hashable:
        # The same person, place and day twice is the same interview entered twice, not a repeat respondent.
        return (row["respondent_key"], row["crossing_id"], row["interviewed_on"])

    def respondent(self, raw: RawRow, errors: list[RowError]) -> str | None:
        value = raw.get("respondent_id", "")
        if isinstance(raw, MutableMapping) and "respondent_id" in raw:
            raw["respondent_id"] = WITHHELD if value else ""
        if value == WITHHELD:
            errors.append(RowError("respondent_id", _("Not kept for privacy: enter the number again.")))
            return None
        if not value:
            errors.append(RowError("respondent_id", _("Required.")))
            return None
        key = respondent_key(value)
        if key is None:
            # The value is never repeated back: reports and held rows must not carry it.
            errors.append(RowError("respondent_id", _("Not a document or phone number (too few digits).")))
        return key

    def __call__(self, row: RawRow) -> tuple[CleanRow | None, list[RowError]]:
        errors: list[RowError] = []
        get = row.get
        respondent = self.respondent(row, errors)
        code = get("crossing", "").lower()
        crossing = self.crossings.get(code)
        if crossing is None or not self.in_scope(crossing[1]):
            errors.append(RowError("crossing", _("No crossing point %(code)s in your areas.") % {"code": code or '""'}))
        cleaned: CleanRow = {
            "crossing_id": crossing[0] if crossing else None,
            "interviewed_on": iso_date(get("interviewed_on", ""), "interviewed_on", errors, required=True),
            "respondent_key": respondent,
            "sex": self.sex(get("sex", ""), errors),
            "age": integer(get("age", ""), "age", errors),
            "documentation_status": choice(
                get("documentation_status", ""), "documentation_status", errors, self.DOCUMENTS, required=True
            ),
            "return_type": choice(get("return_type", ""), "return_type", errors, self.RETURNS, required=True),
            "intended_destination": self.destination(get("intended_destination", ""), errors),
            "reasons": code_list(get("reasons", ""), "reasons", errors, self.REASONS),
            "needs": code_list(get("needs", ""), "needs", errors, self.NEEDS),
        }
        self.checks(cleaned, errors)
        if errors:
            if respondent is not None:
                errors.append(RowError("respondent_id", _("Not kept for privacy: enter it again when correcting.")))
            return None, errors
        cleaned["is_repeat"] = respondent in self.interviewed
        self.interviewed.add(str(respondent))
        return cleaned, errors

    def checks(self, row: CleanRow, errors: list[RowError]) -> None:
        self.in_period(row["interviewed_on"], "interviewed_on", errors)
        if row["age"] is not None and row["age"] > MAX_AGE:
            errors.append(RowError("age", _("Must be between 0 and %(max)s.") % {"max": MAX_AGE}))
        if not row["reasons"] and not any(e.column == "reasons" for e in errors):
            errors.append(RowError("reasons", _("Give at least one reason.")))
        if not errors:
            self.check_stored(row, errors)

    def sex(self, value: str, errors: list[RowError]) -> str | None:
        if not value:
            errors.append(RowError("sex", _("Required.")))
            return None
        found = self.SEXES.get(value.strip().lower())
        if found is None:
            errors.append(RowError("sex", _("Write m or f, not %(value)s.") % {"value": value}))
        return found

    def destination(self, value: str, errors: list[RowError]) -> str | None:
        if not value:
            errors.append(RowError("intended_destination", _("Required.")))
            return None
        found = province(value)
        if found is None:
            message = _("%(value)s is not a province of Afghanistan.") % {"value": value}
            errors.append(RowError("intended_destination", message))
        return found


def _persist(actor: Any, round: Round, rows: Sequence[CleanRow], batch_id: int) -> int:
    ensure_editable(round)  # locks the round until the batch commits: it cannot be submitted half-imported
    objs = [FlowSurvey(round_id=round.pk, import_batch_id=batch_id, **row) for row in rows]
    FlowSurvey.objects.bulk_create(objs, batch_size=INSERT_CHUNK)
    return len(objs)


def _forget(round: Round, batch_id: int) -> int:
    deleted, _ = FlowSurvey.objects.filter(round_id=round.pk, import_batch_id=batch_id).delete()
    return deleted


def survey_spec() -> ImportSpec:
    """The `dtm.flow_survey` import spec: interviews of a flow round, repeat respondents flagged."""
    return ImportSpec(
        name=SPEC_NAME, label=_l("Flow monitoring surveys"), columns=SURVEY_COLUMNS,
        authorise=_authorise(FlowSurvey, c.RoundKind.FLOW),
        validator=lambda actor, context, round: SurveyValidator(actor, round),
        persist=_persist, forget=_forget, context_fields=CONTEXT,
        description=_l("One row per interview. Respondents interviewed before in the operation are kept as repeats "
                       "and left out of the analysis."),
    )  # fmt: skip


def register_survey_importer() -> None:
    """Called from DtmConfig.ready, after register_importers."""
    registry.register(survey_spec())
