"""Who may do what with tickets, written out by hand from policy.py's docstring (not derived from its tables)."""

from __future__ import annotations

from typing import Any

import pytest

from panah.core.permissions import Perm, can, visible_to
from panah.core.roles import Role
from panah.feedback import policy
from panah.feedback.models import Category, Ticket
from panah.feedback.tests.factories import submit

pytestmark = pytest.mark.django_db

ALL_ROLES = [r.value for r in Role]
READERS = {"admin", "cfm", "auditor", "dpo"}  # read unsealed tickets
HANDLERS = {"admin", "cfm"}  # change, approve and export them
REPORTERS = {"admin", "cfm", "im", "auditor", "psea"}  # trend pages and aggregate exports


@pytest.fixture
def tickets(make_user: Any) -> tuple[Ticket, Ticket]:
    operator = make_user("cfm", "PK5")
    return submit(operator).ticket, submit(operator, screening="yes").ticket


def _expected_unsealed(role: str, action: str) -> bool:
    return {Perm.VIEW: role in READERS, Perm.CHANGE: role in HANDLERS, Perm.APPROVE: role in HANDLERS}[action]


@pytest.mark.parametrize("action", [Perm.VIEW, Perm.CHANGE, Perm.APPROVE])
@pytest.mark.parametrize("role", ALL_ROLES)
def test_each_role_on_an_unsealed_and_a_sealed_ticket(make_user, tickets, role, action):
    unsealed, sealed = tickets
    user = make_user(role, "PK5")

    assert can(user, action, unsealed) is _expected_unsealed(role, action)
    assert can(user, action, sealed) is (role == "psea" and action in {Perm.VIEW, Perm.CHANGE})
    assert list(visible_to(user, Ticket.objects.all(), action)) == (
        [unsealed] if _expected_unsealed(role, action) else []
    ) + ([sealed] if role == "psea" and action != Perm.APPROVE else [])


@pytest.mark.parametrize("role", ALL_ROLES)
def test_every_role_may_record_a_ticket(make_user, role):
    assert can(make_user(role, "PK5"), Perm.CREATE, Ticket) is True


@pytest.mark.parametrize("role", ALL_ROLES)
def test_sections_of_the_site_open_by_role(make_user, role):
    user = make_user(role, "PK5")

    assert can(user, Perm.VIEW, Ticket) is (role in READERS)
    assert can(user, policy.VIEW_SEALED, Ticket) is (role == "psea")
    assert policy.may_report(user) is (role in REPORTERS)


def test_an_administrator_with_every_other_role_still_cannot_see_a_sealed_ticket(make_user, tickets):
    _unsealed, sealed = tickets
    everything_but_psea = make_user([r for r in ALL_ROLES if r != "psea"], "PK")

    assert can(everything_but_psea, Perm.VIEW, sealed) is False
    assert can(everything_but_psea, policy.VIEW_SEALED, Ticket) is False
    assert sealed not in visible_to(everything_but_psea, Ticket.objects.all())


def test_a_handler_sees_only_tickets_in_their_areas(make_user, tickets):
    unsealed, sealed = tickets
    sindh_cfm, sindh_psea = make_user("cfm", "PK7"), make_user("psea", "PK7")

    assert can(sindh_cfm, Perm.VIEW, unsealed) is False
    assert can(sindh_psea, Perm.VIEW, sealed) is False


def test_partner_staff_see_their_own_organisations_tickets_mission_staff_all(make_user, other_organisation):
    partner_cfm = make_user("cfm", "PK5", org=other_organisation)
    mission_cfm = make_user("cfm", "PK5")
    partners = submit(partner_cfm).ticket
    missions = submit(mission_cfm).ticket

    assert list(visible_to(partner_cfm, Ticket.objects.order_by("pk"))) == [partners]
    assert list(visible_to(mission_cfm, Ticket.objects.order_by("pk"))) == [partners, missions]


def test_cross_organisation_roles_see_partner_tickets(make_user, other_organisation):
    partner_ticket = submit(make_user("cfm", "PK5", org=other_organisation)).ticket
    auditor = make_user("auditor", "PK", org=other_organisation)
    dpo_elsewhere = make_user("dpo", "PK")

    assert can(auditor, Perm.VIEW, partner_ticket) is True
    assert can(dpo_elsewhere, Perm.VIEW, partner_ticket) is True


@pytest.mark.parametrize("role", ALL_ROLES)
def test_taxonomy_is_read_by_every_member_and_changed_by_administrators(make_user, role):
    user = make_user(role, "PK5")
    category = Category.objects.get(code="info")

    assert can(user, Perm.VIEW, category) is True
    assert can(user, Perm.CHANGE, category) is (role == "admin")
