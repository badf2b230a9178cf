"""The committed DTM XLSForms: equal to what build.py writes, convertible by pyxform, and matching the importers."""

from __future__ import annotations

import csv
import re

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from panah.dtm import choices as c
from panah.dtm.forms_registry import FORMS
from panah.dtm.importers_survey import PROVINCES
from panah.dtm.xlsforms import build
from panah.intake import registry
from panah.intake.openrosa import xforms

SPEC_OF = {"dtm_location_assessment": "dtm.location_assessment", "dtm_site_assessment": "dtm.site_assessment",
           "dtm_flow_count": "dtm.flow_count", "dtm_flow_survey": "dtm.flow_survey"}  # fmt: skip
CROSSINGS_CSV = build.HERE.parents[1] / "geo" / "data" / "border_crossings.csv"


@pytest.mark.parametrize("form_id", sorted(build.FORMS))
def test_committed_file_equals_the_build_script_output(form_id: str) -> None:
    workbook = load_workbook(build.HERE / f"{form_id}.xlsx", read_only=True)
    for name, rows in build.sheets(form_id).items():
        stored = [
            [cell if cell is not None else "" for cell in row] for row in workbook[name].iter_rows(values_only=True)
        ]
        assert stored == [[str(v) if v != "" else "" for v in row] for row in rows], name
    workbook.close()


@pytest.mark.parametrize("form", FORMS, ids=lambda f: f.form_id)
def test_each_form_converts_and_asks_every_column_of_its_spec(form: xforms.XFormSpec) -> None:
    warnings: list[str] = []
    xml = convert(xlsform=str(form.xlsform), warnings=warnings, validate=False).xform
    assert warnings == []
    assert f'<data id="{form.form_id}" version="{build.VERSION}">' in xml
    assert 'nodeset="/data/meta/instanceID"' in xml
    assert 'jr:preload="uid"' in xml
    spec = registry.get(form.spec_name)
    assert form.spec_name == SPEC_OF[form.form_id]
    assert sorted(form.fields) == sorted(spec.column_names)
    nodes = set(re.findall(r'<bind nodeset="/data/([^"]+)"', xml))
    assert [col for col in spec.column_names if form.fields[col] not in nodes] == []
    assert form.context == {"round_id": "round_id"}
    assert "round_id" in nodes


def test_code_lists_equal_the_importers_codes() -> None:
    lists: dict[str, list[str]] = {}
    for list_name, code, _en, _ur in build.CHOICES:
        lists.setdefault(list_name, []).append(code)
    assert lists == {
        "level": ["LA", "BA"], "population_group": c.PopulationGroup.values,
        "displacement_reason": c.DisplacementReason.values, "shelter_type": c.ShelterType.values,
        "need": c.Need.values, "yes_no": ["yes", "no"], "direction": c.Direction.values,
        "documentation_status": c.DocumentationStatus.values, "return_type": c.ReturnType.values,
        "sex": ["m", "f"], "return_reason": c.ReturnReason.values, "crossing": crossing_codes(),
        "province": list(PROVINCES),
    }  # fmt: skip


def crossing_codes() -> list[str]:
    with CROSSINGS_CSV.open(encoding="utf-8") as handle:
        return [row["id"] for row in csv.DictReader(handle)]


def _survey_rows() -> dict[str, dict[str, str]]:
    header, *rows = build.sheets("dtm_flow_survey")["survey"]
    return {row[1]: dict(zip(header, row, strict=True)) for row in rows if row[0] != "end_group"}


def test_flow_survey_asks_each_column_with_the_importers_codes() -> None:
    rows = _survey_rows()
    assert {name: row["type"] for name, row in rows.items()} == {
        "round_id": "integer", "consent": "select_one yes_no", "interview": "begin_group",
        "crossing": "select_one crossing", "interviewed_on": "date", "respondent_id": "text",
        "sex": "select_one sex", "age": "integer", "documentation_status": "select_one documentation_status",
        "return_type": "select_one return_type", "intended_destination": "select_one province",
        "reasons": "select_multiple return_reason", "needs": "select_multiple need",
    }  # fmt: skip
    assert "torkham" in crossing_codes()
    assert "chaman" in crossing_codes()
    assert rows["age"]["constraint"] == ". >= 0 and . <= 120"
    assert rows["needs"]["constraint"] == "count-selected(.) <= 3"
    assert "never stores the number" in rows["respondent_id"][build.HINT_EN]
    assert rows["respondent_id"][build.HINT_UR]


def test_flow_survey_stops_when_consent_is_refused() -> None:
    # Only the round (the enumerator's) and consent are asked before the group that needs "yes".
    xml = convert(xlsform=str(build.HERE / "dtm_flow_survey.xlsx"), validate=False).xform
    rows = _survey_rows()
    assert rows["interview"]["relevant"] == "${consent} = 'yes'"
    assert [name for name in rows if name not in ("round_id", "consent", "interview")] == list(SURVEY_COLUMNS_ORDER)
    assert 'nodeset="/data/interview" relevant=" /data/consent  = \'yes\'"' in xml
    form = next(f for f in FORMS if f.form_id == "dtm_flow_survey")
    assert (form.consent, form.withheld) == ("consent", ("interview/respondent_id",))
    assert all(path.startswith("interview/") for path in form.fields.values())


SURVEY_COLUMNS_ORDER = ["crossing", "interviewed_on", "respondent_id", "sex", "age", "documentation_status",
                        "return_type", "intended_destination", "reasons", "needs"]  # fmt: skip


def test_every_label_has_english_and_urdu() -> None:
    for form_id in build.FORMS:
        survey = build.sheets(form_id)["survey"]
        en, ur = survey[0].index(build.EN), survey[0].index(build.UR)
        missing = [row[1] for row in survey[1:] if row[0] != "end_group" and not (row[en] and row[ur])]
        assert missing == [], form_id
