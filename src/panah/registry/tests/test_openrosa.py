"""The registration form over OpenRosa, as ODK Collect sends it: the instance is the compiled XForm's own instance
template, filled in (one repeat instance per member), posted multipart with Basic auth after a HEAD."""

from __future__ import annotations

import base64
import copy
from typing import Any
from xml.etree import ElementTree

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import include, path

import config.urls
from panah.intake.models import HeldRow, Submission
from panah.registry import models as m

urlpatterns = [*config.urls.urlpatterns, path("openrosa/", include("panah.intake.openrosa.urls"))]
pytestmark = [pytest.mark.urls(__name__), pytest.mark.django_db]

XF = "{http://www.w3.org/2002/xforms}"
JR = "http://openrosa.org/javarosa"
LIST_NS = "{http://openrosa.org/xforms/xformsList}"
RESPONSE_NS = "{http://openrosa.org/http/response}"
INSTANCE = "uuid:3c1f6a52-9f0e-4b7e-8a51-000000000001"
HOUSEHOLD = {"consent_purpose": "registration_for_assistance", "consent_date": "2026-01-10",
             "consent_recorded_by": "Team 3", "consent_signature": "signature-1.png", "area_pcode": "PK50601",
             "status": "idp", "phone": "0301-2345678", "address": "Mohallah Sardaryab"}  # fmt: skip
MEMBERS = [
    {"relationship": "head", "given_name": "Muhammad Yousaf", "father_relation": "s/o", "father_name": "Gul Khan",
     "family_name": "Khan", "sex": "m", "date_of_birth": "1980-01-01", "birth_estimated": "yes",
     "document_type": "cnic", "document_number": "17301-1234567-1", "document_photo": "cnic-1.jpg",
     "wg_seeing": "1", "wg_walking": "3", "chronic_illness": "yes"},
    {"relationship": "spouse", "given_name": "Khadija", "father_relation": "w/o", "father_name": "Muhammad Yousaf",
     "sex": "f", "age": "40", "pregnant_lactating": "yes"},
    {"relationship": "child", "given_name": "Ahmad", "sex": "m", "age": "9", "separated_child": "no"},
]  # fmt: skip


def _basic(user: Any, secret: str) -> dict[str, str]:
    encoded = base64.b64encode(f"{user.username}:{secret}".encode()).decode()
    return {"HTTP_AUTHORIZATION": f"Basic {encoded}", "HTTP_X_OPENROSA_VERSION": "1.0"}


def _token(user: Any) -> str:
    from panah.accounts.services import token_create

    return token_create(actor=user, name="phone").secret


def _form_xml(client: Any, auth: dict[str, str]) -> bytes:
    """The form as Collect finds and downloads it: formList, then the downloadUrl."""
    listing = ElementTree.fromstring(client.get("/openrosa/formList", **auth).content)  # noqa: S314
    entry = next(
        f for f in listing.findall(f"{LIST_NS}xform") if f.findtext(f"{LIST_NS}formID") == "registry_household"
    )
    url = (entry.findtext(f"{LIST_NS}downloadUrl") or "").removeprefix("http://testserver")
    response = client.get(url, **auth)
    assert response.status_code == 200
    return bytes(response.content)


def _strip(element: ElementTree.Element) -> None:
    # Collect writes the instance without the XForms namespace on its elements.
    for node in element.iter():
        node.tag = node.tag.rsplit("}", 1)[-1]


def fill(
    form_xml: bytes,
    *,
    consent: str = "yes",
    household: dict[str, str] | None = None,
    members: list[dict[str, str]] | None = None,
    instance_id: str = INSTANCE,
    deprecated: str = "",
) -> bytes:
    """An instance of the compiled form: its primary instance with answers set, one repeat copy per member."""
    root = ElementTree.fromstring(form_xml)  # noqa: S314
    template = root.find(f".//{XF}instance/{XF}data")
    assert template is not None
    data = copy.deepcopy(template)
    _strip(data)
    for element in data.iter():
        if element.text == "today":  # a default Collect would have replaced with the date
            element.text = ""
    data.find("consent").text = consent  # type: ignore[union-attr]
    for name, value in (household or HOUSEHOLD).items() if consent == "yes" else ():
        node = data.find(f"household/{name}")
        assert node is not None, name
        node.text = value
    blank = next(e for e in data.findall("members") if e.get(f"{{{JR}}}template") is None)
    for e in data.findall("members"):
        data.remove(e)
    meta = data.find("meta")
    assert meta is not None
    position = list(data).index(meta)
    for offset, answers in enumerate((members if members is not None else MEMBERS) if consent == "yes" else []):
        copy_ = copy.deepcopy(blank)
        for name, value in answers.items():
            node = copy_.find(name)
            assert node is not None, name
            node.text = value
        data.insert(position + offset, copy_)
    meta.find("instanceID").text = instance_id  # type: ignore[union-attr]
    if deprecated:
        ElementTree.SubElement(meta, "deprecatedID").text = deprecated
    data.set("xmlns:jr", JR)
    data.set("xmlns:orx", "http://openrosa.org/xforms")
    return b"<?xml version='1.0' ?>" + ElementTree.tostring(data, encoding="utf-8", xml_declaration=False)


def _post(client: Any, auth: dict[str, str], xml: bytes, *files: SimpleUploadedFile) -> Any:
    assert client.head("/openrosa/submission", **auth).status_code == 204
    data: dict[str, Any] = {"xml_submission_file": SimpleUploadedFile("submission.xml", xml, content_type="text/xml")}
    data.update({f.name: f for f in files})
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post("/openrosa/submission", data, **auth)


def _photos() -> list[SimpleUploadedFile]:
    return [SimpleUploadedFile("cnic-1.jpg", b"\xff\xd8cnic", content_type="image/jpeg"),
            SimpleUploadedFile("signature-1.png", b"\x89PNGsig", content_type="image/png")]  # fmt: skip


def _message(response: Any) -> tuple[int, str]:
    element = ElementTree.fromstring(response.content).find(f"{RESPONSE_NS}message")  # noqa: S314
    return response.status_code, (element.text or "") if element is not None else ""


def test_a_submission_creates_a_household_and_posting_it_again_creates_no_other(client: Any, make_user: Any) -> None:
    # given an enumerator of Khyber Pakhtunkhwa whose phone holds an API token, and the form as Collect got it
    user = make_user("enumerator", "PK5")
    auth = _basic(user, _token(user))
    xml = fill(_form_xml(client, auth))
    # when Collect sends a registration of three with the document photo and the signature
    response = _post(client, auth, xml, *_photos())
    # then one household is in the registry (active: field registrations wait for no reviewer)
    assert response.status_code == 201, response.content
    assert response["X-OpenRosa-Version"] == "1.0"
    household = m.Household.objects.get()
    assert (household.state, household.source, household.source_ref, household.organisation) == (
        "active", "openrosa", INSTANCE, user.organisation)  # fmt: skip
    assert (household.area.pcode, household.status, household.phones, household.address) == (
        "PK50601", "idp", "+923012345678", "Mohallah Sardaryab")  # fmt: skip
    assert household.consent_purpose == "registration_for_assistance"
    members = list(household.members.order_by("line_number"))
    assert [(i.given_name, i.relationship, i.sex, i.age) for i in members] == [
        ("Muhammad Yousaf", "head", "m", None), ("Khadija", "spouse", "f", 40), ("Ahmad", "child", "m", 9)]  # fmt: skip
    assert members[0].vulnerabilities == '{"chronic_illness": true, "wg": {"seeing": 1, "walking": 3}}'
    # and the document photo is linked by the file name its answer names; both files are stored with the submission
    document = m.Document.objects.get()
    assert (document.individual_id, document.number, document.attachment) == (members[0].pk, "1730112345671",
                                                                               "cnic-1.jpg")  # fmt: skip
    submission = Submission.objects.get()
    assert submission.status == "imported"
    assert sorted(a["filename"] for a in submission.attachments) == ["cnic-1.jpg", "signature-1.png"]
    # when the phone sends the same instance again (it never saw the answer)
    again = _post(client, auth, xml, *_photos())
    # then it is acknowledged, and nothing new is created
    assert _message(again) == (202, "This submission was already received.")
    assert (m.Household.objects.count(), m.Individual.objects.count(), Submission.objects.count()) == (1, 3, 1)


def test_refused_consent_imports_nothing(client: Any, make_user: Any) -> None:
    user = make_user("enumerator", "PK5")
    auth = _basic(user, _token(user))
    response = _post(client, auth, fill(_form_xml(client, auth), consent="no"))
    assert _message(response) == (201, "Recorded as a refused interview (no consent): nothing was imported.")
    assert Submission.objects.get().status == "rejected"
    assert not m.Household.objects.exists()
    assert not m.Person.objects.exists()


def test_an_invalid_household_is_held_whole_naming_each_column(client: Any, make_user: Any) -> None:
    user = make_user("enumerator", "PK5")
    auth = _basic(user, _token(user))
    members = [MEMBERS[0], {**MEMBERS[1], "relationship": "head"}, {**MEMBERS[2], "age": "130"}]
    response = _post(client, auth, fill(_form_xml(client, auth), members=members))
    assert response.status_code == 201
    assert not m.Household.objects.exists()
    held = {r.row_number: r.errors for r in HeldRow.objects.order_by("row_number")}
    assert sorted(held) == [2, 3, 4]
    assert {"column": "relationship", "message": "Exactly one member is the head of household."} in held[2]
    assert {"column": "age", "message": "The age must be between 0 and 120."} in held[4]
    assert Submission.objects.get().status == "held"


def test_a_registration_without_members_is_held_not_an_error(client: Any, make_user: Any) -> None:
    user = make_user("enumerator", "PK5")
    auth = _basic(user, _token(user))
    response = _post(client, auth, fill(_form_xml(client, auth), members=[]))
    assert response.status_code == 201
    assert {e["column"] for e in HeldRow.objects.get().errors} >= {"relationship", "given_name", "sex"}
    assert not m.Household.objects.exists()


def test_an_edit_of_a_registration_is_refused_and_the_household_stays(client: Any, make_user: Any) -> None:
    user = make_user("enumerator", "PK5")
    auth = _basic(user, _token(user))
    form = _form_xml(client, auth)
    assert _post(client, auth, fill(form), *_photos()).status_code == 201
    edit = fill(form, instance_id="uuid:3c1f6a52-edit", deprecated=INSTANCE,
                members=[{**MEMBERS[0], "given_name": "Yousaf"}])  # fmt: skip
    response = _post(client, auth, edit)
    assert _message(response) == (409, "Edits of this form are not accepted: correct the record in Panah instead.")
    assert list(m.Individual.objects.values_list("given_name", flat=True)) == ["Muhammad Yousaf", "Khadija", "Ahmad"]
    assert Submission.objects.count() == 1


def test_a_user_who_may_not_register_is_refused_and_nothing_is_stored(client: Any, make_user: Any) -> None:
    user = make_user(["viewer", "enumerator"], "PK7")  # may register in Sindh only
    viewer = make_user("viewer", "PK5")
    auth = _basic(viewer, _token(viewer))
    response = _post(client, auth, fill(_form_xml(client, _basic(user, _token(user)))))
    assert response.status_code == 403
    assert (Submission.objects.count(), m.Household.objects.count()) == (0, 0)


def test_malformed_xml_is_400_naming_the_part(client: Any, make_user: Any) -> None:
    user = make_user("enumerator", "PK5")
    auth = _basic(user, _token(user))
    response = _post(client, auth, b"<data id='registry_household'><members><given_name>x")
    assert response.status_code == 400
    assert _message(response)[1].startswith("xml_submission_file: The submission is not well-formed XML")
