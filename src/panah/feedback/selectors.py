"""Permission-scoped reads of tickets. A sealed ticket exists only for the PSEA focal point: for everyone else every
list, search, count and lookup here behaves as if it were not there (the rule in policy.py scopes them all)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from panah.core import audit
from panah.core.models import AuditEvent
from panah.core.permissions import Perm, can, get_visible, has_role, visible_to
from panah.core.roles import Role
from panah.feedback import sealing
from panah.feedback.choices import OPEN_STATUSES
from panah.feedback.models import Category, Ticket, TicketEvent
from panah.geo.models import AdminArea, Site

SEALED_TYPE = "feedback.sealed"  # audit events about the sealed compartment as a whole (its list)


def area_by_pcode(pcode: str) -> AdminArea | None:
    """A current admin area by P-code (reference data, public to every form)."""
    return AdminArea.objects.filter(pcode=pcode, retired_on__isnull=True).first() if pcode else None


def category_by_code(code: str) -> Category | None:
    return Category.objects.filter(code=code, is_active=True).prefetch_related("sla_targets").first()


def category_list() -> QuerySet[Category]:
    """The active taxonomy, in its order (every form offers it)."""
    return Category.objects.filter(is_active=True).prefetch_related("sla_targets")


def site_by_public_id(public_id: str) -> Site | None:
    try:
        return Site.objects.select_related("admin_area").filter(public_id=public_id, is_active=True).first()
    except (ValueError, TypeError, Exception):  # a malformed UUID is simply no site
        return None


@dataclass(frozen=True)
class TicketFilters:
    status: str = ""
    category: str = ""
    channel: str = ""
    area: str = ""  # P-code: the area and everything in it
    assigned_to_me: bool = False
    overdue: bool = False
    q: str = ""  # a reference


def _base() -> QuerySet[Ticket]:
    return Ticket.objects.select_related("area", "category", "assigned_to", "site", "organisation")


def ticket_list(*, actor: Any, filters: TicketFilters | None = None, sealed: bool = False) -> QuerySet[Ticket]:
    """Tickets the actor may see, newest first; `sealed` lists the PSEA compartment instead (PSEA only)."""
    f = filters or TicketFilters()
    qs = visible_to(actor, _base().filter(sealed=sealed))
    if f.status == "open":
        qs = qs.filter(status__in=OPEN_STATUSES)
    elif f.status:
        qs = qs.filter(status=f.status)
    if f.category:
        qs = qs.filter(category__code=f.category)
    if f.channel:
        qs = qs.filter(channel=f.channel)
    if f.area:
        qs = qs.filter(area__path__contains=f"{f.area.strip().upper()}/")
    if f.assigned_to_me:
        qs = qs.filter(assigned_to=actor)
    if f.overdue:
        qs = qs.filter(due_at__lt=timezone.now())
    if f.q:
        qs = qs.filter(reference__iexact=f.q.strip())
    return qs.order_by("-received_at", "-id")


def ticket_waiting_count(*, actor: Any) -> int:
    """Work waiting for the actor: open tickets in their areas given to them or to nobody yet (the menu badge)."""
    qs = visible_to(actor, Ticket.objects.filter(sealed=False, status__in=OPEN_STATUSES))
    return qs.filter(Q(assigned_to=actor) | Q(assigned_to__isnull=True)).count()


def overdue_list(*, actor: Any) -> QuerySet[Ticket]:
    """Open tickets past their current step's due time, most overdue first (sealed ones for the PSEA only)."""
    now = timezone.now()
    qs = visible_to(actor, _base().filter(due_at__lt=now).exclude(due_at__isnull=True))
    return qs.order_by("due_at")


def ticket_count(*, actor: Any, open_only: bool = True) -> int:
    qs = visible_to(actor, Ticket.objects.filter(sealed=False))
    return (qs.filter(status__in=OPEN_STATUSES) if open_only else qs).count()


def ticket_get(*, actor: Any, reference: str, action: str = Perm.VIEW) -> Ticket:
    """One ticket by reference; out of scope, sealed for a non-PSEA user, or missing: the same not-found. Audited."""
    return get_visible(actor, _base().prefetch_related("category__sla_targets"), action, reference=reference.upper())


@dataclass
class TicketView:
    """A ticket as its reader may see it: a sealed one's narrative opened from the compartment (PSEA only)."""

    ticket: Ticket
    description: str
    contact_detail: str
    safe_contact_notes: str
    response: str
    sealed_fields: dict[str, Any] = field(default_factory=dict)
    events: list[tuple[TicketEvent, str]] = field(default_factory=list)


def ticket_view(*, actor: Any, reference: str) -> TicketView:
    """The ticket with its content and history, for a reader allowed to see it (the read is audited)."""
    ticket = ticket_get(actor=actor, reference=reference)
    events = list(ticket.events.select_related("actor").order_by("at", "id"))
    if not ticket.sealed:
        return TicketView(
            ticket=ticket,
            description=ticket.description,
            contact_detail=ticket.contact_detail,
            safe_contact_notes=ticket.safe_contact_notes,
            response=ticket.response,
            events=[(e, e.text) for e in events],
        )
    payload = sealing.open_sealed(ticket.sealed_payload, actor=actor)
    return TicketView(
        ticket=ticket,
        description=payload.get("description", ""),
        contact_detail=payload.get("contact_detail", ""),
        safe_contact_notes=payload.get("safe_contact_notes", ""),
        response=payload.get("response", ""),
        sealed_fields=payload,
        events=[(e, sealing.open_sealed(e.sealed_text, actor=actor) if e.sealed_text else "") for e in events],
    )


def ticket_history(*, actor: Any, ticket: Ticket) -> QuerySet[AuditEvent]:
    """Who read and changed this ticket: the ticket's own audit events, for whoever may see the ticket."""
    if not can(actor, Perm.VIEW, ticket):
        return AuditEvent.objects.none()
    return AuditEvent.objects.filter(object_type=audit.object_type_of(Ticket), object_id=str(ticket.pk)).order_by("id")


def sealed_list(*, actor: Any) -> QuerySet[Ticket]:
    """The sealed compartment for a PSEA focal point (empty for everyone else); opening the list is audited."""
    qs = ticket_list(actor=actor, sealed=True)
    if has_role(actor, Role.PSEA_FOCAL_POINT):
        audit.record(actor=actor, action=audit.Action.READ, object_type=SEALED_TYPE, metadata={"list": "sealed"})
    return qs


def hidden_audit_events(user: Any) -> Q | None:
    """Audit events about sealed tickets, hidden from every audit reader who is not a PSEA focal point."""
    if has_role(user, Role.PSEA_FOCAL_POINT):
        return None
    sealed_ids = Ticket.objects.filter(sealed=True).annotate(sid=Cast("pk", CharField())).values("sid")
    return Q(object_type=SEALED_TYPE) | Q(object_type=audit.object_type_of(Ticket), object_id__in=sealed_ids)


def due_for_escalation(*, now: datetime | None = None) -> QuerySet[Ticket]:
    """System read for the escalation job: tickets with a running clock (sealed included: they escalate to PSEA)."""
    return Ticket.objects.exclude(due_at__isnull=True).filter(escalation_level__lt=2).select_related("area", "category")


def merge_household(*, actor: Any, merge_id: int) -> str:
    """The registration id of a household in a disputed merge, when the actor may see the merge; else ""."""
    from panah.core.errors import ApplicationError
    from panah.registry import selectors as registry_selectors

    try:
        merge = registry_selectors.merge_get(actor=actor, merge_id=merge_id)
    except ApplicationError:
        return ""
    source = merge.survivor.sources.select_related("household").first()
    return source.household.registration_id if source else ""
