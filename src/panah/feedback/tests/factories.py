"""Tickets for tests: `ticket_input(**overrides)` builds what a form would send; `submit(...)` records it."""

from __future__ import annotations

from typing import Any

from panah.feedback import services
from panah.feedback.choices import Channel, ContactMethod, Language
from panah.feedback.inputs import TicketInput

KP_DISTRICT = "PK506"  # Charsadda, Khyber Pakhtunkhwa (PK5)
SINDH_DISTRICT = "PK715"


def ticket_input(**overrides: Any) -> TicketInput:
    values: dict[str, Any] = {
        "channel": Channel.HOTLINE,
        "area": KP_DISTRICT,
        "description": "The water point at block C has been dry for four days.",
        "language": Language.URDU,
        "contact_method": ContactMethod.PHONE,
        "contact_detail": "03001234567",
        "consent_contact": True,
    }
    values.update(overrides)
    return TicketInput(**values)


def submit(actor: Any = None, **overrides: Any) -> services.Submitted:
    return services.ticket_submit(actor=actor, data=ticket_input(**overrides))
