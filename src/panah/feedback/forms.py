"""Forms of the complaints and feedback team's pages. They check the shape of the input and build the domain's inputs;
the rules are in inputs.validate, workflow.py and psea.py, whose errors come back named by field and are put next to
their inputs here."""

from __future__ import annotations

import re
import secrets
from typing import Any

from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from panah.core.errors import ApplicationError
from panah.core.permissions import grants_of
from panah.feedback import selectors
from panah.feedback.choices import (
    SEALED_STATUSES,
    AgeGroup,
    Channel,
    ContactMethod,
    Language,
    Screening,
    Sex,
    Status,
)
from panah.feedback.inputs import MAX_DESCRIPTION, TicketInput
from panah.feedback.meetings import MeetingInput
from panah.feedback.selectors import TicketFilters
from panah.geo import selectors as geo_selectors
from panah.geo.forms import site_choices
from panah.geo.models import AdminLevel

BLANK: list[tuple[str, Any]] = [("", "—")]
KEY = re.compile(r"^[A-Za-z0-9_-]{16,64}$")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
SCREENING_LABEL = _(
    "Does this concern sexual exploitation or abuse, harassment, fraud or misconduct by aid workers, or retaliation?"
)
SCREENING_HELP = _(
    "Ask every time. “Yes” or “Not sure” hands the report to the PSEA focal point at once: "
    "it leaves your view and nobody else on the team will see it."
)
YES_NO = [("", _("Not asked")), ("yes", _("Yes")), ("no", _("No"))]


def new_key() -> str:
    """A fresh per-form key: a second press of the same form finds the ticket the first press stored."""
    return secrets.token_urlsafe(18)


def district_choices(actor: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """The districts inside the actor's areas, grouped by province (a long list stays findable on a tablet)."""
    paths = [g.area_path for g in grants_of(actor)]
    groups: dict[str, list[tuple[str, str]]] = {}
    for area in geo_selectors.area_search(actor=actor, level=AdminLevel.DISTRICT):
        if any(area.path.startswith(p) for p in paths):
            province = area.parent.name if area.parent else ""
            groups.setdefault(province, []).append((area.pcode, f"{area.name} ({area.pcode})"))
    return sorted(groups.items())


def category_choices(*, sensitive: bool = True) -> list[tuple[str, str]]:
    language = get_language() or ""
    return [(c.code, c.label(language)) for c in selectors.category_list() if sensitive or not c.sensitive]


class ApplicationErrorsMixin:
    """Each FieldError of a refused call next to its input; what names no input goes at the top of the form."""

    aliases: dict[str, str] = {}

    def add_errors(self, error: ApplicationError) -> None:
        form: Any = self
        placed = False
        for e in error.errors:
            name = self.aliases.get(e.field, e.field)
            if name in form.fields:
                form.add_error(name, e.message)
                placed = True
            else:
                form.add_error(None, e.message)
                placed = True
        if not placed:
            form.add_error(None, error.message)


class PlaceForm(ApplicationErrorsMixin, forms.Form):
    """Where: a district and, when at a site, the site (its list follows the district)."""

    area = forms.ChoiceField(label=_("District"))
    site = forms.ChoiceField(label=_("Site (optional)"), required=False)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        fields: dict[str, Any] = self.fields
        fields["area"].choices = [("", "—"), *district_choices(actor)]
        chosen = str(self.data.get("area", "") if self.is_bound else self.initial.get("area", ""))
        fields["site"].choices = [("", _("No site")), *site_choices(actor, chosen)]
        # With JavaScript, choosing a district refreshes the site list at once; without, it follows the next submit.
        fields["area"].widget.attrs.update(
            {"hx-get": reverse("feedback:site_options"), "hx-target": "#id_site", "hx-trigger": "change"}
        )


class TicketForm(PlaceForm):
    """One person's feedback, as a hotline operator, a help desk, a staff member or a referring agency takes it."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)
    screening = forms.ChoiceField(
        label=SCREENING_LABEL, help_text=SCREENING_HELP, choices=Screening.choices, widget=forms.RadioSelect
    )
    # Lengths of what the person said are checked by the domain, with every other problem at once.
    description = forms.CharField(label=_("What the person said"), widget=forms.Textarea(attrs={"rows": 5}))
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial=Language.URDU)
    category = forms.ChoiceField(label=_("Category (if clear now)"), required=False)
    about_staff = forms.BooleanField(label=_("About the conduct of staff (rude, unfair)"), required=False)
    sex = forms.ChoiceField(label=_("Sex"), choices=Sex.choices, required=False)
    age_group = forms.ChoiceField(label=_("Age"), choices=AgeGroup.choices, required=False)
    disability = forms.ChoiceField(label=_("Has a disability"), choices=YES_NO, required=False)
    contact_method = forms.ChoiceField(
        label=_("How to reach the person"), choices=ContactMethod.choices, initial=ContactMethod.NONE
    )
    contact_detail = forms.CharField(
        label=_("Phone number"), required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )  # fmt: skip
    safe_contact_notes = forms.CharField(
        label=_("Safe to contact when, or how (e.g. only mornings, ask for her by her first name)"),
        required=False, widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip
    consent_contact = forms.BooleanField(label=_("Agrees to be contacted"), required=False)
    consent_referral = forms.BooleanField(label=_("Agrees to be referred to another agency"), required=False)
    referring_agency = forms.CharField(label=_("Referring agency"), required=False)
    received_at = forms.DateTimeField(
        label=_("Received at (empty: now)"), required=False, widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"]
    )

    def __init__(self, *args: Any, actor: Any, channel: str, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", new_key())
        super().__init__(*args, actor=actor, **kwargs)
        self.channel = channel
        fields: dict[str, Any] = self.fields
        fields["category"].choices = [("", _("Not yet (the team triages it)")), *category_choices()]
        if channel == Channel.REFERRAL:
            fields["referring_agency"].required = True
        else:
            del fields["referring_agency"]

    def key(self) -> str | None:
        value = self.cleaned_data.get("idempotency_key") or ""
        return f"staff-form:{value}" if KEY.match(value) else None

    def to_input(self) -> TicketInput:
        d = self.cleaned_data
        received = d.get("received_at")
        return TicketInput(
            channel=self.channel, area=d["area"], site=d.get("site") or "", description=d["description"],
            language=d["language"], category=d.get("category") or "", screening=d["screening"],
            about_staff=d.get("about_staff", False), sex=d.get("sex") or "", age_group=d.get("age_group") or "",
            disability={"yes": True, "no": False}.get(d.get("disability") or ""),
            contact_method=d["contact_method"], contact_detail=d.get("contact_detail") or "",
            safe_contact_notes=d.get("safe_contact_notes") or "", consent_contact=d.get("consent_contact", False),
            consent_referral=d.get("consent_referral", False), referring_agency=d.get("referring_agency") or "",
            received_at=received,
        )  # fmt: skip

    def clean_received_at(self) -> Any:
        value = self.cleaned_data.get("received_at")
        return timezone.make_aware(value) if value is not None and timezone.is_naive(value) else value


class DisputeForm(TicketForm):
    """A household disputes a deduplication decision: a complaint raised from the registry's merge history."""

    merge = forms.IntegerField(label=_("Merge number"), min_value=1, max_value=2**31 - 1)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, channel=Channel.SYSTEM, **kwargs)
        fields: dict[str, Any] = self.fields
        del fields["category"], fields["about_staff"]
        fields["description"].label = _("What the household disputes, in their words")

    def to_input(self) -> TicketInput:
        data = super().to_input()
        data.category, data.origin, data.origin_ref = "complaint", "registry.merge", str(self.cleaned_data["merge"])
        data.household = selectors.merge_household(actor=self.actor, merge_id=self.cleaned_data["merge"])
        return data


class BoxForm(PlaceForm):
    """A complaint box opened by two people: which box, when, and who witnessed it."""

    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)
    box_label = forms.CharField(label=_("Box"), max_length=100)
    opened_at = forms.DateTimeField(label=_("Opened at"), widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M"])
    witness = forms.CharField(label=_("Witness (the second person present)"), max_length=150)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("idempotency_key", new_key())
        super().__init__(*args, actor=actor, **kwargs)

    def key(self) -> str | None:
        value = self.cleaned_data.get("idempotency_key") or ""
        return f"box-form:{value}" if KEY.match(value) else None

    def clean_opened_at(self) -> Any:
        value = self.cleaned_data["opened_at"]
        value = timezone.make_aware(value) if timezone.is_naive(value) else value
        if value > timezone.now():
            raise forms.ValidationError(_("Cannot be in the future."))
        return value


class BoxNoteForm(ApplicationErrorsMixin, forms.Form):
    """One note found in the box, copied as written."""

    description = forms.CharField(label=_("What the note says"), widget=forms.Textarea(attrs={"rows": 3}))
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices, initial=Language.URDU)
    screening = forms.ChoiceField(
        label=SCREENING_LABEL, choices=Screening.choices, widget=forms.RadioSelect, initial=Screening.NO
    )
    contact_detail = forms.CharField(
        label=_("Phone number written on the note (if any)"), required=False,
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )  # fmt: skip

    def to_input(self, place: dict[str, Any]) -> TicketInput:
        d = self.cleaned_data
        phone = d.get("contact_detail") or ""
        # A number written on a note is the writer's wish to be called back.
        return TicketInput(
            channel=Channel.BOX, area=place["area"], site=place.get("site") or "", description=d["description"],
            language=d["language"], screening=d["screening"],
            contact_method=ContactMethod.PHONE if phone else ContactMethod.NONE, contact_detail=phone,
            consent_contact=bool(phone), received_at=place["opened_at"],
        )  # fmt: skip


NOTES = "notes"
MAX_NOTES = 60
BoxNotes = forms.formset_factory(BoxNoteForm, extra=0, min_num=1, validate_min=True, max_num=MAX_NOTES)


class MeetingForm(PlaceForm):
    held_on = forms.DateField(label=_("Held on"), widget=DATE)
    women = forms.IntegerField(label=_("Women"), min_value=0, initial=0)
    men = forms.IntegerField(label=_("Men"), min_value=0, initial=0)
    girls = forms.IntegerField(label=_("Girls"), min_value=0, initial=0)
    boys = forms.IntegerField(label=_("Boys"), min_value=0, initial=0)
    summary = forms.CharField(
        label=_("What was raised (summary)"), max_length=MAX_DESCRIPTION, widget=forms.Textarea(attrs={"rows": 4})
    )
    action_taken = forms.CharField(
        label=_("Action taken or promised"), max_length=MAX_DESCRIPTION, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, actor=actor, **kwargs)
        self.issue_names = []
        for code, label in category_choices(sensitive=False):
            name = f"issue_{code}"
            self.fields[name] = forms.IntegerField(label=label, min_value=0, initial=0, required=False)
            self.issue_names.append(name)

    def issue_fields(self) -> list[Any]:
        return [self[name] for name in self.issue_names]

    def to_input(self) -> MeetingInput:
        d = self.cleaned_data
        issues = {name.removeprefix("issue_"): d.get(name) or 0 for name in self.issue_names}
        return MeetingInput(
            area=d["area"], site=d.get("site") or "", held_on=d["held_on"], summary=d["summary"],
            women=d["women"], men=d["men"], girls=d["girls"], boys=d["boys"], issues=issues,
            action_taken=d.get("action_taken") or "",
        )  # fmt: skip


class FilterForm(forms.Form):
    """The ticket list's filters (a GET: a value that is not a choice is reported, never a 500)."""

    status = forms.ChoiceField(label=_("Status"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    channel = forms.ChoiceField(label=_("Channel"), required=False, choices=[("", _("All")), *Channel.choices])
    area = forms.ChoiceField(label=_("District"), required=False)
    mine = forms.BooleanField(label=_("Assigned to me"), required=False)
    overdue = forms.BooleanField(label=_("Overdue"), required=False)
    q = forms.CharField(label=_("Reference"), required=False, max_length=20)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        unsealed = [c for c in Status.choices if c[0] not in SEALED_STATUSES]
        fields["status"].choices = [("", _("All")), ("open", _("Open")), *unsealed]
        fields["category"].choices = [("", _("All")), *category_choices(sensitive=False)]
        fields["area"].choices = [("", _("All")), *district_choices(actor)]

    def filters(self) -> TicketFilters:
        if not self.is_valid():
            return TicketFilters()
        d = self.cleaned_data
        return TicketFilters(
            status=d["status"], category=d["category"], channel=d["channel"], area=d["area"],
            assigned_to_me=d["mine"], overdue=d["overdue"], q=d["q"].strip(),
        )  # fmt: skip
