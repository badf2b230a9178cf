from __future__ import annotations

import pytest

from panah.core.errors import ApplicationError
from panah.core.models import AuditEvent
from panah.registry import services
from panah.registry.models import Document, Household, Individual, Person
from panah.registry.tests.factories import household, member

pytestmark = pytest.mark.django_db


def test_register_creates_household_members_golden_records_documents_and_audit(make_user):
    officer = make_user("registration", "PK5")

    registered = services.household_register(actor=officer, data=household())

    hh = registered.household
    assert hh.state == "active"
    assert hh.organisation == officer.organisation
    assert hh.area.pcode == "PK50601"
    assert hh.phones == "+923012345678"
    members = list(hh.members.order_by("line_number"))
    assert [m.given_name for m in members] == ["Muhammad Yousaf", "Khadija", "Ahmad"]
    assert len({m.person_id for m in members}) == 3
    doc = Document.objects.get(individual=members[0])
    assert doc.number == "1730112345671"
    assert doc.number_index == services.document_index("cnic", "1730112345671")
    assert AuditEvent.objects.filter(action="create", object_id=str(hh.pk)).count() == 1


def test_register_refuses_and_names_each_bad_field_storing_nothing(make_user):
    officer = make_user("registration", "PK5")
    bad = household(
        members=[member(documents=[services.inputs.DocumentInput("cnic", "97301-1234567-1")]),
                 member(given_name="", relationship="head")]
    )  # fmt: skip

    with pytest.raises(ApplicationError) as error:
        services.household_register(actor=officer, data=bad)

    fields = {e.field for e in error.value.errors}
    assert {"members", "members[0].documents[0].number", "members[1].given_name"} <= fields
    assert Household.objects.count() == Individual.objects.count() == Person.objects.count() == 0


def test_register_outside_the_actors_areas_looks_like_an_unknown_tehsil(make_user):
    officer = make_user("registration", "PK7")  # Sindh only

    with pytest.raises(ApplicationError) as error:
        services.household_register(actor=officer, data=household())

    assert error.value.status == 422
    assert [e.field for e in error.value.errors] == ["area_pcode"]
    assert not Household.objects.exists()


def test_same_source_ref_twice_is_one_household(make_user):
    officer = make_user("enumerator", "PK5")

    first = services.household_register(actor=officer, data=household(), source="openrosa", source_ref="uuid:1")
    again = services.household_register(actor=officer, data=household(), source="openrosa", source_ref="uuid:1")

    assert again.created is False
    assert again.household.pk == first.household.pk
    assert Household.objects.count() == 1


def test_cnic_sex_digit_mismatch_is_a_warning_not_an_error(make_user):
    officer = make_user("registration", "PK5")
    data = household(members=[member(documents=[services.inputs.DocumentInput("cnic", "17301-1234567-2")])])

    registered = services.household_register(actor=officer, data=data)

    assert [w.field for w in registered.warnings] == ["members[0].documents[0].number"]


def test_a_clash_of_random_ids_draws_again(make_user, monkeypatch):
    from panah.registry import models

    officer = make_user("registration", "PK5")
    first = services.household_register(actor=officer, data=household()).household
    drawn = iter([first.registration_id, "HNEWID00001"])
    monkeypatch.setattr(models, "new_public_id", lambda prefix: next(drawn) if prefix == "H" else _person_id())

    second = services.household_register(actor=officer, data=household(members=[member(documents=[])])).household

    assert second.registration_id == "HNEWID00001"
    assert Household.objects.count() == 2


def _person_id() -> str:
    import secrets

    return "P" + secrets.token_hex(5).upper()
