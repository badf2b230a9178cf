"""Page forms of the geography: they check input shape only; rules live in the services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from panah.core.errors import ApplicationError
from panah.geo import selectors as geo_selectors
from panah.geo.models import AdminLevel, SiteKind

SEARCH_ATTRS = {"type": "search", "autocomplete": "off"}


def site_choices(actor: Any, pcode: str) -> list[tuple[str, str]]:
    """The sites the actor may see in an admin area, for a select that follows the chosen area (at most 300)."""
    if not pcode:
        return []
    try:
        sites = geo_selectors.site_list(actor=actor, area=pcode)
    except ApplicationError:
        return []
    return [(str(s.public_id), s.name) for s in sites[:300]]


class AreaFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or P-code"), required=False, max_length=100, widget=forms.TextInput(SEARCH_ATTRS))
    level = forms.TypedChoiceField(
        label=_("Level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All levels")), *AdminLevel.choices],
    )
    include_retired = forms.BooleanField(label=_("Include retired P-codes"), required=False)


class SiteFilterForm(forms.Form):
    q = forms.CharField(label=_("Name"), required=False, max_length=100, widget=forms.TextInput(SEARCH_ATTRS))
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *SiteKind.choices])
    area = forms.CharField(label=_("Area P-code"), required=False, max_length=20)


class SiteForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind"), choices=SiteKind.choices)
    admin_area = forms.CharField(
        label=_("District or tehsil P-code"), max_length=20, help_text=_("For example PK51303.")
    )
    latitude = forms.FloatField(label=_("Latitude (N)"), required=False)
    longitude = forms.FloatField(label=_("Longitude (E)"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


def add_application_error(form: forms.Form, error: ApplicationError) -> None:
    """Show a refused service call on the form: field errors beside their fields, the rest on top."""
    fields: dict[str, Any] = form.fields
    named = [e for e in error.errors if e.field in fields]
    for e in named:
        form.add_error(e.field, e.message)
    if not named:
        form.add_error(None, error.message)
