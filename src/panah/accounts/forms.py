from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from panah.core.errors import ApplicationError
from panah.core.roles import Role


class SignInForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    password = forms.CharField(
        label=_("Password"),
        max_length=256,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )


class TwoFactorForm(forms.Form):
    code = forms.CharField(
        label=_("Six-digit code from your authenticator app"),
        max_length=12,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
    )


class LanguageForm(forms.Form):
    language = forms.ChoiceField(choices=settings.LANGUAGES)
    next = forms.CharField(required=False, max_length=500)


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name (what the token is for)"), max_length=100)
    days = forms.IntegerField(label=_("Valid for (days)"), min_value=1, max_value=366, initial=90)


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    area_pcode = forms.CharField(label=_("Admin area P-code (PK for the whole country)"), max_length=20, initial="PK")
    operation_code = forms.CharField(label=_("Operation code (optional)"), max_length=60, required=False)
    expires_at = forms.DateTimeField(
        label=_("Expires (optional)"), required=False, widget=forms.DateTimeInput(attrs={"type": "datetime-local"})
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)


def add_application_error(form: forms.Form, error: ApplicationError, field_map: dict[str, str] | None = None) -> None:
    """Show a refused service call on the form: field errors on their fields, the rest on top."""
    field_map = field_map or {}
    if not error.errors:
        form.add_error(None, error.message)
    for fe in error.errors:
        name: Any = field_map.get(fe.field, fe.field)
        form.add_error(name if name in form.fields else None, fe.message)
