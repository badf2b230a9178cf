"""Household imports from files through panah.intake: grouping, whole-household holds, staging, re-runs, templates."""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from openpyxl import load_workbook
from pyxform.xls2xform import convert

from panah.core.errors import ApplicationError
from panah.core.models import AuditEvent
from panah.intake import registry, services, tasks
from panah.intake.models import BatchStatus, HeldRow, ImportBatch
from panah.intake.template_files import template_csv, template_xlsx
from panah.registry import importers
from panah.registry import models as m
from panah.registry.forms_registry import FORM
from panah.registry.xlsforms import build

pytestmark = pytest.mark.django_db
SPEC = importers.FILE_SPEC
HEADER = [c.name for c in importers.COLUMNS]
HEAD = {
    "household_ref": "HH-1", "area_pcode": "PK50601", "status": "idp", "phone": "0301-2345678",
    "consent_purpose": "Registration for assistance", "consent_date": "2026-01-10",
    "consent_recorded_by": "Team 3", "relationship": "head", "given_name": "Muhammad Yousaf", "father_name": "Gul Khan",
    "father_relation": "s/o", "family_name": "Khan", "sex": "m", "date_of_birth": "1980-01-01",
    "birth_estimated": "yes", "document_type": "cnic", "document_number": "17301-1234567-1", "wg_walking": "2",
}  # fmt: skip
SPOUSE = {"household_ref": "HH-1", "relationship": "spouse", "given_name": "Khadija", "father_name": "Muhammad Yousaf",
          "father_relation": "w/o", "sex": "f", "age": "40", "document_type": "cnic",
          "document_number": "17301-7654321-2", "pregnant_lactating": "yes"}  # fmt: skip
CHILD = {"household_ref": "HH-1", "relationship": "child", "given_name": "Ahmad", "sex": "m", "age": "9",
         "area_pcode": "PK50601"}  # fmt: skip


def _csv(*rows: dict[str, str]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def _household(ref: str, cnic_head: str, cnic_spouse: str) -> list[dict[str, str]]:
    return [
        {**HEAD, "household_ref": ref, "document_number": cnic_head},
        {**SPOUSE, "household_ref": ref, "document_number": cnic_spouse},
        {**CHILD, "household_ref": ref},
    ]


def _run(capture: Any, actor: Any, text: str, policy: str = "accept_clean", filename: str = "households.csv") -> Any:
    with capture(execute=True):
        upload = tasks.batch_upload(actor=actor, spec_name=SPEC, context={}, filename=filename,
                                    content=text.encode("utf-8"), policy=policy)  # fmt: skip
    return ImportBatch.objects.get(pk=upload.batch.pk)


def _errors(batch: ImportBatch) -> list[tuple[int, str, str]]:
    return [(r.row_number, e["column"], e["message"]) for r in batch.held.order_by("row_number") for e in r.errors]


def test_a_clean_file_stages_each_household_with_its_members_and_opens_a_review(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a registration officer of KP and a file of one household of three
    officer = make_user("registration", "PK5")
    # when it is uploaded
    batch = _run(django_capture_on_commit_callbacks, officer, _csv(HEAD, SPOUSE, CHILD))
    # then the household is staged in the batch, as the file registered it
    assert (batch.status, batch.total_rows, batch.imported_rows, batch.held_rows) == ("done", 3, 3, 0)
    household = m.Household.objects.get()
    assert (household.state, household.batch_id, household.source, household.source_ref) == (
        "staged", batch.pk, "file", f"{batch.pk}:HH-1")  # fmt: skip
    assert (household.organisation, household.area.pcode, household.status, household.phones) == (
        officer.organisation, "PK50601", "idp", "+923012345678")  # fmt: skip
    assert household.consent_recorded_by == "Team 3"
    assert str(household.consent_date) == "2026-01-10"
    members = list(household.members.order_by("line_number"))
    assert [(i.given_name, i.relationship, i.sex, i.age) for i in members] == [
        ("Muhammad Yousaf", "head", "m", None), ("Khadija", "spouse", "f", 40), ("Ahmad", "child", "m", 9)]  # fmt: skip
    assert members[0].birth_estimated is True
    assert members[0].vulnerabilities == '{"wg": {"walking": 2}}'
    assert members[1].vulnerabilities == '{"pregnant_lactating": true}'
    assert sorted(m.Document.objects.values_list("number", flat=True)) == ["1730112345671", "1730176543212"]
    # and the batch has a review (deduplication ran after commit) and one audit event for the households
    review = m.BatchReview.objects.get(batch_id=batch.pk)
    assert (review.organisation, review.area.pcode, review.status) == (officer.organisation, "PK50601", "ready")
    assert (review.households, review.individuals) == (1, 3)
    event = AuditEvent.objects.get(object_type="registry.household")
    assert event.metadata["households"] == 1
    assert event.metadata["batch_id"] == batch.pk


def test_a_household_with_a_bad_row_is_held_whole_and_the_others_go_in(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    officer = make_user("registration", "PK5")
    good = _household("HH-2", "17301-1111111-1", "17301-2222222-2")
    bad = [{**HEAD}, {**SPOUSE, "date_of_birth": "1985-13-01"}, {**CHILD}]
    batch = _run(django_capture_on_commit_callbacks, officer, _csv(*bad, *good))
    assert (batch.status, batch.imported_rows, batch.held_rows) == ("done", 3, 3)
    held = "Held with its household HH-1 (rows 2, 4): correct every row of it, then upload again."
    assert _errors(batch) == [
        (2, "household_ref", held),
        (3, "date_of_birth", "Not a date in the form YYYY-MM-DD: 1985-13-01."),
        (4, "household_ref", held),
    ]
    assert list(m.Household.objects.values_list("source_ref", flat=True)) == [f"{batch.pk}:HH-2"]


def test_household_rules_are_reported_on_the_row_and_column_they_concern(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # a second head, a CNIC of the wrong province, a different tehsil on a member's row, a bad phone
    officer = make_user("registration", "PK5")
    rows = [{**HEAD, "phone_2": "12"}, {**SPOUSE, "relationship": "head", "document_number": "97301-7654321-2"},
            {**CHILD, "area_pcode": "PK50602"}]  # fmt: skip
    batch = _run(django_capture_on_commit_callbacks, officer, _csv(*rows))
    assert batch.imported_rows == 0
    errors = _errors(batch)
    assert (4, "area_pcode", "Differs from row 2 (PK50601): a household has one value.") in errors
    rows[2]["area_pcode"] = ""
    batch = _run(django_capture_on_commit_callbacks, officer, _csv(*rows), filename="again.csv")
    errors = _errors(batch)
    assert (2, "relationship", "Exactly one member is the head of household.") in errors
    assert (2, "phone_2", "Not a phone number.") in errors
    assert [e[:2] for e in errors if e[1] == "document_number"] == [(3, "document_number")]
    assert {e[0] for e in errors} == {2, 3, 4}
    assert not m.Household.objects.exists()


def test_a_tehsil_outside_the_uploaders_areas_is_held_like_an_unknown_one(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    officer = make_user("registration", "PK7")  # Sindh only
    batch = _run(django_capture_on_commit_callbacks, officer, _csv(HEAD, SPOUSE, CHILD))
    assert (2, "area_pcode", "Not a current tehsil P-code of your areas: PK50601.") in _errors(batch)
    assert not m.Household.objects.exists()


def test_the_same_file_twice_is_one_batch(make_user: Any, django_capture_on_commit_callbacks: Any) -> None:
    officer = make_user("registration", "PK5")
    first = _run(django_capture_on_commit_callbacks, officer, _csv(HEAD, SPOUSE, CHILD))
    again = _run(django_capture_on_commit_callbacks, officer, _csv(HEAD, SPOUSE, CHILD))
    assert again.pk == first.pk
    assert (ImportBatch.objects.count(), m.Household.objects.count(), m.Individual.objects.count()) == (1, 1, 3)


def test_an_interrupted_import_is_forgotten_and_the_rerun_writes_each_household_once(
    make_user: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a batch whose import wrote its households and then was left unfinished (a worker killed after commit)
    officer = make_user("registration", "PK5")
    batch = _run(django_capture_on_commit_callbacks, officer, _csv(HEAD, SPOUSE, CHILD))
    persons = set(m.Person.objects.values_list("pk", flat=True))
    ImportBatch.objects.filter(pk=batch.pk).update(
        status=BatchStatus.IMPORTING, content=_csv(HEAD, SPOUSE, CHILD).encode()
    )
    # when the pipeline runs the batch again
    with django_capture_on_commit_callbacks(execute=True):
        services.batch_process(batch_id=batch.pk)
    # then the earlier attempt's records are gone and the new ones stand alone
    assert (m.Household.objects.count(), m.Individual.objects.count(), m.Document.objects.count()) == (1, 3, 2)
    assert m.Person.objects.count() == 3
    assert not persons & set(m.Person.objects.values_list("pk", flat=True))
    assert m.BatchReview.objects.filter(batch_id=batch.pk).count() == 1


def test_forget_removes_only_the_staged_households_of_its_batch(make_user: Any) -> None:
    from panah.registry import services as registry_services
    from panah.registry.tests.factories import household

    officer = make_user("registration", "PK5")
    registry_services.households_register_bulk(actor=officer, items=[("7:a", household())], source="file", batch_id=7)
    registry_services.household_register(actor=officer, data=household(phones=[]), batch_id=7)  # active: kept
    target = importers.Target(actor=officer, organisation_id=officer.organisation_id)
    assert registry.get(SPEC).forget(target, 7) == 1
    assert list(m.Household.objects.values_list("state", flat=True)) == ["active"]
    assert (m.Individual.objects.count(), m.Person.objects.count()) == (3, 3)


def test_a_held_row_cannot_be_imported_alone(make_user: Any, django_capture_on_commit_callbacks: Any) -> None:
    officer = make_user("registration", "PK5")
    batch = _run(django_capture_on_commit_callbacks, officer, _csv(HEAD, {**SPOUSE, "sex": "x"}, CHILD))
    row = HeldRow.objects.get(batch=batch, row_number=3)
    with pytest.raises(ApplicationError) as error:
        services.held_row_correct(actor=officer, row=row, values={**row.values, "sex": "f"})
    assert error.value.status == 409
    assert not m.Household.objects.exists()


@pytest.mark.parametrize("role", ["viewer", "cash", "im"])
def test_a_role_that_may_not_register_is_refused_and_nothing_is_stored(make_user: Any, role: str) -> None:
    user = make_user(role, "PK5")
    with pytest.raises(ApplicationError) as error:
        tasks.batch_upload(actor=user, spec_name=SPEC, context={}, filename="h.csv",
                           content=_csv(HEAD).encode(), policy="accept_clean")  # fmt: skip
    assert error.value.status == 403
    assert not ImportBatch.objects.exists()


def test_templates_list_the_columns_and_the_uploaders_tehsils(make_user: Any) -> None:
    officer = make_user("registration", "PK506")
    spec = registry.get(SPEC)
    assert template_csv(spec).decode("utf-8-sig").strip() == ",".join(HEADER)
    workbook = load_workbook(io.BytesIO(template_xlsx(spec, officer, {})))
    assert [c.value for c in workbook["Data"][1]] == HEADER
    lists = workbook["Lists"]
    column = next(c.column_letter for c in lists[1] if c.value == "area_pcode")
    tehsils = [c.value for c in lists[column][1:] if c.value]
    assert "PK50601" in tehsils
    assert all(t.startswith("PK506") for t in tehsils)


def test_many_households_import_in_one_batch(make_user: Any, django_capture_on_commit_callbacks: Any) -> None:
    # A size check, not a benchmark (bench/registry_import.py times 5,000): many households go in as one batch.
    officer = make_user("registration", "PK5")
    rows = []
    for n in range(400):
        rows.extend(_household(f"HH-{n}", f"17301-{n:07d}-1", f"17301-{n + 5000:07d}-2"))
    with django_capture_on_commit_callbacks(execute=False):
        upload = tasks.batch_upload(actor=officer, spec_name=SPEC, context={}, filename="big.csv",
                                    content=_csv(*rows).encode(), policy="accept_clean")  # fmt: skip
    batch = services.batch_process(batch_id=upload.batch.pk)
    assert (batch.status, batch.imported_rows, m.Household.objects.count(), m.Individual.objects.count()) == (
        "done", 1200, 400, 1200)  # fmt: skip


# --- The XLSForm ----------------------------------------------------------------------------------------------


def test_committed_xlsform_equals_the_build_script_output() -> None:
    workbook = load_workbook(build.HERE / f"{build.FORM_ID}.xlsx", read_only=True)
    for name, rows in build.sheets().items():
        stored = [[c if c is not None else "" for c in row] for row in workbook[name].iter_rows(values_only=True)]
        assert stored == [[str(v) if v != "" else "" for v in row] for row in rows], name
    workbook.close()


def test_xlsform_converts_and_asks_every_column_of_its_spec() -> None:
    warnings: list[str] = []
    xml = convert(xlsform=str(FORM.xlsform), warnings=warnings, validate=False).xform
    assert warnings == []
    assert f'<data id="registry_household" version="{build.VERSION}">' in xml
    spec = registry.get(FORM.spec_name)
    assert sorted(FORM.fields) == sorted(spec.column_names)
    nodes = set(re.findall(r'<bind nodeset="/data/([^"]+)"', xml))
    assert [column for column in spec.column_names if FORM.fields[column] not in nodes] == []
    assert {"consent", "household", "household/consent_signature", "members/document_photo"} <= nodes
    assert 'type="binary"' in xml
    assert "<members jr:template=" in xml
    assert FORM.consent == "consent"
    assert FORM.repeat == "members"
    assert FORM.edits is False


def test_xlsform_codes_equal_the_registry_codes() -> None:
    lists: dict[str, list[str]] = {}
    for list_name, code, _en, _ur in build.CHOICES:
        lists.setdefault(list_name, []).append(code)
    assert lists["status"] == m.HouseholdStatus.values
    assert lists["documentation"] == [v for v in m.Documentation.values if v]
    assert lists["relationship"] == m.Relationship.values
    assert lists["father_relation"] == m.FatherRelation.values
    assert lists["sex"] == m.Sex.values
    assert lists["document_type"] == m.DocumentType.values
    assert lists["wg"] == ["1", "2", "3", "4"]
    survey = build.sheets()["survey"]
    en, ur = survey[0].index(build.EN), survey[0].index(build.UR)
    assert [
        row[1] for row in survey[1:] if row[0] not in ("end_group", "end_repeat") and not (row[en] and row[ur])
    ] == []
