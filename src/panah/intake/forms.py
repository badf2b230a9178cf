"""Forms of the intake pages: they check the shape of the input; the rules are in services."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from panah.intake.models import BatchPolicy
from panah.intake.registry import ImportSpec


class UploadForm(forms.Form):
    file = forms.FileField(label=_("File (XLSX or CSV)"))
    policy = forms.ChoiceField(label=_("When some rows have problems"), choices=BatchPolicy.choices,
                               initial=BatchPolicy.ACCEPT_CLEAN, widget=forms.RadioSelect)  # fmt: skip


class DecisionForm(forms.Form):
    policy = forms.ChoiceField(
        choices=[(BatchPolicy.REJECT_FILE, _("Reject the file")), (BatchPolicy.ACCEPT_CLEAN, _("Import clean rows"))]
    )


class HeldRowForm(forms.Form):
    """One text field per column of the spec, filled with the row's values as read."""

    def __init__(self, spec: ImportSpec, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for column in spec.columns:
            self.fields[column.name] = forms.CharField(
                label=column.label, required=False, help_text=column.help, max_length=500
            )
