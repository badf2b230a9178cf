"""Whether the signed-in user may open the feedback settings (the subnav shows the link to them only)."""

from __future__ import annotations

from typing import Any

from django import template

from panah.core.permissions import Perm, can
from panah.feedback.models import Category

register = template.Library()


@register.filter
def may_configure_feedback(user: Any) -> bool:
    return can(user, Perm.CHANGE, Category)
