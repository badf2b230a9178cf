"""DTM importers through the intake framework: every validation rule, policies, idempotence, corrections, scope."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

import pytest
from openpyxl import load_workbook

from panah.core.errors import ApplicationError
from panah.dtm.importers import register_importers
from panah.dtm.models import FlowCount, LocationAssessment, Round
from panah.intake import registry, services, tasks
from panah.intake.models import HeldRow, ImportBatch
from panah.intake.template_files import template_xlsx

SPEC = "dtm.location_assessment"
HEADER = "district_pcode,admin_pcode,location_name,population_group,displacement_reason,households,individuals"
GOOD = "PK701,PK70101,UC Badin 1,idp,flood,10,50"


@pytest.fixture(autouse=True)
def _importers() -> None:
    register_importers()


@pytest.fixture
def round_(db: Any) -> Round:
    from panah.accounts.models import Operation

    op = Operation.objects.create(code="floods-2022", name="2022 Floods Response", started_on=date(2022, 8, 1))
    return Round.objects.create(operation=op, number=1, period_start=date(2022, 9, 1), period_end=date(2022, 9, 30))


def _upload(actor: Any, round_: Round, text: str, policy: str = "reject_file", spec: str = SPEC, **kw: Any) -> Any:
    content = text.encode("utf-8")
    return tasks.batch_upload(
        actor=actor, spec_name=spec, context={"round_id": round_.pk}, filename="rows.csv", content=content,
        policy=policy, **kw,
    )  # fmt: skip


def _run(django_capture_on_commit_callbacks: Any, *args: Any, **kwargs: Any) -> ImportBatch:
    with django_capture_on_commit_callbacks(execute=True):
        upload = _upload(*args, **kwargs)
    return ImportBatch.objects.get(pk=upload.batch.pk)


def _errors(batch: ImportBatch) -> list[tuple[int, str, str]]:
    return [(r.row_number, e["column"], e["message"]) for r in batch.held.order_by("row_number") for e in r.errors]


def test_clean_file_imports_every_row(make_user: Any, round_: Round, django_capture_on_commit_callbacks: Any) -> None:
    # given an enumerator of Sindh and a clean two-row file
    user = make_user("enumerator", "PK7")
    text = f"{HEADER},males,females\n{GOOD},20,30\nPK701,PK70102,UC Matli,returnee,conflict,3,3,,\n"
    # when it is uploaded
    batch = _run(django_capture_on_commit_callbacks, user, round_, text)
    # then both rows are stored with the batch id, and the batch is done
    assert (batch.status, batch.total_rows, batch.valid_rows, batch.held_rows, batch.imported_rows) == (
        "done", 2, 2, 0, 2)  # fmt: skip
    assert batch.progress == 100
    rows = LocationAssessment.objects.filter(round=round_).order_by("location_name")
    assert [(r.admin_area.pcode, r.location_name, r.individuals, r.males, r.import_batch_id) for r in rows] == [
        ("PK70101", "UC Badin 1", 50, 20, batch.pk),
        ("PK70102", "UC Matli", 3, None, batch.pk),
    ]


@pytest.mark.parametrize(
    ("line", "column", "message"),
    [
        ("PK701,PK79999,x,idp,flood,1,1", "admin_pcode", "Unknown P-code PK79999."),
        ("PK701,PK70301,x,idp,flood,1,1", "admin_pcode", "PK70301 is not in district PK701."),
        ("PK701,PK70101,x,idp,flood,-1,1", "households", "Must be zero or more, not -1."),
        ("PK701,PK70101,x,idp,flood,5,4", "individuals", "Fewer individuals (4) than households (5)."),
        ("PK701,PK70101,x,idp,flood,1,2,,1,2", "males", "males + females add up to 3, not to individuals (2)."),
        ("PK701,PK70101,x,idp,flood,1,5,,,,2,2,2", "children",
         "children + adults + elderly add up to 6, not to individuals (5)."),
        ("PK701,PK70101,x,idp,flood,1,1,,,,,,,2022-10-01", "displaced_since", "After the round's end (2022-09-30)."),
        ("PK701,PK70101,x,tdp,flood,1,1", "population_group", "tdp is not one of: idp, returnee."),
        ("PK201,PK20101,x,idp,flood,1,1", "admin_pcode", "PK20101 is outside your areas."),
        ("PK701,PK70101,x,idp,flood,1,x", "individuals", "Not a whole number: x."),
        ("PK701,PK70101,x,idp,,1,1", "displacement_reason", "Required."),
    ],
)  # fmt: skip
def test_each_rule_names_row_column_and_problem(
    make_user: Any, round_: Round, django_capture_on_commit_callbacks: Any, line: str, column: str, message: str
) -> None:
    # given a file whose second data row breaks one rule
    user = make_user("enumerator", "PK7")
    header = f"{HEADER},origin_pcode,males,females,children,adults,elderly,displaced_since"
    # when it is uploaded with the reject policy
    batch = _run(django_capture_on_commit_callbacks, user, round_, f"{header}\n{GOOD}\n{line}\n")
    # then the report names row 3 (the header is row 1), the column and the problem, and nothing is stored
    assert _errors(batch) == [(3, column, message)]
    assert (batch.status, batch.imported_rows) == ("rejected", 0)
    assert LocationAssessment.objects.count() == 0


def test_retired_pcode_is_refused(
    make_user: Any, round_: Round, area: Any, django_capture_on_commit_callbacks: Any
) -> None:
    retired = area("PK70102")
    retired.retired_on = date(2023, 1, 1)
    retired.save(update_fields=["retired_on"])
    user = make_user("enumerator", "PK7")
    batch = _run(django_capture_on_commit_callbacks, user, round_, f"{HEADER}\nPK701,PK70102,x,idp,flood,1,1\n")
    assert _errors(batch) == [(2, "admin_pcode", "P-code PK70102 was retired on 2023-01-01: use the current P-code.")]


def test_duplicate_rows_in_the_file_are_held(
    make_user: Any, round_: Round, django_capture_on_commit_callbacks: Any
) -> None:
    user = make_user("enumerator", "PK7")
    batch = _run(django_capture_on_commit_callbacks, user, round_, f"{HEADER}\n{GOOD}\n\n{GOOD}\n", "accept_clean")
    # the blank line keeps its number: the duplicate is row 4
    assert _errors(batch) == [(4, "row", "Duplicate of row 2.")]
    assert (batch.status, batch.imported_rows, batch.held_rows) == ("done", 1, 1)
    assert LocationAssessment.objects.count() == 1


def test_accept_clean_imports_clean_rows_and_holds_the_rest(
    make_user: Any, round_: Round, django_capture_on_commit_callbacks: Any
) -> None:
    user = make_user("enumerator", "PK7")
    text = f"{HEADER}\n{GOOD}\nPK701,PK70101,UC 2,idp,flood,5,4\n"
    batch = _run(django_capture_on_commit_callbacks, user, round_, text, "accept_clean")
    assert (batch.status, batch.total_rows, batch.valid_rows, batch.held_rows, batch.imported_rows) == (
        "done", 2, 1, 1, 1)  # fmt: skip
    assert list(LocationAssessment.objects.values_list("location_name", flat=True)) == ["UC Badin 1"]


def test_same_file_again_changes_nothing(
    make_user: Any, round_: Round, django_capture_on_commit_callbacks: Any
) -> None:
    user = make_user("enumerator", "PK7")
    first = _run(django_capture_on_commit_callbacks, user, round_, f"{HEADER}\n{GOOD}\n")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        again = _upload(user, round_, f"{HEADER}\n{GOOD}\n")
    assert (again.created, again.needs_run, again.batch.pk) == (False, False, first.pk)
    assert callbacks == []
    assert ImportBatch.objects.count() == 1
    assert LocationAssessment.objects.count() == 1


def test_rows_already_in_the_round_are_held(
    make_user: Any, round_: Round, django_capture_on_commit_callbacks: Any
) -> None:
    user = make_user("enumerator", "PK7")
    _run(django_capture_on_commit_callbacks, user, round_, f"{HEADER}\n{GOOD}\n")
    second = _run(
        django_capture_on_commit_callbacks, user, round_, f"{HEADER}\n{GOOD}\nPK701,PK70101,new,idp,flood,1,1\n"
    )
    assert _errors(second) == [(2, "row", "Already recorded in this round.")]
    assert LocationAssessment.objects.count() == 1


def test_rerun_after_a_crash_does_not_duplicate(
    make_user: Any, round_: Round, django_capture_on_commit_callbacks: Any
) -> None:
    # given a batch whose rows were written by an attempt that died before the batch was marked done
    user = make_user("enumerator", "PK7")
    batch = _run(django_capture_on_commit_callbacks, user, round_, f"{HEADER}\n{GOOD}\n")
    # (the rows, the done status and the emptied file are one transaction: a real crash keeps the file)
    ImportBatch.objects.filter(pk=batch.pk).update(status="importing", content=f"{HEADER}\n{GOOD}\n".encode())
    # when it is processed again
    services.batch_process(batch_id=batch.pk)
    # then the round holds the row once
    assert LocationAssessment.objects.filter(round=round_).count() == 1
    assert ImportBatch.objects.get(pk=batch.pk).status == "done"


def test_held_row_is_corrected_and_imported(
    make_user: Any, round_: Round, django_capture_on_commit_callbacks: Any
) -> None:
    user = make_user("enumerator", "PK7")
    batch = _run(
        django_capture_on_commit_callbacks,
        user,
        round_,
        f"{HEADER}\n{GOOD}\nPK701,PK70101,UC 2,idp,flood,5,4\n",
        "accept_clean",
    )
    row = HeldRow.objects.get(batch=batch)
    values = {**row.values, "individuals": "3"}
    # a wrong correction is kept with its new problem, nothing imported
    assert services.held_row_correct(actor=user, row=row, values=values) == [
        {"column": "individuals", "message": "Fewer individuals (3) than households (5)."}
    ]
    assert LocationAssessment.objects.count() == 1
    # a right one imports the row
    assert services.held_row_correct(actor=user, row=row, values={**values, "individuals": "9"}) == []
    batch.refresh_from_db()
    row.refresh_from_db()
    assert (row.resolution, batch.imported_rows, batch.held_rows) == ("imported", 2, 0)
    assert LocationAssessment.objects.get(location_name="UC 2").individuals == 9


def test_held_row_discarded(make_user: Any, round_: Round, django_capture_on_commit_callbacks: Any) -> None:
    user = make_user("enumerator", "PK7")
    batch = _run(
        django_capture_on_commit_callbacks,
        user,
        round_,
        f"{HEADER}\n{GOOD}\nPK701,PK70101,UC 2,idp,flood,5,4\n",
        "accept_clean",
    )
    row = services.held_row_discard(actor=user, row=HeldRow.objects.get(batch=batch))
    batch.refresh_from_db()
    assert (row.resolution, batch.held_rows, LocationAssessment.objects.count()) == ("discarded", 0, 1)


def test_round_not_draft_is_refused_with_409(make_user: Any, round_: Round) -> None:
    Round.objects.filter(pk=round_.pk).update(status="submitted")
    user = make_user("enumerator", "PK7")
    with pytest.raises(ApplicationError) as refused:
        _upload(user, round_, f"{HEADER}\n{GOOD}\n")
    assert refused.value.status == 409
    assert ImportBatch.objects.count() == 0


def test_enumerator_of_another_district_gets_every_row_held(
    make_user: Any, round_: Round, django_capture_on_commit_callbacks: Any
) -> None:
    user = make_user("enumerator", "PK703")
    batch = _run(django_capture_on_commit_callbacks, user, round_, f"{HEADER}\n{GOOD}\n", "accept_clean")
    assert _errors(batch) == [(2, "admin_pcode", "PK70101 is outside your areas.")]
    assert LocationAssessment.objects.count() == 0


def test_role_without_data_entry_is_forbidden(make_user: Any, round_: Round) -> None:
    user = make_user("partner-viewer", "PK7")
    with pytest.raises(ApplicationError) as refused:
        _upload(user, round_, f"{HEADER}\n{GOOD}\n")
    assert refused.value.status == 404  # the draft round is invisible to a published-only role
    assert ImportBatch.objects.count() == 0


def test_missing_required_column_is_422_naming_it(make_user: Any, round_: Round) -> None:
    user = make_user("enumerator", "PK7")
    with pytest.raises(ApplicationError) as refused:
        _upload(user, round_, "district_pcode,admin_pcode\nPK701,PK70101\n")
    assert refused.value.status == 422
    assert [e.field for e in refused.value.errors] == [
        "population_group", "displacement_reason", "households", "individuals"]  # fmt: skip
    assert ImportBatch.objects.count() == 0


def test_xlsx_template_has_dropdowns_for_the_actors_tehsils(make_user: Any, round_: Round) -> None:
    user = make_user("enumerator", "PK701")
    content = template_xlsx(registry.get(SPEC), user, {"round_id": round_.pk})
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Data", "Lists", "README"]
    assert book["Lists"].sheet_state == "hidden"
    data = book["Data"]
    header = [c.value for c in data[1]]
    assert header[:3] == ["level", "district_pcode", "admin_pcode"]
    formulas = {str(v.sqref).split(":")[0]: v.formula1 for v in data.data_validations.dataValidation}
    assert formulas["C2"] == "'Lists'!$C$2:$C$6"
    assert formulas["E2"] == "'Lists'!$E$2:$E$3"
    lists = book["Lists"]
    tehsils = [r[0] for r in lists.iter_rows(min_row=2, min_col=3, max_col=3, values_only=True) if r[0]]
    assert tehsils == ["PK70101", "PK70102", "PK70103", "PK70104", "PK70105"]
    assert data["B1"].comment is not None


def test_xlsx_upload_is_read(make_user: Any, round_: Round, django_capture_on_commit_callbacks: Any) -> None:
    user = make_user("enumerator", "PK7")
    book = load_workbook(io.BytesIO(template_xlsx(registry.get(SPEC), user, {"round_id": round_.pk})))
    sheet = book["Data"]
    header = [c.value for c in sheet[1]]
    values = {"district_pcode": "PK701", "admin_pcode": "PK70101", "population_group": "idp",
              "displacement_reason": "flood", "households": 4, "individuals": 20.0,
              "displaced_since": date(2022, 9, 2)}  # fmt: skip
    sheet.append([values.get(h) for h in header])
    buffer = io.BytesIO()
    book.save(buffer)
    with django_capture_on_commit_callbacks(execute=True):
        upload = tasks.batch_upload(actor=user, spec_name=SPEC, context={"round_id": round_.pk}, filename="t.xlsx",
                                    content=buffer.getvalue(), policy="reject_file")  # fmt: skip
    assert ImportBatch.objects.get(pk=upload.batch.pk).status == "done"
    row = LocationAssessment.objects.get()
    assert (row.individuals, row.displaced_since) == (20, date(2022, 9, 2))


def test_flow_counts(make_user: Any, django_capture_on_commit_callbacks: Any) -> None:
    from panah.accounts.models import Operation

    op = Operation.objects.create(code="returns", name="Afghan Returns", started_on=date(2023, 9, 1))
    flow_round = Round.objects.create(operation=op, number=1, kind="flow", period_start=date(2024, 1, 1),
                                      period_end=date(2024, 1, 31))  # fmt: skip
    user = make_user("enumerator", "PK")
    text = (
        "crossing,date,direction,documentation_status,return_type,men,women\n"
        "torkham,2024-01-02,out,undocumented,deported,120,30\n"
        "chaman,2024-02-02,out,por,spontaneous,1,1\n"
        "nowhere,2024-01-02,sideways,por,spontaneous,-1,1\n"
    )
    batch = _run(django_capture_on_commit_callbacks, user, flow_round, text, "accept_clean", spec="dtm.flow_count")
    assert _errors(batch) == [
        (3, "date", "Outside the round's period (2024-01-01 to 2024-01-31)."),
        (4, "crossing", "No crossing point nowhere in your areas."),
        (4, "direction", "sideways is not one of: in, out."),
        (4, "men", "Must be zero or more, not -1."),
    ]
    assert list(FlowCount.objects.values_list("crossing__code", "men", "women", "boys")) == [("torkham", 120, 30, 0)]
