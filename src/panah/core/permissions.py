"""The one permission policy. Every read and write asks `can(user, action, obj)` or scopes with `visible_to`.

Apps register one rule per model (in their AppConfig.ready). A model without a rule is invisible to everyone:
deny by default. The rules themselves live with the apps; the grants they consult live in panah.accounts.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeVar

from django.db import models

from panah.core.errors import not_found

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
        return visible_to(user, queryset, action).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise not_found(queryset.model._meta.verbose_name) from None


class PublicToMembers:
    """Reference data (P-codes, crossing points): any signed-in, active user may view; nobody changes it here."""

    def can(self, user: Any, action: str, obj: Any) -> bool:
        return action == Perm.VIEW

    def scope(self, user: Any, action: str, queryset: models.QuerySet[Any]) -> models.QuerySet[Any]:
        return queryset if action == Perm.VIEW else queryset.none()
