from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from panah.core.models import AuditEvent
from panah.registry import merges, review, selectors, services
from panah.registry.inputs import DocumentInput
from panah.registry.models import (
    BatchReview,
    CandidateStatus,
    Household,
    MatchCandidate,
    Merge,
    MergeReason,
    RecordState,
    ReviewStatus,
)
from panah.registry.tests.factories import household, member

pytestmark = pytest.mark.django_db

CNIC = "1730112345671"  # the factory head's CNIC, normalised


def form_data(**overrides: str) -> dict[str, str]:
    """A registration as the page posts it: one household, two members."""
    data = {
        "area": "PK50601", "site": "", "status": "idp", "documentation": "", "phones": "0301-2345678",
        "address": "Mohalla Gul, Charsadda", "latitude": "", "longitude": "",
        "consent_purpose": "Registration for assistance", "consent_date": "2026-01-10",
        "consent_recorded_by": "Team 3",
        "members-TOTAL_FORMS": "2", "members-INITIAL_FORMS": "0", "members-MIN_NUM_FORMS": "1",
        "members-MAX_NUM_FORMS": "40",
        "members-0-given_name": "Muhammad Yousaf", "members-0-father_relation": "s/o",
        "members-0-father_name": "Gul Khan", "members-0-family_name": "Khan", "members-0-sex": "m",
        "members-0-relationship": "head", "members-0-date_of_birth": "1980-01-01", "members-0-birth_estimated": "on",
        "members-0-doc0_type": "cnic", "members-0-doc0_number": "17301-1234567-1", "members-0-wg_walking": "3",
        "members-1-given_name": "Khadija", "members-1-father_relation": "w/o",
        "members-1-father_name": "Muhammad Yousaf", "members-1-sex": "f", "members-1-relationship": "spouse",
        "members-1-age": "38", "members-1-doc0_type": "cnic", "members-1-doc0_number": "17301-7654321-2",
        "members-1-pregnant_lactating": "on",
    }  # fmt: skip
    data.update(overrides)
    return data


@pytest.fixture
def officer(make_user):
    return make_user("registration", "PK5", username="officer")


@pytest.fixture
def registered(officer):
    return services.household_register(actor=officer, data=household()).household


# Registering ------------------------------------------------------------------------------------------------------


def test_register_page_offers_only_the_tehsils_of_the_users_areas(login, officer):
    response = login(officer).get("/registry/register/")

    assert response.status_code == 200
    pcodes = {code for _group, options in response.context["form"].household.fields["area"].choices[1:]
              for code, _label in options}  # fmt: skip
    assert "PK50601" in pcodes
    assert all(p.startswith("PK5") for p in pcodes)


def test_register_creates_the_household_and_shows_the_cnic_warning_after(login, officer):
    client = login(officer)

    response = client.post("/registry/register/", form_data(**{"members-0-doc0_number": "17301-1234567-2"}))

    hh = Household.objects.get()
    assert response.status_code == 302
    assert response.url == f"/registry/households/{hh.registration_id}/"
    assert [m.given_name for m in hh.members.order_by("line_number")] == ["Muhammad Yousaf", "Khadija"]
    head, wife = hh.members.order_by("line_number")
    assert head.vulnerabilities == '{"wg": {"walking": 3}}'
    assert wife.age == 38
    assert wife.vulnerabilities == '{"pregnant_lactating": true}'
    page = client.get(response.url)
    text = page.content.decode()
    assert "Member 1, document 1: The last digit of this CNIC is odd for men" in text
    assert f"Household {hh.registration_id} registered." in text


def test_register_errors_are_named_next_to_each_input_and_nothing_is_stored(login, officer):
    data = form_data(**{"members-1-doc0_number": "97301-7654321-2", "members-1-relationship": "head",
                        "members-0-given_name": "", "consent_recorded_by": ""})  # fmt: skip

    response = login(officer).post("/registry/register/", data)

    form = response.context["form"]
    assert response.status_code == 422
    assert list(form.members.forms[1].errors) == ["doc0_number"]
    assert list(form.members.forms[0].errors) == ["given_name"]
    assert list(form.household.errors) == ["consent_recorded_by"]
    assert form.non_member_errors == ["Exactly one member is the head of household."]
    assert 'id="id_members-1-doc0_number-errors"' in response.content.decode()
    assert not Household.objects.exists()


def test_an_empty_added_row_is_no_member_and_an_error_finds_its_row_past_it(login, officer):
    data = form_data(**{"members-TOTAL_FORMS": "3"})
    data.update({"members-2-given_name": "Ahmad", "members-2-sex": "m", "members-2-relationship": "child",
                 "members-2-doc0_type": "passport", "members-2-doc0_number": "1"})  # fmt: skip
    data.update({k: "" for k in list(data) if k.startswith("members-1-")})

    response = login(officer).post("/registry/register/", data)

    form = response.context["form"]
    assert response.status_code == 422
    assert list(form.members.forms[2].errors) == ["date_of_birth", "doc0_number"]
    assert not form.members.forms[1].errors


def test_a_tehsil_outside_the_users_areas_is_refused_like_an_unknown_one(login, make_user):
    sindh = make_user("registration", "PK7")

    response = login(sindh).post("/registry/register/", form_data())

    assert response.status_code == 422
    assert "area" in response.context["form"].household.errors
    assert not Household.objects.exists()


def test_adding_and_removing_member_rows_registers_nothing(login, officer):
    client = login(officer)

    added = client.post("/registry/register/", {**form_data(), "add_member": "1"})
    removed = client.post("/registry/register/", {**form_data(), "remove_member": "0"})

    assert added.status_code == 200
    assert len(added.context["form"].members.forms) == 3
    assert removed.status_code == 200
    assert len(removed.context["form"].members.forms) == 1
    assert removed.context["form"].members.forms[0]["given_name"].value() == "Khadija"
    assert not Household.objects.exists()


def test_an_enumerator_registers_but_does_not_see_the_registry(login, make_user):
    enumerator = make_user("enumerator", "PK5")
    client = login(enumerator)

    response = client.post("/registry/register/", form_data())

    assert response.status_code == 302
    assert response.url == "/registry/register/"
    assert Household.objects.count() == 1
    assert client.get("/registry/").status_code == 403
    hh = Household.objects.get()
    assert client.get(f"/registry/households/{hh.registration_id}/").status_code == 404


def test_a_role_without_registration_cannot_open_the_form(login, make_user):
    assert login(make_user("im", "PK5")).get("/registry/register/").status_code == 403


def test_site_options_are_the_sites_of_the_tehsil(login, officer, area):
    from panah.geo.models import Site

    site = Site.objects.create(name="Camp Gul", kind="camp", admin_area=area("PK50601"))
    Site.objects.create(name="Elsewhere", kind="camp", admin_area=area("PK70101"))

    response = login(officer).get("/registry/register/sites/", {"area": "PK50601"})

    text = response.content.decode()
    assert str(site.public_id) in text
    assert "Elsewhere" not in text


# Households -------------------------------------------------------------------------------------------------------


def test_household_list_finds_by_registration_id_and_shows_no_sensitive_values(login, officer, registered):
    services.household_register(actor=officer, data=household(phones=[]))

    response = login(officer).get("/registry/", {"q": registered.registration_id.lower()})

    text = response.content.decode()
    assert [h.registration_id for h in response.context["page_obj"]] == [registered.registration_id]
    assert "+923012345678" not in text
    assert CNIC not in text
    assert "17301" not in text


@pytest.mark.parametrize(
    ("role", "pcode", "org", "status"),
    [
        ("registration", "PK5", None, 200),
        ("im", "PK", None, 200),  # sees the household, masked
        ("enumerator", "PK5", None, 404),  # wrong role: no view right
        ("partner_viewer", "PK5", "other", 404),  # wrong organisation
        ("registration", "PK7", None, 404),  # wrong area
    ],
)
def test_household_page_scope(login, make_user, registered, other_organisation, role, pcode, org, status):
    user = make_user(role, pcode, org=other_organisation if org else None)

    response = login(user).get(f"/registry/households/{registered.registration_id}/")

    assert response.status_code == status
    missing = login(user).get("/registry/households/H00000000/")
    assert missing.status_code == 404


def test_household_page_shows_values_to_sensitive_roles_only_and_audits_each_read(login, make_user, registered):
    officer_page = login(make_user("registration", "PK5")).get(f"/registry/households/{registered.registration_id}/")
    im_page = login(make_user("im", "PK5")).get(f"/registry/households/{registered.registration_id}/")

    assert CNIC in officer_page.content.decode()
    assert "+923012345678" in officer_page.content.decode()
    assert CNIC not in im_page.content.decode()
    assert "+923012345678" not in im_page.content.decode()
    assert "•••71" in im_page.content.decode()
    assert AuditEvent.objects.filter(action="read", object_id=str(registered.pk)).count() == 2


def test_household_page_says_how_many_other_sources_describe_a_member(login, officer, registered):
    other = services.household_register(actor=officer, data=household(phones=[])).household
    with_docs = registered.members.get(line_number=1)
    again = other.members.get(line_number=2)
    merges.person_merge(actor=officer, first=with_docs.person, second=again.person, reason=MergeReason.ADJUDICATED)

    response = login(officer).get(f"/registry/households/{registered.registration_id}/")

    assert 'data-others="1"' in response.content.decode()
    assert "also registered by 1 other source" in response.content.decode()


def test_sharing_is_a_post_by_the_registering_organisation(login, officer, registered, other_organisation):
    client = login(officer)

    refused = client.get(f"/registry/households/{registered.registration_id}/share/")
    response = client.post(f"/registry/households/{registered.registration_id}/share/", {"organisations": "NRC"})

    assert refused.status_code == 405
    assert response.status_code == 302
    assert list(registered.shared_with.values_list("short_name", flat=True)) == ["NRC"]


# Lookup -----------------------------------------------------------------------------------------------------------


def test_lookup_by_document_is_a_post_and_finds_the_household(login, officer, registered):
    client = login(officer)

    response = client.post("/registry/lookup/", {"doc_type": "cnic", "number": "17301 1234567 1"})

    assert response.status_code == 200
    assert [h.registration_id for h in response.context["found"]] == [registered.registration_id]


def test_lookup_by_registration_id_goes_to_the_household(login, officer, registered):
    response = login(officer).get("/registry/lookup/", {"q": registered.registration_id})

    assert response.status_code == 302
    assert response.url == f"/registry/households/{registered.registration_id}/"


def test_lookup_outside_scope_finds_nothing(login, make_user, registered):
    response = login(make_user("registration", "PK7")).post("/registry/lookup/", {"doc_type": "cnic", "number": CNIC})

    assert response.status_code == 200
    assert response.context["found"] == []


# Golden records and merges ----------------------------------------------------------------------------------------


@pytest.fixture
def merged(officer, registered):
    other = services.household_register(
        actor=officer,
        data=household(
            phones=[], members=[member(given_name="Mohd Yusuf", documents=[DocumentInput("por", "P1234567")])]
        ),
    ).household
    first, second = registered.members.get(line_number=1), other.members.get()
    return merges.person_merge(actor=officer, first=first.person, second=second.person, reason=MergeReason.ADJUDICATED)


def test_person_page_shows_both_sources_side_by_side_and_the_merge(login, officer, merged):
    response = login(officer).get(f"/registry/people/{merged.survivor.registry_id}/")

    text = response.content.decode()
    assert response.status_code == 200
    assert len(response.context["sources"]) == 2
    assert "Muhammad Yousaf" in text
    assert "Mohd Yusuf" in text
    assert f'data-undo="{merged.pk}"' in text


@pytest.mark.parametrize(("role", "pcode", "status"), [("registration", "PK7", 404), ("enumerator", "PK5", 404)])
def test_person_page_outside_scope_is_not_found(login, make_user, merged, role, pcode, status):
    response = login(make_user(role, pcode)).get(f"/registry/people/{merged.survivor.registry_id}/")

    assert response.status_code == status


def test_undo_is_a_post_and_a_second_undo_is_shown_as_a_message(login, officer, merged):
    client = login(officer)
    url = f"/registry/merges/{merged.pk}/undo/"

    refused = client.get(url)
    first = client.post(url)
    second = client.post(url, follow=True)

    merged.refresh_from_db()
    assert refused.status_code == 405
    assert first.status_code == 302
    assert merged.is_undone
    assert "This merge was already undone." in second.content.decode()


def test_undo_by_another_organisation_is_not_found(login, make_user, merged, other_organisation):
    stranger = make_user("registration", "PK5", org=other_organisation)

    response = login(stranger).post(f"/registry/merges/{merged.pk}/undo/")

    merged.refresh_from_db()
    assert response.status_code == 404
    assert not merged.is_undone


# Duplicates queue -------------------------------------------------------------------------------------------------


@pytest.fixture
def pair(officer, registered):
    other = services.household_register(
        actor=officer, data=household(phones=[], members=[member(given_name="Mohd Yusuf", documents=[])])
    ).household
    left, right = registered.members.get(line_number=1), other.members.get()
    return MatchCandidate.objects.create(
        left=left, right=right, probability=0.63,
        evidence={"name": "name: transliteration or spelling variant, or swapped", "dob": "date of birth: same day"},
    )  # fmt: skip


def test_queue_shows_the_pair_side_by_side_with_its_evidence_and_the_nav_badge(login, officer, pair):
    response = login(officer).get("/registry/duplicates/")

    text = response.content.decode()
    assert response.status_code == 200
    assert "63% likely the same person" in text
    assert "date of birth: same day" in text
    assert "Mohd Yusuf" in text
    assert CNIC not in text
    assert '<span class="badge badge-warn" data-badge>1</span>' in text


def test_deciding_same_person_merges_and_different_people_does_not(login, officer, pair):
    client = login(officer)

    assert client.get("/registry/duplicates/decide/").status_code == 405
    response = client.post("/registry/duplicates/decide/", {"cluster": str(pair.pk), "decision": "same"})

    pair.refresh_from_db()
    assert response.status_code == 302
    assert pair.status == CandidateStatus.LINKED
    assert Merge.objects.get().candidate == pair
    again = client.post("/registry/duplicates/decide/", {"pair": str(pair.pk), "decision": "distinct"}, follow=True)
    assert "Some of these pairs were decided meanwhile" in again.content.decode()


@pytest.mark.parametrize(
    ("role", "pcode", "org", "status"),
    [("im", "PK", None, 404), ("registration", "PK7", None, 404), ("registration", "PK5", "other", 404)],
)
def test_deciding_outside_scope_changes_nothing(login, make_user, pair, other_organisation, role, pcode, org, status):
    user = make_user(role, pcode, org=other_organisation if org else None)

    response = login(user).post("/registry/duplicates/decide/", {"pair": str(pair.pk), "decision": "same"})

    pair.refresh_from_db()
    assert response.status_code == status
    assert pair.status == CandidateStatus.PENDING
    assert not Merge.objects.exists()


def test_the_queue_needs_the_approval_right(login, make_user):
    assert login(make_user("im", "PK")).get("/registry/duplicates/").status_code == 403


# Batch reviews ----------------------------------------------------------------------------------------------------


@pytest.fixture
def batch(officer, area):
    services.household_register(actor=officer, data=household(), batch_id=77, state=RecordState.STAGED)
    opened = review.batch_review_open(batch_id=77, organisation_id=officer.organisation_id, area_id=area("PK5").pk)
    BatchReview.objects.filter(pk=opened.pk).update(status=ReviewStatus.READY, households=1, to_create=3)
    return BatchReview.objects.get(pk=opened.pk)


def test_batch_page_shows_counts_and_merges_on_post(login, officer, batch):
    client = login(officer)

    page = client.get("/registry/batches/77/")
    refused = client.get("/registry/batches/77/merge/")
    merged = client.post("/registry/batches/77/merge/")

    batch.refresh_from_db()
    assert page.status_code == 200
    assert 'id="merge-batch"' in page.content.decode()
    assert refused.status_code == 405
    assert merged.status_code == 302
    assert batch.status == ReviewStatus.MERGED
    assert Household.objects.get().state == RecordState.ACTIVE
    assert client.get("/registry/batches/").context["page_obj"][0] == batch


def test_a_stopped_batch_merges_only_when_confirmed(login, officer, batch):
    BatchReview.objects.filter(pk=batch.pk).update(status=ReviewStatus.STOPPED, duplicate_rate=0.9)
    client = login(officer)

    first = client.post("/registry/batches/77/merge/", follow=True)
    batch.refresh_from_db()
    assert "confirm to merge it anyway" in first.content.decode()
    assert batch.status == ReviewStatus.STOPPED
    assert 'id="confirm-abnormal"' in first.content.decode()

    client.post("/registry/batches/77/merge/", {"confirm_abnormal": "1"})
    batch.refresh_from_db()
    assert batch.status == ReviewStatus.MERGED


def test_rejecting_a_batch_keeps_it_out_of_the_registry(login, officer, batch):
    login(officer).post("/registry/batches/77/reject/")

    batch.refresh_from_db()
    assert batch.status == ReviewStatus.REJECTED
    assert Household.objects.get().state == RecordState.REJECTED


@pytest.mark.parametrize(
    ("role", "pcode", "org"),
    [("registration", "PK7", None), ("registration", "PK5", "other"), ("enumerator", "PK5", None)],
)
def test_batch_outside_scope_is_not_found(login, make_user, batch, other_organisation, role, pcode, org):
    client = login(make_user(role, pcode, org=other_organisation if org else None))

    page = client.get("/registry/batches/77/")
    merge = client.post("/registry/batches/77/merge/")

    batch.refresh_from_db()
    assert page.status_code == merge.status_code == client.get("/registry/batches/78/").status_code == 404
    assert batch.status == ReviewStatus.READY


def test_consent_date_in_the_future_is_named(login, officer):
    future = (timezone.localdate() + datetime.timedelta(days=3)).isoformat()

    response = login(officer).post("/registry/register/", form_data(consent_date=future))

    assert list(response.context["form"].household.errors) == ["consent_date"]


def test_household_page_names_female_headed_households_and_older_people(login, officer):
    import datetime

    from panah.registry.tests.factories import household, member

    head = member(given_name="Gul Bibi", sex="f", documents=[], date_of_birth=datetime.date(1950, 1, 1))
    born = datetime.date(1990, 5, 2)
    child = member(given_name="Zarina", sex="f", relationship="child", documents=[], date_of_birth=born)
    data = household(members=[head, child])
    hh = services.household_register(actor=officer, data=data).household

    text = login(officer).get(f"/registry/households/{hh.registration_id}/").content.decode()

    assert 'id="female-headed"' in text
    assert text.count("Older person (60 or over)") == 1


def test_an_absorbed_registry_id_redirects_to_the_record_it_was_merged_into(login, officer):
    from django.db import transaction

    from panah.registry.tests.factories import household, member

    first = services.household_register(actor=officer, data=household()).household
    second = services.household_register(actor=officer, data=household(members=[member(documents=[])])).household
    kept, absorbed = first.members.get(line_number=1).person, second.members.get(line_number=1).person
    with transaction.atomic():
        merges.person_merge(actor=officer, first=kept, second=absorbed, reason="adjudicated")

    response = login(officer).get(f"/registry/people/{absorbed.registry_id}/")

    assert (response.status_code, response.url) == (302, f"/registry/people/{kept.registry_id}/")


def test_queue_says_when_more_pairs_wait_than_it_shows(login, officer, monkeypatch):
    from panah.registry.tests.factories import household, member

    monkeypatch.setattr(selectors, "QUEUE_PAIRS", 1)
    first = services.household_register(actor=officer, data=household()).household
    second = services.household_register(actor=officer, data=household(members=[member(documents=[])])).household
    third = services.household_register(actor=officer, data=household(members=[member(documents=[])])).household
    heads = [h.members.get(line_number=1).pk for h in (first, second, third)]
    for left, right in [(heads[0], heads[1]), (heads[0], heads[2])]:
        MatchCandidate.objects.create(left_id=left, right_id=right, probability=0.7, evidence={})

    text = login(officer).get("/registry/duplicates/").content.decode()

    assert 'id="more-waiting"' in text
    assert "1 most likely pairs of 2" in text
