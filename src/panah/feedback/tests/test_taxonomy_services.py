"""Configuring the taxonomy, its targets and its routing: administrators only, validated, audited, never unsealing."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from panah.core.errors import ApplicationError
from panah.core.models import AuditEvent
from panah.feedback import sla, workflow
from panah.feedback import taxonomy_services as svc
from panah.feedback.choices import Status, Step
from panah.feedback.models import Category, Routing, Ticket
from panah.feedback.tests.factories import submit

pytestmark = pytest.mark.django_db

TAXONOMY_TYPES = ["feedback.category", "feedback.slatarget", "feedback.routing"]


def _events(action: str = "") -> list[AuditEvent]:
    """The audit events about the taxonomy's rows, oldest first."""
    qs = AuditEvent.objects.filter(object_type__in=TAXONOMY_TYPES).order_by("pk")
    return list(qs.filter(action=action) if action else qs)


def _refused(call, *args, **kwargs) -> ApplicationError:  # type: ignore[no-untyped-def]
    with pytest.raises(ApplicationError) as caught:
        call(*args, **kwargs)
    return caught.value


def _fields(error: ApplicationError) -> list[str]:
    return [e.field for e in error.errors]


def test_admin_creates_a_category_and_it_is_audited(make_user):
    admin = make_user("admin")

    category = svc.category_create(actor=admin, code=" Shelter-NFI ", name="Shelter  and items", name_ur="پناہ",
                                   routing="Shelter cluster", position=3)  # fmt: skip

    row = Category.objects.get(code="shelter-nfi")
    assert (row.pk, row.name, row.name_ur, row.sensitive, row.needs_response, row.position, row.is_active) == (
        category.pk, "Shelter and items", "پناہ", False, True, 3, True,
    )  # fmt: skip
    [event] = _events("create")
    assert event.object_id == str(row.pk)
    assert event.changes["code"] == [None, "shelter-nfi"]
    assert event.changes["name"] == [None, "Shelter and items"]


def test_category_create_names_every_bad_field_and_creates_nothing(make_user):
    admin = make_user("admin")
    before = Category.objects.count()

    error = _refused(svc.category_create, actor=admin, code="no spaces!", name="  ", routing="x" * 201, position=-1)

    assert (error.status, _fields(error)) == (422, ["code", "name", "routing", "position"])
    assert Category.objects.count() == before
    assert _events() == []


def test_category_create_refuses_a_code_in_use(make_user):
    error = _refused(svc.category_create, actor=make_user("admin"), code="info", name="Another")

    assert (error.status, _fields(error)) == (422, ["code"])
    assert Category.objects.get(code="info").name == "Request for information"


@pytest.mark.parametrize("role", ["cfm", "psea", "auditor", "im", None])
def test_only_system_administrators_configure(make_user, area, role):
    actor = make_user(role) if role else AnonymousUser()
    info = Category.objects.get(code="info")
    officer = make_user("cfm", username="officer")
    calls = [
        lambda: svc.category_create(actor=actor, code="new", name="New"),
        lambda: svc.category_update(actor=actor, category=info, name="Renamed"),
        lambda: svc.category_deactivate(actor=actor, category=info),
        lambda: svc.sla_target_set(actor=actor, category=info, step=Step.TRIAGE, hours=2, working_time=False),
        lambda: svc.sla_target_clear(actor=actor, category=info, step=Step.RESPOND),
        lambda: svc.routing_set(actor=actor, category=info, area=area("PK5"), focal_point=officer),
    ]

    for call in calls:
        assert _refused(call).status == 403

    info.refresh_from_db()
    assert (info.name, info.is_active, Category.objects.filter(code="new").exists()) == (
        "Request for information", True, False,
    )  # fmt: skip
    assert list(info.sla_targets.values_list("step", "hours", "working_time")) == [("respond", 72, True)]
    assert Routing.objects.count() == 0
    assert _events() == []


def test_update_changes_names_and_flags_with_a_diff_of_what_changed(make_user):
    admin = make_user("admin")
    praise = Category.objects.get(code="praise")

    svc.category_update(actor=admin, category=praise, name="Thanks", needs_response=False, position=0)

    praise.refresh_from_db()
    assert (praise.name, praise.needs_response, praise.position) == ("Thanks", False, 0)
    [event] = _events("update")
    assert event.changes == {"name": ["Positive feedback", "Thanks"], "position": [2, 0]}


def test_the_code_is_fixed_once_tickets_use_it(make_user):
    admin, officer = make_user("admin"), make_user("cfm", username="officer")
    info = Category.objects.get(code="info")
    workflow.ticket_triage(actor=officer, ticket=submit(officer).ticket, category=info)
    before = AuditEvent.objects.count()

    error = _refused(svc.category_update, actor=admin, category=info, code="information", name="Renamed")

    assert (error.status, _fields(error)) == (422, ["code"])
    info.refresh_from_db()
    assert (info.code, info.name) == ("info", "Request for information")
    assert AuditEvent.objects.count() == before


def test_an_unused_code_may_change(make_user):
    admin = make_user("admin")
    category = svc.category_create(actor=admin, code="wash", name="Water")

    svc.category_update(actor=admin, category=category, code="wash-hygiene")

    assert Category.objects.get(pk=category.pk).code == "wash-hygiene"


def test_a_category_used_by_sealed_reports_stays_sensitive(make_user):
    admin, officer = make_user("admin"), make_user("cfm", username="officer")
    sea = Category.objects.get(code="sea")
    ticket = submit(officer).ticket
    workflow.ticket_triage(actor=officer, ticket=ticket, category=sea)
    assert Ticket.objects.get(pk=ticket.pk).sealed is True
    before = AuditEvent.objects.count()

    error = _refused(svc.category_update, actor=admin, category=sea, sensitive=False)

    assert (error.status, _fields(error)) == (422, ["sensitive"])
    assert Category.objects.get(code="sea").sensitive is True
    assert AuditEvent.objects.count() == before


def test_a_sensitive_category_without_sealed_reports_may_be_turned_off(make_user):
    admin = make_user("admin")
    category = svc.category_create(actor=admin, code="theft", name="Theft", sensitive=True)

    svc.category_update(actor=admin, category=category, sensitive=False)

    assert Category.objects.get(pk=category.pk).sensitive is False


def test_turning_sensitive_on_does_not_reseal_old_tickets(make_user):
    admin, officer = make_user("admin"), make_user("cfm", username="officer")
    complaint = Category.objects.get(code="complaint")
    ticket = submit(officer).ticket
    workflow.ticket_triage(actor=officer, ticket=ticket, category=complaint)

    svc.category_update(actor=admin, category=complaint, sensitive=True)

    ticket.refresh_from_db()
    assert (ticket.sealed, ticket.status) == (False, Status.TRIAGED)
    assert Category.objects.get(code="complaint").sensitive is True


def test_deactivate_and_activate_keep_the_tickets_category(make_user):
    admin, officer = make_user("admin"), make_user("cfm", username="officer")
    info = Category.objects.get(code="info")
    ticket = submit(officer).ticket
    workflow.ticket_triage(actor=officer, ticket=ticket, category=info)

    svc.category_deactivate(actor=admin, category=info)
    svc.category_deactivate(actor=admin, category=info)

    assert Category.objects.get(code="info").is_active is False
    assert Ticket.objects.get(pk=ticket.pk).category_id == info.pk
    svc.category_activate(actor=admin, category=info)
    assert Category.objects.get(code="info").is_active is True
    assert [e.changes for e in _events("update")] == [{"is_active": [True, False]}, {"is_active": [False, True]}]


def test_a_target_is_set_then_changed_then_cleared_back_to_the_default(make_user):
    admin = make_user("admin")
    assist = Category.objects.get(code="assist")

    svc.sla_target_set(actor=admin, category=assist, step=Step.TRIAGE, hours=8, working_time=False)
    svc.sla_target_set(actor=admin, category=assist, step=Step.TRIAGE, hours=12, working_time=False)

    assert list(assist.sla_targets.values_list("step", "hours", "working_time")) == [("triage", 12, False)]
    svc.sla_target_clear(actor=admin, category=assist, step=Step.TRIAGE)
    assert assist.sla_targets.count() == 0
    assert [(e.action, e.changes) for e in _events()] == [
        ("create", {"hours": [None, 8], "working_time": [None, False]}),
        ("update", {"hours": [8, 12]}),
        ("delete", {"hours": [12, None], "working_time": [False, None]}),
    ]


@pytest.mark.parametrize(
    ("step", "hours", "fields"),
    [
        ("triage", 0, ["hours"]),
        ("triage", 24 * 60 + 1, ["hours"]),
        ("later", 5, ["step"]),
        ("x", True, ["step", "hours"]),
    ],
)
def test_a_target_out_of_range_is_refused_and_nothing_changes(make_user, step, hours, fields):
    info = Category.objects.get(code="info")

    error = _refused(svc.sla_target_set, actor=make_user("admin"), category=info, step=step, hours=hours,
                     working_time=True)  # fmt: skip

    assert (error.status, _fields(error)) == (422, fields)
    assert list(info.sla_targets.values_list("step", "hours")) == [("respond", 72)]
    assert _events() == []


def test_a_target_change_applies_to_the_next_clock_not_to_a_running_one(make_user):
    admin, officer = make_user("admin"), make_user("cfm", username="officer")
    assist = Category.objects.get(code="assist")
    running = submit(officer).ticket
    workflow.ticket_triage(actor=officer, ticket=running, category=assist)
    running.refresh_from_db()
    assert running.due_at == sla.add_time(running.sla_started_at, sla.Target(10 * 24))  # the default

    svc.sla_target_set(actor=admin, category=assist, step=Step.RESPOND, hours=6, working_time=False)
    following = submit(officer).ticket
    workflow.ticket_triage(actor=officer, ticket=following, category=Category.objects.get(code="assist"))

    assert Ticket.objects.get(pk=running.pk).due_at == running.due_at
    following.refresh_from_db()
    assert following.due_at == following.sla_started_at + timedelta(hours=6)


def test_a_routing_makes_triage_assign_to_its_focal_point(make_user, area):
    admin, officer = make_user("admin"), make_user("cfm", username="officer")
    focal = make_user("cfm", "PK5", username="kp-focal")
    assist = Category.objects.get(code="assist")

    routing = svc.routing_set(actor=admin, category=assist, area=area("PK5"), focal_point=focal)
    ticket = submit(officer).ticket
    workflow.ticket_triage(actor=officer, ticket=ticket, category=assist)

    ticket.refresh_from_db()
    assert (ticket.status, ticket.assigned_to) == (Status.ASSIGNED, focal)
    [event] = _events("create")
    assert (event.object_id, event.metadata) == (str(routing.pk), {"category": "assist", "area": "PK5"})


def test_a_routing_is_replaced_then_removed(make_user, area):
    admin = make_user("admin")
    first, second = make_user("cfm", "PK5", username="first"), make_user("cfm", "PK506", username="second")
    assist = Category.objects.get(code="assist")
    svc.routing_set(actor=admin, category=assist, area=area("PK506"), focal_point=first)

    routing = svc.routing_set(actor=admin, category=assist, area=area("PK506"), focal_point=second)

    assert list(Routing.objects.values_list("area__pcode", "focal_point__username")) == [("PK506", "second")]
    svc.routing_remove(actor=admin, routing=routing)
    assert Routing.objects.count() == 0
    assert [e.action for e in _events()] == ["create", "update", "delete"]


def test_a_focal_point_must_handle_tickets_in_the_area(make_user, area, other_organisation):
    admin = make_user("admin")
    sindh = make_user("cfm", "PK7", username="sindh")
    partner = make_user("cfm", "PK5", org=other_organisation, username="partner")
    reader = make_user("auditor", "PK5", username="reader")
    assist = Category.objects.get(code="assist")

    for user in (sindh, partner, reader, None):
        error = _refused(svc.routing_set, actor=admin, category=assist, area=area("PK5"), focal_point=user)
        assert (error.status, _fields(error)) == (422, ["focal_point"])

    assert Routing.objects.count() == 0
    assert _events() == []


def test_a_sensitive_category_is_never_routed(make_user, area):
    admin, focal = make_user("admin"), make_user("cfm", "PK5", username="focal")

    error = _refused(svc.routing_set, actor=admin, category=Category.objects.get(code="sea"), area=area("PK5"),
                     focal_point=focal)  # fmt: skip

    assert (error.status, _fields(error)) == (422, ["category"])
    assert Routing.objects.count() == 0


def test_a_code_taken_between_the_check_and_the_insert_is_a_field_error(make_user, monkeypatch):
    from django.db.models import QuerySet

    admin = make_user("admin")
    svc.category_create(actor=admin, code="wash", name="Water")
    # The other administrator's insert lands after this one's check: the check sees no such code.
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)

    with pytest.raises(ApplicationError) as caught:
        svc.category_create(actor=admin, code="wash", name="Water again")

    assert [(e.field, e.code) for e in caught.value.errors] == [("code", "unique")]
    assert Category.objects.filter(code="wash").count() == 1
    assert Category.objects.get(code="wash").name == "Water"
