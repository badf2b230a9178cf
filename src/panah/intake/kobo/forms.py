"""Forms of the KoboToolbox sources page: the shape of the input only; kobo.services checks the rest."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from panah.intake import registry


def _spec_choices() -> list[tuple[str, Any]]:
    return [("", _("Choose…")), *((s.name, s.label) for s in registry.all_specs())]


class KoboSourceForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100)
    server_url = forms.CharField(
        label=_("Server"), max_length=200, initial="https://kf.kobotoolbox.org",
        help_text=_("The KoboToolbox server, e.g. https://kf.kobotoolbox.org or https://eu.kobotoolbox.org."),
    )  # fmt: skip
    asset_uid = forms.CharField(
        label=_("Form (asset UID)"), max_length=64,
        help_text=_("The letters and digits after /forms/ in the form's address in KoboToolbox."),
    )  # fmt: skip
    # Never rendered back: after saving, the page shows only its last characters.
    token = forms.CharField(
        label=_("API key"), max_length=200, widget=forms.PasswordInput(render_value=False),
        help_text=_("From the account settings of a KoboToolbox user who may view the form's data."),
    )  # fmt: skip
    spec_name = forms.ChoiceField(label=_("Import into"))
    round_id = forms.IntegerField(
        label=_("Round"), required=False, min_value=1,
        help_text=_("Leave empty when the form asks for the round: each submission then says which one."),
    )  # fmt: skip

    def __init__(self, *args: Any, token_required: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.ChoiceField, self.fields["spec_name"]).choices = _spec_choices()
        self.fields["token"].required = token_required
        if not token_required:
            self.fields["token"].help_text = _("Leave empty to keep the stored key.")

    def service_values(self) -> dict[str, Any]:
        data = self.cleaned_data
        context = {"round_id": data["round_id"]} if data.get("round_id") else {}
        fields = ("name", "server_url", "asset_uid", "token", "spec_name")
        return {**{name: data[name] for name in fields}, "context": context}
