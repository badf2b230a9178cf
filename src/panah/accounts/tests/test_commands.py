from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from panah.accounts import services
from panah.accounts.models import ApiToken, RoleAssignment
from panah.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_create_api_token_prints_a_working_token(make_user):
    user = make_user("im", username="imo")
    out = StringIO()

    call_command("create_api_token", "imo", "--name", "kobo pull", stdout=out)

    token = out.getvalue().strip()
    assert services.token_authenticate(token) == user
    assert ApiToken.objects.get(user=user).name == "kobo pull"


def test_create_api_token_for_unknown_user_fails_cleanly(db):
    with pytest.raises(CommandError, match="no active user named 'ghost'"):
        call_command("create_api_token", "ghost")


def test_grant_role_sets_up_first_administrator(make_user):
    make_user(username="first-admin")

    call_command("grant_role", "first-admin", "admin", "PK", stdout=StringIO())

    assignment = RoleAssignment.objects.get(user__username="first-admin")
    assert (assignment.role, assignment.area.pcode, assignment.granted_by) == ("admin", "PK", None)
    assert AuditEvent.objects.filter(action="permission.grant", object_id=str(assignment.pk)).count() == 1


def test_grant_role_with_unknown_area_changes_nothing(make_user):
    make_user(username="someone")

    with pytest.raises(CommandError, match="PK999"):
        call_command("grant_role", "someone", "im", "PK999")

    assert not RoleAssignment.objects.filter(user__username="someone").exists()
