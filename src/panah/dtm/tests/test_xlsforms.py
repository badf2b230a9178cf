"""The committed DTM XLSForms: equal to what build.py writes, convertible by pyxform, and matching the importers."""

from __future__ import annotations

import re

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from panah.dtm import choices as c
from panah.dtm.forms_registry import FORMS
from panah.dtm.xlsforms import build
from panah.intake import registry
from panah.intake.openrosa import xforms

SPEC_OF = {"dtm_location_assessment": "dtm.location_assessment", "dtm_site_assessment": "dtm.site_assessment",
           "dtm_flow_count": "dtm.flow_count"}  # fmt: skip


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
    }  # fmt: skip


def test_every_label_has_english_and_urdu() -> None:
    for form_id in build.FORMS:
        survey = build.sheets(form_id)["survey"]
        en, ur = survey[0].index(build.EN), survey[0].index(build.UR)
        missing = [row[1] for row in survey[1:] if row[0] != "end_group" and not (row[en] and row[ur])]
        assert missing == [], form_id
