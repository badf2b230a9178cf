"""The OpenRosa server, driven exactly as ODK Collect drives it: Basic auth, X-OpenRosa-Version, multipart."""

from __future__ import annotations

import base64
import hashlib
from datetime import date
from typing import Any
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import include, path

import config.urls
from panah.core.models import AuditEvent
from panah.dtm.models import LocationAssessment, Round
from panah.intake.models import HeldRow, ImportBatch, Submission

urlpatterns = [*config.urls.urlpatterns, path("openrosa/", include("panah.intake.openrosa.urls"))]
pytestmark = pytest.mark.urls(__name__)

PASSWORD = "correct horse battery staple"
LIST_NS = "{http://openrosa.org/xforms/xformsList}"
RESPONSE_NS = "{http://openrosa.org/http/response}"
FORM_IDS = ["dtm_flow_count", "dtm_flow_survey", "dtm_location_assessment", "dtm_site_assessment", "registry_household"]
VERSIONS = {"registry_household": "2026110101"}


@pytest.fixture
def round_(db: Any) -> Round:
    from panah.accounts.models import Operation

    op = Operation.objects.create(code="floods-2022", name="2022 Floods Response", started_on=date(2022, 8, 1))
    return Round.objects.create(operation=op, number=1, period_start=date(2022, 9, 1), period_end=date(2022, 9, 30))


def _basic(username: str, secret: str = PASSWORD) -> dict[str, str]:
    encoded = base64.b64encode(f"{username}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {encoded}", "HTTP_X_OPENROSA_VERSION": "1.0"}


def _xml(
    round_id: int, instance: str = "uuid:6f1c2a9e-0001", individuals: str = "50", admin: str = "PK70101",
    deprecated: str = "",
) -> bytes:  # fmt: skip
    edit = f"<deprecatedID>{deprecated}</deprecatedID>" if deprecated else ""
    return f"""<?xml version='1.0' ?><data id="dtm_location_assessment" version="2025060101"
 xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms"><round_id>{round_id}</round_id>
<location><level>LA</level><district_pcode>PK701</district_pcode><admin_pcode>{admin}</admin_pcode>
<location_name>UC Badin 1</location_name></location><population><population_group>idp</population_group>
<displacement_reason>flood</displacement_reason><origin_pcode/><households>10</households>
<individuals>{individuals}</individuals><males>20</males><females>30</females><children/><adults/><elderly/>
</population><displaced_since>2022-09-02</displaced_since><shelter_type>host_family</shelter_type>
<priority_needs>food water</priority_needs><meta><instanceID>{instance}</instanceID>{edit}
<instanceName>PK70101 idp flood</instanceName></meta></data>""".encode()


def _post(client: Any, user: Any, xml: bytes, *extra: Any, secret: str = PASSWORD) -> Any:
    data = {"xml_submission_file": SimpleUploadedFile("submission.xml", xml, content_type="text/xml")}
    for upload in extra:
        data[upload.name] = upload
    # The batch is processed by a task queued on commit; the test's transaction never commits, so run it here.
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/openrosa/submission", data, **_basic(user.username, secret))


def _message(response: Any) -> tuple[str, str]:
    element = ElementTree.fromstring(response.content).find(f"{RESPONSE_NS}message")  # noqa: S314
    assert element is not None
    return element.get("nature", ""), element.text or ""


def test_form_list_names_every_form_with_the_hash_of_the_served_xml(client: Any, make_user: Any) -> None:
    # given an enumerator
    user = make_user("enumerator", "PK7")
    # when Collect asks for the form list
    response = client.get("/openrosa/formList", **_basic(user.username))
    # then it is the OpenRosa XML, and each hash is the MD5 of the XML the download URL serves
    assert response.status_code == 200
    assert response["X-OpenRosa-Version"] == "1.0"
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    forms = ElementTree.fromstring(response.content).findall(f"{LIST_NS}xform")  # noqa: S314
    assert [f.findtext(f"{LIST_NS}formID") for f in forms] == FORM_IDS
    for form in forms:
        url = form.findtext(f"{LIST_NS}downloadUrl") or ""
        assert url == f"http://testserver/openrosa/forms/{form.findtext(f'{LIST_NS}formID')}.xml"
        served = client.get(url.removeprefix("http://testserver"), **_basic(user.username)).content
        assert form.findtext(f"{LIST_NS}hash") == "md5:" + hashlib.md5(served).hexdigest()  # noqa: S324
        assert form.findtext(f"{LIST_NS}version") == VERSIONS.get(form.findtext(f"{LIST_NS}formID") or "", "2025060101")
        assert form.find(f"{LIST_NS}manifestUrl") is None
    assert forms[2].findtext(f"{LIST_NS}name") == "DTM location assessment"


def test_form_download_is_an_xform_with_an_instance_id(client: Any, make_user: Any) -> None:
    user = make_user("enumerator", "PK7")
    response = client.get("/openrosa/forms/dtm_location_assessment.xml", **_basic(user.username))
    assert response.status_code == 200
    root = ElementTree.fromstring(response.content)  # noqa: S314
    data = root.find(".//{http://www.w3.org/2002/xforms}instance/{http://www.w3.org/2002/xforms}data")
    assert data is not None
    assert data.get("id") == "dtm_location_assessment"
    assert data.find("{http://www.w3.org/2002/xforms}meta/{http://www.w3.org/2002/xforms}instanceID") is not None
    bind = root.find(".//{http://www.w3.org/2002/xforms}bind[@nodeset='/data/meta/instanceID']")
    assert bind is not None
    assert bind.get("{http://openrosa.org/javarosa}preload") == "uid"


def test_head_submission_is_204_with_openrosa_headers(client: Any, make_user: Any) -> None:
    user = make_user("enumerator", "PK7")
    response = client.head("/openrosa/submission", **_basic(user.username))
    assert response.status_code == 204
    assert response["X-OpenRosa-Version"] == "1.0"
    assert response["X-OpenRosa-Accept-Content-Length"] == str(10 * 1024 * 1024)
    assert response["Date"]


@pytest.mark.parametrize("url", ["/openrosa/formList", "/openrosa/forms/dtm_flow_count.xml", "/openrosa/submission"])
def test_unauthenticated_is_challenged_with_basic(client: Any, url: str) -> None:
    response = client.head(url) if url.endswith("submission") else client.get(url)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Basic realm="Panah", charset="UTF-8"'


def test_wrong_password_is_401_and_stores_nothing(client: Any, make_user: Any, round_: Round) -> None:
    user = make_user("enumerator", "PK7")
    response = _post(client, user, _xml(round_.pk), secret="wrong")
    assert response.status_code == 401
    assert Submission.objects.count() == 0


def test_valid_submission_creates_one_assessment_and_a_resubmission_changes_nothing(
    client: Any, make_user: Any, round_: Round
) -> None:
    # given an enumerator of Sindh with an API token, and a photo attached
    from panah.accounts.services import token_create

    user = make_user("enumerator", "PK7")
    token = token_create(actor=user, name="phone").secret
    photo = SimpleUploadedFile("site.jpg", b"\xff\xd8jpeg", content_type="image/jpeg")
    # when Collect posts the instance
    response = _post(client, user, _xml(round_.pk), photo, secret=token)
    # then it is received, imported as one assessment and the XML kept (encrypted) with its attachment
    assert response.status_code == 201, response.content
    assert response["X-OpenRosa-Version"] == "1.0"
    assert _message(response) == ("submit_success", "Thank you: the submission was received.")
    row = LocationAssessment.objects.get()
    assert (row.round_id, row.admin_area.pcode, row.households, row.individuals, row.males, row.females) == (
        round_.pk, "PK70101", 10, 50, 20, 30)  # fmt: skip
    assert row.priority_needs == ["food", "water"]
    submission = Submission.objects.get()
    assert (submission.status, submission.form_id, submission.instance_id) == (
        "imported", "dtm_location_assessment", "uuid:6f1c2a9e-0001")  # fmt: skip
    assert submission.payload == _xml(round_.pk).decode()
    assert [a["filename"] for a in submission.attachments] == ["site.jpg"]
    assert submission.batch is not None
    assert submission.batch.original_filename == "uuid:6f1c2a9e-0001.csv"
    assert row.import_batch_id == submission.batch_id
    # when the same instance is posted again
    again = _post(client, user, _xml(round_.pk), secret=token)
    # then 202, and still one record
    assert again.status_code == 202
    assert _message(again)[0] == "submit_success"
    assert (LocationAssessment.objects.count(), Submission.objects.count(), ImportBatch.objects.count()) == (1, 1, 1)


def test_same_instance_id_with_different_xml_is_409(client: Any, make_user: Any, round_: Round) -> None:
    user = make_user("enumerator", "PK7")
    assert _post(client, user, _xml(round_.pk)).status_code == 201
    response = _post(client, user, _xml(round_.pk, individuals="60"))
    assert response.status_code == 409
    assert _message(response)[1] == (
        "A different submission with this instanceID was received before; it was not replaced."
    )
    assert LocationAssessment.objects.get().individuals == 50


def test_invalid_values_become_a_held_row(client: Any, make_user: Any, round_: Round) -> None:
    user = make_user("enumerator", "PK7")
    response = _post(client, user, _xml(round_.pk, individuals="5"))
    assert response.status_code == 201
    assert LocationAssessment.objects.count() == 0
    held = HeldRow.objects.get()
    assert held.errors == [
        {"column": "individuals", "message": "Fewer individuals (5) than households (10)."},
        {"column": "males", "message": "males + females add up to 50, not to individuals (5)."},
    ]
    assert held.values["individuals"] == "5"
    assert held.values["priority_needs"] == "food;water"
    assert Submission.objects.get().status == "held"


def test_a_row_outside_the_enumerators_areas_is_held(client: Any, make_user: Any, round_: Round) -> None:
    # An enumerator of Punjab may enter data in this operation, but not for a tehsil of Sindh: the row is held
    # (as in a file upload), so a supervisor sees it; a user without any data-entry role is refused outright.
    user = make_user("enumerator", "PK6")
    assert _post(client, user, _xml(round_.pk)).status_code == 201
    assert LocationAssessment.objects.count() == 0
    assert HeldRow.objects.get().errors == [{"column": "admin_pcode", "message": "PK70101 is outside your areas."}]


def test_a_role_without_data_entry_is_refused_and_nothing_is_stored(client: Any, make_user: Any, round_: Round) -> None:
    user = make_user("viewer", "PK7")
    response = _post(client, user, _xml(round_.pk))
    assert response.status_code in (403, 404)
    assert (Submission.objects.count(), ImportBatch.objects.count()) == (0, 0)


def test_a_round_that_is_not_a_draft_refuses_the_submission(client: Any, make_user: Any, round_: Round) -> None:
    user = make_user("enumerator", "PK7")
    Round.objects.filter(pk=round_.pk).update(status="submitted")
    response = _post(client, user, _xml(round_.pk))
    assert response.status_code == 409
    assert _message(response) == (
        "",
        "Round 1 is submitted for approval: its data cannot change. Correct a published round to change its figures.",
    )
    assert (Submission.objects.count(), ImportBatch.objects.count(), LocationAssessment.objects.count()) == (0, 0, 0)


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<data id='dtm_location_assessment'><round_id>1", "The submission is not well-formed XML"),
        (b"<!DOCTYPE x [<!ENTITY a 'b'>]><data id='x'/>", "The submission may not declare a DTD or entities."),
        (
            b"<data id='dtm_location_assessment'><round_id>1</round_id></data>",
            "The submission has no usable meta/instanceID.",
        ),
    ],
)
def test_malformed_xml_is_400_naming_the_part(
    client: Any, make_user: Any, round_: Round, body: bytes, message: str
) -> None:
    user = make_user("enumerator", "PK7")
    response = _post(client, user, body)
    assert response.status_code == 400
    assert _message(response)[1].startswith(f"xml_submission_file: {message}")
    assert Submission.objects.count() == 0


def test_missing_xml_part_is_400(client: Any, make_user: Any) -> None:
    user = make_user("enumerator", "PK7")
    response = client.post(
        "/openrosa/submission", {"other": SimpleUploadedFile("a.txt", b"x")}, **_basic(user.username)
    )
    assert response.status_code == 400
    assert _message(response)[1] == "The request has no xml_submission_file part."


def test_missing_round_is_400_naming_round_id(client: Any, make_user: Any) -> None:
    user = make_user("enumerator", "PK7")
    response = _post(client, user, _xml(0).replace(b"<round_id>0</round_id>", b"<round_id/>"))
    assert response.status_code == 400
    assert _message(response)[1] == "round_id: A valid round_id is required."


# --- Edits (meta/deprecatedID) ----------------------------------------------------------------------------------


def test_an_edit_replaces_the_earlier_row_while_the_round_is_a_draft(
    client: Any, make_user: Any, round_: Round
) -> None:
    # given an imported submission
    user = make_user("enumerator", "PK7")
    assert _post(client, user, _xml(round_.pk)).status_code == 201
    first = LocationAssessment.objects.get()
    # when an edit of it arrives with other values
    edit = _xml(round_.pk, instance="uuid:6f1c2a9e-0002", individuals="60", deprecated="uuid:6f1c2a9e-0001")
    response = _post(client, user, edit.replace(b"<males>20</males>", b"<males>30</males>"))
    # then the earlier row is gone and the edit's row is imported in its place
    assert response.status_code == 201, response.content
    row = LocationAssessment.objects.get()
    assert row.pk != first.pk
    assert (row.individuals, row.males) == (60, 30)
    statuses = dict(Submission.objects.values_list("instance_id", "status"))
    assert statuses == {"uuid:6f1c2a9e-0001": "replaced", "uuid:6f1c2a9e-0002": "imported"}
    assert row.import_batch_id == Submission.objects.get(instance_id="uuid:6f1c2a9e-0002").batch_id
    events = AuditEvent.objects.filter(object_type__in=["intake.submission", "intake.importbatch"])
    replaced = events.get(metadata__replaced_by="uuid:6f1c2a9e-0002")
    assert replaced.metadata == {"status": "replaced", "replaced_by": "uuid:6f1c2a9e-0002"}
    assert events.get(metadata__replaces="uuid:6f1c2a9e-0001").metadata["instance"] == "uuid:6f1c2a9e-0002"
    assert events.get(metadata__replaced_by_edit=True).metadata["deleted_rows"] == 1


def test_an_edit_of_a_submitted_round_is_refused_and_nothing_changes(
    client: Any, make_user: Any, round_: Round
) -> None:
    user = make_user("enumerator", "PK7")
    assert _post(client, user, _xml(round_.pk)).status_code == 201
    Round.objects.filter(pk=round_.pk).update(status="submitted")
    edit = _xml(round_.pk, instance="uuid:6f1c2a9e-0002", individuals="60", deprecated="uuid:6f1c2a9e-0001")
    response = _post(client, user, edit)
    assert response.status_code == 409
    assert _message(response) == (
        "",
        "The edit was not applied: the submission it replaces is in a round that is no longer a draft. Round 1 is "
        "submitted for approval: its data cannot change. Correct a published round to change its figures.",
    )
    assert LocationAssessment.objects.get().individuals == 50
    assert list(Submission.objects.values_list("instance_id", "status")) == [("uuid:6f1c2a9e-0001", "imported")]
    assert ImportBatch.objects.count() == 1


def test_an_edit_that_would_be_held_is_refused_and_the_earlier_row_stays(
    client: Any, make_user: Any, round_: Round
) -> None:
    user = make_user("enumerator", "PK7")
    assert _post(client, user, _xml(round_.pk)).status_code == 201
    edit = _xml(round_.pk, instance="uuid:6f1c2a9e-0002", individuals="5", deprecated="uuid:6f1c2a9e-0001")
    response = _post(client, user, edit)
    assert response.status_code == 400
    assert _message(response)[1] == (
        "The edit was not applied, the earlier version stays: individuals: Fewer individuals (5) than households "
        "(10).; males: males + females add up to 50, not to individuals (5)."
    )
    assert LocationAssessment.objects.get().individuals == 50
    assert (Submission.objects.get().status, ImportBatch.objects.count(), HeldRow.objects.count()) == ("imported", 1, 0)


def test_an_edit_of_an_edit_already_replaced_is_409(client: Any, make_user: Any, round_: Round) -> None:
    user = make_user("enumerator", "PK7")
    assert _post(client, user, _xml(round_.pk)).status_code == 201
    edit = _xml(round_.pk, instance="uuid:6f1c2a9e-0002", individuals="60", deprecated="uuid:6f1c2a9e-0001")
    assert _post(client, user, edit.replace(b"<males>20</males>", b"<males>30</males>")).status_code == 201
    again = _xml(round_.pk, instance="uuid:6f1c2a9e-0003", individuals="70", deprecated="uuid:6f1c2a9e-0001")
    response = _post(client, user, again)
    assert response.status_code == 409
    assert _message(response)[1] == (
        "The submission this edit replaces was already replaced by another edit; edit that one."
    )
    assert (LocationAssessment.objects.get().individuals, Submission.objects.count()) == (60, 2)


# --- Flow monitoring interviews -----------------------------------------------------------------------------------

PHONE = "0300-1234567"


@pytest.fixture
def flow_round(db: Any) -> Round:
    from panah.accounts.models import Operation

    op = Operation.objects.create(code="returns", name="Afghan Returns", started_on=date(2023, 9, 1))
    return Round.objects.create(operation=op, number=1, kind="flow", period_start=date(2024, 1, 1),
                                period_end=date(2024, 1, 28))  # fmt: skip


def _survey(round_id: int, instance: str = "uuid:5e0c-0001", consent: str = "yes", age: str = "34",
            deprecated: str = "") -> bytes:  # fmt: skip
    edit = f"<deprecatedID>{deprecated}</deprecatedID>" if deprecated else ""
    answers = (
        f"""<crossing>torkham</crossing><interviewed_on>2024-01-05</interviewed_on>
<respondent_id>{PHONE}</respondent_id><sex>f</sex><age>{age}</age><documentation_status>por</documentation_status>
<return_type>deported</return_type><intended_destination>Nangarhar</intended_destination>
<reasons>fear_of_arrest economic</reasons><needs>food shelter</needs>"""
        if consent == "yes"
        else "<crossing/><interviewed_on/><respondent_id/><sex/><age/><documentation_status/><return_type/>"
        "<intended_destination/><reasons/><needs/>"
    )
    return f"""<?xml version='1.0' ?><data id="dtm_flow_survey" version="2025060101"
 xmlns:jr="http://openrosa.org/javarosa" xmlns:orx="http://openrosa.org/xforms"><round_id>{round_id}</round_id>
<consent>{consent}</consent><interview>{answers}</interview><meta><instanceID>{instance}</instanceID>{edit}
</meta></data>""".encode()


def _raw(sql: str) -> list[Any]:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [value for row in cursor.fetchall() for value in row]


def test_a_survey_is_imported_and_the_respondents_number_is_stored_nowhere(
    client: Any, make_user: Any, flow_round: Round
) -> None:
    from panah.core.fields import blind_index
    from panah.dtm.models import FlowSurvey

    # given an enumerator at Torkham (Khyber Pakhtunkhwa)
    user = make_user("enumerator", "PK5")
    # when Collect posts an interview
    response = _post(client, user, _survey(flow_round.pk))
    # then the interview is imported with the keyed hash of the number
    assert response.status_code == 201, response.content
    row = FlowSurvey.objects.get()
    assert (row.crossing.code, row.sex, row.age, row.intended_destination) == ("torkham", "f", 34, "Nangarhar")
    assert (row.reasons, row.needs) == (["fear_of_arrest", "economic"], ["food", "shelter"])
    assert row.respondent_key == blind_index("923001234567", purpose="flow-survey-respondent")
    # and the number is in no stored form: not the raw (encrypted) column, not the decrypted XML, not the batch
    submission = Submission.objects.get()
    assert submission.status == "imported"
    assert "<respondent_id/>" in submission.payload
    assert PHONE not in submission.payload
    assert "1234567" not in submission.payload
    raw_payload = _raw("SELECT payload FROM intake_submission")
    assert len(raw_payload) == 1
    assert "1234567" not in str(raw_payload[0])
    assert "torkham" not in str(raw_payload[0])
    assert submission.sha256 != hashlib.sha256(_survey(flow_round.pk)).hexdigest()
    batch = ImportBatch.objects.get()
    assert (batch.status, bytes(batch.content)) == ("done", b"")
    assert not any("1234567" in str(e.metadata) for e in AuditEvent.objects.all())


def test_a_held_survey_keeps_a_marker_not_the_number(client: Any, make_user: Any, flow_round: Round) -> None:
    user = make_user("enumerator", "PK5")
    response = _post(client, user, _survey(flow_round.pk, age="130"))
    assert response.status_code == 201
    held = HeldRow.objects.get()
    assert held.values["respondent_id"] == "[withheld: re-enter]"
    assert "1234567" not in str(held.values)
    assert "1234567" not in str(held.errors)
    assert Submission.objects.get().status == "held"


def test_a_refused_interview_is_recorded_and_not_imported(client: Any, make_user: Any, flow_round: Round) -> None:
    from panah.dtm.models import FlowSurvey

    user = make_user("enumerator", "PK5")
    response = _post(client, user, _survey(flow_round.pk, consent="no"))
    assert response.status_code == 201
    assert _message(response) == (
        "submit_success", "Recorded as a refused interview (no consent): nothing was imported."
    )  # fmt: skip
    submission = Submission.objects.get()
    assert (submission.status, submission.batch_id) == ("rejected", None)
    assert (FlowSurvey.objects.count(), ImportBatch.objects.count(), HeldRow.objects.count()) == (0, 0, 0)
    assert AuditEvent.objects.get(object_type="intake.submission").metadata["consent"] == "refused"


def test_an_edit_to_refused_consent_takes_the_interview_back(client: Any, make_user: Any, flow_round: Round) -> None:
    from panah.dtm.models import FlowSurvey

    user = make_user("enumerator", "PK5")
    assert _post(client, user, _survey(flow_round.pk)).status_code == 201
    edit = _survey(flow_round.pk, instance="uuid:5e0c-0002", consent="no", deprecated="uuid:5e0c-0001")
    assert _post(client, user, edit).status_code == 201
    assert FlowSurvey.objects.count() == 0
    statuses = dict(Submission.objects.values_list("instance_id", "status"))
    assert statuses == {"uuid:5e0c-0001": "replaced", "uuid:5e0c-0002": "rejected"}


def test_a_survey_edit_replaces_the_interview_without_flagging_a_repeat(
    client: Any, make_user: Any, flow_round: Round
) -> None:
    from panah.dtm.models import FlowSurvey

    user = make_user("enumerator", "PK5")
    assert _post(client, user, _survey(flow_round.pk)).status_code == 201
    edit = _survey(flow_round.pk, instance="uuid:5e0c-0002", age="35", deprecated="uuid:5e0c-0001")
    assert _post(client, user, edit).status_code == 201
    row = FlowSurvey.objects.get()
    assert (row.age, row.is_repeat) == (35, False)
    assert all(PHONE not in s.payload for s in Submission.objects.all())
