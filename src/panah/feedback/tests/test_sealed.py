"""The done-when test of the sealed compartment (issue 5).

For every role other than the PSEA focal point, including the administrator and the operator who recorded it, a
sealed ticket cannot be reached through any list, search, detail URL, count, export, API call or audit view; the PSEA
focal point can; every access is audited.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from panah.accounts import services as account_services
from panah.accounts.models import RoleAssignment, User
from panah.core import audit
from panah.core.errors import ApplicationError
from panah.core.models import AuditEvent
from panah.core.roles import Role
from panah.feedback import psea, sealing, selectors
from panah.feedback.choices import Screening
from panah.feedback.models import Ticket
from panah.feedback.selectors import SEALED_TYPE, TicketFilters
from panah.feedback.tests.factories import submit
from panah.geo.models import AdminArea

pytestmark = pytest.mark.django_db

SECRET = "The storekeeper asked for sex in exchange for the tokens. SECRET-7731"
TICKET_TYPE = "feedback.ticket"
MISSING = "FB-00000000"
OPERATOR = "operator who recorded it"
ADMIN_OF_EVERYTHING = "administrator holding every role but PSEA"
READERS = [r.value for r in Role if r != Role.PSEA_FOCAL_POINT] + [OPERATOR, ADMIN_OF_EVERYTHING]
TEAM = {Role.SYSTEM_ADMIN, Role.CFM_OFFICER, Role.AUDITOR, Role.DATA_PROTECTION_OFFICER, OPERATOR, ADMIN_OF_EVERYTHING}
# Each step with a valid body, so that the answer comes from the lookup and not from the body's validation.
API_STEPS: dict[str, dict[str, Any]] = {
    "triage": {"category": "complaint"},
    "assign": {"assignee": "operator"},
    "start": {},
    "hold": {"reason": "Waiting"},
    "respond": {"response": "Done"},
    "approve": {},
    "send-back": {"reason": "Redo"},
    "refer": {"referred_to": "UNHCR"},
    "contact-attempts": {"succeeded": False},
    "close": {"closure": "no-contact"},
    "reopen": {"reason": "Disputed"},
    "notes": {"text": "A note"},
    "seal": {"reason": "Again"},
}
SEALED_STEPS: dict[str, dict[str, Any]] = {
    "oversight": {"office": "oio", "reference": "WAAI-1"},
    "referral": {"service": "GBV case management"},
    "notes": {"text": "A note"},
    "close": {"note": "Closed"},
    "release": {"category": "complaint", "reason": "Not sensitive"},
}


def bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {account_services.token_create(actor=user, name='test').secret}"}


@pytest.fixture
def psea_user(make_user: Any) -> Any:
    user = make_user("psea", "PK5", username="focal")
    user.email = "focal@example.org"
    user.save(update_fields=["email"])
    return user


@pytest.fixture
def operator(make_user: Any) -> Any:
    return make_user("cfm", "PK5", username="operator")


@pytest.fixture
def sealed(operator: Any, psea_user: Any) -> Ticket:
    """A report sealed by the screening answer, with a sealed note and overdue (so every list would hold it)."""
    ticket = submit(operator, screening=Screening.YES, description=SECRET, consent_referral=True).ticket
    psea.sealed_note(actor=psea_user, ticket=ticket, text="Spoke to the survivor. SECRET-7731")
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - timedelta(hours=2))
    return Ticket.objects.get(pk=ticket.pk)


@pytest.fixture
def unsealed(operator: Any) -> Ticket:
    """An ordinary ticket next to it, so that empty answers are not empty for want of tickets."""
    ticket = submit(operator).ticket
    Ticket.objects.filter(pk=ticket.pk).update(due_at=timezone.now() - timedelta(hours=1))
    return ticket


def _reader(make_user: Any, operator: Any, who: str) -> Any:
    if who == OPERATOR:
        return operator
    if who == ADMIN_OF_EVERYTHING:
        return make_user([r.value for r in Role if r != Role.PSEA_FOCAL_POINT], "PK")
    return make_user(who, "PK")


def _tickets_about(events: Any, ticket: Ticket) -> list[Any]:
    pk = str(ticket.pk)
    return [e for e in events if e.object_type == SEALED_TYPE or (e.object_type == TICKET_TYPE and e.object_id == pk)]


# --- every other role ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", READERS)
def test_selectors_never_reach_a_sealed_ticket(make_user, operator, sealed, unsealed, who):
    reader = _reader(make_user, operator, who)
    may_see_team = who in TEAM

    assert list(selectors.ticket_list(actor=reader)) == ([unsealed] if may_see_team else [])
    assert list(selectors.ticket_list(actor=reader, filters=TicketFilters(q=sealed.reference))) == []
    assert list(selectors.ticket_list(actor=reader, filters=TicketFilters(status="sealed"))) == []
    assert list(selectors.ticket_list(actor=reader, sealed=True)) == []
    assert list(selectors.sealed_list(actor=reader)) == []
    assert list(selectors.overdue_list(actor=reader)) == ([unsealed] if may_see_team else [])
    assert selectors.ticket_count(actor=reader, open_only=False) == (1 if may_see_team else 0)
    assert list(selectors.ticket_history(actor=reader, ticket=sealed)) == []
    for read in (selectors.ticket_get, selectors.ticket_view):
        with pytest.raises(ApplicationError) as caught:
            read(actor=reader, reference=sealed.reference)
        assert caught.value.status == 404
    with pytest.raises(ApplicationError) as caught:
        sealing.open_sealed(sealed.sealed_payload, actor=reader)
    assert caught.value.status == 404
    assert _tickets_about(AuditEvent.objects.filter(actor_id=reader.pk, action=audit.Action.READ), sealed) == []


@pytest.mark.parametrize("who", READERS)
def test_the_api_answers_404_or_nothing_for_a_sealed_ticket(client, make_user, operator, sealed, unsealed, who):
    auth = bearer(_reader(make_user, operator, who))
    ref = sealed.reference
    before = list(Ticket.objects.filter(pk=sealed.pk).values())

    listed = [
        client.get(path, **auth)
        for path in (
            "/api/feedback/tickets",
            f"/api/feedback/tickets?q={ref}",
            "/api/feedback/tickets?status=sealed",
            "/api/feedback/overdue",
        )
    ]
    reached = [client.get(f"/api/feedback/tickets/{ref}", **auth), client.get(f"/api/feedback/sealed/{ref}", **auth)]
    for step, body in API_STEPS.items():
        reached.append(client.post(f"/api/feedback/tickets/{ref}/{step}", body, "application/json", **auth))
    for step, body in SEALED_STEPS.items():
        reached.append(client.post(f"/api/feedback/sealed/{ref}/{step}", body, "application/json", **auth))
    sealed_list = client.get("/api/feedback/sealed", **auth)

    assert [r.status_code for r in listed] == [200, 200, 200, 200]
    assert [ref in r.content.decode() for r in listed] == [False] * 4
    assert listed[0].json()["count"] == (1 if who in TEAM else 0)
    assert [r.status_code for r in reached] == [404] * len(reached)
    assert {r.content for r in reached} == {client.get("/api/feedback/tickets/FB-00000000", **auth).content}
    assert sealed_list.status_code == 404
    assert list(Ticket.objects.filter(pk=sealed.pk).values()) == before


@pytest.mark.parametrize("who", READERS)
def test_the_audit_trail_shows_no_event_about_a_sealed_ticket(client, login, make_user, operator, sealed, who):
    reader = _reader(make_user, operator, who)
    auth = bearer(reader)
    pk = str(sealed.pk)
    reads_trail = who in {Role.SYSTEM_ADMIN, Role.AUDITOR, Role.DATA_PROTECTION_OFFICER, ADMIN_OF_EVERYTHING}
    about_it = AuditEvent.objects.filter(object_type=TICKET_TYPE, object_id=pk)
    assert about_it.count() >= 3  # created, sealed, the note: the trail holds them, nobody here may see them

    filtered = client.get(f"/api/audit/events?object_type={TICKET_TYPE}&object_id={pk}", **auth).json()
    everything = client.get("/api/audit/events?limit=500", **auth).json()
    sealed_type = client.get(f"/api/audit/events?object_type={SEALED_TYPE}", **auth).json()
    export = client.get(f"/api/audit/events/export.csv?object_type={TICKET_TYPE}&object_id={pk}", **auth)
    ids = [e.pk for e in about_it]
    singles = [client.get(f"/api/audit/events/{i}", **auth).status_code for i in ids]
    page = login(reader).get(f"/audit/?object_type={TICKET_TYPE}&object_id={pk}")

    assert filtered["count"] == 0
    assert [e for e in everything["items"] if e["object_id"] == pk and e["object_type"] == TICKET_TYPE] == []
    assert sealed_type["count"] == 0
    assert singles == [404] * len(ids)
    if reads_trail:
        assert export.status_code == 200
        assert b"".join(export.streaming_content).decode("utf-8-sig").strip().count("\n") == 0  # the header only
        assert page.status_code == 200
        assert page.context["rows"] == []
    else:
        assert export.status_code == 404
        assert page.status_code == 404


def _page_urls(ref: str) -> list[tuple[str, str, bool]]:
    """(method, URL, is a list or report) for the team's pages, the sealed pages, the reports and their downloads."""
    wanted = [
        ("get", "feedback:tickets", (), True),
        ("get", "feedback:overdue", (), True),
        ("get", "feedback:ticket", (ref,), False),
        ("post", "feedback:ticket_step", (ref, "note"), False),
        ("get", "feedback:sealed", (), False),
        ("get", "feedback:sealed_ticket", (ref,), False),
        ("post", "feedback:sealed_step", (ref, "note"), False),
        ("get", "feedback:trends", (), True),
        ("get", "feedback:you_said_we_did", (), True),
        ("get", "feedback:you_said_we_did_csv", (), True),
        ("get", "feedback:hxl", (), True),
    ]
    urls = []
    for method, name, args, is_list in wanted:
        try:
            urls.append((method, reverse(name, args=args), is_list))
        except NoReverseMatch:
            continue
    return urls


def _body(response: Any) -> str:
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    return raw.decode("utf-8-sig")


@pytest.mark.parametrize("who", READERS)
def test_the_pages_do_not_show_a_sealed_ticket(login, make_user, operator, sealed, unsealed, who):
    signed_in = login(_reader(make_user, operator, who))
    before = list(Ticket.objects.filter(pk=sealed.pk).values())

    for method, url, is_list in _page_urls(sealed.reference):
        data = {"text": "x"} if method == "post" else None
        response = getattr(signed_in, method)(url, data)
        if is_list:
            assert response.status_code in {200, 403, 404}, url  # a report refused to a role names no ticket
            # Searching for it answers exactly like searching for a reference nobody was ever given (the search
            # box echoes the term either way).
            searched = _body(signed_in.get(f"{url}?q={sealed.reference}"))
            never = _body(signed_in.get(f"{url}?q={MISSING}"))
            assert searched.count(sealed.reference) == never.count(MISSING), url
            assert reverse("feedback:ticket", args=[sealed.reference]) not in searched, url
        else:
            assert response.status_code == 404, url
        assert sealed.reference not in _body(response), url
        assert "SECRET-7731" not in _body(response), url
    assert list(Ticket.objects.filter(pk=sealed.pk).values()) == before


# --- the PSEA focal point -----------------------------------------------------------------------------------------


def _reads(actor: Any) -> list[tuple[str, str]]:
    events = AuditEvent.objects.filter(actor_id=actor.pk, action=audit.Action.READ).order_by("id")
    return [(e.object_type, e.object_id) for e in events]


def test_the_psea_focal_point_reaches_it_and_every_read_is_audited(client, psea_user, sealed):
    auth = bearer(psea_user)
    ref, pk = sealed.reference, str(sealed.pk)
    assert _reads(psea_user) == []

    listed = client.get("/api/feedback/sealed", **auth)
    opened = client.get(f"/api/feedback/sealed/{ref}", **auth)

    assert [row["reference"] for row in listed.json()["items"]] == [ref]
    assert opened.status_code == 200
    assert opened.json()["description"] == SECRET
    assert [e["text"] for e in opened.json()["events"]] == ["", "Spoke to the survivor. SECRET-7731"]
    assert "sealed_payload" not in opened.json()
    assert _reads(psea_user) == [(SEALED_TYPE, ""), (TICKET_TYPE, pk)]


def test_the_psea_focal_point_records_the_oversight_report(client, psea_user, sealed):
    auth = bearer(psea_user)

    response = client.post(
        f"/api/feedback/sealed/{sealed.reference}/oversight",
        {"office": "oio", "reference": "WAAI-2026-0042"},
        "application/json",
        **auth,
    )
    opened = client.get(f"/api/feedback/sealed/{sealed.reference}", **auth).json()

    assert response.status_code == 200
    assert response.json()["status"] == "reported"
    assert [(o["office"], o["reference"]) for o in opened["oversight"]] == [("oio", "WAAI-2026-0042")]
    assert AuditEvent.objects.filter(
        object_type=TICKET_TYPE, object_id=str(sealed.pk), action="transition", metadata__step="oversight"
    ).count() == 1  # fmt: skip


def test_the_psea_pages_read_is_audited(login, psea_user, sealed):
    response = login(psea_user).get(reverse("feedback:sealed_ticket", args=[sealed.reference]))

    assert response.status_code == 200
    assert _reads(psea_user) == [(TICKET_TYPE, str(sealed.pk))]


def test_a_read_is_audited_even_when_the_ticket_id_equals_the_readers_id(client, make_user, sealed):
    # get_visible once skipped the audit when the record's pk equalled the reader's (meant for one's own account).
    reader = User.objects.filter(pk=sealed.pk).first() or User.objects.create_user(
        pk=sealed.pk, username="twin", organisation=make_user().organisation
    )
    RoleAssignment.objects.create(user=reader, role="psea", area=AdminArea.objects.get(pcode="PK"))

    client.get(f"/api/feedback/sealed/{sealed.reference}", **bearer(reader))

    assert reader.pk == sealed.pk
    assert _reads(reader) == [(TICKET_TYPE, str(sealed.pk))]


def test_granting_psea_to_an_administrator_is_audited_announced_and_opens_the_compartment(
    client, make_user, psea_user, sealed, django_capture_on_commit_callbacks
):
    admin = make_user("admin", "PK", username="sysadmin")
    auth = bearer(admin)
    refused = client.get(f"/api/feedback/sealed/{sealed.reference}", **auth)

    with django_capture_on_commit_callbacks(execute=True):
        account_services.role_grant(
            actor=make_user("admin", "PK"), user=admin, role="psea", area=AdminArea.objects.get(pcode="PK")
        )
    opened = client.get(f"/api/feedback/sealed/{sealed.reference}", **auth)

    assert refused.status_code == 404
    assert [m.to for m in mail.outbox] == [["focal@example.org"]]
    assert "sysadmin" in mail.outbox[0].body
    grants = AuditEvent.objects.filter(action=audit.Action.GRANT, metadata__role="psea", metadata__user_id=admin.pk)
    assert grants.count() == 1
    assert opened.status_code == 200
    assert opened.json()["description"] == SECRET
    assert _reads(admin) == [(TICKET_TYPE, str(sealed.pk))]
