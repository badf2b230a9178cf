"""Pulling registrations from KoboToolbox: the real client against the fake KPI v2 server of the intake tests, with
the registration form's records as KPI gives them (the repeat as a list of dicts keyed by full path)."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import TestCase

from panah.intake.kobo.services import kobo_pull
from panah.intake.models import HeldRow, KoboSource, Submission
from panah.intake.tests.test_kobo import TOKEN, UID, FakeKpi, kpi  # noqa: F401 (kpi: the fixture)
from panah.registry import models as m

pytestmark = pytest.mark.django_db


def _record(n: int, time: str, consent: str = "yes", cnic: str = "") -> dict[str, Any]:
    members = [
        {"members/relationship": "head", "members/given_name": f"Yousaf {n}", "members/father_relation": "s/o",
         "members/father_name": "Gul Khan", "members/sex": "m", "members/date_of_birth": "1980-01-01",
         "members/birth_estimated": "yes", "members/document_type": "cnic",
         "members/document_number": cnic or f"17301-{n:07d}-1", "members/document_photo": f"cnic-{n}.jpg",
         "members/wg_walking": "2"},
        {"members/relationship": "spouse", "members/given_name": f"Khadija {n}", "members/sex": "f",
         "members/age": "40", "members/pregnant_lactating": "yes"},
    ]  # fmt: skip
    record = {
        "_id": n, "_uuid": f"kobo-hh-{n}", "_submission_time": time, "_xform_id_string": UID, "__version__": "v1",
        "_submitted_by": "enum1", "_status": "submitted_via_web", "_tags": [], "_notes": [],
        "_attachments": [{"filename": f"enum1/attachments/cnic-{n}.jpg", "mimetype": "image/jpeg"}],
        "formhub/uuid": "f0", "meta/instanceID": f"uuid:kobo-hh-{n}", "consent": consent,
    }  # fmt: skip
    if consent == "yes":
        record.update({
            "household/consent_purpose": "registration_for_assistance", "household/consent_date": "2026-01-10",
            "household/consent_recorded_by": "Team 3", "household/consent_signature": f"sig-{n}.png",
            "household/area_pcode": "PK50601", "household/status": "idp", "household/phone": "0301-2345678",
            "members": members,
        })  # fmt: skip
    return record


def _source(url: str, user: Any) -> KoboSource:
    return KoboSource.objects.create(name="Registration KP", server_url=url, asset_uid=UID, token=TOKEN,
                                     spec_name="registry.household_form", context={}, created_by=user)  # fmt: skip


def _pull(user: Any, source: KoboSource) -> Any:
    with TestCase.captureOnCommitCallbacks(execute=True):
        return kobo_pull(actor=user, source=source)


def test_pull_registers_each_record_as_a_household_of_its_repeat_members_once(kpi: str, make_user: Any) -> None:  # noqa: F811
    # given a Kobo form with two registrations
    FakeKpi.records = [_record(1, "2026-01-10T08:00:00"), _record(2, "2026-01-10T09:00:00")]
    user = make_user("enumerator", "PK5")
    source = _source(kpi, user)
    # when it is pulled
    result = _pull(user, source)
    # then each record is one household in the registry, its members from the repeat
    assert (result.error, result.fetched, result.new) == ("", 2, 2)
    households = list(m.Household.objects.order_by("source_ref"))
    assert [(h.source, h.source_ref, h.state) for h in households] == [
        ("kobo", "uuid:kobo-hh-1", "active"), ("kobo", "uuid:kobo-hh-2", "active")]  # fmt: skip
    assert [i.given_name for i in households[0].members.order_by("line_number")] == ["Yousaf 1", "Khadija 1"]
    assert households[0].members.get(line_number=1).vulnerabilities == '{"wg": {"walking": 2}}'
    assert m.Document.objects.get(individual__household=households[0]).attachment == "cnic-1.jpg"
    submissions = dict(Submission.objects.values_list("instance_id", "row_number"))
    assert submissions == {"uuid:kobo-hh-1": 2, "uuid:kobo-hh-2": 4}  # each points at its first row
    assert set(Submission.objects.values_list("status", flat=True)) == {"imported"}
    # when a third record arrives and the form is pulled again
    FakeKpi.records.append(_record(3, "2026-01-11T07:00:00"))
    again = _pull(user, source)
    # then only the new record is fetched (the bookmark) and registered; nothing twice
    assert (again.fetched, again.new) == (1, 1)
    assert (m.Household.objects.count(), m.Individual.objects.count()) == (3, 6)
    assert any('"$gt": "2026-01-10T09:00:00"' in p or "%24gt" in p for p in FakeKpi.seen)


def test_a_refused_record_and_an_invalid_household_are_not_registered(kpi: str, make_user: Any) -> None:  # noqa: F811
    FakeKpi.records = [_record(1, "2026-01-10T08:00:00", consent="no"),
                       _record(2, "2026-01-10T09:00:00", cnic="97301-0000002-1")]  # fmt: skip
    user = make_user("enumerator", "PK5")
    result = _pull(user, _source(kpi, user))
    assert (result.error, result.fetched) == ("", 2)
    assert not m.Household.objects.exists()
    assert dict(Submission.objects.values_list("instance_id", "status")) == {
        "uuid:kobo-hh-1": "rejected", "uuid:kobo-hh-2": "held"}  # fmt: skip
    assert [r.row_number for r in HeldRow.objects.order_by("row_number")] == [2, 3]
    assert "document_number" in {e["column"] for e in HeldRow.objects.get(row_number=2).errors}
