"""Writing the registry: registering a household with its members (the one way records are created).

Each registration is one transaction: household, members, their golden records, documents and the audit event.
Deduplication runs afterwards (linking.py): a registration is never refused because it may be a duplicate, it is
linked or queued for a decision.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from panah.accounts.models import Organisation
from panah.core import audit
from panah.core.errors import FieldError, conflict, forbidden, invalid
from panah.core.fields import blind_index
from panah.core.permissions import Perm
from panah.geo.models import AdminArea, AdminLevel, Site
from panah.registry import inputs, policy
from panah.registry.models import (
    Document,
    Household,
    Individual,
    MatchCandidate,
    Merge,
    Person,
    RecordState,
    Source,
)

DOCUMENT_PURPOSE = "registry-document"


def document_index(doc_type: str, normalised: str) -> str:
    """The keyed hash that finds a document by type and number without decrypting anything."""
    return blind_index(f"{doc_type}:{normalised}", purpose=DOCUMENT_PURPOSE)


@dataclass
class Registered:
    household: Household
    warnings: list[FieldError]
    created: bool = True  # False: this source_ref was registered before; nothing new was written


def _area(actor: Any, pcode: str) -> AdminArea:
    area = AdminArea.objects.filter(pcode=pcode.strip().upper(), retired_on__isnull=True).first()
    if area is None or area.level != AdminLevel.TEHSIL:
        raise invalid(_("Choose a tehsil."), FieldError("area_pcode", _("Not a current tehsil P-code."), "invalid"))
    if not policy.may_create_in(actor, area):
        # Outside the actor's areas looks exactly like an unknown tehsil.
        raise invalid(_("Choose a tehsil."), FieldError("area_pcode", _("Not a current tehsil P-code."), "invalid"))
    return area


def _site(public_id: str, area: AdminArea) -> Site | None:
    if not public_id:
        return None
    site = (
        Site.objects.filter(public_id=public_id, admin_area__path__startswith=area.path).first()
        if _uuid(public_id)
        else None
    )
    if site is None:
        raise invalid(
            _("Choose a site in the tehsil."), FieldError("site", _("No such site in this tehsil."), "invalid")
        )
    return site


def _uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _shared(actor: Any, names: list[str]) -> list[Organisation]:
    found = list(Organisation.objects.filter(short_name__in=names, is_active=True))
    missing = sorted(set(names) - {o.short_name for o in found})
    if missing:
        raise invalid(
            _("Unknown organisation."),
            FieldError("shared_with", _("Unknown: %(names)s") % {"names": ", ".join(missing)}, "invalid"),
        )
    return [o for o in found if o.pk != actor.organisation_id]


def household_register(
    *,
    actor: Any,
    data: inputs.HouseholdInput,
    source: str = Source.PAGE,
    source_ref: str = "",
    batch_id: int | None = None,
    state: str = RecordState.ACTIVE,
) -> Registered:
    """Register a household and its members, each as a new golden record; the same source_ref again (a form
    submitted twice) returns the first household and writes nothing. Audited; deduplication runs after commit."""
    if not policy.may_create(actor):
        raise forbidden()
    if actor.organisation_id is None:
        raise forbidden(_("Your account belongs to no organisation, so it cannot register households."))
    if (found := _earlier(actor, source, source_ref)) is not None:
        return Registered(household=found, warnings=[], created=False)
    checked = inputs.check(data)
    area = _area(actor, data.area_pcode)
    site = _site(data.site, area)
    shared = _shared(actor, data.shared_with)
    for attempt in (1, 2):
        try:
            return _create(actor, data, checked, area, site, shared, source, source_ref, batch_id, state)
        except IntegrityError:
            # A retry that raced the first request past the check above: the unique constraint kept one household.
            if (found := _earlier(actor, source, source_ref)) is not None:
                return Registered(household=found, warnings=[], created=False)
            if attempt == 2:
                raise
            # Otherwise two random ids clashed (models.new_public_id): the second attempt draws new ones.
    raise AssertionError("unreachable")


def _earlier(actor: Any, source: str, source_ref: str) -> Household | None:
    if not source_ref:
        return None
    return Household.objects.filter(organisation_id=actor.organisation_id, source=source, source_ref=source_ref).first()


def _household(
    actor: Any, data: inputs.HouseholdInput, checked: inputs.Checked, area: AdminArea, site: Site | None,
    source: str, source_ref: str, batch_id: int | None, state: str,
) -> Household:  # fmt: skip
    """The household row of a checked registration, not yet saved (one or in bulk)."""
    return Household(
        organisation_id=actor.organisation_id, area=area, site=site, address=data.address.strip(),
        coordinates=f"{data.latitude},{data.longitude}" if data.latitude is not None else "",
        status=data.status, documentation=data.documentation, phones="\n".join(checked.phones),
        consent_purpose=data.consent_purpose.strip(), consent_date=data.consent_date,
        consent_recorded_by=data.consent_recorded_by.strip(), source=source, source_ref=source_ref,
        batch_id=batch_id, state=state, registered_by=actor,
    )  # fmt: skip


def _create(
    actor: Any, data: inputs.HouseholdInput, checked: inputs.Checked, area: AdminArea, site: Site | None,
    shared: list[Organisation], source: str, source_ref: str, batch_id: int | None, state: str,
) -> Registered:  # fmt: skip
    with transaction.atomic():
        household = _household(actor, data, checked, area, site, source, source_ref, batch_id, state)
        household.save()
        if shared:
            household.shared_with.set(shared)
        _members(household, data.members, checked)
        audit.record(
            actor=actor, action=audit.Action.CREATE, obj=household,
            metadata={"members": len(data.members), "source": source, "state": state, "batch_id": batch_id},
        )  # fmt: skip
    return Registered(household=household, warnings=checked.warnings)


def _members(household: Household, members: list[inputs.MemberInput], checked: inputs.Checked) -> None:
    persons = Person.objects.bulk_create([Person() for _ in members])
    individuals = Individual.objects.bulk_create(
        [
            Individual(
                household=household,
                person=person,
                line_number=i + 1,
                relationship=m.relationship,
                given_name=m.given_name.strip(),
                father_name=m.father_name.strip(),
                father_relation=m.father_relation,
                family_name=m.family_name.strip(),
                sex=m.sex,
                date_of_birth=m.date_of_birth,
                age=m.age,
                birth_estimated=m.birth_estimated,
                vulnerabilities=m.vulnerabilities_json(),
            )
            for i, (m, person) in enumerate(zip(members, persons, strict=True))
        ]
    )
    documents = [
        Document(
            individual=individuals[i],
            doc_type=doc.doc_type,
            number=checked.documents[(i, j)],
            number_index=document_index(doc.doc_type, checked.documents[(i, j)]),
            attachment=doc.attachment,
        )
        for i, m in enumerate(members)
        for j, doc in enumerate(m.documents)
    ]
    Document.objects.bulk_create(documents)


def household_share(*, actor: Any, household: Household, organisations: list[str]) -> Household:
    """Share a household with other organisations (their staff then see it in their areas). Audited."""
    if not policy.can_household(actor, Perm.CHANGE, household) or household.organisation_id != actor.organisation_id:
        raise forbidden(_("Only the registering organisation shares its households."))
    shared = _shared(actor, organisations)
    with transaction.atomic():
        before = sorted(o.short_name for o in household.shared_with.all())
        household.shared_with.add(*shared)
        after = sorted(o.short_name for o in household.shared_with.all())
        audit.record(actor=actor, action=audit.Action.UPDATE, obj=household, changes={"shared_with": [before, after]})
    return household


def household_consent_withdraw(*, actor: Any, household: Household) -> Household:
    """Record that the household withdrew its consent: its records stay (for accountability) but are no longer
    compared against new registrations or shared further. Audited; a second withdrawal is a 409."""
    if not policy.can_household(actor, Perm.CHANGE, household):
        raise forbidden()
    with transaction.atomic():
        locked = Household.objects.select_for_update().get(pk=household.pk)
        if locked.consent_withdrawn_at is not None:
            raise conflict(_("Consent was already withdrawn."))
        locked.consent_withdrawn_at = timezone.now()
        locked.save(update_fields=["consent_withdrawn_at", "updated_at"])
        audit.record(
            actor=actor, action=audit.Action.TRANSITION, obj=locked, changes={"consent": ["given", "withdrawn"]}
        )
    return locked


BULK_CHUNK = 2000


@dataclass
class BulkRegistered:
    households: list[Household]  # created now, in the order given
    skipped: list[str]  # source_refs registered before: nothing written for them


def households_register_bulk(
    *,
    actor: Any,
    items: list[tuple[str, inputs.HouseholdInput]],
    source: str,
    batch_id: int | None = None,
    state: str = RecordState.STAGED,
) -> BulkRegistered:
    """Register many households at once (file imports, multi-household batches): the rules of household_register,
    with areas and sites looked up once and rows written in bulk; one audit event for the lot. A source_ref
    registered before is skipped. Call inside a transaction; deduplication is the caller's to queue."""
    if not policy.may_create(actor):
        raise forbidden()
    if actor.organisation_id is None:
        raise forbidden(_("Your account belongs to no organisation, so it cannot register households."))
    refs = [ref for ref, _data in items if ref]
    known = set(
        Household.objects.filter(organisation_id=actor.organisation_id, source=source, source_ref__in=refs)
        .values_list("source_ref", flat=True)
    )  # fmt: skip
    fresh = [(ref, data) for ref, data in items if not ref or ref not in known]
    areas = _areas(actor, {data.area_pcode.strip().upper() for _ref, data in fresh})
    sites = _sites({data.site for _ref, data in fresh if data.site})
    households: list[Household] = []
    members: list[tuple[Household, list[inputs.MemberInput], inputs.Checked]] = []
    for ref, data in fresh:
        checked = inputs.check(data)
        area = areas.get(data.area_pcode.strip().upper())
        if area is None:
            raise invalid(_("Choose a tehsil."), FieldError("area_pcode", _("Not a current tehsil P-code."), "invalid"))
        site = sites.get(data.site) if data.site else None
        if data.site and (site is None or not site.admin_area.path.startswith(area.path)):
            raise invalid(_("Choose a site in the tehsil."), FieldError("site", _("No such site in this tehsil.")))
        household = _household(actor, data, checked, area, site, source, ref, batch_id, state)
        households.append(household)
        members.append((household, data.members, checked))
    Household.objects.bulk_create(households, batch_size=BULK_CHUNK)
    _members_bulk(members)
    audit.record(
        actor=actor, action=audit.Action.CREATE, object_type=audit.object_type_of(Household),
        object_id=f"batch:{batch_id}" if batch_id is not None else "",
        metadata={"households": len(households), "members": sum(len(m[1]) for m in members), "source": source,
                  "state": state, "batch_id": batch_id, "skipped": len(items) - len(fresh)},
    )  # fmt: skip
    return BulkRegistered(households=households, skipped=sorted(known))


def _areas(actor: Any, pcodes: set[str]) -> dict[str, AdminArea]:
    found = AdminArea.objects.filter(pcode__in=pcodes, retired_on__isnull=True, level=AdminLevel.TEHSIL)
    return {a.pcode: a for a in found if policy.may_create_in(actor, a)}


def _sites(public_ids: set[str]) -> dict[str, Site]:
    valid = [p for p in public_ids if _uuid(p)]
    return {str(s.public_id): s for s in Site.objects.filter(public_id__in=valid).select_related("admin_area")}


def _members_bulk(households: list[tuple[Household, list[inputs.MemberInput], inputs.Checked]]) -> None:
    count = sum(len(members) for _h, members, _c in households)
    persons = Person.objects.bulk_create([Person() for _ in range(count)], batch_size=BULK_CHUNK)
    individuals: list[Individual] = []
    documents: list[Document] = []
    people = iter(persons)
    for household, members, checked in households:
        for i, m in enumerate(members):
            individual = Individual(
                household=household, person=next(people), line_number=i + 1, relationship=m.relationship,
                given_name=m.given_name.strip(), father_name=m.father_name.strip(), father_relation=m.father_relation,
                family_name=m.family_name.strip(), sex=m.sex, date_of_birth=m.date_of_birth, age=m.age,
                birth_estimated=m.birth_estimated, vulnerabilities=m.vulnerabilities_json(),
            )  # fmt: skip
            individuals.append(individual)
            for j, doc in enumerate(m.documents):
                number = checked.documents[(i, j)]
                index = document_index(doc.doc_type, number)
                documents.append(
                    Document(
                        individual=individual,
                        doc_type=doc.doc_type,
                        number=number,
                        number_index=index,
                        attachment=doc.attachment,
                    )
                )
    Individual.objects.bulk_create(individuals, batch_size=BULK_CHUNK)
    Document.objects.bulk_create(documents, batch_size=BULK_CHUNK)


def households_forget(*, organisation_id: int, batch_id: int, states: tuple[str, ...]) -> int:
    """Remove the households an interrupted import of this batch wrote (never one already linked to another record),
    with their members, golden records and documents. Returns the households removed. Call inside a transaction."""
    pks = list(
        Household.objects.filter(organisation_id=organisation_id, batch_id=batch_id, state__in=states)
        .values_list("pk", flat=True)
    )  # fmt: skip
    if not pks:
        return 0
    individuals = Individual.objects.filter(household_id__in=pks)
    ids = list(individuals.values_list("pk", flat=True))
    persons = list(individuals.values_list("person_id", flat=True))
    if Merge.objects.filter(Q(survivor_id__in=persons) | Q(absorbed_id__in=persons)).exists():
        raise conflict(_("Records of this batch were merged with others already: they cannot be removed."))
    MatchCandidate.objects.filter(Q(left_id__in=ids) | Q(right_id__in=ids)).delete()
    Document.objects.filter(individual_id__in=ids).delete()
    individuals.delete()
    Person.objects.filter(pk__in=persons, sources__isnull=True).delete()
    Household.objects.filter(pk__in=pks).delete()
    return len(pks)
