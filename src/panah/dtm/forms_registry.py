"""DTM's XLSForms for ODK Collect and KoboToolbox: which import spec each feeds and where each column is asked.

Found by panah.intake.openrosa.xforms on first use. Paths are the questions' group paths in the XLSForms of
dtm/xlsforms/ (build.py writes them); a test checks every path exists in the compiled XForm.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from panah.dtm.importers import FLOW_COLUMNS, LOCATION_COLUMNS, SITE_COLUMNS
from panah.dtm.importers_survey import SURVEY_COLUMNS
from panah.intake.openrosa.xforms import XFormSpec, register

FORMS_DIR = Path(__file__).resolve().parent / "xlsforms"
ROUND = {"round_id": "round_id"}

LOCATION_GROUPS = {
    "location": ("level", "district_pcode", "admin_pcode", "location_name"),
    "population": ("population_group", "displacement_reason", "origin_pcode", "households", "individuals", "males",
                   "females", "children", "adults", "elderly"),
}  # fmt: skip
SITE_GROUPS = {
    "population": ("households", "individuals", "males", "females", "children", "elderly"),
    "services": ("water_litres_per_person_day", "functioning_water_points", "functioning_latrines",
                 "distance_to_water_m", "covered_space_m2_per_person", "latrines_sex_segregated",
                 "health_facility_access", "waste_management", "lighting", "security_incidents"),
}  # fmt: skip
FLOW_GROUPS = {
    "people": ("men", "women", "boys", "girls", "unaccompanied_children", "persons_with_disability",
               "pregnant_or_lactating", "older_persons"),
}  # fmt: skip
# Everything after the consent question sits in one group, relevant only when consent is given.
SURVEY_GROUPS = {"interview": tuple(c.name for c in SURVEY_COLUMNS)}


def paths(columns: tuple[str, ...], groups: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    """Column -> question path; a column in no group is a question at the top of the form."""
    in_group = {name: f"{group}/{name}" for group, names in groups.items() for name in names}
    return {name: in_group.get(name, name) for name in columns}


FORMS = (
    XFormSpec(form_id="dtm_location_assessment", xlsform=FORMS_DIR / "dtm_location_assessment.xlsx",
              spec_name="dtm.location_assessment", context=ROUND,
              fields=paths(tuple(c.name for c in LOCATION_COLUMNS), LOCATION_GROUPS)),
    XFormSpec(form_id="dtm_site_assessment", xlsform=FORMS_DIR / "dtm_site_assessment.xlsx",
              spec_name="dtm.site_assessment", context=ROUND,
              fields=paths(tuple(c.name for c in SITE_COLUMNS), SITE_GROUPS)),
    XFormSpec(form_id="dtm_flow_count", xlsform=FORMS_DIR / "dtm_flow_count.xlsx", spec_name="dtm.flow_count",
              context=ROUND, fields=paths(tuple(c.name for c in FLOW_COLUMNS), FLOW_GROUPS)),
    XFormSpec(form_id="dtm_flow_survey", xlsform=FORMS_DIR / "dtm_flow_survey.xlsx", spec_name="dtm.flow_survey",
              context=ROUND, fields=paths(tuple(c.name for c in SURVEY_COLUMNS), SURVEY_GROUPS),
              consent="consent", withheld=("interview/respondent_id",)),
)  # fmt: skip

for _form in FORMS:
    register(_form)
