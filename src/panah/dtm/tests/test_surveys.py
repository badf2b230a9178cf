"""Flow monitoring surveys: the import (hashing, withheld numbers, repeat screening) and the round summary."""

from __future__ import annotations

import io
import json
from datetime import date
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string

from panah.core.errors import ApplicationError
from panah.core.fields import blind_index
from panah.core.permissions import forget_grants
from panah.dtm.importers_survey import (
    PROVINCES,
    SPEC_NAME,
    WITHHELD,
    province,
    register_survey_importer,
    respondent_key,
)
from panah.dtm.models import FlowSurvey, Round
from panah.dtm.surveys import NeedScore, Share, survey_summary
from panah.geo.models import BorderCrossing
from panah.intake import services, tasks
from panah.intake.models import HeldRow, ImportBatch

HEADER = (
    "crossing,interviewed_on,respondent_id,sex,age,documentation_status,return_type,intended_destination,reasons,needs"
)
PHONE = "0300-1234567"
KEY = blind_index("923001234567", purpose="flow-survey-respondent")


@pytest.fixture(autouse=True)
def _importer() -> None:
    register_survey_importer()


@pytest.fixture
def operation(db: Any) -> Any:
    from panah.accounts.models import Operation

    return Operation.objects.create(code="returns", name="Afghan Returns", started_on=date(2023, 9, 1))


def _round(operation: Any, number: int = 1, status: str = "draft", kind: str = "flow") -> Round:
    start = date(2024, number, 1)
    return Round.objects.create(operation=operation, number=number, kind=kind, status=status, period_start=start,
                                period_end=start.replace(day=28))  # fmt: skip


def _run(capture: Any, actor: Any, round_: Round, text: str, policy: str = "accept_clean") -> ImportBatch:
    with capture(execute=True):
        upload = tasks.batch_upload(actor=actor, spec_name=SPEC_NAME, context={"round_id": round_.pk},
                                    filename="interviews.csv", content=text.encode(), policy=policy)  # fmt: skip
    return ImportBatch.objects.get(pk=upload.batch.pk)


def _errors(batch: ImportBatch) -> list[tuple[int, str, str]]:
    return [(r.row_number, e["column"], e["message"]) for r in batch.held.order_by("row_number") for e in r.errors]


def _interview(round_: Round, key: str, day: int = 2, crossing: str = "torkham", **kw: Any) -> FlowSurvey:
    values: dict[str, Any] = {
        "sex": "m", "age": 30, "documentation_status": "undocumented", "return_type": "deported",
        "intended_destination": "Nangarhar", "reasons": ["fear_of_arrest"], "needs": ["food"], **kw,
    }  # fmt: skip
    return FlowSurvey.objects.create(round=round_, crossing=BorderCrossing.objects.get(code=crossing),
                                     interviewed_on=round_.period_start.replace(day=day), respondent_key=key,
                                     **values)  # fmt: skip


# --- Import ---------------------------------------------------------------------------------------------------


def test_clean_file_imports_interviews_with_hashed_respondents(
    make_user: Any, operation: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given an enumerator and two interviews, one with a Pakistani mobile, one with a PoR card number
    user = make_user("enumerator", "PK")
    round_ = _round(operation)
    text = (f"{HEADER}\n"
            f"Torkham,2024-01-03,{PHONE},male,34,undocumented,deported,Paktia,fear_of_arrest;debt,shelter;food\n"
            "chaman,2024-01-04,POR-000-98765,f,,por,spontaneous,kandahar,documents_expired,\n")  # fmt: skip
    # when the file is imported
    batch = _run(django_capture_on_commit_callbacks, user, round_, text)
    # then both are stored with canonical values and only the keyed hash of the number
    assert (batch.status, batch.imported_rows, batch.held_rows) == ("done", 2, 0)
    rows = FlowSurvey.objects.order_by("interviewed_on").values_list(
        "crossing__code", "interviewed_on", "respondent_key", "sex", "age", "documentation_status", "return_type",
        "intended_destination", "reasons", "needs", "is_repeat")  # fmt: skip
    assert list(rows) == [
        ("torkham", date(2024, 1, 3), KEY, "m", 34, "undocumented", "deported", "Paktya", ["fear_of_arrest", "debt"],
         ["shelter", "food"], False),
        ("chaman", date(2024, 1, 4), blind_index("por00098765", purpose="flow-survey-respondent"), "f", None, "por",
         "spontaneous", "Kandahar", ["documents_expired"], [], False),
    ]  # fmt: skip


def test_held_row_keeps_a_marker_not_the_number_and_asks_for_it_again(
    make_user: Any, operation: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given an interview with an impossible age
    user = make_user("enumerator", "PK")
    round_ = _round(operation)
    text = f"{HEADER}\ntorkham,2024-01-03,{PHONE},m,130,acc,deported,Kabul,harassment,cash\n"
    # when it is imported, clean rows accepted
    batch = _run(django_capture_on_commit_callbacks, user, round_, text)
    # then the row is held without the number, and the report says to enter it again
    assert _errors(batch) == [
        (2, "age", "Must be between 0 and 120."),
        (2, "respondent_id", "Not kept for privacy: enter it again when correcting."),
    ]
    held = HeldRow.objects.get(batch=batch)
    assert held.values["respondent_id"] == WITHHELD
    assert "1234567" not in json.dumps(held.values) + json.dumps(held.errors)
    assert FlowSurvey.objects.count() == 0
    # when corrected without re-entering the number: still held, and still without it
    values = {**held.values, "age": "30"}
    assert services.held_row_correct(actor=user, row=held, values=values) == [
        {"column": "respondent_id", "message": "Not kept for privacy: enter the number again."}
    ]
    held.refresh_from_db()
    assert (held.values["respondent_id"], held.resolution, FlowSurvey.objects.count()) == (WITHHELD, "", 0)
    # when corrected with the number: imported under its key, and the held row keeps the marker only
    assert services.held_row_correct(actor=user, row=held, values={**values, "respondent_id": PHONE}) == []
    held.refresh_from_db()
    assert (held.values["respondent_id"], held.resolution) == (WITHHELD, "imported")
    assert list(FlowSurvey.objects.values_list("respondent_key", "age", "is_repeat")) == [(KEY, 30, False)]


@pytest.mark.parametrize(
    ("cells", "column", "message"),
    [
        ("torkham,2024-01-03,n/a,m,30,acc,deported,Kabul,debt,", "respondent_id",
         "Not a document or phone number (too few digits)."),
        ("torkham,2024-01-03,,m,30,acc,deported,Kabul,debt,", "respondent_id", "Required."),
        ("torkham,2024-02-03,12345678,m,30,acc,deported,Kabul,debt,", "interviewed_on",
         "Outside the round's period (2024-01-01 to 2024-01-28)."),
        ("torkham,2024-01-03,12345678,x,30,acc,deported,Kabul,debt,", "sex", "Write m or f, not x."),
        ("torkham,2024-01-03,12345678,m,-1,acc,deported,Kabul,debt,", "age", "Must be zero or more, not -1."),
        ("torkham,2024-01-03,12345678,m,30,acc,deported,Peshawar,debt,", "intended_destination",
         "Peshawar is not a province of Afghanistan."),
        ("torkham,2024-01-03,12345678,m,30,acc,deported,Kabul,,", "reasons", "Give at least one reason."),
        ("torkham,2024-01-03,12345678,m,30,acc,deported,Kabul,boredom,", "reasons", "boredom is not a known code."),
        ("torkham,2024-01-03,12345678,m,30,acc,deported,Kabul,debt,food;wifi", "needs", "wifi is not a known code."),
        ("nowhere,2024-01-03,12345678,m,30,acc,deported,Kabul,debt,", "crossing",
         "No crossing point nowhere in your areas."),
    ],
)  # fmt: skip
def test_each_rule_names_column_and_problem(
    cells: str, column: str, message: str, make_user: Any, operation: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a file with one faulty interview
    user = make_user("enumerator", "PK")
    round_ = _round(operation)
    # when it is imported
    batch = _run(django_capture_on_commit_callbacks, user, round_, f"{HEADER}\n{cells}\n")
    # then the row is held with that one problem (and the reminder when a number was given), nothing stored
    expected = [(2, column, message)]
    if column not in ("respondent_id",):
        expected.append((2, "respondent_id", "Not kept for privacy: enter it again when correcting."))
    assert _errors(batch) == expected
    assert FlowSurvey.objects.count() == 0


def test_crossing_outside_the_enumerators_areas_is_held(
    make_user: Any, operation: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given an enumerator of Sindh only; Torkham is in Khyber Pakhtunkhwa
    user = make_user("enumerator", "PK7")
    round_ = _round(operation)
    text = f"{HEADER}\ntorkham,2024-01-03,12345678,m,30,acc,deported,Kabul,debt,\n"
    # when the interview is imported, then it is held and nothing is written
    batch = _run(django_capture_on_commit_callbacks, user, round_, text)
    assert _errors(batch)[0] == (2, "crossing", "No crossing point torkham in your areas.")
    assert FlowSurvey.objects.count() == 0


def test_repeat_respondents_are_flagged_against_earlier_rounds_and_earlier_rows(
    make_user: Any, operation: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given a respondent interviewed in round 1 of this operation, and another one in a different operation
    from panah.accounts.models import Operation

    user = make_user("enumerator", "PK")
    first, second = _round(operation, 1, "published"), _round(operation, 2)
    _interview(first, KEY)
    other = Operation.objects.create(code="other", name="Other", started_on=date(2023, 1, 1))
    _interview(_round(other, 1), blind_index("93701234567", purpose="flow-survey-respondent"))
    text = (
        f"{HEADER}\n"
        f"torkham,2024-02-03,+92 300 1234567,m,30,acc,deported,Kabul,debt,\n"  # seen in round 1
        "torkham,2024-02-03,0701234567,m,30,acc,deported,Kabul,debt,\n"  # seen in another operation only
        "chaman,2024-02-05,0701234567,m,30,acc,deported,Kabul,debt,\n"  # earlier in this file
        "torkham,2024-02-03,070-123-4567,m,30,acc,deported,Kabul,debt,\n"
    )  # the same interview again
    # when round 2's file is imported
    batch = _run(django_capture_on_commit_callbacks, user, second, text)
    # then repeats are stored but flagged, and the interview entered twice is held
    assert _errors(batch) == [(5, "row", "Duplicate of row 3.")]
    rows = FlowSurvey.objects.filter(round=second).order_by("interviewed_on", "crossing__code", "pk")
    assert [(r.crossing.code, r.interviewed_on.day, r.is_repeat) for r in rows] == [
        ("torkham", 3, True), ("torkham", 3, False), ("chaman", 5, True)]  # fmt: skip
    # and the held duplicate keeps no number either
    assert HeldRow.objects.get(batch=batch).values["respondent_id"] == WITHHELD


def test_same_file_again_changes_nothing_and_a_stored_interview_is_not_doubled(
    make_user: Any, operation: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # given an imported interview
    user = make_user("enumerator", "PK")
    round_ = _round(operation)
    text = f"{HEADER}\ntorkham,2024-01-03,{PHONE},m,30,acc,deported,Kabul,debt,\n"
    first = _run(django_capture_on_commit_callbacks, user, round_, text)
    # when the same file is uploaded again, then it is the same batch and nothing changes
    assert _run(django_capture_on_commit_callbacks, user, round_, text).pk == first.pk
    # when a different file repeats the interview, then it is held as already recorded
    again = _run(
        django_capture_on_commit_callbacks,
        user,
        round_,
        text + "chaman,2024-01-09,7654321,f,,acc,deported,Kabul,debt,\n",
    )
    assert _errors(again) == [
        (2, "row", "Already recorded in this round."),
        (2, "respondent_id", "Not kept for privacy: enter it again when correcting."),
    ]
    assert list(FlowSurvey.objects.order_by("interviewed_on").values_list("respondent_key", "is_repeat")) == [
        (KEY, False), (blind_index("7654321", purpose="flow-survey-respondent"), False)]  # fmt: skip


@pytest.mark.parametrize(
    ("roles", "kind", "status", "code"),
    [("partner-viewer", "flow", "draft", "not_found"), ("im", "mobility", "draft", "invalid"),
     ("enumerator", "flow", "published", "conflict")],
)  # fmt: skip
def test_refused_imports_store_nothing(
    roles: str, kind: str, status: str, code: str, make_user: Any, operation: Any
) -> None:
    # given a round the user may not import interviews into
    round_ = _round(operation, kind=kind, status=status)
    text = f"{HEADER}\ntorkham,2024-01-03,{PHONE},m,30,acc,deported,Kabul,debt,\n".encode()
    # when the upload is tried, then it is refused and nothing is staged
    with pytest.raises(ApplicationError) as refused:
        tasks.batch_upload(actor=make_user(roles, "PK"), spec_name=SPEC_NAME, context={"round_id": round_.pk},
                           filename="x.csv", content=text, policy="accept_clean")  # fmt: skip
    assert refused.value.code == code
    assert (ImportBatch.objects.count(), FlowSurvey.objects.count()) == (0, 0)


def test_provinces_and_respondent_numbers_are_normalised() -> None:
    # the 34 provinces, each spelling found whatever the case and punctuation
    assert len(PROVINCES) == 34
    spellings = ["Paktia", "PAKTYA", "  paktiya ", "sar-e pol", "Sari Pul", "Maidan Wardak", "Qandahar", "Konar"]
    assert [province(s) for s in spellings] == [
        "Paktya", "Paktya", "Paktya", "Sar-e-Pul", "Sar-e-Pul", "Wardak", "Kandahar", "Kunar"]  # fmt: skip
    assert province("Peshawar") is None
    # one phone number however it is written; placeholders are no number at all
    assert {respondent_key(v) for v in ["0300-1234567", "+92 300 1234567", "0092 300 1234567", "923001234567"]} == {
        KEY}  # fmt: skip
    assert [respondent_key(v) for v in ["0", "n/a", "none", "12-34", "1" * 41]] == [None] * 5


# --- Summary --------------------------------------------------------------------------------------------------


def _summary_round(operation: Any) -> Round:
    round_ = _round(operation, status="published")
    _interview(round_, "a" * 64, reasons=["fear_of_arrest", "debt"], needs=["food", "shelter", "cash", "health"],
               intended_destination="Kabul", documentation_status="por", return_type="spontaneous")  # fmt: skip
    _interview(round_, "b" * 64, reasons=["fear_of_arrest"], needs=["shelter", "food"], crossing="chaman",
               intended_destination="Kandahar")  # fmt: skip
    _interview(round_, "c" * 64, reasons=["economic"], needs=["shelter"], intended_destination="Kabul")
    _interview(
        round_, "d" * 64, reasons=["fear_of_arrest"], needs=[], intended_destination="Helmand", crossing="chaman"
    )
    # a repeat: left out of every share
    _interview(
        round_, "a" * 64, day=9, reasons=["other"], needs=["education"], intended_destination="Herat", is_repeat=True
    )
    return round_


def test_summary_counts_shares_and_rank_weighted_needs(make_user: Any, operation: Any) -> None:
    # given four interviews and one repeat in a round
    round_ = _summary_round(operation)
    # when an IM officer reads the summary
    summary = survey_summary(actor=make_user("im", "PK"), round=round_)
    # then repeats are counted and left out
    assert (summary.round_id, summary.interviews, summary.repeats, summary.analysed) == (round_.pk, 5, 1, 4)
    assert [(s.code, s.count, s.share, s.percent) for s in summary.reasons] == [
        ("fear_of_arrest", 3, 0.75, 75), ("economic", 1, 0.25, 25), ("debt", 1, 0.25, 25),
        ("harassment", 0, 0.0, 0), ("documents_expired", 0, 0.0, 0), ("family", 0, 0.0, 0),
        ("other", 0, 0.0, 0)]  # fmt: skip
    assert summary.reasons[0].label == "Fear of arrest or deportation"
    assert summary.destinations == [Share("Kabul", "Kabul", 2, 4), Share("Helmand", "Helmand", 1, 4),
                                    Share("Kandahar", "Kandahar", 1, 4)]  # fmt: skip
    # shelter 2+3+3=8, food 3+2=5, cash 1 (health is fourth: no points); 14 points in all
    assert summary.needs == [NeedScore("shelter", "Shelter", 8, 14, 2), NeedScore("food", "Food", 5, 14, 1),
                             NeedScore("cash", "Cash", 1, 14, 0)]  # fmt: skip
    assert [n.percent for n in summary.needs] == [57, 36, 7]
    assert [(s.code, s.count) for s in summary.documentation] == [
        ("undocumented", 3), ("por", 1), ("acc", 0), ("tazkira_passport", 0)]  # fmt: skip
    assert [(s.code, s.count) for s in summary.return_types] == [("deported", 3), ("spontaneous", 1), ("assisted", 0)]


def test_summary_top_limits_destinations_and_needs(make_user: Any, operation: Any) -> None:
    round_ = _summary_round(operation)
    summary = survey_summary(actor=make_user("im", "PK"), round=round_.pk, top=1)
    assert ([d.code for d in summary.destinations], [n.code for n in summary.needs]) == (["Kabul"], ["shelter"])


@pytest.mark.parametrize(
    ("roles", "area", "status", "interviews"),
    [("partner-viewer", "PK", "published", 5), ("partner-viewer", "PK5", "published", 3),
     ("enumerator", "PK5", "draft", 3), ("auditor", "PK", "draft", 5)],
)  # fmt: skip
def test_summary_is_scoped_to_the_actors_areas(
    roles: str, area: str, status: str, interviews: int, make_user: Any, operation: Any
) -> None:
    # given interviews at Torkham (Khyber Pakhtunkhwa, PK5) and Chaman (Balochistan)
    round_ = _summary_round(operation)
    Round.objects.filter(pk=round_.pk).update(status=status)
    # when the user reads the summary, then it counts only what they may see
    assert survey_summary(actor=make_user(roles, area), round=round_).interviews == interviews


@pytest.mark.parametrize(("roles", "status"), [(None, "published"), ("partner-viewer", "draft"), ("im", "draft")])
def test_summary_of_a_round_out_of_reach_is_not_found(
    roles: str | None, status: str, make_user: Any, operation: Any, other_organisation: Any
) -> None:
    round_ = _summary_round(operation)
    Round.objects.filter(pk=round_.pk).update(status=status)
    if roles is None:
        actor: Any = AnonymousUser()
    elif roles == "im":
        from panah.accounts.models import Operation

        actor = make_user("im", "PK")
        other = Operation.objects.create(code="floods", name="Floods", started_on=date(2022, 8, 1))
        actor.role_assignments.update(operation=other)
        forget_grants(actor)
    else:
        actor = make_user(roles, "PK")
    with pytest.raises(ApplicationError) as refused:
        survey_summary(actor=actor, round=round_)
    assert refused.value.code == "not_found"


def test_card_renders_the_summary_without_respondent_keys(make_user: Any, operation: Any) -> None:
    # given a summary
    round_ = _summary_round(operation)
    summary = survey_summary(actor=make_user("im", "PK"), round=round_)
    # when the card is rendered
    html = render_to_string("dtm/_survey_summary.html", {"survey_summary": summary})
    # then it shows the counts, shares and the weighting, and no key
    assert "4 interviews analysed out of 5: 1 repeat respondents screened out." in " ".join(html.split())
    assert '<th scope="row">Fear of arrest or deportation</th><td style="text-align: end">3</td>' in html
    assert '<meter min="0" max="100" value="57" style="inline-size: 8rem"></meter> 57%' in html
    assert "first need scores 3 points" in html
    for key in FlowSurvey.objects.values_list("respondent_key", flat=True):
        assert f">{key}<" not in html


def test_template_offers_the_users_crossings_and_the_provinces(make_user: Any, operation: Any) -> None:
    from openpyxl import load_workbook

    from panah.intake import registry
    from panah.intake.template_files import template_xlsx

    # given an enumerator of Khyber Pakhtunkhwa
    round_ = _round(operation)
    content = template_xlsx(registry.get(SPEC_NAME), make_user("enumerator", "PK5"), {"round_id": round_.pk})
    # when the template is read, then its header is the spec's and its lists hold their crossings and 34 provinces
    book = load_workbook(io.BytesIO(content))
    assert [c.value for c in book["Data"][1]] == HEADER.split(",")
    lists = {col[0].value: [c.value for c in col[1:] if c.value] for col in book["Lists"].iter_cols() if col[0].value}
    kp = ["angoor_adda", "arandu", "ghulam_khan", "kharlachi", "nawa_pass", "torkham"]
    assert (lists["crossing"], len(lists["intended_destination"]), lists["sex"]) == (kp, 34, ["m", "f"])
