"""Merging golden records and undoing merges: the round trip restores both records exactly; refusals change nothing."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction

from panah.core.errors import ApplicationError
from panah.core.models import AuditEvent
from panah.registry import merges, selectors, services
from panah.registry.inputs import DocumentInput
from panah.registry.models import CandidateStatus, Individual, MatchCandidate, Merge, Person
from panah.registry.tests.factories import household, member

pytestmark = pytest.mark.django_db


def _snapshot(actor: Any, *people: Person) -> list[dict[str, Any]]:
    """What a golden record is: its source individuals, what it points at, and the values read from its sources."""
    out = []
    for person in people:
        person.refresh_from_db()
        sources = sorted(Individual.objects.filter(person=person).values_list("pk", flat=True))
        # An absorbed record has no source left, so it is found through none (its values live in the survivor).
        golden = selectors.person_view(actor=actor, registry_id=person.registry_id).golden if sources else None
        out.append({"registry_id": person.registry_id, "merged_into": person.merged_into_id, "sources": sources,
                    "golden": golden})  # fmt: skip
    return out


@pytest.fixture
def officer(make_user: Any) -> Any:
    return make_user("registration", "PK5")


@pytest.fixture
def two(officer: Any) -> tuple[Individual, Individual]:
    first = services.household_register(actor=officer, data=household()).household
    other = household(members=[member(given_name="Mohd Yusuf", family_name="", documents=[
        DocumentInput("por", "PK1234567")])])  # fmt: skip
    second = services.household_register(actor=officer, data=other).household
    return first.members.get(line_number=1), second.members.get()


def test_merge_then_undo_restores_both_golden_records_exactly(officer, two):
    left, right = two
    before = _snapshot(officer, left.person, right.person)

    with transaction.atomic():
        merge = merges.person_merge(actor=officer, first=left.person, second=right.person, reason="adjudicated")
    merged = _snapshot(officer, left.person, right.person)
    merges.merge_undo(actor=officer, merge=merge)
    after = _snapshot(officer, left.person, right.person)

    assert merge is not None
    assert merged[0]["sources"] == sorted([left.pk, right.pk])
    assert merged[1]["merged_into"] == left.person.pk
    assert [d["doc_type"] for d in merged[0]["golden"]["documents"]] == ["cnic", "por"]
    assert after == before
    assert AuditEvent.objects.filter(action="registry.merge_undo", object_id=str(left.person.pk)).count() == 1


def test_the_older_golden_record_survives(officer, two):
    left, right = two

    with transaction.atomic():
        merge = merges.person_merge(actor=officer, first=right.person, second=left.person, reason="document")

    assert merge is not None
    assert (merge.survivor, merge.absorbed, merge.moved) == (left.person, right.person, [right.pk])


def test_merging_one_record_with_itself_is_nothing(officer, two):
    left, right = two
    with transaction.atomic():
        merges.person_merge(actor=officer, first=left.person, second=right.person, reason="adjudicated")
        again = merges.person_merge(actor=officer, first=right.person, second=left.person, reason="adjudicated")

    assert again is None
    assert Merge.objects.count() == 1


def test_undo_is_refused_while_a_later_merge_carried_the_records_on(officer):
    eldest = services.household_register(actor=officer, data=household(members=[member(documents=[])])).household
    first_hh = services.household_register(actor=officer, data=household()).household
    second_hh = services.household_register(actor=officer, data=household(members=[member(documents=[])])).household
    e, a, b = (hh.members.get(line_number=1).person for hh in (eldest, first_hh, second_hh))
    original = _snapshot(officer, e, a, b)
    with transaction.atomic():
        first = merges.person_merge(actor=officer, first=a, second=b, reason="adjudicated")
    with transaction.atomic():
        later = merges.person_merge(actor=officer, first=a, second=e, reason="adjudicated")
    assert first is not None
    assert later is not None
    assert (later.survivor, later.absorbed) == (e, a)  # the older record survives, so the first survivor moved on
    before = _snapshot(officer, e, a, b)

    with pytest.raises(ApplicationError) as error:
        merges.merge_undo(actor=officer, merge=first)

    assert error.value.status == 409
    assert _snapshot(officer, e, a, b) == before
    merges.merge_undo(actor=officer, merge=later)
    merges.merge_undo(actor=officer, merge=first)
    assert _snapshot(officer, e, a, b) == original


def test_undo_twice_is_refused_and_changes_nothing(officer, two):
    left, right = two
    with transaction.atomic():
        merge = merges.person_merge(actor=officer, first=left.person, second=right.person, reason="adjudicated")
    merges.merge_undo(actor=officer, merge=merge)
    before = _snapshot(officer, left.person, right.person)

    with pytest.raises(ApplicationError) as error:
        merges.merge_undo(actor=officer, merge=merge)

    assert error.value.status == 409
    assert _snapshot(officer, left.person, right.person) == before


def test_undo_by_someone_who_may_not_decide_is_not_found_and_changes_nothing(make_user, officer, two):
    left, right = two
    with transaction.atomic():
        merge = merges.person_merge(actor=officer, first=left.person, second=right.person, reason="adjudicated")

    for outsider in (make_user("partner-viewer", "PK5"), make_user("registration", "PK7")):
        with pytest.raises(ApplicationError) as error:
            merges.merge_undo(actor=outsider, merge=merge)
        assert error.value.status == 404
    merge.refresh_from_db()
    assert merge.undone_at is None
    assert Individual.objects.get(pk=right.pk).person_id == left.person_id


def test_undoing_a_decided_merge_returns_its_pair_to_the_queue(officer, two):
    left, right = two
    pair = MatchCandidate.objects.create(left=left, right=right, probability=0.8)
    merges.candidates_decide(actor=officer, candidate_ids=[pair.pk], same_person=True)
    merge = Merge.objects.get()

    merges.merge_undo(actor=officer, merge=merge)

    pair.refresh_from_db()
    assert (pair.status, pair.decided_by, pair.decided_at) == (CandidateStatus.PENDING, None, None)
    assert merge.candidate == pair
    assert merge.reason == "adjudicated"


def test_api_undo_of_a_merge_carried_on_says_undo_the_later_one_first(client, make_user, officer):
    from panah.accounts import services as account_services

    eldest = services.household_register(actor=officer, data=household(members=[member(documents=[])])).household
    a, b = (services.household_register(actor=officer, data=household(members=[member(documents=[])])).household
            for _ in range(2))  # fmt: skip
    e, pa, pb = (hh.members.get().person for hh in (eldest, a, b))
    with transaction.atomic():
        first = merges.person_merge(actor=officer, first=pa, second=pb, reason="adjudicated")
        merges.person_merge(actor=officer, first=pa, second=e, reason="adjudicated")
    assert first is not None
    auth = {"HTTP_AUTHORIZATION": f"Bearer {account_services.token_create(actor=officer, name='t').secret}"}

    response = client.post(f"/api/registry/merges/{first.pk}/undo", **auth)

    assert response.status_code == 409
    assert response.json()["title"] == "This record was merged again later: undo that merge first."
