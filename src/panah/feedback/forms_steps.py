"""The small forms of the handling steps on a ticket page, and of the PSEA focal point's steps on a sealed report."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from panah.feedback.choices import Closure
from panah.feedback.forms import ApplicationErrorsMixin, category_choices
from panah.feedback.inputs import MAX_DESCRIPTION, MAX_SHORT

# The handling steps: one small form each, posted to the ticket's action URL with the step's name.


def _text(label: Any, limit: int = MAX_DESCRIPTION, *, required: bool = True, rows: int = 3) -> forms.CharField:
    return forms.CharField(
        label=label, max_length=limit, required=required, widget=forms.Textarea(attrs={"rows": rows})
    )


class TriageForm(ApplicationErrorsMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category"))
    about_staff = forms.BooleanField(label=_("About the conduct of staff (needs a second person to approve)"),
                                     required=False)  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["category"].choices = [("", "—"), *category_choices()]


class AssignForm(ApplicationErrorsMixin, forms.Form):
    assignee = forms.TypedChoiceField(label=_("Handler"), coerce=int)

    def __init__(self, *args: Any, handlers: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.handlers = {u.pk: u for u in handlers}
        fields: dict[str, Any] = self.fields
        fields["assignee"].choices = [("", "—")] + [(u.pk, u.get_full_name() or u.get_username()) for u in handlers]


class ReasonForm(ApplicationErrorsMixin, forms.Form):
    reason = _text(_("Reason"))


class RespondForm(ApplicationErrorsMixin, forms.Form):
    response = _text(_("The response (what the person will be told)"), rows=5)


class ReferForm(ApplicationErrorsMixin, forms.Form):
    referred_to = forms.CharField(label=_("Referred to (agency or service)"), max_length=MAX_SHORT)


class ContactForm(ApplicationErrorsMixin, forms.Form):
    succeeded = forms.TypedChoiceField(
        label=_("Outcome"), choices=[("yes", _("Reached")), ("no", _("Not reached"))],
        coerce=lambda v: v == "yes", widget=forms.RadioSelect,
    )  # fmt: skip
    note = _text(_("Note"), 1000, required=False, rows=2)


class CloseForm(ApplicationErrorsMixin, forms.Form):
    closure = forms.ChoiceField(label=_("How the person was told"), widget=forms.RadioSelect)
    satisfied = forms.ChoiceField(
        label=_("Satisfied with the outcome?"), required=False,
        choices=[("", _("Not asked")), ("yes", _("Yes")), ("no", _("No"))],
    )  # fmt: skip
    note = _text(_("Note"), 1000, required=False, rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["closure"].choices = [c for c in Closure.choices if c[0] != Closure.UNREACHABLE]

    def satisfied_value(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.cleaned_data.get("satisfied") or "")


class NoteForm(ApplicationErrorsMixin, forms.Form):
    text = _text(_("Note"))


class SealForm(ApplicationErrorsMixin, forms.Form):
    reason = forms.CharField(label=_("Why (optional)"), max_length=MAX_SHORT, required=False)


# The PSEA focal point's steps on a sealed ticket.


class OversightForm(ApplicationErrorsMixin, forms.Form):
    office = forms.ChoiceField(
        label=_("Reported to"),
        choices=[
            ("oio", _("Office of Internal Oversight (We Are All In)")),
            ("eco", _("Ethics and Conduct Office (retaliation)")),
        ],
    )
    reference = forms.CharField(label=_("Reference given by that office"), max_length=100)


class SurvivorReferralForm(ApplicationErrorsMixin, forms.Form):
    service = forms.CharField(label=_("Service referred to (GBV, child protection, health, legal)"), max_length=200)
    case_reference = forms.CharField(label=_("Case reference there (opaque, no names)"), max_length=100,
                                     required=False)  # fmt: skip


class SealedCloseForm(ApplicationErrorsMixin, forms.Form):
    note = _text(_("Internal closing note"))
    public_note = forms.CharField(
        label=_("Short note for the public status page"), max_length=200, required=False,
        help_text=_("Anyone with the reference and PIN reads this. Say nothing about what was reported."),
    )  # fmt: skip


class ReleaseForm(ApplicationErrorsMixin, forms.Form):
    category = forms.ChoiceField(label=_("Category (not sensitive)"))
    reason = _text(_("Why it is not a matter for the PSEA focal point"), 1000)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["category"].choices = [("", "—"), *category_choices(sensitive=False)]
