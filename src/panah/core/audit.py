"""The audit trail: written by services inside their own transaction, so an event exists exactly when its change does.

Events form a hash chain (each event hashes its content with the previous event's hash); the chain head row is
locked while an event is appended, so concurrent writers append one at a time in commit order.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from panah.core import context
from panah.core.classification import MASK, is_masked_in_audit
from panah.core.models import AuditChainHead, AuditEvent

GENESIS_HASH = "0" * 64
HEAD_PK = 1


class Action:
    CREATE = "create"
    UPDATE = "update"
    DELETE = "delete"
    TRANSITION = "transition"
    READ = "read"
    EXPORT = "export"
    LOGIN = "login.success"
    LOGIN_FAILED = "login.failure"
    LOGIN_LOCKED = "login.locked"
    LOGOUT = "logout"
    GRANT = "permission.grant"
    REVOKE = "permission.revoke"
    TOKEN_CREATE = "token.create"  # noqa: S105 (an action name, not a secret)
    TOKEN_REVOKE = "token.revoke"  # noqa: S105
    VERIFY = "audit.verify"


# Compartments: apps register (user -> Q of events this user must not see), so events about sealed records stay out
# of every reader's trail, lists, exports and counts alike (panah.feedback hides its sealed tickets this way).
_hidden: list[Callable[[Any], models.Q | None]] = []


def register_hidden(rule: Callable[[Any], models.Q | None]) -> None:
    _hidden.append(rule)


def hidden_from(user: Any) -> models.Q | None:
    """The events `user` may not see whatever their role, or None when nothing is hidden from them."""
    parts = [q for q in (rule(user) for rule in _hidden) if q is not None]
    if not parts:
        return None
    combined = parts[0]
    for q in parts[1:]:
        combined |= q
    return combined


def _portable(value: Any) -> Any:
    # PostgreSQL's jsonb keeps numbers as `numeric`: 1e+16 comes back as 10000000000000000, -0.0 as 0.0, and NaN is
    # refused. Floats are put into the form both databases give back, or a stored event would fail verification.
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            return str(value)
        if value == 0:
            return 0.0
        return int(value) if abs(value) >= 1e16 else value  # floats this large are whole numbers
    if isinstance(value, dict):
        return {k: _portable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_portable(v) for v in value]
    return value


def _jsonable(value: Any) -> Any:
    """Make a value exactly what a JSON column gives back, so the hash of a stored event can be recomputed."""
    return _portable(json.loads(json.dumps(value, default=str, sort_keys=True)))


def _canonical(event: AuditEvent) -> bytes:
    occurred = event.occurred_at.astimezone(UTC).isoformat(timespec="microseconds")
    body = {
        "occurred_at": occurred,
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "actor_organisation": event.actor_organisation,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "changes": event.changes,
        "metadata": event.metadata,
        "request_id": event.request_id,
        "client_ip": event.client_ip,
        "prev_hash": event.prev_hash,
    }
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def compute_hash(event: AuditEvent) -> str:
    return hashlib.sha256(_canonical(event)).hexdigest()


def object_type_of(obj: models.Model | type[models.Model]) -> str:
    return obj._meta.label_lower


def _locked_head() -> AuditChainHead:
    head = AuditChainHead.objects.select_for_update().filter(pk=HEAD_PK).first()
    if head is not None:
        return head
    # A missing head is normal only on an empty trail (a test flush empties every table); otherwise refuse to
    # write, because a new chain would hide whatever was removed.
    if AuditEvent.objects.exists():
        raise RuntimeError("audit chain head is missing while events exist: run audit_verify")
    head, _ = AuditChainHead.objects.get_or_create(pk=HEAD_PK, defaults={"last_event_id": 0, "last_hash": GENESIS_HASH})
    return head


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    changes: Mapping[str, Any] | None = None,
    metadata: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Append one event to the chain, inside the caller's transaction (a savepoint when one is open)."""
    if obj is not None:
        object_type = object_type or object_type_of(obj)
        object_id = object_id or str(obj.pk)
    ctx = context.current()
    authenticated = actor is not None and getattr(actor, "is_authenticated", False)
    organisation = getattr(actor, "organisation", None) if authenticated else None
    with transaction.atomic():
        head = _locked_head()
        event = AuditEvent(
            occurred_at=timezone.now(),
            actor_id=actor.pk if authenticated else None,
            actor_username=actor.get_username() if authenticated else "",
            actor_organisation=str(organisation) if organisation is not None else "",
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            changes=_jsonable(dict(changes or {})),
            metadata=_jsonable(dict(metadata or {})),
            request_id=ctx.request_id,
            client_ip=ctx.client_ip,
            prev_hash=head.last_hash,
        )
        event.hash = compute_hash(event)
        event.save()
        head.last_event_id = event.pk
        head.last_hash = event.hash
        head.save(update_fields=["last_event_id", "last_hash"])
    return event


def snapshot(instance: models.Model, fields: Iterable[str]) -> dict[str, Any]:
    """The values of `fields` on `instance` (foreign keys by id), as the 'before' or 'after' side of a change."""
    values: dict[str, Any] = {}
    for name in fields:
        f = instance._meta.get_field(name)
        values[name] = getattr(instance, f.attname)  # type: ignore[union-attr]
    return values


def diff(model: type[models.Model], before: Mapping[str, Any], after: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Changed fields as {field: [before, after]}, with personal and sensitive values masked."""
    changes: dict[str, list[Any]] = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new or (old in (None, "") and new in (None, "")):
            continue
        if is_masked_in_audit(model, name):
            changes[name] = [MASK if old not in (None, "") else old, MASK if new not in (None, "") else new]
        else:
            changes[name] = [old, new]
    return changes


@dataclass
class VerifyResult:
    checked: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify(*, batch_size: int = 5000) -> VerifyResult:
    """Walk the whole chain and report every event whose content, link or position does not add up."""
    result = VerifyResult()
    expected_prev = GENESIS_HASH
    last_id = 0
    for event in AuditEvent.objects.order_by("id").iterator(chunk_size=batch_size):
        result.checked += 1
        if event.prev_hash != expected_prev:
            result.problems.append(
                f"event {event.pk}: does not follow the event before it (missing or reordered events)"
            )
        if compute_hash(event) != event.hash:
            result.problems.append(f"event {event.pk}: content does not match its hash (altered)")
        expected_prev = event.hash
        last_id = event.pk
    head = AuditChainHead.objects.filter(pk=HEAD_PK).first() or AuditChainHead(last_event_id=0, last_hash=GENESIS_HASH)
    if head.last_event_id != last_id or head.last_hash != expected_prev:
        result.problems.append(
            f"chain head names event {head.last_event_id} but the last event is {last_id} (events removed from the end)"
        )
    return result
