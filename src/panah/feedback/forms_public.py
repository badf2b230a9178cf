"""Forms of the public feedback pages: plain words, every answer optional but what happened, where, and the
screening question; the ticket rules themselves are checked by the service (panah.feedback.inputs)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from panah.feedback import public
from panah.feedback.choices import Channel, ContactMethod, Screening
from panah.feedback.inputs import MAX_DESCRIPTION, MAX_SHORT, TicketInput

UNKNOWN_PLACE = _("I prefer not to say / I don't know")
SEX_CHOICES = [("", _("Prefer not to say")), ("f", _("Female")), ("m", _("Male")), ("x", _("Other"))]
AGE_CHOICES = [
    ("", _("Prefer not to say")),
    ("0-17", _("Under 18")),
    ("18-59", _("18 to 59")),
    ("60+", _("60 or older")),
]
DISABILITY_CHOICES = [("", _("Prefer not to say")), ("yes", _("Yes")), ("no", _("No"))]
CONTACT_CHOICES = [
    (ContactMethod.NONE, _("Do not contact me")),
    (ContactMethod.PHONE, _("Phone call")),
    (ContactMethod.SMS, _("SMS")),
    (ContactMethod.WHATSAPP, _("WhatsApp")),
    (ContactMethod.IN_PERSON, _("In person at a help desk")),
]
SCREENING_CHOICES = [(Screening.NO, _("No")), (Screening.YES, _("Yes")), (Screening.UNSURE, _("I am not sure"))]


def place_choices() -> list[Any]:
    """Districts grouped by province, after the choice not to say."""
    grouped: list[Any] = [("", _("Choose a district")), (public.COUNTRY, UNKNOWN_PLACE)]
    for province, areas in groupby(public.districts(), key=lambda a: a.parent.name if a.parent else ""):
        grouped.append((province, [(a.pcode, a.name) for a in areas]))
    return grouped


def _limit_help() -> str:
    # Formatted when shown, in the reader's language (formatting at import would fix the English text).
    return gettext("At most %(limit)d characters.") % {"limit": MAX_DESCRIPTION}


class FeedbackForm(forms.Form):
    description = forms.CharField(
        label=_("What happened, or what is your question?"),
        help_text=lazy(_limit_help, str)(),
        strip=False,  # the service trims and counts, so the limit is checked once, the same way for every channel
        widget=forms.Textarea(attrs={"rows": 7, "maxlength": MAX_DESCRIPTION, "data-counter": "description-count"}),
    )
    area = forms.ChoiceField(label=_("Where are you? (district)"))
    screening = forms.ChoiceField(
        label=_(
            "Is this about sexual abuse, exploitation or harassment, fraud, or misconduct by aid workers, "
            "or about being punished for reporting?"
        ),
        help_text=_("If yes or not sure, only a specially trained focal point will read it, in confidence."),
        choices=SCREENING_CHOICES,
        widget=forms.RadioSelect,
    )
    sex = forms.ChoiceField(label=_("Sex (optional)"), choices=SEX_CHOICES, required=False)
    age_group = forms.ChoiceField(label=_("Age (optional)"), choices=AGE_CHOICES, required=False)
    disability = forms.ChoiceField(
        label=_("Do you have a disability? (optional)"), choices=DISABILITY_CHOICES, required=False
    )
    contact_method = forms.ChoiceField(
        label=_("How may we contact you?"), choices=CONTACT_CHOICES, initial=ContactMethod.NONE
    )
    contact_detail = forms.CharField(
        label=_("Phone number (for a call, SMS or WhatsApp)"),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "tel", "maxlength": 30, "dir": "ltr"}),
    )
    safe_contact_notes = forms.CharField(
        label=_("When and how is it safe to reach you? (optional)"),
        help_text=_("For example: only in the morning, or do not leave a message."),
        required=False,
        strip=False,
        widget=forms.TextInput(attrs={"maxlength": MAX_SHORT}),
    )
    consent_contact = forms.BooleanField(label=_("I agree to be contacted about this."), required=False)
    consent_referral = forms.BooleanField(
        label=_("I agree that my request may be passed to another organisation that can help."), required=False
    )
    token = forms.CharField(widget=forms.HiddenInput)
    # Hidden from people by the stylesheet, left empty by them; scripts that fill every field fill it too.
    hp_note = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = place_choices()  # type: ignore[attr-defined]

    def to_input(self, language: str) -> TicketInput:
        d = self.cleaned_data
        return TicketInput(
            channel=Channel.WEB,
            area=d["area"],
            description=d["description"],
            language=language,
            screening=d["screening"],
            sex=d["sex"],
            age_group=d["age_group"],
            disability={"yes": True, "no": False}.get(d["disability"]),
            contact_method=d["contact_method"],
            contact_detail=d["contact_detail"],
            safe_contact_notes=d["safe_contact_notes"],
            consent_contact=d["consent_contact"],
            consent_referral=d["consent_referral"],
        )


class StatusForm(forms.Form):
    reference = forms.CharField(
        label=_("Reference"),
        max_length=30,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters", "dir": "ltr"}),
    )
    pin = forms.CharField(
        label=_("PIN (6 digits)"),
        max_length=20,
        widget=forms.PasswordInput(attrs={"autocomplete": "off", "inputmode": "numeric", "dir": "ltr"}),
    )
