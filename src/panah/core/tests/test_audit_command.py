from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from panah.core import audit
from panah.core.audit import Action
from panah.core.tests.tamper import audit_guard_lifted, raw_set_changes

pytestmark = pytest.mark.django_db


def test_intact_chain_prints_count_and_exits_zero(make_user):
    user = make_user("im")
    audit.record(actor=user, action=Action.CREATE, object_type="demo.thing", object_id="1")
    audit.record(actor=user, action=Action.UPDATE, object_type="demo.thing", object_id="1")
    expected = audit.verify().checked
    out = StringIO()

    call_command("audit_verify", stdout=out)  # returns normally: exit code 0

    assert f"Checked {expected} audit events." in out.getvalue()
    assert "intact" in out.getvalue()


def test_tampered_chain_prints_each_problem_and_exits_one(make_user):
    user = make_user("im")
    first = audit.record(
        actor=user, action=Action.CREATE, object_type="demo.thing", object_id="1", changes={"a": [1, 2]}
    )
    second = audit.record(
        actor=user, action=Action.UPDATE, object_type="demo.thing", object_id="1", changes={"a": [2, 3]}
    )
    with audit_guard_lifted():
        raw_set_changes(first.pk, '{"a": [1, 5]}')
        raw_set_changes(second.pk, '{"a": [5, 3]}')
    out = StringIO()

    with pytest.raises(CommandError, match="2 problem") as raised:
        call_command("audit_verify", stdout=out)

    assert raised.value.returncode == 1
    assert f"event {first.pk}: content does not match its hash (altered)" in out.getvalue()
    assert f"event {second.pk}: content does not match its hash (altered)" in out.getvalue()


def test_command_writes_nothing_to_the_trail(make_user):
    audit.record(actor=make_user("im"), action=Action.CREATE, object_type="demo.thing", object_id="1")
    before = audit.verify().checked

    call_command("audit_verify", stdout=StringIO())

    assert audit.verify().checked == before
