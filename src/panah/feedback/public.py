"""The public ways in, where nobody signs in: the web form, the status page and the SMS/WhatsApp webhook.

Each guards itself without any third-party service: the form by a honeypot and a signed, timestamped token whose
nonce makes a double submit store nothing twice; the form and the status page by hourly counts per network address
(kept in `RateCounter` under a keyed hash, never the address itself); the status page also by locking one ticket's
checks after repeated wrong PINs; the webhook by an HMAC signature over timestamp and body, and by message ids.

The person's network address never reaches the audit trail from here: someone reporting anonymously stays so.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import secrets
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from hashlib import sha256
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.core import signing
from django.db import transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.crypto import salted_hmac
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from panah.core import audit, context
from panah.core.errors import ApplicationError, FieldError, invalid
from panah.feedback import services
from panah.feedback.choices import Channel, ContactMethod, Language, Screening, Status
from panah.feedback.inputs import TicketInput
from panah.feedback.models import InboundMessage, RateCounter, Ticket
from panah.geo.models import AdminArea

FORM_SALT = "panah.feedback.public-form"
FORM_MIN_SECONDS = 3  # a person needs longer than this to read and fill the form; a script does not
FORM_MAX_SECONDS = 6 * 3600  # long enough to write slowly on a poor connection
SUBMIT, STATUS = "submit", "status"  # what a rate counter counts
STATUS_LOCK_AFTER = 5
STATUS_LOCK_MINUTES = 15
WEBHOOK_MAX_BYTES = 64 * 1024
PROVIDERS = {"sms": ContactMethod.SMS, "whatsapp": ContactMethod.WHATSAPP}
COUNTRY = "PK"  # "I prefer not to say / don't know" where the person is


@contextlib.contextmanager
def _anonymous() -> Iterator[None]:
    """Audit events written inside carry no client address (the request id stays, to tie events together)."""
    token = context.bind(context.RequestContext(request_id=context.current().request_id, client_ip=""))
    try:
        yield
    finally:
        context.reset(token)


def districts() -> list[AdminArea]:
    """Current districts with their provinces, for the public location choice (public reference data)."""
    return list(AdminArea.objects.current().filter(level=2).select_related("parent").order_by("parent__name", "name"))


# Rate limiting


def _rate_key(purpose: str, address: str) -> str:
    return salted_hmac("panah.feedback.rate", f"{purpose}:{address}", algorithm="sha256").hexdigest()


def _window(now: datetime) -> datetime:
    return now.replace(minute=0, second=0, microsecond=0)


def _limited(window: datetime) -> ApplicationError:
    retry_at = window + timedelta(hours=1)
    return ApplicationError(
        "rate_limited",
        _("Too many attempts from this network. Try again after %(time)s.")
        % {"time": timezone.localtime(retry_at).strftime("%H:%M")},
        status=429,
        details={"retry_at": retry_at.isoformat()},
    )


def _counter(purpose: str, address: str) -> tuple[str, datetime]:
    key, window = _rate_key(purpose, address), _window(timezone.now())
    _, created = RateCounter.objects.get_or_create(key=key, window_start=window)
    if created:  # once per address and hour: forget counts nobody needs any more
        RateCounter.objects.filter(window_start__lt=window - timedelta(days=1)).delete()
    return key, window


def rate_check(purpose: str, address: str, limit: int) -> None:
    """Refuse (429) when this address has used up the hour's `limit` for `purpose`."""
    key, window = _rate_key(purpose, address), _window(timezone.now())
    if RateCounter.objects.filter(key=key, window_start=window, count__gte=limit).exists():
        raise _limited(window)


def rate_take(purpose: str, address: str, limit: int) -> None:
    """Count one use for this address and hour, or refuse (429) when the limit is reached; one statement decides,
    so concurrent requests cannot both take the last place."""
    key, window = _counter(purpose, address)
    taken = RateCounter.objects.filter(key=key, window_start=window, count__lt=limit).update(count=F("count") + 1)
    if not taken:
        raise _limited(window)


def _rate_give_back(purpose: str, address: str) -> None:
    key, window = _rate_key(purpose, address), _window(timezone.now())
    RateCounter.objects.filter(key=key, window_start=window, count__gt=0).update(count=F("count") - 1)


# The web form


def form_token() -> str:
    """A signed token for one filled form: when it was handed out, and a nonce that identifies the submission."""
    return signing.dumps({"n": secrets.token_urlsafe(16), "t": int(time.time())}, salt=FORM_SALT)


def form_nonce(token: str, *, check_age: bool = True) -> str:
    """The token's nonce; refused (422) when forged, older than a few hours, or (`check_age`) sent back too fast."""
    try:
        payload = signing.loads(token or "", salt=FORM_SALT, max_age=FORM_MAX_SECONDS)
        nonce, issued = str(payload["n"]), int(payload["t"])
    except signing.SignatureExpired:
        raise ApplicationError(
            "form_expired", _("This form was open too long. Your text is kept below: send it again."), status=422
        ) from None
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise ApplicationError("form_invalid", _("The form could not be read. Please send it again."), 422) from None
    if check_age and time.time() - issued < FORM_MIN_SECONDS:
        raise ApplicationError(
            "form_too_fast", _("That was very fast. Please check your message, then send it again."), status=422
        )
    return nonce


def public_submit(*, data: TicketInput, token: str, honeypot: str, address: str) -> services.Submitted:
    """Record a ticket from the public web form. A repeated form (same token) returns the first ticket without its
    PIN and without counting; otherwise one of the address's hourly submissions is used (429 when none is left)."""
    if honeypot:
        raise ApplicationError("form_invalid", _("The form could not be read. Please send it again."), status=422)
    key = f"web:{form_nonce(token)}"
    existing = Ticket.objects.filter(idempotency_key=key).first()
    if existing is not None:
        return services.Submitted(existing, None, created=False)
    data.channel = Channel.WEB
    with _anonymous(), transaction.atomic():
        rate_take(SUBMIT, address, settings.PANAH_CFM_PUBLIC_SUBMISSIONS_PER_HOUR)
        submitted = services.ticket_submit(actor=None, data=data, idempotency_key=key)
        if not submitted.created:  # the same form, sent twice at once: the other request stored it
            _rate_give_back(SUBMIT, address)
    return submitted


def next_date(ticket: Ticket) -> date | None:
    """The day the running step is due, as the person is told it (sealed tickets: never)."""
    if ticket.sealed or ticket.due_at is None:
        return None
    return timezone.localdate(ticket.due_at)


# The status page

STAGES = {
    "received": gettext_lazy("Received. It will be looked at soon."),
    "handling": gettext_lazy("Being looked at by the team."),
    "answered": gettext_lazy("Answered. If we have your consent and a way to reach you, we will contact you."),
    "referred": gettext_lazy("Passed on, with your agreement, to another organisation that can help."),
    "closed": gettext_lazy("Closed."),
}
_STAGE_OF = {
    Status.NEW: "received",
    Status.RESPONDED: "answered",
    Status.REFERRED: "referred",
    Status.CLOSED: "closed",
}


@dataclass(frozen=True)
class PublicStatus:
    """All the status page may say about a ticket."""

    reference: str
    stage: str
    text: str
    next_date: date | None


def _public_status(ticket: Ticket) -> PublicStatus:
    if ticket.sealed:
        # Read like any ticket being looked at (the page may be read over the person's shoulder): nothing about what
        # it concerns or how far it went; once closed, only the note the PSEA focal point wrote for this page.
        if ticket.status == Status.SEALED_CLOSED:
            return PublicStatus(ticket.reference, "closed", ticket.public_note or str(STAGES["closed"]), None)
        return PublicStatus(ticket.reference, "handling", str(STAGES["handling"]), None)
    stage = _STAGE_OF.get(Status(ticket.status), "handling")
    return PublicStatus(ticket.reference, stage, str(STAGES[stage]), None if stage == "closed" else next_date(ticket))


def normalise_reference(value: str) -> str:
    """A reference as people type it: any case, spaces or dashes, with or without "FB", O for 0 and I or L for 1."""
    text = "".join(ch for ch in (value or "").upper() if ch.isalnum())[:20]
    if len(text) > 8 and text.startswith("FB"):  # a reference's own 8 characters may begin with FB too
        text = text[2:]
    return "FB-" + text.translate(str.maketrans("OIL", "011"))


@lru_cache(maxsize=1)
def _dummy_hash() -> str:
    return make_password(secrets.token_hex(8))


def _no_match() -> ApplicationError:
    # One answer for a wrong reference, a wrong PIN and a locked ticket: none of them says whether the reference exists.
    return ApplicationError(
        "no_match",
        _(
            "We could not find a report with this reference and PIN. Check both and try again. After several wrong "
            "tries, checks are paused for %(minutes)d minutes."
        )
        % {"minutes": STATUS_LOCK_MINUTES},
        status=404,
    )


def status_check(*, reference: str, pin: str, address: str) -> PublicStatus:
    """The stage of the ticket with this reference and PIN. Wrong PINs count against the ticket (its checks lock for
    15 minutes after 5) and against the address (429 after the hourly limit); a successful check is audited."""
    limit = settings.PANAH_CFM_STATUS_CHECKS_PER_HOUR
    rate_check(STATUS, address, limit)
    with _anonymous():
        ticket = _match(normalise_reference(reference), (pin or "").strip()[:20])
    if ticket is None:
        with transaction.atomic():
            rate_take(STATUS, address, limit)
        raise _no_match()
    return _public_status(ticket)


def _match(reference: str, pin: str) -> Ticket | None:
    now = timezone.now()
    with transaction.atomic():
        ticket = Ticket.objects.select_for_update().filter(reference=reference).first()
        if ticket is None or (ticket.status_locked_until is not None and ticket.status_locked_until > now):
            check_password(pin, _dummy_hash())  # the same work as a real check: timing tells nothing either
            return None
        if check_password(pin, ticket.pin_hash):
            if ticket.status_failures:
                ticket.status_failures = 0
                ticket.save(update_fields=["status_failures"])
            audit.record(actor=None, action=audit.Action.READ, obj=ticket, metadata={"via": "public status page"})
            return ticket
        ticket.status_failures += 1
        if ticket.status_failures >= STATUS_LOCK_AFTER:
            ticket.status_failures, ticket.status_locked_until = 0, now + timedelta(minutes=STATUS_LOCK_MINUTES)
            audit.record(
                actor=None,
                action=audit.Action.UPDATE,
                obj=ticket,
                changes={"status_locked_until": [None, ticket.status_locked_until.isoformat()]},
                metadata={"reason": "wrong PINs on the public status page"},
            )
        ticket.save(update_fields=["status_failures", "status_locked_until"])
    return None


# The SMS / WhatsApp webhook


def webhook_signature(timestamp: str, body: bytes, secret: str | None = None) -> str:
    """ "sha256=" and the hex HMAC-SHA256 of "<timestamp>.<raw body>" under the shared secret."""
    key = (secret or settings.PANAH_CFM_WEBHOOK_SECRET).encode()
    return "sha256=" + hmac.new(key, timestamp.encode() + b"." + body, sha256).hexdigest()


def webhook_verify(*, body: bytes, timestamp: str, signature: str) -> None:
    """Refuse (401) a message without a valid signature, or signed too far from now (a replay of an old one)."""
    if not timestamp or not signature:
        raise ApplicationError("unsigned", "Sign the message: X-Panah-Timestamp and X-Panah-Signature.", status=401)
    if not hmac.compare_digest(webhook_signature(timestamp, body).encode(), signature.strip().encode()):
        raise ApplicationError("bad_signature", "The signature does not match the message.", status=401)
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > settings.PANAH_CFM_WEBHOOK_MAX_SKEW_SECONDS:
        raise ApplicationError("stale", "The timestamp is too far from the server's clock.", status=401)


@dataclass(frozen=True)
class WebhookAnswer:
    reference: str
    pin: str | None
    reply: str
    duplicate: bool


# The webhook's names for the fields the ticket validation reports on.
_WEBHOOK_FIELDS = {"description": "text", "contact_detail": "from", "consent_contact": "from"}


def webhook_intake(*, provider: str, body: bytes) -> WebhookAnswer:
    """One ticket per (verified) message; a message id already taken in answers with its ticket and stores nothing."""
    message = _parse(body)
    message_id = message["message_id"]
    seen = InboundMessage.objects.filter(provider=provider, message_id=message_id).select_related("ticket").first()
    if seen is not None and seen.ticket is not None:
        return _answer(seen.ticket, None, message.get("language"))
    data = TicketInput(
        channel=provider,
        area=str(message.get("area") or COUNTRY),
        description=message["text"],
        language=str(message.get("language") or Language.URDU),
        contact_method=PROVIDERS[provider],
        contact_detail=message["from"],
        consent_contact=True,  # the person wrote in from this number
        # A gateway with a menu (IVR, an SMS keyword) may have asked the screening question; the word screen
        # applies either way.
        screening=str(message.get("screening") or Screening.NO),
        received_at=min(message["received_at"], timezone.now()),  # a gateway clock a little ahead is no error
    )
    try:
        with _anonymous(), transaction.atomic():
            submitted = services.ticket_submit(actor=None, data=data, idempotency_key=f"{provider}:{message_id}")
            InboundMessage.objects.get_or_create(
                provider=provider,
                message_id=message_id,
                defaults={"received_at": timezone.now(), "ticket": submitted.ticket},
            )
    except ApplicationError as error:
        for e in error.errors:
            e.field = _WEBHOOK_FIELDS.get(e.field, e.field)
        raise
    return _answer(submitted.ticket, submitted.pin, message.get("language"))


def _parse(body: bytes) -> dict[str, Any]:
    try:
        message = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise ApplicationError("malformed", "The body is not JSON.", status=400) from None
    if not isinstance(message, dict):
        raise ApplicationError("malformed", "The body must be a JSON object.", status=400)
    errors = [
        FieldError(name, "Required: a non-empty string.", "required")
        for name in ("message_id", "from", "text", "received_at")
        if not isinstance(message.get(name), str) or not message[name].strip()
    ]
    errors += [
        FieldError(name, "A string, when given.")
        for name in ("language", "area", "screening")
        if message.get(name) is not None and not isinstance(message[name], str)
    ]
    if not errors and len(message["message_id"]) > 120:
        errors.append(FieldError("message_id", "At most 120 characters."))
    if not errors:
        received = parse_datetime(message["received_at"].strip())
        if received is None:
            errors.append(FieldError("received_at", "An ISO 8601 date and time, e.g. 2026-03-01T09:30:00+05:00."))
        else:
            message["received_at"] = received if timezone.is_aware(received) else received.replace(tzinfo=UTC)
    if errors:
        raise invalid("The message cannot be taken in as sent.", *errors)
    return message


def _answer(ticket: Ticket, pin: str | None, language: Any) -> WebhookAnswer:
    # The reply is sent to the person's phone: it names the reference and PIN, never what they wrote.
    with translation.override("en" if language == Language.ENGLISH else "ur"):
        if pin:
            reply = _(
                "Thank you, we have received your message. Reference: %(reference)s PIN: %(pin)s. Keep both "
                "to ask about progress on the feedback page or the hotline. Do not share the PIN."
            ) % {"reference": ticket.reference, "pin": pin}
        else:
            reply = _("We already have this message. Reference: %(reference)s.") % {"reference": ticket.reference}
    return WebhookAnswer(ticket.reference, pin, reply, duplicate=pin is None)
