"""The administrators' forms for the taxonomy: a category's names and flags, a step's target, a routing."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from panah.feedback.forms import ApplicationErrorsMixin
from panah.feedback.taxonomy_services import MAX_HOURS, MAX_POSITION
from panah.geo.models import AdminArea, AdminLevel

CLOCKS = [("working", _("Working time (Monday to Friday)")), ("elapsed", _("Elapsed time (every hour)"))]


class CategoryForm(ApplicationErrorsMixin, forms.Form):
    code = forms.CharField(label=_("Code"), max_length=20, help_text=_("Fixed once tickets use it."))
    name = forms.CharField(label=_("Name (English)"), max_length=120)
    name_ur = forms.CharField(label=_("Name (Urdu)"), max_length=120, required=False)
    routing = forms.CharField(label=_("Who handles it (note)"), max_length=200, required=False)
    position = forms.IntegerField(label=_("Order in lists"), min_value=0, max_value=MAX_POSITION, initial=0)
    sensitive = forms.BooleanField(label=_("Sensitive: its tickets are sealed for the PSEA focal points"),
                                   required=False)  # fmt: skip
    needs_response = forms.BooleanField(label=_("Needs a response"), required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.TextInput | forms.NumberInput):
                field.widget.attrs.setdefault("dir", "auto")

    def values(self) -> dict[str, Any]:
        return dict(self.cleaned_data)


class TargetForm(ApplicationErrorsMixin, forms.Form):
    hours = forms.IntegerField(label=_("Hours"), min_value=1, max_value=MAX_HOURS)
    clock = forms.ChoiceField(label=_("Counted in"), choices=CLOCKS)


class ConfirmForm(ApplicationErrorsMixin, forms.Form):
    """A button alone (clear a target, activate or deactivate): nothing to fill in."""


class UnrouteForm(ApplicationErrorsMixin, forms.Form):
    routing = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


def area_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Each province (as a whole) followed by its districts, grouped under the province's name."""
    levels = [AdminLevel.PROVINCE, AdminLevel.DISTRICT]
    areas = AdminArea.objects.current().filter(level__in=levels).select_related("parent").order_by("path")
    groups: dict[str, list[tuple[str, str]]] = {}
    for area in areas:
        province = area if area.level == AdminLevel.PROVINCE else area.parent
        label = f"{area.name} ({area.pcode})"
        if area.level == AdminLevel.PROVINCE:
            label = str(_("%(name)s (%(pcode)s), the whole province") % {"name": area.name, "pcode": area.pcode})
        groups.setdefault(province.name if province else "", []).append((area.pcode, label))
    return list(groups.items())


class RoutingForm(ApplicationErrorsMixin, forms.Form):
    area = forms.ChoiceField(label=_("Province or district"))
    focal_point = forms.TypedChoiceField(label=_("Focal point"), coerce=int)

    def __init__(self, *args: Any, candidates: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["area"].choices = [("", "—"), *area_choices()]
        fields["focal_point"].choices = [("", "—")] + [
            (u.pk, u.get_full_name() or u.get_username()) for u in candidates
        ]
