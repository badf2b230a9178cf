"""Forms of the registry pages. They check the shape of the input and build a HouseholdInput; the rules are in
inputs.check (called by the service), whose errors come back named by path and are put next to their inputs here.
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from panah.core.errors import ApplicationError
from panah.geo import selectors as geo_selectors
from panah.geo.forms import site_choices
from panah.geo.models import AdminLevel
from panah.registry import policy
from panah.registry.inputs import FLAGS, WG_DOMAINS, DocumentInput, HouseholdInput, MemberInput
from panah.registry.models import (
    Documentation,
    DocumentType,
    FatherRelation,
    HouseholdStatus,
    Relationship,
    Sex,
)

PREFIX = "members"
DOCUMENT_SLOTS = 2  # two documents per member on the page (a CNIC and a PoR card, say); imports may carry more
BLANK: list[tuple[str, Any]] = [("", "—")]
WG_LABELS = {
    "seeing": _("Difficulty seeing, even with glasses"),
    "hearing": _("Difficulty hearing, even with a hearing aid"),
    "walking": _("Difficulty walking or climbing steps"),
    "remembering": _("Difficulty remembering or concentrating"),
    "self_care": _("Difficulty with self-care (washing, dressing)"),
    "communicating": _("Difficulty communicating"),
}
WG_ANSWERS = [
    ("", "—"),
    ("1", _("1 · No difficulty")),
    ("2", _("2 · Some difficulty")),
    ("3", _("3 · A lot of difficulty")),
    ("4", _("4 · Cannot do at all")),
]
FLAG_LABELS = {
    "pregnant_lactating": _("Pregnant or breastfeeding"),
    "chronic_illness": _("Chronic illness"),
    "separated_child": _("Separated or unaccompanied child"),
}


def vulnerability_labels(vulnerabilities: dict[str, Any]) -> list[str]:
    """What a member's stored vulnerabilities say, in words: WG answers 3 or 4 count as a disability."""
    labels = [
        f"{WG_LABELS[domain]} ({answer})"
        for domain, answer in vulnerabilities.get("wg", {}).items()
        if domain in WG_LABELS and answer >= 3
    ]
    return labels + [str(FLAG_LABELS[f]) for f in FLAGS if vulnerabilities.get(f)]


DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def tehsil_choices(actor: Any) -> list[tuple[str, list[tuple[str, str]]]]:
    """The tehsils the actor may register in, grouped by district (a long list stays findable on a tablet)."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for area in geo_selectors.area_search(actor=actor, level=AdminLevel.TEHSIL):
        if policy.may_create_in(actor, area):
            district = area.parent.name if area.parent else ""
            groups.setdefault(district, []).append((area.pcode, f"{area.name} ({area.pcode})"))
    return sorted(groups.items())


class HouseholdForm(forms.Form):
    area = forms.ChoiceField(label=_("Tehsil"), required=False)
    site = forms.ChoiceField(label=_("Site (optional)"), required=False)
    status = forms.ChoiceField(label=_("Status"), choices=BLANK + HouseholdStatus.choices, required=False)
    documentation = forms.ChoiceField(
        label=_("Documentation (Afghan nationals)"), choices=Documentation.choices, required=False
    )
    phones = forms.CharField(
        label=_("Phone numbers"), required=False, max_length=200, help_text=_("One number per line."),
        widget=forms.Textarea(attrs={"rows": 2, "inputmode": "tel", "autocomplete": "off"}),
    )  # fmt: skip
    address = forms.CharField(
        label=_("Address"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )
    latitude = forms.FloatField(label=_("Latitude (optional)"), required=False)
    longitude = forms.FloatField(label=_("Longitude (optional)"), required=False)
    consent_purpose = forms.CharField(label=_("Consent given for"), required=False, max_length=200)
    consent_date = forms.DateField(label=_("Consent date"), widget=DATE)
    consent_recorded_by = forms.CharField(label=_("Consent taken by"), required=False, max_length=150)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["area"].choices = [("", "—"), *tehsil_choices(actor)]
        chosen = str(self.data.get("area", "") if self.is_bound else self.initial.get("area", ""))
        fields["site"].choices = [("", _("No site (host community, village)")), *site_choices(actor, chosen)]
        # With JavaScript, choosing a tehsil refreshes the site list at once; without, it follows the next submit.
        fields["area"].widget.attrs.update(
            {"hx-get": reverse("registry:site_options"), "hx-target": "#id_site", "hx-trigger": "change"}
        )

    @staticmethod
    def initial_for(actor: Any) -> dict[str, Any]:
        name = actor.get_full_name() or actor.get_username()
        return {"consent_date": timezone.localdate(), "consent_recorded_by": name,
                "consent_purpose": _("Registration for humanitarian assistance")}  # fmt: skip


class MemberForm(forms.Form):
    given_name = forms.CharField(label=_("Given name"), required=False, max_length=100)
    father_relation = forms.ChoiceField(label=_("s/o · d/o · w/o"), choices=BLANK + FatherRelation.choices,
                                        required=False)  # fmt: skip
    father_name = forms.CharField(label=_("Father's or husband's name"), required=False, max_length=100)
    family_name = forms.CharField(label=_("Family or tribe name"), required=False, max_length=100)
    sex = forms.ChoiceField(label=_("Sex"), choices=BLANK + Sex.choices, required=False)
    relationship = forms.ChoiceField(label=_("Relationship to the head"), choices=BLANK + Relationship.choices,
                                     required=False)  # fmt: skip
    date_of_birth = forms.DateField(label=_("Date of birth"), required=False, widget=DATE)
    age = forms.IntegerField(label=_("or age in years"), required=False, min_value=0, max_value=999)
    birth_estimated = forms.BooleanField(label=_("Date or age estimated"), required=False)
    pregnant_lactating = forms.BooleanField(label=FLAG_LABELS["pregnant_lactating"], required=False)
    chronic_illness = forms.BooleanField(label=FLAG_LABELS["chronic_illness"], required=False)
    separated_child = forms.BooleanField(label=FLAG_LABELS["separated_child"], required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for slot in range(DOCUMENT_SLOTS):
            self.fields[f"doc{slot}_type"] = forms.ChoiceField(
                label=_("Document"), choices=BLANK + DocumentType.choices, required=False
            )
            self.fields[f"doc{slot}_number"] = forms.CharField(
                label=_("Number"), required=False, max_length=40, widget=forms.TextInput(attrs={"autocomplete": "off"})
            )
        for domain in WG_DOMAINS:
            self.fields[f"wg_{domain}"] = forms.ChoiceField(label=WG_LABELS[domain], choices=WG_ANSWERS, required=False)

    def has_vulnerability_errors(self) -> bool:
        return any(name.startswith("wg_") or name in FLAGS for name in self.errors)

    def document_fields(self) -> list[tuple[Any, Any]]:
        return [(self[f"doc{s}_type"], self[f"doc{s}_number"]) for s in range(DOCUMENT_SLOTS)]

    def wg_fields(self) -> list[Any]:
        return [self[f"wg_{d}"] for d in WG_DOMAINS]

    def flag_fields(self) -> list[Any]:
        return [self[f] for f in FLAGS]

    def to_input(self) -> tuple[MemberInput, list[int]]:
        """The member, and which slot each of its documents came from (to put an error back on its input)."""
        c = self.cleaned_data
        slots = [s for s in range(DOCUMENT_SLOTS) if c[f"doc{s}_type"] or c[f"doc{s}_number"].strip()]
        member = MemberInput(
            given_name=c["given_name"], sex=c["sex"], relationship=c["relationship"], father_name=c["father_name"],
            father_relation=c["father_relation"], family_name=c["family_name"], date_of_birth=c["date_of_birth"],
            age=c["age"], birth_estimated=c["birth_estimated"],
            documents=[DocumentInput(c[f"doc{s}_type"], c[f"doc{s}_number"]) for s in slots],
            washington_group={d: int(c[f"wg_{d}"]) for d in WG_DOMAINS if c[f"wg_{d}"]},
            flags={f: True for f in FLAGS if c[f]},
        )  # fmt: skip
        return member, slots


MemberFormSet = forms.formset_factory(MemberForm, extra=0, min_num=1, max_num=40, validate_max=True)


def member_formset(data: Any = None) -> Any:
    return MemberFormSet(data, prefix=PREFIX)


def without_member(data: QueryDict, index: int) -> QueryDict:
    """The posted data with one member row taken out and the later rows moved up (remove without JavaScript)."""
    out = QueryDict(mutable=True)
    pattern = re.compile(rf"^{PREFIX}-(\d+)-(.+)$")
    for key, values in data.lists():
        match = pattern.match(key)
        if match is None:
            out.setlist(key, values)
        elif (n := int(match[1])) != index:
            out.setlist(f"{PREFIX}-{n - 1 if n > index else n}-{match[2]}", values)
    total = int(data.get(f"{PREFIX}-TOTAL_FORMS", "1") or 1)
    out[f"{PREFIX}-TOTAL_FORMS"] = str(max(total - 1, 1))
    return out


def with_member(data: QueryDict) -> QueryDict:
    out = data.copy()
    total = int(data.get(f"{PREFIX}-TOTAL_FORMS", "1") or 1)
    out[f"{PREFIX}-TOTAL_FORMS"] = str(min(total + 1, 40))
    return out


class Registration:
    """The household form and its member rows together: one HouseholdInput, errors put back where they belong."""

    def __init__(self, actor: Any, data: Any = None) -> None:
        initial = None if data is not None else HouseholdForm.initial_for(actor)
        self.household = HouseholdForm(data, actor=actor, initial=initial)
        self.members = member_formset(data)
        self.non_member_errors: list[str] = []
        self._rows: list[tuple[int, list[int]]] = []  # input member index -> (form index, document slots)

    def is_valid(self) -> bool:
        return bool(self.household.is_valid() & self.members.is_valid())

    def to_input(self) -> HouseholdInput:
        c = self.household.cleaned_data
        members: list[MemberInput] = []
        self._rows = []
        for i, form in enumerate(self.members.forms):
            if not form.has_changed() and i > 0:
                continue  # an added row left empty is no member
            member, slots = form.to_input()
            members.append(member)
            self._rows.append((i, slots))
        return HouseholdInput(
            area_pcode=c["area"], status=c["status"], documentation=c["documentation"],
            consent_purpose=c["consent_purpose"], consent_date=c["consent_date"],
            consent_recorded_by=c["consent_recorded_by"], members=members, site=c["site"],
            address=c["address"], latitude=c["latitude"], longitude=c["longitude"],
            phones=[p for p in c["phones"].splitlines() if p.strip()],
        )  # fmt: skip

    def add_errors(self, error: ApplicationError) -> None:
        """Each FieldError next to its input; what names no input goes at the top of the form."""
        for e in error.errors:
            form, name = self._target(e.field)
            if form is not None and name in form.fields:
                form.add_error(name, e.message)
            elif e.field == "members":
                self.non_member_errors.append(e.message)
            else:
                self.household.add_error(None, e.message)
        if not error.errors:
            self.household.add_error(None, error.message)

    def _target(self, path: str) -> tuple[forms.Form | None, str]:
        match = re.match(r"^members\[(\d+)\]\.(.+)$", path)
        if match is None:
            name = {"area_pcode": "area"}.get(path, re.sub(r"\[\d+\]$", "", path))
            return self.household, name
        index, rest = int(match[1]), match[2]
        if index >= len(self._rows):
            return None, ""
        form_index, slots = self._rows[index]
        form = self.members.forms[form_index]
        if doc := re.match(r"^documents\[(\d+)\]\.(doc_type|number)$", rest):
            slot = slots[int(doc[1])] if int(doc[1]) < len(slots) else 0
            return form, f"doc{slot}_{'type' if doc[2] == 'doc_type' else 'number'}"
        if rest.startswith("washington_group."):
            return form, f"wg_{rest.split('.', 1)[1]}"
        if rest.startswith("flags."):
            return form, rest.split(".", 1)[1]
        return form, rest

    def warning_text(self, path: str) -> str:
        """Where a warning points, in words ("Member 2, document 1"), never the value itself."""
        match = re.match(r"^members\[(\d+)\](?:\.documents\[(\d+)\])?", path)
        if match is None:
            return ""
        if match[2] is not None:
            return str(_("Member %(m)d, document %(d)d") % {"m": int(match[1]) + 1, "d": int(match[2]) + 1})
        return str(_("Member %(m)d") % {"m": int(match[1]) + 1})


class LookupForm(forms.Form):
    doc_type = forms.ChoiceField(label=_("Document"), choices=DocumentType.choices)
    number = forms.CharField(label=_("Number"), max_length=40, widget=forms.TextInput(attrs={"autocomplete": "off"}))


class ShareForm(forms.Form):
    organisations = forms.CharField(label=_("Share with (short names, comma-separated)"), max_length=200)

    def names(self) -> list[str]:
        return [n.strip() for n in self.cleaned_data["organisations"].split(",") if n.strip()]


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("same", _("Same person")), ("distinct", _("Different people"))])

    def chosen(self) -> list[int]:
        """The ticked pairs, and every pair of each ticked cluster (its ids comma-separated: no JavaScript needed).
        Whether each may be decided is the service's rule."""
        ids: set[int] = set()
        data: QueryDict = self.data  # type: ignore[assignment]  # always bound to request.POST
        for value in [*data.getlist("pair"), *data.getlist("cluster")]:
            ids.update(int(x) for x in str(value).split(",") if x.isdigit() and len(x) < 12)
        return sorted(ids)[:1000]
