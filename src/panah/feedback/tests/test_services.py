"""Intake and sealing: a ticket is recorded once, with a PIN; a sensitive one is sealed in the same transaction."""

from __future__ import annotations

import pytest
from django.contrib.auth.hashers import check_password
from django.core import mail
from django.db import connection

from panah.core.errors import ApplicationError
from panah.core.models import AuditEvent
from panah.feedback import sealing, services, workflow
from panah.feedback.choices import Screening, Status, Step
from panah.feedback.models import Category, Ticket, TicketEvent
from panah.feedback.tests.factories import submit, ticket_input

pytestmark = pytest.mark.django_db


def test_public_submission_gets_reference_and_pin_and_starts_triage_clock() -> None:
    result = submit(None)

    ticket = Ticket.objects.get()
    assert result.created
    assert result.pin is not None
    assert len(result.pin) == 6
    assert check_password(result.pin, ticket.pin_hash)
    assert ticket.reference.startswith("FB-")
    assert ticket.status == Status.NEW
    assert ticket.sla_step == Step.TRIAGE
    assert ticket.due_at is not None
    assert ticket.organisation.kind == "mission"
    assert ticket.description == "The water point at block C has been dry for four days."


def test_description_is_encrypted_in_the_database() -> None:
    submit(None)

    with connection.cursor() as cursor:
        cursor.execute("SELECT description, contact_detail FROM feedback_ticket")
        description, contact = cursor.fetchone()
    assert description.startswith("enc1:")
    assert contact.startswith("enc1:")


def test_same_idempotency_key_stores_once() -> None:
    first = services.ticket_submit(actor=None, data=ticket_input(), idempotency_key="msg-1")
    second = services.ticket_submit(actor=None, data=ticket_input(), idempotency_key="msg-1")

    assert Ticket.objects.count() == 1
    assert second.ticket.pk == first.ticket.pk
    assert second.pin is None
    assert not second.created


def test_bad_input_names_every_field_and_stores_nothing() -> None:
    with pytest.raises(ApplicationError) as caught:
        submit(None, area="PK999", description="x" * 4001, contact_detail="call me", channel="pigeon")

    fields = {e.field for e in caught.value.errors}
    assert fields == {"area", "description", "contact_detail", "channel"}
    assert caught.value.status == 422
    assert Ticket.objects.count() == 0
    assert AuditEvent.objects.filter(object_type="feedback.ticket").count() == 0


def test_contact_without_consent_is_refused() -> None:
    with pytest.raises(ApplicationError) as caught:
        submit(None, consent_contact=False)

    assert [e.field for e in caught.value.errors] == ["consent_contact"]


@pytest.mark.parametrize("screening", [Screening.YES, Screening.UNSURE])
def test_screening_answer_seals_at_intake_and_notifies_psea(make_user, django_capture_on_commit_callbacks, screening):
    psea = make_user("psea", "PK5")
    psea.email = "psea@example.org"
    psea.save()
    operator = make_user("cfm", "PK5")

    with django_capture_on_commit_callbacks(execute=True):
        result = submit(operator, screening=screening, description="A guard asked for sex in exchange for tokens.")

    ticket = Ticket.objects.get(pk=result.ticket.pk)
    assert ticket.sealed
    assert ticket.status == Status.SEALED
    assert ticket.description == ""
    assert ticket.contact_detail == ""
    assert ticket.sla_step == Step.PSEA_NOTIFY
    assert sealing.open_sealed(ticket.sealed_payload, actor=psea)["description"] == (
        "A guard asked for sex in exchange for tokens."
    )
    assert [m.to for m in mail.outbox] == [["psea@example.org"]]
    assert "guard" not in mail.outbox[0].body


def test_sealed_payload_cannot_be_opened_by_an_administrator(make_user) -> None:
    admin = make_user("admin")
    result = submit(make_user("cfm"), screening=Screening.YES)

    with pytest.raises(ApplicationError) as caught:
        sealing.open_sealed(Ticket.objects.get(pk=result.ticket.pk).sealed_payload, actor=admin)

    assert caught.value.status == 404


def test_sealing_during_handling_moves_notes_into_the_compartment(make_user) -> None:
    cfm = make_user("cfm")
    ticket = submit(cfm).ticket
    services.ticket_note(actor=cfm, ticket=ticket, text="The caller mentioned the distribution supervisor.")

    services.ticket_seal(actor=cfm, ticket=ticket, reason="misconduct disclosed")

    note = TicketEvent.objects.get(ticket=ticket, kind="note")
    assert note.text == ""
    assert note.sealed_text.startswith("psea1:")
    assert Ticket.objects.get(pk=ticket.pk).sealed


def test_triage_into_sensitive_category_seals(make_user) -> None:
    cfm = make_user("cfm")
    ticket = submit(cfm).ticket

    workflow.ticket_triage(actor=cfm, ticket=ticket, category=Category.objects.get(code="fraud"))

    assert Ticket.objects.get(pk=ticket.pk).sealed


def test_box_opening_names_each_bad_note_and_stores_nothing(make_user, area) -> None:
    from django.utils import timezone

    from panah.feedback.models import BoxOpening

    officer = make_user("cfm")
    notes = [ticket_input(), ticket_input(description=""), ticket_input(area="PK000", contact_detail="no")]

    with pytest.raises(ApplicationError) as caught:
        services.box_opening_record(
            actor=officer, area=area("PK506"), box_label="Box 1", opened_at=timezone.now(), witness="W", notes=notes
        )

    assert sorted(e.field for e in caught.value.errors) == [
        "notes[1].description",
        "notes[2].area",
        "notes[2].contact_detail",
    ]
    assert BoxOpening.objects.count() == 0
    assert Ticket.objects.count() == 0


def test_box_opening_retried_with_its_key_is_stored_once(make_user, area) -> None:
    from django.utils import timezone

    from panah.feedback.models import BoxOpening

    officer = make_user("cfm")
    args = {"actor": officer, "area": area("PK506"), "box_label": "Box 1", "witness": "W", "idempotency_key": "k1"}

    first = services.box_opening_record(opened_at=timezone.now(), notes=[ticket_input(), ticket_input()], **args)
    second = services.box_opening_record(opened_at=timezone.now(), notes=[ticket_input(), ticket_input()], **args)

    assert second.pk == first.pk
    assert BoxOpening.objects.count() == 1
    assert list(Ticket.objects.values_list("channel", flat=True)) == ["box", "box"]


def test_household_is_linked_only_when_the_recording_user_may_see_it(make_user) -> None:
    from panah.registry import services as registry_services
    from panah.registry.tests.factories import household

    registration = make_user(["registration", "cfm"], "PK5")
    registered = registry_services.household_register(actor=registration, data=household()).household
    cfm_only = make_user("cfm", "PK5")

    linked = submit(registration, household=registered.registration_id).ticket
    with pytest.raises(ApplicationError) as caught:
        submit(cfm_only, household=registered.registration_id)

    assert Ticket.objects.get(pk=linked.pk).household == registered
    assert [e.field for e in caught.value.errors] == ["household"]
    assert Ticket.objects.count() == 1


@pytest.mark.parametrize(
    "text",
    [
        "The driver asked my sister for sexual favours before giving the kit.",
        "Distribution staff took a bribe to put names on the list.",
        "ٹوکن دینے والے نے رشوت مانگی",
        "Ration wale ne rishwat maangi",
    ],
)
def test_words_suggesting_abuse_or_bribery_seal_even_when_screening_says_no(text) -> None:
    ticket = submit(None, screening=Screening.NO, description=text).ticket

    stored = Ticket.objects.get(pk=ticket.pk)
    assert stored.sealed
    assert stored.screening == Screening.UNSURE


@pytest.mark.parametrize("text", ["The tap at block C is broken.", "پانی کا نل ٹوٹا ہوا ہے", "Misrepresented dates"])
def test_ordinary_feedback_is_not_sealed_by_the_screen(text) -> None:
    ticket = submit(None, screening=Screening.NO, description=text).ticket

    assert not Ticket.objects.get(pk=ticket.pk).sealed
