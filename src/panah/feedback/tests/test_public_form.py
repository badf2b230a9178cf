"""The public web form: no account, English and Urdu, one ticket per filled form, and every refusal stores nothing."""

from __future__ import annotations

import re
import time
from typing import Any
from unittest import mock

import pytest
from django.contrib.auth.hashers import check_password
from django.test import Client
from django.urls import reverse

from panah.core.models import AuditEvent
from panah.feedback import public
from panah.feedback.choices import Channel, Screening, Status
from panah.feedback.models import RateCounter, Ticket

pytestmark = pytest.mark.django_db

FORM = reverse("feedback_public:submit")
RECEIVED = reverse("feedback_public:received")
SCRIPT = "<script>alert('x')</script> the tap is broken"


def token(seconds_ago: float = 10) -> str:
    """A form token handed out `seconds_ago`."""
    real = time.time
    with mock.patch("time.time", return_value=real() - seconds_ago):
        return public.form_token()


def filled(**overrides: Any) -> dict[str, Any]:
    values = {
        "description": "The water point at block C has been dry for four days.",
        "area": "PK506",
        "screening": Screening.NO,
        "contact_method": "none",
        "token": token(),
        "hp_note": "",
    }
    values.update(overrides)
    return values


def pin_on(html: str) -> str:
    found = re.search(r'id="pin"><bdi dir="ltr">(\d{6})</bdi>', html)
    return found.group(1) if found else ""


def errors_of(html: str, field: str) -> list[str]:
    block = re.search(rf'data-field="{field}">(.*?)</ul>', html, re.S)
    return re.findall(r"<li>(.*?)</li>", block.group(1)) if block else []


def test_form_offers_districts_by_province_and_is_never_cached(client: Client) -> None:
    response = client.get(FORM)

    html = response.content.decode()
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert '<optgroup label="Khyber Pakhtunkhwa">' in html
    assert '<option value="PK506">Charsadda</option>' in html
    assert '<option value="PK">I prefer not to say / I don&#x27;t know</option>' in html
    assert 'name="token"' in html


def test_submission_in_english_records_a_web_ticket_and_shows_reference_and_pin_once(client: Client) -> None:
    response = client.post(FORM, filled())

    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert response["Location"] == RECEIVED
    assert ticket.channel == Channel.WEB
    assert ticket.language == "en"
    assert ticket.area.pcode == "PK506"
    assert ticket.status == Status.NEW
    assert ticket.created_by is None
    first = client.get(RECEIVED)
    html = first.content.decode()
    assert "no-store" in first["Cache-Control"]
    assert ticket.reference in html
    assert check_password(pin_on(html), ticket.pin_hash)
    assert "Write both down now" in html
    again = client.get(RECEIVED).content.decode()
    assert ticket.reference in again
    assert pin_on(again) == ""
    assert "The PIN was shown only once" in again


def test_submission_in_urdu_is_right_to_left_and_recorded_in_urdu(client: Client) -> None:
    client.cookies["django_language"] = "ur"

    page = client.get(FORM).content.decode()
    client.post(FORM, filled())

    assert '<html lang="ur" dir="rtl">' in page
    assert Ticket.objects.get().language == "ur"
    assert '<html lang="ur" dir="rtl">' in client.get(RECEIVED).content.decode()


def test_anonymous_visitor_switches_language_and_keeps_it(client: Client) -> None:
    response = client.post(reverse("accounts:language"), {"language": "ur", "next": FORM})

    assert response.status_code == 302
    assert response["Location"] == FORM
    assert '<html lang="ur" dir="rtl">' in client.get(FORM).content.decode()


def test_received_page_without_a_submission_goes_to_the_form(client: Client) -> None:
    response = client.get(RECEIVED)

    assert response.status_code == 302
    assert response["Location"] == FORM


def test_sealing_answer_says_confidential_and_gives_no_date(client: Client) -> None:
    client.post(FORM, filled(screening=Screening.UNSURE))

    html = client.get(RECEIVED).content.decode()
    ticket = Ticket.objects.get()
    assert ticket.sealed
    assert ticket.description == ""
    assert 'id="confidential"' in html
    assert 'id="next-date"' not in html


def test_submission_audit_event_keeps_no_network_address(client: Client) -> None:
    client.post(FORM, filled(), REMOTE_ADDR="203.0.113.7")

    ticket = Ticket.objects.get()
    event = AuditEvent.objects.get(object_type="feedback.ticket", object_id=str(ticket.pk), action="create")
    assert event.client_ip == ""
    assert event.actor_id is None


def test_filled_honeypot_is_refused_and_shown_again_empty(client: Client) -> None:
    response = client.post(FORM, filled(hp_note="http://spam.example"))

    html = response.content.decode()
    assert response.status_code == 422
    assert Ticket.objects.count() == 0
    assert "The form could not be read. Please send it again." in html
    assert 'name="hp_note" value="http' not in html
    assert "The water point at block C" in html


def test_form_sent_back_too_fast_is_refused_with_its_token_kept(client: Client) -> None:
    fresh = token(seconds_ago=0)

    response = client.post(FORM, filled(token=fresh))

    assert response.status_code == 422
    assert Ticket.objects.count() == 0
    assert "That was very fast." in response.content.decode()
    assert f'value="{fresh}"' in response.content.decode()


def test_expired_form_is_refused_with_the_text_kept_and_a_new_token(client: Client) -> None:
    old = token(seconds_ago=public.FORM_MAX_SECONDS + 60)

    response = client.post(FORM, filled(token=old))

    html = response.content.decode()
    assert response.status_code == 422
    assert Ticket.objects.count() == 0
    assert "This form was open too long." in html
    assert "The water point at block C" in html
    assert f'value="{old}"' not in html


def test_forged_token_is_refused(client: Client) -> None:
    response = client.post(FORM, filled(token="eyJuIjoiYWJjIiwidCI6MH0:forged:signature"))

    assert response.status_code == 422
    assert Ticket.objects.count() == 0


def test_replayed_form_stores_nothing_twice_and_shows_the_reference_without_pin(client: Client) -> None:
    data = filled()
    client.post(FORM, data)
    ticket = Ticket.objects.get()
    other = Client()

    response = other.post(FORM, data)

    html = other.get(RECEIVED).content.decode()
    assert response.status_code == 302
    assert Ticket.objects.count() == 1
    assert "We already received this message" in html
    assert ticket.reference in html
    assert pin_on(html) == ""
    assert RateCounter.objects.get().count == 1


def test_double_click_still_shows_the_pin_of_the_first_post(client: Client) -> None:
    data = filled()
    client.post(FORM, data)
    client.post(FORM, data)

    html = client.get(RECEIVED).content.decode()
    assert Ticket.objects.count() == 1
    assert check_password(pin_on(html), Ticket.objects.get().pin_hash)


def test_flood_from_one_address_is_refused_after_the_hourly_limit(client: Client, settings: Any) -> None:
    settings.PANAH_CFM_PUBLIC_SUBMISSIONS_PER_HOUR = 3
    accepted = [client.post(FORM, filled()).status_code for _ in range(3)]

    refused = client.post(FORM, filled())

    html = refused.content.decode()
    assert accepted == [302, 302, 302]
    assert refused.status_code == 429
    assert refused["Retry-After"] == "3600"
    assert "Try again after" in html
    assert "hotline" in html
    assert Ticket.objects.count() == 3
    counter = RateCounter.objects.get()
    assert counter.count == 3
    assert "127.0.0.1" not in counter.key
    assert len(counter.key) == 64
    assert client.post(FORM, filled(), REMOTE_ADDR="198.51.100.4").status_code == 302


def test_refused_input_does_not_use_up_the_hourly_limit(client: Client) -> None:
    client.post(FORM, filled(area="PK506", description="   "))

    assert RateCounter.objects.filter(count__gt=0).count() == 0
    assert Ticket.objects.count() == 0


def test_oversized_text_is_refused_next_to_its_field(client: Client) -> None:
    response = client.post(FORM, filled(description="x" * 4001))

    assert response.status_code == 422
    assert Ticket.objects.count() == 0
    assert errors_of(response.content.decode(), "description") == ["At most 4000 characters (this has 4001)."]


def test_unknown_pcode_tampered_into_the_select_is_refused(client: Client) -> None:
    response = client.post(FORM, filled(area="PK999"))

    assert response.status_code == 422
    assert Ticket.objects.count() == 0
    assert errors_of(response.content.decode(), "area") == [
        "Select a valid choice. PK999 is not one of the available choices."
    ]


def test_prefer_not_to_say_records_the_country(client: Client) -> None:
    client.post(FORM, filled(area="PK"))

    assert Ticket.objects.get().area.pcode == "PK"


def test_contact_without_consent_is_refused_next_to_the_consent(client: Client) -> None:
    response = client.post(FORM, filled(contact_method="sms", contact_detail="0300 1234567"))

    assert response.status_code == 422
    assert Ticket.objects.count() == 0
    assert errors_of(response.content.decode(), "consent_contact") == [
        "Contact only with the person&#x27;s consent: tick it, or choose no contact."
    ]


def test_contact_details_are_recorded_with_consent(client: Client) -> None:
    client.post(
        FORM,
        filled(
            contact_method="whatsapp",
            contact_detail="0300 1234567",
            consent_contact="on",
            safe_contact_notes="Mornings only",
            sex="f",
            age_group="18-59",
            disability="yes",
        ),
    )

    ticket = Ticket.objects.get()
    assert (ticket.contact_method, ticket.contact_detail, ticket.consent_contact) == ("whatsapp", "03001234567", True)
    assert (ticket.safe_contact_notes, ticket.sex, ticket.age_group, ticket.disability) == (
        "Mornings only",
        "f",
        "18-59",
        True,
    )


def test_script_in_the_description_is_stored_as_text_and_shown_escaped(client: Client) -> None:
    refused = client.post(FORM, filled(description=SCRIPT, area=""))
    client.post(FORM, filled(description=SCRIPT))

    html = refused.content.decode()
    assert refused.status_code == 422
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; the tap is broken" in html
    assert Ticket.objects.get().description == SCRIPT


def test_script_sent_through_the_public_form_is_escaped_on_the_team_page(
    client: Client, make_user: Any, login: Any
) -> None:
    client.post(FORM, filled(description=SCRIPT))
    ticket = Ticket.objects.get()
    officer = login(make_user("cfm"))

    response = officer.get(reverse("feedback:ticket", args=[ticket.reference]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; the tap is broken" in html
