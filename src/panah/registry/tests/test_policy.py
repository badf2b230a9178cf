"""Who sees and changes which households: by role, area and organisation; the query and the per-object check agree."""

from __future__ import annotations

from typing import Any

import pytest

from panah.core.permissions import Perm, can, visible_to
from panah.registry import policy, services
from panah.registry.models import Document, Household, Individual, Person
from panah.registry.tests.factories import household, member

pytestmark = pytest.mark.django_db

ROLES = ["admin", "registration", "enumerator", "cash", "im", "partner-viewer", "auditor", "dpo", "cfm", "caseworker"]
ACTIONS = [Perm.VIEW, Perm.CREATE, Perm.CHANGE, Perm.APPROVE, Perm.EXPORT, policy.VIEW_SENSITIVE]


@pytest.fixture
def households(make_user: Any, other_organisation: Any) -> dict[str, Household]:
    iom = make_user("registration", "PK")
    nrc = make_user("registration", "PK", org=other_organisation)
    solo = household(members=[member(documents=[])])
    return {
        "iom_kp": services.household_register(actor=iom, data=solo).household,
        "iom_kp_shared": services.household_register(
            actor=iom, data=household(members=[member(documents=[])], shared_with=["NRC"])
        ).household,
        "nrc_kp": services.household_register(actor=nrc, data=solo).household,
        "iom_sindh": services.household_register(
            actor=iom, data=household(area_pcode="PK70101", members=[member(documents=[])])
        ).household,
    }


@pytest.mark.parametrize(
    ("role", "org", "area", "seen"),
    [
        ("registration", "iom", "PK5", {"iom_kp", "iom_kp_shared", "nrc_kp"}),  # the mission sees all organisations
        ("registration", "nrc", "PK5", {"iom_kp_shared", "nrc_kp"}),  # a partner: its own and what is shared
        ("partner-viewer", "nrc", "PK", {"iom_kp_shared", "nrc_kp"}),
        ("im", "iom", "PK", {"iom_kp", "iom_kp_shared", "nrc_kp", "iom_sindh"}),
        ("auditor", "nrc", "PK7", {"iom_sindh"}),  # cross-organisation roles see every organisation in their areas
        ("registration", "iom", "PK7", {"iom_sindh"}),
        ("enumerator", "iom", "PK", set()),  # registers households, reads none
        ("cfm", "iom", "PK", set()),
    ],
)
def test_who_sees_which_household(make_user, other_organisation, households, role, org, area, seen):
    user = make_user(role, area, org=other_organisation if org == "nrc" else None)

    visible = set(visible_to(user, Household.objects.all()).values_list("pk", flat=True))

    assert visible == {households[name].pk for name in seen}


@pytest.mark.parametrize("action", ACTIONS)
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("org", ["iom", "nrc"])
def test_the_filter_and_the_object_check_agree(make_user, other_organisation, households, role, action, org):
    user = make_user(role, "PK5", org=other_organisation if org == "nrc" else None)
    q = policy.household_q(user, action)
    by_query = set(Household.objects.filter(q).values_list("pk", flat=True)) if q is not None else set()

    by_object = {hh.pk for hh in households.values() if policy.can_household(user, action, hh)}

    assert by_query == by_object


@pytest.mark.parametrize(
    ("role", "sensitive"),
    [("registration", True), ("cash", True), ("dpo", True), ("admin", True), ("im", False), ("partner-viewer", False),
     ("auditor", False)],
)  # fmt: skip
def test_sensitive_values_are_for_a_few_roles(make_user, households, role, sensitive):
    assert policy.may_see_sensitive(make_user(role, "PK"), households["iom_kp"]) is sensitive


def test_members_documents_and_golden_records_follow_their_household(make_user, other_organisation, households):
    partner = make_user("partner-viewer", "PK5", org=other_organisation)
    shared = households["iom_kp_shared"]
    hidden = households["iom_kp"]

    assert set(visible_to(partner, Individual.objects.all()).values_list("household_id", flat=True)) == {
        shared.pk, households["nrc_kp"].pk
    }  # fmt: skip
    assert can(partner, Perm.VIEW, shared.members.get())
    assert not can(partner, Perm.VIEW, hidden.members.get())
    assert not can(partner, Perm.VIEW, hidden.members.get().person)
    assert not visible_to(partner, Document.objects.all()).exists()  # these households hold no document
    assert visible_to(partner, Person.objects.filter(pk=hidden.members.get().person_id)).count() == 0


def test_creating_needs_a_role_and_an_area(make_user, area):
    assert policy.may_create(make_user("enumerator", "PK5"))
    assert not policy.may_create(make_user("im", "PK5"))
    assert policy.may_create_in(make_user("registration", "PK5"), area("PK50601"))
    assert not policy.may_create_in(make_user("registration", "PK7"), area("PK50601"))


def test_anonymous_and_inactive_users_see_nothing(make_user, households):
    from django.contrib.auth.models import AnonymousUser

    inactive = make_user("admin", "PK")
    inactive.is_active = False

    assert not visible_to(AnonymousUser(), Household.objects.all()).exists()
    assert not visible_to(inactive, Household.objects.all()).exists()
