"""The registry's XLSForm for ODK Collect and KoboToolbox: which import spec it feeds and where each column is asked.

Found by panah.intake.openrosa.xforms on first use. Paths are the questions' group paths in
registry/xlsforms/registry_household.xlsx (build.py writes it); a test checks every path exists in the compiled XForm.
"""

from __future__ import annotations

from pathlib import Path

from panah.intake.openrosa.xforms import XFormSpec, register
from panah.registry.importers import FORM_COLUMNS, FORM_SPEC, HOUSEHOLD

FORMS_DIR = Path(__file__).resolve().parent / "xlsforms"
REPEAT = "members"


def paths() -> dict[str, str]:
    """Column -> question path: household questions in their group, member questions in the repeat."""
    fields = {"household_ref": "meta/instanceID"}
    for column in FORM_COLUMNS:
        if column.name != "household_ref":
            fields[column.name] = f"household/{column.name}" if column.name in HOUSEHOLD else f"{REPEAT}/{column.name}"
    return fields


# Edits (meta/deprecatedID, from Enketo or Central) are refused with a 409 naming the reason. A registration goes
# straight into the registry and is deduplicated at once: by the time an edit arrives its members may be merged
# with other records, and replacing it would silently take those links back. A correction is made in Panah, where
# the change is audited field by field.
FORM = XFormSpec(
    form_id="registry_household", xlsform=FORMS_DIR / "registry_household.xlsx", spec_name=FORM_SPEC,
    fields=paths(), consent="consent", repeat=REPEAT, edits=False,
)  # fmt: skip

register(FORM)
