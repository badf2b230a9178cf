"""The inbound SMS/WhatsApp webhook: signed messages become one ticket each; unsigned, stale, replayed, malformed or
oversized ones get a clear problem+json answer and store nothing."""

from __future__ import annotations

import json
import time
from typing import Any

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from django.urls import reverse

from panah.feedback import public
from panah.feedback.choices import Channel, ContactMethod, Status
from panah.feedback.models import InboundMessage, Ticket

pytestmark = pytest.mark.django_db

TEXT = "No food distribution at the Jalozai site for two weeks"


def message(**overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "message_id": "SM-0001",
        "from": "+923001234567",
        "text": TEXT,
        "received_at": "2026-03-01T09:30:00+05:00",
    }
    values.update(overrides)
    return values


def post(
    client: Client,
    body: dict[str, Any] | bytes,
    *,
    provider: str = "sms",
    timestamp: int | None = None,
    signature: str | None = None,
) -> Any:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    stamp = str(int(time.time()) if timestamp is None else timestamp)
    headers = {
        "HTTP_X_PANAH_TIMESTAMP": stamp,
        "HTTP_X_PANAH_SIGNATURE": public.webhook_signature(stamp, raw) if signature is None else signature,
    }
    return client.post(reverse("feedback_public:webhook", args=[provider]), raw, "application/json", **headers)


def nothing_stored() -> bool:
    return Ticket.objects.count() == 0 and InboundMessage.objects.count() == 0


def test_signed_sms_becomes_a_ticket_with_reference_pin_and_urdu_reply(client: Client) -> None:
    response = post(client, message())

    body = response.json()
    ticket = Ticket.objects.get()
    assert response.status_code == 201
    assert body["reference"] == ticket.reference
    assert body["duplicate"] is False
    assert check_password(body["pin"], ticket.pin_hash)
    assert ticket.reference in body["reply"]
    assert body["pin"] in body["reply"]
    assert TEXT not in body["reply"]
    assert (ticket.channel, ticket.contact_method, ticket.contact_detail) == (
        Channel.SMS,
        ContactMethod.SMS,
        "+923001234567",
    )
    assert ticket.consent_contact is True
    assert ticket.area.pcode == "PK"
    assert ticket.language == "ur"
    assert ticket.description == TEXT
    assert ticket.status == Status.NEW
    assert ticket.received_at.isoformat() == "2026-03-01T04:30:00+00:00"
    assert InboundMessage.objects.get().ticket == ticket


def test_whatsapp_message_with_area_and_english_gets_an_english_reply(client: Client) -> None:
    response = post(client, message(area="PK506", language="en"), provider="whatsapp")

    body = response.json()
    ticket = Ticket.objects.get()
    assert response.status_code == 201
    assert (ticket.channel, ticket.contact_method, ticket.area.pcode) == ("whatsapp", "whatsapp", "PK506")
    assert body["reply"].startswith("Thank you, we have received your message.")


def test_replayed_message_answers_with_the_first_reference_and_stores_nothing_new(client: Client) -> None:
    first = post(client, message()).json()

    again = post(client, message(text="a different text under the same id"))

    assert again.status_code == 200
    assert again.json()["reference"] == first["reference"]
    assert again.json()["duplicate"] is True
    assert again.json()["pin"] is None
    assert Ticket.objects.count() == 1
    assert InboundMessage.objects.count() == 1
    assert Ticket.objects.get().description == TEXT


def test_same_message_id_from_the_other_provider_is_another_message(client: Client) -> None:
    post(client, message())

    response = post(client, message(), provider="whatsapp")

    assert response.status_code == 201
    assert Ticket.objects.count() == 2


@pytest.mark.parametrize(
    ("timestamp", "signature", "code"),
    [
        ("", "", "unsigned"),
        (None, "", "unsigned"),
        (None, "sha256=" + "0" * 64, "bad_signature"),
        (None, "not-even-hex", "bad_signature"),
    ],
)
def test_unsigned_or_badly_signed_message_is_refused(
    client: Client, timestamp: str | None, signature: str, code: str
) -> None:
    raw = json.dumps(message()).encode()
    headers = {"HTTP_X_PANAH_SIGNATURE": signature}
    if timestamp is None:
        headers["HTTP_X_PANAH_TIMESTAMP"] = str(int(time.time()))
    url = reverse("feedback_public:webhook", args=["sms"])

    response = client.post(url, raw, "application/json", **headers)

    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["code"] == code
    assert nothing_stored()


def test_message_signed_with_another_secret_is_refused(client: Client) -> None:
    raw = json.dumps(message()).encode()
    stamp = str(int(time.time()))

    response = post(client, raw, timestamp=int(stamp), signature=public.webhook_signature(stamp, raw, "other"))

    assert response.status_code == 401
    assert response.json()["code"] == "bad_signature"
    assert nothing_stored()


@pytest.mark.parametrize("skew", [-301, 301])
def test_message_signed_too_long_ago_or_ahead_is_refused(client: Client, skew: int) -> None:
    response = post(client, message(), timestamp=int(time.time()) + skew)

    assert response.status_code == 401
    assert response.json()["code"] == "stale"
    assert nothing_stored()


def test_body_changed_after_signing_is_refused(client: Client) -> None:
    stamp = str(int(time.time()))
    signed = public.webhook_signature(stamp, json.dumps(message()).encode())

    response = post(client, message(text="changed on the way"), timestamp=int(stamp), signature=signed)

    assert response.status_code == 401
    assert nothing_stored()


def test_malformed_json_is_refused(client: Client) -> None:
    response = post(client, b'{"message_id": "SM-1", "text": ')

    assert response.status_code == 400
    assert response.json()["code"] == "malformed"
    assert nothing_stored()


def test_json_that_is_not_an_object_is_refused(client: Client) -> None:
    response = post(client, b'["SM-1"]')

    assert response.status_code == 400
    assert nothing_stored()


def test_missing_fields_are_each_named(client: Client) -> None:
    response = post(client, {"message_id": "SM-2", "text": "  "})

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["from", "text", "received_at"]
    assert nothing_stored()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"received_at": "yesterday"}, "received_at"),
        ({"area": "PK999"}, "area"),
        ({"from": "call me"}, "from"),
        ({"text": "x" * 4001}, "text"),
        ({"language": "fr"}, "language"),
        ({"area": 506}, "area"),
    ],
)
def test_bad_fields_are_named_as_the_gateway_sent_them(client: Client, overrides: dict[str, Any], field: str) -> None:
    response = post(client, message(**overrides))

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == [field]
    assert nothing_stored()


def test_oversized_body_is_refused(client: Client) -> None:
    response = post(client, message(text="x" * (64 * 1024)))

    assert response.status_code == 413
    assert response.json()["code"] == "too_large"
    assert nothing_stored()


def test_unknown_provider_is_not_found(client: Client) -> None:
    response = post(client, message(), provider="telegram")

    assert response.status_code == 404
    assert nothing_stored()


def test_get_is_not_allowed(client: Client) -> None:
    response = client.get(reverse("feedback_public:webhook", args=["sms"]))

    assert response.status_code == 405


def test_screening_answer_from_a_gateway_menu_seals_the_report(client: Client) -> None:
    response = post(client, message(screening="yes", text="I want to report something about a worker."))

    ticket = Ticket.objects.get()
    assert response.status_code == 201
    assert ticket.sealed
    assert ticket.status == Status.SEALED
    assert ticket.description == ""
    assert "worker" not in response.json()["reply"]


def test_unknown_screening_answer_is_refused_naming_it(client: Client) -> None:
    response = post(client, message(screening="maybe"))

    assert response.status_code == 422
    assert [e["field"] for e in response.json()["errors"]] == ["screening"]
    assert nothing_stored()
