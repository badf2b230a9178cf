"""Short labels for tight table cells (the choices' long labels stay for forms)."""

from __future__ import annotations

from django import template
from django.utils.translation import gettext_lazy as _

register = template.Library()

SHORT = {"cnic": _("CNIC"), "bform": _("B-form"), "por": _("PoR card"), "acc": _("ACC"), "tazkira": _("Tazkira"),
         "passport": _("Passport")}  # fmt: skip


@register.filter
def doc_short(doc_type: str) -> str:
    return str(SHORT.get(doc_type, doc_type))
