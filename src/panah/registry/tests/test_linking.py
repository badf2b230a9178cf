"""Deduplication of new registrations with the linkage engine: same document across organisations, re-spelled
duplicates, siblings, and batches with an abnormal share of duplicates."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from panah.registry import linking, review, services, tasks
from panah.registry.inputs import DocumentInput
from panah.registry.models import (
    BatchReview,
    CandidateStatus,
    Household,
    MatchCandidate,
    Merge,
    RecordState,
    ReviewStatus,
)
from panah.registry.tests.factories import household, member

pytestmark = pytest.mark.django_db


@pytest.fixture
def iom_officer(make_user: Any) -> Any:
    return make_user("registration", "PK5")


@pytest.fixture
def nrc_officer(make_user: Any, other_organisation: Any) -> Any:
    return make_user("registration", "PK5", org=other_organisation)


def _head(hh: Household) -> Any:
    return hh.members.select_related("person").get(line_number=1)


def test_same_cnic_registered_by_another_organisation_is_merged_for_the_document(
    iom_officer, nrc_officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        first = tasks.household_register(actor=iom_officer, data=household()).household
    respelled = household(
        phones=["0345-1112223"],
        members=[member(given_name="Mohammad Yusuf", family_name="", father_name="Gul",
                        documents=[DocumentInput("cnic", "1730112345671")])],
    )  # fmt: skip

    with django_capture_on_commit_callbacks(execute=True):
        second = tasks.household_register(actor=nrc_officer, data=respelled).household

    merge = Merge.objects.get()
    assert merge.reason == "document"
    assert merge.survivor == _head(first).person
    assert merge.absorbed.merged_into == merge.survivor
    assert merge.moved == [_head(second).pk]
    assert _head(second).person == _head(first).person
    pair = MatchCandidate.objects.get()
    assert (pair.suggestion, pair.status) == ("document", CandidateStatus.LINKED)
    # The spouse and the child of the first household were not touched.
    assert Merge.objects.count() == 1


def test_respelled_duplicate_without_document_is_linked_or_queued(iom_officer, nrc_officer):
    no_documents = [
        member(documents=[]),
        member(given_name="Khadija", sex="f", relationship="spouse", father_name="Muhammad Yousaf",
               father_relation="w/o", date_of_birth=datetime.date(1985, 1, 1), documents=[]),
    ]  # fmt: skip
    first = services.household_register(actor=iom_officer, data=household(members=no_documents)).household
    linking.household_link(first.pk)
    again = [
        member(given_name="Mohammad Yusuf", father_name="Gul Khan", documents=[]),
        member(given_name="Khadija Bibi", sex="f", relationship="spouse", father_name="Mohammad Yusuf",
               father_relation="w/o", date_of_birth=datetime.date(1985, 1, 1), documents=[]),
    ]  # fmt: skip
    second = services.household_register(actor=nrc_officer, data=household(members=again)).household

    linking.household_link(second.pk)

    a, b = _head(first), _head(second)
    pair = MatchCandidate.objects.get(left=min(a, b, key=lambda i: i.pk), right=max(a, b, key=lambda i: i.pk))
    assert pair.suggestion in ("link", "review")
    if pair.suggestion == "link":
        assert pair.status == CandidateStatus.LINKED
        assert Merge.objects.get(candidate=pair).reason == "automatic"
        assert _head(second).person == _head(first).person
    else:
        assert pair.status == CandidateStatus.PENDING
        assert not Merge.objects.filter(candidate=pair).exists()
    assert pair.evidence  # which level each comparison reached, for the reviewer


def test_siblings_are_not_linked(iom_officer):
    brothers = household(members=[
        member(),
        member(given_name="Muhammad Younas", relationship="sibling", date_of_birth=datetime.date(1983, 1, 1),
               documents=[DocumentInput("cnic", "17301-1234568-3")]),
        member(given_name="Muhammad Yousuf", relationship="sibling", date_of_birth=datetime.date(1986, 1, 1),
               documents=[]),
    ])  # fmt: skip
    hh = services.household_register(actor=iom_officer, data=brothers).household

    merges = linking.household_link(hh.pk)

    assert merges == 0
    assert not Merge.objects.exists()
    assert not MatchCandidate.objects.exists()
    assert len({m.person_id for m in hh.members.all()}) == 3


def test_brothers_heading_their_own_households_are_not_merged(iom_officer):
    first = services.household_register(actor=iom_officer, data=household(members=[member()])).household
    linking.household_link(first.pk)
    brother = member(given_name="Muhammad Younas", date_of_birth=datetime.date(1983, 1, 1),
                     documents=[DocumentInput("cnic", "17301-1234568-3")])  # fmt: skip
    second = services.household_register(actor=iom_officer, data=household(members=[brother])).household

    linking.household_link(second.pk)

    assert not Merge.objects.exists()
    assert _head(first).person != _head(second).person


def _stage(actor: Any, batch_id: int, households: list[Any]) -> BatchReview:
    for data in households:
        services.household_register(actor=actor, data=data, batch_id=batch_id, state=RecordState.STAGED)
    area = Household.objects.filter(batch_id=batch_id).first().area  # type: ignore[union-attr]
    return review.batch_review_open(batch_id=batch_id, organisation_id=actor.organisation_id, area_id=area.pk)


def _one(n: int, **overrides: Any) -> Any:
    """A one-person household with its own CNIC (n: 0-9)."""
    values = {"given_name": ["Sher", "Zar", "Noor", "Wali", "Fazal", "Amin", "Rahim", "Karim", "Hamid", "Jamal"][n],
              "father_name": ["Gul", "Taj", "Pir", "Mir", "Dost", "Sardar", "Umar", "Ali", "Bakht", "Zahir"][n],
              "family_name": ["Afridi", "Mohmand", "Shinwari", "Orakzai", "Bangash", "Khattak", "Durrani",
                              "Yousafzai", "Achakzai", "Kakar"][n],
              "date_of_birth": datetime.date(1960 + 3 * n, 1 + n, 1 + n),
              "documents": [DocumentInput("cnic", f"1730{n}-55{n}{n}{n}{n}{n}-{2 * n % 10 + 1}")]}  # fmt: skip
    values.update(overrides)
    return household(phones=[f"0300-{n}{n}{n}{n}{n}{n}{n}"], members=[member(**values)])


def test_a_batch_of_mostly_duplicates_stops(settings, iom_officer, nrc_officer):
    settings.PANAH_DUPLICATE_RATE_STOP = 0.5
    registered = [services.household_register(actor=iom_officer, data=_one(n)).household for n in range(3)]

    staged = _stage(nrc_officer, 5, [_one(0), _one(1), _one(2), _one(3)])  # three of four already registered
    result = linking.batch_link(staged.batch_id)

    assert result.status == ReviewStatus.STOPPED
    assert (result.individuals, result.to_link, result.to_create) == (4, 3, 1)
    assert result.duplicate_rate == 0.75
    # Nothing merges or enters the registry before a reviewer decides.
    assert not Merge.objects.exists()
    assert set(Household.objects.filter(batch_id=5).values_list("state", flat=True)) == {RecordState.STAGED}
    assert all(_head(hh).person.merged_into is None for hh in registered)


def test_a_batch_with_few_duplicates_is_ready_and_merges_when_reviewed(settings, iom_officer, nrc_officer):
    settings.PANAH_DUPLICATE_RATE_STOP = 0.5
    services.household_register(actor=iom_officer, data=_one(0))

    staged = _stage(nrc_officer, 6, [_one(0), _one(4), _one(5), _one(6)])
    result = linking.batch_link(staged.batch_id)
    merged = review.batch_review_merge(actor=iom_officer, review=result)

    assert (result.status, result.to_link, result.duplicate_rate) == (ReviewStatus.READY, 1, 0.25)
    assert merged.status == ReviewStatus.MERGED
    assert list(Merge.objects.values_list("reason", flat=True)) == ["document"]
    assert set(Household.objects.filter(batch_id=6).values_list("state", flat=True)) == {RecordState.ACTIVE}
