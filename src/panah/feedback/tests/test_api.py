"""The feedback API: staff intake with idempotency, the team's list and steps, and bad input that never hurts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from panah.accounts import services as account_services
from panah.core.models import AuditEvent
from panah.feedback.choices import Screening, Status
from panah.feedback.models import Ticket, TicketEvent
from panah.feedback.tests.factories import submit

pytestmark = pytest.mark.django_db

BODY: dict[str, Any] = {
    "channel": "hotline",
    "area": "PK506",
    "description": "The water point at block C has been dry for four days.",
    "contact_method": "phone",
    "contact_detail": "0300 1234567",
    "consent_contact": True,
}


def bearer(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {account_services.token_create(actor=user, name='test').secret}"}


def post(client: Any, user: Any, path: str, body: Any = None, **headers: str) -> Any:
    data = body if isinstance(body, str) else json.dumps(body or {})
    return client.post(f"/api/feedback{path}", data, content_type="application/json", **bearer(user), **headers)


def snapshot() -> tuple[Any, ...]:
    """Everything a refused request must leave as it was."""
    tickets = list(Ticket.objects.order_by("pk").values_list("pk", "status", "sealed", "updated_at", "category_id"))
    writes = AuditEvent.objects.filter(object_type__startswith="feedback").exclude(action="read")
    return tickets, TicketEvent.objects.count(), writes.count()


# --- intake -------------------------------------------------------------------------------------------------------


def test_staff_intake_answers_201_with_reference_and_pin(client, make_user):
    cfm = make_user("cfm", "PK5")

    response = post(client, cfm, "/tickets", BODY)

    body = response.json()
    ticket = Ticket.objects.get()
    assert response.status_code == 201
    assert set(body) == {"reference", "pin", "sealed", "created", "status", "due_at"}
    assert body["reference"] == ticket.reference
    assert len(body["pin"]) == 6
    assert body["sealed"] is False
    assert body["status"] == Status.NEW
    assert ticket.created_by == cfm
    assert ticket.contact_detail == "03001234567"


def test_retry_with_the_same_idempotency_key_answers_200_without_pin_and_stores_once(client, make_user):
    cfm = make_user("cfm", "PK5")
    first = post(client, cfm, "/tickets", BODY, HTTP_IDEMPOTENCY_KEY="call-17")

    again = post(client, cfm, "/tickets", BODY, HTTP_IDEMPOTENCY_KEY="call-17")

    assert first.status_code == 201
    assert again.status_code == 200
    assert again.json() == {"reference": first.json()["reference"], "created": False}
    assert Ticket.objects.count() == 1


def test_flood_of_identical_idempotent_posts_stores_one_ticket(client, make_user):
    cfm = make_user("cfm", "PK5")

    codes = [post(client, cfm, "/tickets", BODY, HTTP_IDEMPOTENCY_KEY="flood").status_code for _ in range(20)]

    assert codes == [201] + [200] * 19
    assert Ticket.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="feedback.ticket", action="create").count() == 1


def test_a_retry_does_not_tell_the_recorder_the_ticket_was_sealed_since(client, make_user):
    operator = make_user("cfm", "PK5")
    ref = post(client, operator, "/tickets", BODY, HTTP_IDEMPOTENCY_KEY="k9").json()["reference"]
    post(client, operator, f"/tickets/{ref}/seal", {"reason": "misconduct disclosed"})

    again = post(client, operator, "/tickets", BODY, HTTP_IDEMPOTENCY_KEY="k9")

    assert again.status_code == 200
    assert again.json() == {"reference": ref, "created": False}


def test_another_users_key_is_not_theirs_to_replay(client, make_user):
    first = post(client, make_user("cfm", "PK5"), "/tickets", BODY, HTTP_IDEMPOTENCY_KEY="k1")

    second = post(client, make_user("cfm", "PK5"), "/tickets", BODY, HTTP_IDEMPOTENCY_KEY="k1")

    assert second.status_code == 201
    assert second.json()["reference"] != first.json()["reference"]
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize("screening", [Screening.YES, Screening.UNSURE])
def test_ticket_sealed_at_intake_answers_reference_pin_and_sealed_only(client, make_user, screening):
    operator = make_user("enumerator", "PK5")

    response = post(client, operator, "/tickets", {**BODY, "screening": screening})

    body = response.json()
    assert response.status_code == 201
    assert set(body) == {"reference", "pin", "sealed"}
    assert body["sealed"] is True
    assert Ticket.objects.get(reference=body["reference"]).sealed


def test_ticket_in_a_sensitive_category_is_sealed_at_intake(client, make_user):
    response = post(client, make_user("cfm", "PK5"), "/tickets", {**BODY, "category": "fraud"})

    assert response.status_code == 201
    assert set(response.json()) == {"reference", "pin", "sealed"}


# --- reading ------------------------------------------------------------------------------------------------------


def test_list_filters_and_never_exposes_secrets(client, make_user):
    cfm = make_user("cfm", "PK5")
    water = submit(cfm).ticket
    submit(cfm, area="PK715")

    body = client.get(f"/api/feedback/tickets?area=PK506&q={water.reference.lower()}", **bearer(cfm)).json()

    assert body["count"] == 1
    assert [row["reference"] for row in body["items"]] == [water.reference]
    row = body["items"][0]
    assert row["area"] == {"pcode": "PK506", "name": water.area.name}
    assert not {"pin_hash", "idempotency_key", "sealed_payload", "description", "contact_detail"} & set(row)


def test_detail_gives_content_to_a_handler_and_audits_the_read(client, make_user):
    cfm = make_user("cfm", "PK5")
    ticket = submit(cfm).ticket

    response = client.get(f"/api/feedback/tickets/{ticket.reference}", **bearer(cfm))

    body = response.json()
    assert response.status_code == 200
    assert body["description"] == "The water point at block C has been dry for four days."
    assert body["contact_detail"] == "03001234567"
    assert not {"pin_hash", "idempotency_key", "sealed_payload"} & set(body)
    reads = AuditEvent.objects.filter(action="read", object_type="feedback.ticket", object_id=str(ticket.pk))
    assert [e.actor_id for e in reads] == [cfm.pk]


def test_categories_list_the_taxonomy_with_targets(client, make_user):
    body = client.get("/api/feedback/categories", **bearer(make_user("enumerator"))).json()

    info = next(c for c in body if c["code"] == "info")
    assert [c["code"] for c in body if c["sensitive"]] == ["sea", "harassment", "fraud", "misconduct", "retaliation"]
    assert {t["step"]: t["hours"] for t in info["targets"]} == {
        "triage": 24,
        "respond": 72,
        "approve": 48,
        "close-loop": 120,
        "psea": 24,
    }


def test_overdue_lists_tickets_past_due(client, make_user):
    from datetime import timedelta

    from django.utils import timezone

    cfm = make_user("cfm", "PK5")
    late = submit(cfm).ticket
    submit(cfm)
    Ticket.objects.filter(pk=late.pk).update(due_at=timezone.now() - timedelta(hours=1))

    body = client.get("/api/feedback/overdue", **bearer(cfm)).json()

    assert [row["reference"] for row in body["items"]] == [late.reference]


# --- steps --------------------------------------------------------------------------------------------------------


def test_a_ticket_goes_from_triage_to_closed_through_the_api(client, make_user):
    cfm = make_user("cfm", "PK5")
    ref = submit(cfm).ticket.reference

    steps = [
        post(client, cfm, f"/tickets/{ref}/triage", {"category": "assist"}),
        post(client, cfm, f"/tickets/{ref}/start"),
        post(client, cfm, f"/tickets/{ref}/notes", {"text": "Called the WASH partner."}),
        post(client, cfm, f"/tickets/{ref}/respond", {"response": "The water point is repaired."}),
        post(client, cfm, f"/tickets/{ref}/contact-attempts", {"succeeded": True}),
        post(client, cfm, f"/tickets/{ref}/close", {"closure": "informed", "satisfied": True}),
    ]

    assert [(r.status_code, r.json()["status"]) for r in steps] == [
        (200, "triaged"),
        (200, "in-progress"),
        (200, "in-progress"),
        (200, "responded"),
        (200, "responded"),
        (200, "closed"),
    ]


def test_assign_to_a_handler_by_username_and_refuse_a_stranger(client, make_user):
    cfm = make_user("cfm", "PK5")
    colleague = make_user("cfm", "PK506", username="colleague")
    make_user("enumerator", "PK506", username="enumerator")
    ref = submit(cfm, category="assist").ticket.reference

    refused = post(client, cfm, f"/tickets/{ref}/assign", {"assignee": "enumerator"})
    done = post(client, cfm, f"/tickets/{ref}/assign", {"assignee": "colleague"})

    assert refused.status_code == 422
    assert [e["field"] for e in refused.json()["errors"]] == ["assignee"]
    assert done.status_code == 200
    assert done.json()["assigned_to"] == "colleague"
    assert Ticket.objects.get(reference=ref).assigned_to == colleague


def _for_approval(client: Any, author: Any) -> str:
    ref = submit(author).ticket.reference
    post(client, author, f"/tickets/{ref}/triage", {"category": "complaint", "about_staff": True})
    post(client, author, f"/tickets/{ref}/start")
    post(client, author, f"/tickets/{ref}/respond", {"response": "The guard was reminded of the code of conduct."})
    return ref


def test_the_author_cannot_approve_their_own_response(client, make_user):
    author = make_user("cfm", "PK5")
    ref = _for_approval(client, author)
    before = snapshot()

    response = post(client, author, f"/tickets/{ref}/approve")

    assert response.status_code == 403
    assert response.json()["code"] == "four_eyes"
    assert response["Content-Type"] == "application/problem+json"
    assert snapshot() == before


def test_two_approvals_one_wins_the_other_is_409(client, make_user):
    author, first, second = make_user("cfm", "PK5"), make_user("cfm", "PK5"), make_user("admin")
    ref = _for_approval(client, author)

    won = post(client, first, f"/tickets/{ref}/approve")
    before = snapshot()
    lost = post(client, second, f"/tickets/{ref}/approve")

    assert won.status_code == 200
    assert lost.status_code == 409
    assert lost.json()["code"] == "wrong_status"
    assert snapshot() == before
    assert Ticket.objects.get(reference=ref).approved_by == first


def test_refer_without_consent_is_refused_by_field(client, make_user):
    cfm = make_user("cfm", "PK5")
    ref = submit(cfm, category="assist").ticket.reference
    before = snapshot()

    response = post(client, cfm, f"/tickets/{ref}/refer", {"referred_to": "UNHCR"})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["consent_referral"]
    assert snapshot() == before


def test_a_step_in_the_wrong_status_is_409_and_changes_nothing(client, make_user):
    cfm = make_user("cfm", "PK5")
    ref = submit(cfm).ticket.reference
    before = snapshot()

    response = post(client, cfm, f"/tickets/{ref}/reopen", {"reason": "disputed"})

    assert response.status_code == 409
    assert response.json()["code"] == "wrong_status"
    assert snapshot() == before


def test_sealing_through_the_api_takes_the_ticket_out_of_the_handlers_reach(client, make_user):
    cfm = make_user("cfm", "PK5")
    ref = submit(cfm).ticket.reference

    sealed = post(client, cfm, f"/tickets/{ref}/seal", {"reason": "misconduct disclosed"})
    again = client.get(f"/api/feedback/tickets/{ref}", **bearer(cfm))

    assert sealed.status_code == 204
    assert again.status_code == 404
    assert Ticket.objects.get(reference=ref).sealed


# --- bad input ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "fields"),
    [
        ({"description": "x" * 4001}, ["description"]),
        ({"description": "x" * 5000}, ["description"]),
        ({"area": "PK999"}, ["area"]),
        ({"category": "no-such-thing"}, ["category"]),
        ({"consent_contact": False}, ["consent_contact"]),
        ({"contact_detail": "call me"}, ["contact_detail"]),
        ({"channel": "pigeon"}, ["channel"]),
        ({"consent_contact": "perhaps"}, ["consent_contact"]),
        ({"description": ["a", "list"]}, ["description"]),
        ({"description": "nul \x00 byte"}, ["description"]),
        ({"received_at": "2999-01-01T00:00:00Z"}, ["received_at"]),
        ({"area": "PK999", "description": "", "contact_detail": "x"}, ["description", "contact_detail", "area"]),
    ],
)
def test_bad_intake_is_a_422_naming_each_field_and_stores_nothing(client, make_user, change, fields):
    cfm = make_user("cfm", "PK5")
    before = snapshot()

    response = post(client, cfm, "/tickets", {**BODY, **change})

    assert response.status_code == 422
    assert response["Content-Type"] == "application/problem+json"
    assert [e["field"] for e in response.json()["errors"]] == fields
    assert snapshot() == before


@pytest.mark.parametrize("body", ["{not json", "[]", "null", '"text"'])
def test_malformed_json_is_a_4xx_problem_not_a_500(client, make_user, body):
    before = snapshot()

    response = post(client, make_user("cfm", "PK5"), "/tickets", body)

    assert 400 <= response.status_code < 500
    assert response["Content-Type"] == "application/problem+json"
    assert snapshot() == before


def test_script_is_stored_verbatim_and_returned_as_json_data(client, make_user):
    cfm = make_user("cfm", "PK5")
    script = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    ref = post(client, cfm, "/tickets", {**BODY, "description": script}).json()["reference"]

    response = client.get(f"/api/feedback/tickets/{ref}", **bearer(cfm))

    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response.json()["description"] == script
    assert Ticket.objects.get(reference=ref).description == script


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("triage", {"category": "nope"}, "category"),
        ("triage", {"category": 7}, "category"),
        ("hold", {"reason": ""}, "reason"),
        ("hold", {"reason": "r" * 4001}, "reason"),
        ("notes", {"text": "n" * 4001}, "text"),
        ("notes", {}, "text"),
        ("close", {"closure": "shrug"}, "closure"),
        ("assign", {"assignee": 12}, "assignee"),
    ],
)
def test_bad_step_input_is_a_422_naming_the_field_and_changes_nothing(client, make_user, path, body, field):
    cfm = make_user("cfm", "PK5")
    ref = submit(cfm, category="assist").ticket.reference
    post(client, cfm, f"/tickets/{ref}/start")
    before = snapshot()

    response = post(client, cfm, f"/tickets/{ref}/{path}", body)

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert snapshot() == before


@pytest.mark.parametrize("reference", ["FB-00000000", "nothing", "FB-%00", "x" * 21])
def test_unknown_or_malformed_references_are_404_or_422_never_500(client, make_user, reference):
    response = client.get(f"/api/feedback/tickets/{reference}", **bearer(make_user("cfm", "PK5")))

    assert response.status_code in {404, 422}
    assert response["Content-Type"] == "application/problem+json"


def test_out_of_scope_ticket_is_404_like_a_missing_one(client, make_user):
    ticket = submit(make_user("cfm", "PK5")).ticket
    sindh = make_user("cfm", "PK7")

    out_of_scope = client.get(f"/api/feedback/tickets/{ticket.reference}", **bearer(sindh))
    missing = client.get("/api/feedback/tickets/FB-00000000", **bearer(sindh))

    assert out_of_scope.status_code == missing.status_code == 404
    assert out_of_scope.json() == missing.json()


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("oversight", {"office": "police", "reference": "X-1"}, "office"),
        ("oversight", {"office": "oio", "reference": ""}, "reference"),
        ("referral", {"service": "GBV case management"}, "consent_referral"),
        ("notes", {"text": "n" * 4001}, "text"),
        ("release", {"category": "fraud", "reason": "Sensitive after all"}, "category"),
        ("release", {"category": "nope", "reason": "x"}, "category"),
    ],
)
def test_bad_sealed_step_input_is_a_422_naming_the_field_and_changes_nothing(client, make_user, path, body, field):
    focal = make_user("psea", "PK5")
    ref = submit(make_user("cfm", "PK5"), screening=Screening.YES).ticket.reference
    sealed = Ticket.objects.get(reference=ref)
    payload_before = sealed.sealed_payload
    before = snapshot()

    response = post(client, focal, f"/sealed/{ref}/{path}", body)

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert snapshot() == before
    assert Ticket.objects.get(reference=ref).sealed_payload == payload_before


def test_service_refuses_an_oversized_note_and_stores_nothing(make_user):
    from panah.core.errors import ApplicationError
    from panah.feedback import services

    cfm = make_user("cfm", "PK5")
    ticket = submit(cfm).ticket
    before = snapshot()

    with pytest.raises(ApplicationError) as caught:
        services.ticket_note(actor=cfm, ticket=ticket, text="n" * 4001)

    assert [e.field for e in caught.value.errors] == ["text"]
    assert snapshot() == before
