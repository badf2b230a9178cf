"""The one permission policy. Every read and write asks `can(user, action, obj)` or scopes with `visible_to`.

Apps register one rule per model (in their AppConfig.ready). A model without a rule is invisible to everyone:
deny by default. Most rules are a `ScopedRule`: per action the roles allowed, and how to reach the record's admin
area (and organisation or operation, when it belongs to one). A user may act when one of their active grants has an
allowed role and its area contains the record's area. Grants are stored by panah.accounts, which registers the
function that reads them (`set_grant_provider`), so this module depends on no app.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass
from functools import reduce
from operator import attrgetter, or_
from typing import Any, Protocol, TypeVar

from django.db import models

from panah.core.errors import not_found
from panah.core.roles import CROSS_ORGANISATION_ROLES

M = TypeVar("M", bound=models.Model)


class Perm:
    VIEW = "view"
    CREATE = "create"
    CHANGE = "change"
    DELETE = "delete"
    EXPORT = "export"
    APPROVE = "approve"
    ADMINISTER = "administer"


class Rule(Protocol):
    def can(self, user: Any, action: str, obj: Any) -> bool: ...

    def scope(self, user: Any, action: str, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]: ...


_rules: dict[type[models.Model], Rule] = {}


def register(model: type[models.Model], rule: Rule) -> None:
    _rules[model] = rule


def rule_for(model: type[models.Model]) -> Rule | None:
    return _rules.get(model)


def registered_models() -> list[type[models.Model]]:
    return list(_rules)


def _active(user: Any) -> bool:
    return user is not None and getattr(user, "is_authenticated", False) and getattr(user, "is_active", False)


def can(user: Any, action: str, obj: Any) -> bool:
    """True when `user` may do `action` on `obj` (a model instance, or a model class for create/list rights)."""
    if not _active(user):
        return False
    model = obj if isinstance(obj, type) else type(obj)
    rule = _rules.get(model)
    return bool(rule and rule.can(user, action, obj))


def visible_to(user: Any, queryset: models.QuerySet[M], action: str = Perm.VIEW) -> models.QuerySet[M]:
    """`queryset` narrowed to what `user` may `action`; empty for anonymous users and unregistered models."""
    rule = _rules.get(queryset.model)
    if not _active(user) or rule is None:
        return queryset.none()
    return rule.scope(user, action, queryset)


def get_visible(user: Any, queryset: models.QuerySet[M], action: str = Perm.VIEW, **lookup: Any) -> M:
    """One object the user may see; a missing object and one outside scope raise the same not-found error."""
    try:
        obj = visible_to(user, queryset, action).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        raise not_found(str(queryset.model._meta.verbose_name)) from None
    # A user reading their own account is not "someone else"; any other record whose id merely equals the
    # reader's (a ticket numbered like its reader) is.
    own_account = isinstance(user, queryset.model) and obj.pk == getattr(user, "pk", None)
    if getattr(queryset.model, "audit_reads", False) and not own_account:
        # Records with sensitive content say so with `audit_reads = True`: every read by someone else is on the
        # trail, written before the record is handed out.
        from panah.core import audit

        audit.record(actor=user, action=audit.Action.READ, obj=obj)
    return obj


class PublicToMembers:
    """Reference data (P-codes, crossing points): any signed-in, active user may view; nobody changes it here."""

    def can(self, user: Any, action: str, obj: Any) -> bool:
        return action == Perm.VIEW

    def scope(self, user: Any, action: str, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset if action == Perm.VIEW else queryset.none()


@dataclass(frozen=True)
class Grant:
    """One active role assignment, as the rules see it."""

    role: str
    area_path: str
    area_pcode: str
    operation_id: int | None


_CACHE_ATTR = "_panah_grants"
_grant_provider: Callable[[Any], Iterable[Grant]] = lambda user: ()  # noqa: E731


def set_grant_provider(provider: Callable[[Any], Iterable[Grant]]) -> None:
    global _grant_provider
    _grant_provider = provider


def grants_of(user: Any) -> tuple[Grant, ...]:
    """The user's active grants, read once per user object (that is, once per request)."""
    if not _active(user):
        return ()
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is None:
        cached = tuple(_grant_provider(user))
        setattr(user, _CACHE_ATTR, cached)
    return cached


def forget_grants(user: Any) -> None:
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)


def roles_of(user: Any) -> set[str]:
    return {g.role for g in grants_of(user)}


def has_role(user: Any, *roles: str) -> bool:
    return bool(roles_of(user) & set(roles))


class ScopedRule:
    """Who may do what on one model, by role, admin area, and optionally organisation and operation."""

    def __init__(
        self,
        *,
        roles: Mapping[str, Collection[str]],
        area: str | None = None,
        organisation: str | None = None,
        operation: str | None = None,
    ) -> None:
        self.roles = {action: frozenset(r) for action, r in roles.items()}
        self.area = area
        self.organisation = organisation
        self.operation = operation

    def _grants(self, user: Any, action: str) -> list[Grant]:
        allowed = self.roles.get(action, frozenset())
        return [g for g in grants_of(user) if g.role in allowed]

    @staticmethod
    def _value(obj: Any, path: str) -> Any:
        try:
            return attrgetter(path.replace("__", "."))(obj)
        except AttributeError:
            return None

    def _grant_covers(self, user: Any, grant: Grant, obj: Any) -> bool:
        if self.area is not None:
            area = self._value(obj, self.area)
            if area is None or not area.path.startswith(grant.area_path):
                return False
        if (
            self.operation is not None
            and grant.operation_id is not None
            and self._value(obj, f"{self.operation}_id") != grant.operation_id
        ):
            return False
        return not (
            self.organisation is not None
            and grant.role not in CROSS_ORGANISATION_ROLES
            and self._value(obj, f"{self.organisation}_id") != user.organisation_id
        )

    def can(self, user: Any, action: str, obj: Any) -> bool:
        grants = self._grants(user, action)
        if isinstance(obj, type):
            return bool(grants)
        return any(self._grant_covers(user, g, obj) for g in grants)

    def _grant_q(self, user: Any, grant: Grant) -> models.Q:
        q = models.Q()
        if self.area is not None:
            q &= models.Q(**{f"{self.area}__path__startswith": grant.area_path})
        if self.operation is not None and grant.operation_id is not None:
            q &= models.Q(**{f"{self.operation}_id": grant.operation_id})
        if self.organisation is not None and grant.role not in CROSS_ORGANISATION_ROLES:
            q &= models.Q(**{f"{self.organisation}_id": user.organisation_id})
        return q

    def scope(self, user: Any, action: str, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        grants = self._grants(user, action)
        if not grants:
            return queryset.none()
        return queryset.filter(reduce(or_, (self._grant_q(user, g) for g in grants)))
