from __future__ import annotations

from datetime import date, datetime
from unittest.mock import patch
from zoneinfo import ZoneInfo

import pytest

from panah.core import audit
from panah.core.audit import Action
from panah.core.audit_selectors import EventFilters, event_actions, event_export, event_get, event_list
from panah.core.errors import ApplicationError
from panah.core.models import AuditEvent

pytestmark = pytest.mark.django_db
PKT = ZoneInfo("Asia/Karachi")


def _at(when: datetime, **kwargs) -> AuditEvent:
    with patch("django.utils.timezone.now", return_value=when):
        return audit.record(**kwargs)


@pytest.fixture
def trail(make_user):
    """Three events in early March 2025 (Pakistan time), by two users."""
    sara, omar = make_user("im", username="sara"), make_user("im", username="omar")
    return {
        "create": _at(
            datetime(2025, 3, 1, 10, 0, tzinfo=PKT),
            actor=sara,
            action=Action.CREATE,
            object_type="demo.thing",
            object_id="1",
        ),
        "update": _at(
            datetime(2025, 3, 2, 23, 30, tzinfo=PKT),
            actor=omar,
            action=Action.UPDATE,
            object_type="demo.thing",
            object_id="1",
            changes={"name": ["a", "b"]},
        ),
        "late": _at(
            datetime(2025, 3, 3, 0, 30, tzinfo=PKT),
            actor=sara,
            action=Action.UPDATE,
            object_type="demo.other",
            object_id="2",
        ),
    }


def _ids(qs) -> list[int]:
    return list(qs.values_list("id", flat=True))


def test_auditor_sees_all_newest_first(make_user, trail):
    auditor = make_user("auditor")

    ids = _ids(event_list(actor=auditor, since=date(2025, 3, 1), until=date(2025, 3, 3)))

    assert ids == [trail["late"].pk, trail["update"].pk, trail["create"].pk]


@pytest.mark.parametrize("role", ["im", "enumerator", None])
def test_other_roles_see_nothing(make_user, trail, role):
    user = make_user(role)

    assert _ids(event_list(actor=user)) == []
    with pytest.raises(ApplicationError) as raised:
        event_get(actor=user, id=trail["create"].pk)
    assert raised.value.status == 404
    assert event_actions(actor=user) == []


def test_expired_auditor_sees_nothing(make_user, trail):
    from datetime import timedelta

    expired = make_user("auditor", expires_in=timedelta(seconds=-1))

    assert _ids(event_list(actor=expired)) == []


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"action": Action.UPDATE}, ["late", "update"]),
        ({"actor_username": "SARA"}, ["late", "create"]),
        ({"object_type": "demo.thing"}, ["update", "create"]),
        ({"object_type": "demo.thing", "object_id": "1", "action": Action.CREATE}, ["create"]),
        # A date bound covers the whole day in Pakistan time: 23:30 on the 2nd is in, 00:30 on the 3rd is out.
        ({"since": date(2025, 3, 2), "until": date(2025, 3, 2)}, ["update"]),
        (
            {"since": datetime(2025, 3, 2, 23, 30, tzinfo=PKT), "until": datetime(2025, 3, 3, 0, 30, tzinfo=PKT)},
            ["late", "update"],
        ),
        # A naive instant is read in mission time.
        ({"since": datetime(2025, 3, 3, 0, 0), "until": date(2025, 3, 3)}, ["late"]),
    ],
)
def test_filters(make_user, trail, filters, expected):
    result = _ids(event_list(actor=make_user("auditor"), **filters).filter(object_type__startswith="demo."))

    assert result == [trail[name].pk for name in expected]


def test_request_id_filter(make_user, trail):
    from panah.core import context

    token = context.bind(context.RequestContext(request_id="req-abcdef123", client_ip="10.0.0.9"))
    try:
        tagged = audit.record(actor=make_user("im"), action=Action.READ, object_type="demo.thing", object_id="1")
    finally:
        context.reset(token)

    assert _ids(event_list(actor=make_user("auditor"), request_id="req-abcdef123")) == [tagged.pk]
    assert tagged.client_ip == "10.0.0.9"


def test_empty_period_is_refused_naming_until(make_user):
    with pytest.raises(ApplicationError) as raised:
        event_list(actor=make_user("auditor"), since=date(2025, 3, 2), until=date(2025, 3, 1))

    assert raised.value.status == 422
    assert [e.field for e in raised.value.errors] == ["until"]


def test_actions_offer_known_and_recorded_ones(make_user):
    audit.record(actor=None, action="custom.thing", object_type="demo.thing")

    actions = event_actions(actor=make_user("dpo"))

    assert Action.EXPORT in actions
    assert "custom.thing" in actions
    assert actions == sorted(actions)


def test_export_records_itself_and_leaves_itself_out(make_user, trail):
    auditor = make_user("auditor", username="audra")
    filters = EventFilters(object_type="demo.thing")

    rows, events = event_export(actor=auditor, filters=filters)

    assert rows == 2
    assert [e.pk for e in events] == [trail["create"].pk, trail["update"].pk]
    export = AuditEvent.objects.get(action=Action.EXPORT, actor_username="audra")
    assert export.object_type == "core.auditevent"
    assert export.metadata["filters"] == {"object_type": "demo.thing"}
    assert export.metadata["rows"] == 2
    assert export.metadata["up_to_event"] == trail["late"].pk
    assert audit.verify().ok


def test_export_refused_for_other_roles_writes_nothing(make_user, trail):
    before = AuditEvent.objects.count()

    with pytest.raises(ApplicationError) as raised:
        event_export(actor=make_user("im"), filters=EventFilters())

    assert raised.value.status == 404
    assert AuditEvent.objects.count() == before
