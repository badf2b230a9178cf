"""The fixed vocabularies of the complaints and feedback mechanism (the taxonomy itself is data: `Category`)."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    HOTLINE = "hotline", _("Hotline")
    HELP_DESK = "help-desk", _("Help desk at a site")
    WEB = "web", _("Public web form")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    BOX = "box", _("Complaint box")
    STAFF = "staff", _("Reported by staff or a partner")
    REFERRAL = "referral", _("Referral from another agency")
    SYSTEM = "system", _("Raised from another part of Panah")


class Language(models.TextChoices):
    URDU = "ur", _("Urdu")
    ENGLISH = "en", _("English")
    PASHTO = "ps", _("Pashto")
    SINDHI = "sd", _("Sindhi")
    DARI = "prs", _("Dari")
    OTHER = "other", _("Other")


class Sex(models.TextChoices):
    UNKNOWN = "", _("Not given")
    FEMALE = "f", _("Female")
    MALE = "m", _("Male")
    OTHER = "x", _("Other")


class AgeGroup(models.TextChoices):
    UNKNOWN = "", _("Not given")
    CHILD = "0-17", _("Under 18")
    ADULT = "18-59", _("18 to 59")
    OLDER = "60+", _("60 or older")


class ContactMethod(models.TextChoices):
    NONE = "none", _("Do not contact")
    PHONE = "phone", _("Phone call")
    SMS = "sms", _("SMS")
    WHATSAPP = "whatsapp", _("WhatsApp")
    IN_PERSON = "in-person", _("In person at a help desk")


class Status(models.TextChoices):
    NEW = "new", _("Received")
    TRIAGED = "triaged", _("Triaged")
    ASSIGNED = "assigned", _("Assigned")
    IN_PROGRESS = "in-progress", _("In progress")
    ON_HOLD = "on-hold", _("On hold")
    FOR_APPROVAL = "for-approval", _("Response awaiting approval")
    RESPONDED = "responded", _("Responded")
    REFERRED = "referred", _("Referred")
    CLOSED = "closed", _("Closed")
    # Sealed tickets move only through these: the mission records, it does not investigate.
    SEALED = "sealed", _("With the PSEA focal point")
    REPORTED = "reported", _("Reported to the oversight office")
    SEALED_CLOSED = "sealed-closed", _("Closed by the PSEA focal point")


OPEN_STATUSES = frozenset(
    {
        Status.NEW,
        Status.TRIAGED,
        Status.ASSIGNED,
        Status.IN_PROGRESS,
        Status.ON_HOLD,
        Status.FOR_APPROVAL,
        Status.RESPONDED,
    }
)
SEALED_STATUSES = frozenset({Status.SEALED, Status.REPORTED, Status.SEALED_CLOSED})


class Closure(models.TextChoices):
    INFORMED = "informed", _("Person informed of the outcome")
    UNREACHABLE = "unreachable", _("Unreachable after three attempts")
    NO_CONTACT = "no-contact", _("No contact wanted or possible (anonymous)")
    NOTICE_BOARD = "notice-board", _("Answered on a community notice board")


class Step(models.TextChoices):
    """The stages a service-level target is set for."""

    TRIAGE = "triage", _("Triage")
    RESPOND = "respond", _("Response")
    APPROVE = "approve", _("Approval")
    CLOSE_LOOP = "close-loop", _("Closing the loop")
    PSEA_NOTIFY = "psea", _("Report to the oversight office")


class EventKind(models.TextChoices):
    TRANSITION = "transition", _("Status change")
    NOTE = "note", _("Note")
    CONTACT = "contact", _("Contact attempt")
    ESCALATION = "escalation", _("Escalation")


class Screening(models.TextChoices):
    """The intake screening question: does this concern abuse, harassment, fraud or misconduct by aid workers?"""

    NO = "no", _("No")
    YES = "yes", _("Yes")
    UNSURE = "unsure", _("Not sure")
