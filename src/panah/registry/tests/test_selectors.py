"""Reads of the registry: scoped lists and lookups, masked and audited full records, golden values, the queue."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.db import transaction

from panah.core.errors import ApplicationError
from panah.core.models import AuditEvent
from panah.registry import merges, selectors, services
from panah.registry.inputs import DocumentInput
from panah.registry.models import MatchCandidate, RecordState
from panah.registry.tests.factories import household, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("registration", "PK5")


def _register(actor: Any, **overrides: Any) -> Any:
    return services.household_register(actor=actor, data=household(**overrides)).household


def test_list_is_active_newest_first_with_member_counts(officer):
    older = _register(officer)
    newer = _register(officer, members=[member(documents=[])])
    services.household_register(actor=officer, data=household(), batch_id=9, state=RecordState.STAGED)

    rows = list(selectors.household_list(actor=officer))

    assert [(h.registration_id, h.member_count) for h in rows] == [
        (newer.registration_id, 1), (older.registration_id, 3)
    ]  # fmt: skip


def test_list_finds_a_registration_id_in_any_case_and_keeps_one_area(officer, make_user):
    hh = _register(officer)
    sindh = _register(make_user("registration", "PK7"), area_pcode="PK70101", members=[member(documents=[])])
    national = make_user("im", "PK")

    assert [h.pk for h in selectors.household_list(actor=officer, q=f" {hh.registration_id.lower()} ")] == [hh.pk]
    assert [h.pk for h in selectors.household_list(actor=national, area="pk7")] == [sindh.pk]
    assert [h.pk for h in selectors.household_list(actor=national, area="PK506")] == [hh.pk]


def test_lookup_by_document_normalises_the_number_and_keeps_to_scope(officer, make_user, other_organisation):
    hh = _register(officer)
    _register(officer, members=[member(documents=[DocumentInput("passport", "AB1234567")])])
    partner = make_user("registration", "PK5", org=other_organisation)

    found = selectors.households_by_document(actor=officer, doc_type="cnic", number="17301-1234567-1")
    also = selectors.households_by_document(actor=officer, doc_type="passport", number="ab 123 4567")
    other_type = selectors.households_by_document(actor=officer, doc_type="bform", number="1730112345671")

    assert [h.pk for h in found] == [hh.pk]
    assert also.count() == 1
    assert not other_type.exists()  # the type is part of the key: a B-form with these digits is another document
    assert not selectors.households_by_document(actor=partner, doc_type="cnic", number="1730112345671").exists()


def test_lookup_by_document_skips_staged_households(officer):
    services.household_register(actor=officer, data=household(), batch_id=3, state=RecordState.STAGED)

    assert not selectors.households_by_document(actor=officer, doc_type="cnic", number="1730112345671").exists()


@pytest.mark.parametrize(("doc_type", "number", "field"), [("visa", "1", "doc_type"), ("cnic", " - ", "number")])
def test_lookup_by_document_names_a_bad_question(officer, doc_type, number, field):
    with pytest.raises(ApplicationError) as error:
        selectors.households_by_document(actor=officer, doc_type=doc_type, number=number)

    assert error.value.status == 422
    assert [e.field for e in error.value.errors] == [field]


def test_household_get_is_not_found_outside_scope_and_not_audited(officer, make_user):
    hh = _register(officer)

    with pytest.raises(ApplicationError) as error:
        selectors.household_get(actor=make_user("registration", "PK7"), registration_id=hh.registration_id)

    assert error.value.status == 404
    assert selectors.household_get(actor=officer, registration_id=hh.registration_id.lower()) == hh
    assert not AuditEvent.objects.filter(action="read").exists()


def test_household_view_masks_for_the_im_officer_and_audits_each_read(officer, make_user):
    hh = _register(officer, address="House 12, Mohalla Sharifabad", latitude=34.15, longitude=71.73)
    im_officer = make_user("im", "PK5")

    masked = selectors.household_view(actor=im_officer, registration_id=hh.registration_id)
    whole = selectors.household_view(actor=officer, registration_id=hh.registration_id)

    assert (masked.sensitive, masked.address, masked.coordinates, masked.phones) == (False, "•••", "•••", ["•••"])
    assert [d["number"] for m in masked.members for d in m.documents] == ["•••71", "•••12"]
    assert masked.members[0].vulnerabilities == {}
    assert (whole.address, whole.coordinates) == ("House 12, Mohalla Sharifabad", "34.15,71.73")
    assert [d["number"] for m in whole.members for d in m.documents] == ["1730112345671", "1730176543212"]
    reads = AuditEvent.objects.filter(action="read", object_id=str(hh.pk))
    assert [(e.actor_id, e.metadata) for e in reads.order_by("pk")] == [
        (im_officer.pk, {"sensitive": False}), (officer.pk, {"sensitive": True})
    ]  # fmt: skip


def test_number_masks_keep_the_last_two_characters_of_long_numbers_only():
    assert selectors.mask_number("1730112345671") == "•••71"
    assert selectors.mask_number("P123") == "•••"


def test_golden_values_come_from_the_earliest_source_that_has_them(officer):
    first = _register(officer, members=[member(date_of_birth=None, age=45, father_name="")])
    second = _register(officer, members=[member(given_name="Muhammad Yusuf", father_name="Gul Khan",
                                                documents=[DocumentInput("passport", "AB1234567")])])  # fmt: skip
    a, b = first.members.get(), second.members.get()
    with transaction.atomic():
        merges.person_merge(actor=officer, first=a.person, second=b.person, reason="adjudicated")

    view = selectors.person_view(actor=officer, registry_id=a.person.registry_id)

    assert view.golden["given_name"] == "Muhammad Yousaf"
    assert view.golden["father_name"] == "Gul Khan"  # the first source had none
    assert view.golden["age"] == 45
    assert view.golden["date_of_birth"] == datetime.date(1980, 1, 1)
    assert [d["doc_type"] for d in view.golden["documents"]] == ["cnic", "passport"]
    assert [s.individual.pk for s in view.sources] == [a.pk, b.pk]
    assert len(view.merges) == 1


def test_a_golden_record_shows_only_the_sources_the_actor_may_see(officer, make_user, other_organisation):
    nrc_officer = make_user("registration", "PK5", org=other_organisation)
    iom = _register(officer, members=[member(documents=[])])
    nrc = _register(nrc_officer, members=[member(documents=[])])
    with transaction.atomic():
        merges.person_merge(actor=officer, first=iom.members.get().person, second=nrc.members.get().person,
                            reason="adjudicated")  # fmt: skip
    person = iom.members.get().person

    seen_by_nrc = selectors.person_view(actor=nrc_officer, registry_id=person.registry_id)
    seen_by_iom = selectors.person_view(actor=officer, registry_id=person.registry_id)

    assert [s.individual.household_id for s in seen_by_nrc.sources] == [nrc.pk]
    assert [s.individual.household_id for s in seen_by_iom.sources] == [iom.pk, nrc.pk]


def test_candidate_queue_groups_pairs_that_share_a_golden_record(officer):
    hhs = [_register(officer, members=[member(documents=[])]) for _ in range(5)]
    a, b, c, d, e = (hh.members.get() for hh in hhs)
    MatchCandidate.objects.create(left=a, right=b, probability=0.6)
    MatchCandidate.objects.create(left=b, right=c, probability=0.5)
    MatchCandidate.objects.create(left=d, right=e, probability=0.9)

    clusters = selectors.candidate_queue(actor=officer)

    assert [[(x.left_id, x.right_id) for x in cluster] for cluster in clusters] == [
        [(d.pk, e.pk)], [(a.pk, b.pk), (b.pk, c.pk)]
    ]  # fmt: skip
    assert selectors.candidate_count(actor=officer) == 3


def test_candidate_queue_is_empty_for_those_who_may_not_decide(officer, make_user):
    a, b = (_register(officer, members=[member(documents=[])]).members.get() for _ in range(2))
    MatchCandidate.objects.create(left=a, right=b, probability=0.6)

    assert selectors.candidate_queue(actor=make_user("partner-viewer", "PK5")) == []
    assert selectors.candidate_queue(actor=make_user("registration", "PK7")) == []


def test_list_by_area_keeps_the_households_inside_it(officer):
    inside = _register(officer)  # Charsadda tehsil, Charsadda district PK506

    assert [h.pk for h in selectors.household_list(actor=officer, area="PK506")] == [inside.pk]
    assert list(selectors.household_list(actor=officer, area="PK526")) == []
    assert list(selectors.household_list(actor=officer, area="NOPE")) == []


def test_lookup_by_document_is_audited_without_the_number(officer):
    hh = _register(officer)

    found = list(selectors.households_by_document(actor=officer, doc_type="cnic", number="17301-1234567-1"))

    assert [h.pk for h in found] == [hh.pk]
    event = AuditEvent.objects.get(action="registry.lookup")
    assert event.metadata == {"doc_type": "cnic", "found": 1}
    assert "1730112345671" not in str(event.object_id) + str(event.metadata)


def test_an_absorbed_registry_id_finds_the_record_it_was_merged_into(officer):
    first, second = _register(officer), _register(officer, members=[member(documents=[])])
    kept = first.members.get(line_number=1).person
    absorbed = second.members.get(line_number=1).person
    with transaction.atomic():
        merges.person_merge(actor=officer, first=kept, second=absorbed, reason="adjudicated")

    assert selectors.person_get(actor=officer, registry_id=absorbed.registry_id.lower()).pk == kept.pk
    outsider = officer.__class__.objects.create_user(username="outsider", password="x")
    with pytest.raises(ApplicationError) as error:
        selectors.person_get(actor=outsider, registry_id=absorbed.registry_id)
    assert error.value.status == 404
