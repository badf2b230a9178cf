"""The complaints and feedback models, one module per aggregate: taxonomy (categories, targets, routing), ticket
(tickets and their history) and intake (box openings, community meetings, webhook messages, rate counters)."""

from panah.feedback.choices import (
    AgeGroup,
    Channel,
    Closure,
    ContactMethod,
    EventKind,
    Language,
    Screening,
    Sex,
    Status,
    Step,
)
from panah.feedback.models.intake import BoxOpening, CommunityMeeting, InboundMessage, RateCounter
from panah.feedback.models.taxonomy import Category, Routing, SlaTarget
from panah.feedback.models.ticket import Ticket, TicketEvent, TicketQuerySet, new_reference

__all__ = [
    "AgeGroup",
    "BoxOpening",
    "Category",
    "Channel",
    "Closure",
    "CommunityMeeting",
    "ContactMethod",
    "EventKind",
    "InboundMessage",
    "Language",
    "RateCounter",
    "Routing",
    "Screening",
    "Sex",
    "SlaTarget",
    "Status",
    "Step",
    "Ticket",
    "TicketEvent",
    "TicketQuerySet",
    "new_reference",
]
