"""The registry API: each endpoint's access by situation, masking, audited reads, registration and its retries,
lookups, the adjudication queue and batch decisions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import transaction

from panah.accounts import services as account_services
from panah.core.models import AuditEvent
from panah.registry import merges, review, services
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

BATCH = 77
SITUATIONS = ["anonymous", "wrong_role", "other_org", "wrong_area", "allowed"]


@dataclass
class World:
    household: Household  # IOM, Charsadda (PK5)
    merge: Merge
    candidate: MatchCandidate
    review: BatchReview


def _register(actor: Any, **overrides: Any) -> Household:
    return services.household_register(actor=actor, data=household(**overrides)).household


@pytest.fixture
def world(make_user: Any) -> World:
    officer = make_user("registration", "PK5", username="registrar")
    first = _register(officer)
    second = _register(officer, members=[member(given_name="Muhammad Yusuf", documents=[])])
    third = _register(officer, members=[member(given_name="Muhamad Yousuf", documents=[])])
    left, right = first.members.get(line_number=1), second.members.get(line_number=1)
    with transaction.atomic():
        merge = merges.person_merge(actor=officer, first=left.person, second=right.person, reason="adjudicated")
    assert merge is not None
    one, other = sorted([left.pk, third.members.get(line_number=1).pk])
    candidate = MatchCandidate.objects.create(left_id=one, right_id=other, probability=0.7, evidence={"name": "close"})
    services.household_register(actor=officer, data=household(), batch_id=BATCH, state=RecordState.STAGED)
    batch = review.batch_review_open(batch_id=BATCH, organisation_id=officer.organisation_id, area_id=first.area_id)
    BatchReview.objects.filter(pk=batch.pk).update(status=ReviewStatus.READY)
    return World(first, merge, candidate, BatchReview.objects.get(pk=batch.pk))


@dataclass(frozen=True)
class Endpoint:
    name: str
    method: str
    path: Callable[[World], str]
    wrong_role: str
    expected: dict[str, int]  # situation -> status (anonymous is always 401)
    body: Callable[[World], dict[str, Any]] | None = None
    listed: Callable[[World], str] | None = None  # lists: what only the allowed caller finds in the answer
    unchanged: Callable[[World], bool] | None = None  # writes: the state a refused request must leave alone


READ = {"wrong_role": 404, "other_org": 404, "wrong_area": 404, "allowed": 200}
LIST = {"wrong_role": 200, "other_org": 200, "wrong_area": 200, "allowed": 200}


def _undone(w: World) -> bool:
    return Merge.objects.get(pk=w.merge.pk).undone_at is None


def _pending(w: World) -> bool:
    return MatchCandidate.objects.get(pk=w.candidate.pk).status == CandidateStatus.PENDING


def _ready(w: World) -> bool:
    return BatchReview.objects.get(pk=w.review.pk).status == ReviewStatus.READY


ENDPOINTS = [
    Endpoint("household list", "get", lambda w: "/api/registry/households", "enumerator", LIST,
             listed=lambda w: w.household.registration_id),
    Endpoint("household detail", "get", lambda w: f"/api/registry/households/{w.household.registration_id}",
             "enumerator", READ),
    Endpoint("household register", "post", lambda w: "/api/registry/households", "partner-viewer",
             {"wrong_role": 403, "other_org": 201, "wrong_area": 422, "allowed": 201}, body=lambda w: _body()),
    Endpoint("lookup", "post", lambda w: "/api/registry/lookup", "enumerator", LIST,
             body=lambda w: {"doc_type": "cnic", "number": "17301-7654321-2"},
             listed=lambda w: w.household.registration_id),
    Endpoint("person", "get", lambda w: f"/api/registry/persons/{w.merge.survivor.registry_id}", "enumerator", READ),
    Endpoint("merge undo", "post", lambda w: f"/api/registry/merges/{w.merge.pk}/undo", "partner-viewer", READ,
             unchanged=_undone),
    Endpoint("candidates", "get", lambda w: "/api/registry/candidates", "partner-viewer", LIST,
             listed=lambda w: f'"id": {w.candidate.pk},'),
    Endpoint("candidates decide", "post", lambda w: "/api/registry/candidates/decide", "partner-viewer", READ,
             body=lambda w: {"ids": [w.candidate.pk], "same_person": False}, unchanged=_pending),
    Endpoint("batch review", "get", lambda w: f"/api/registry/batches/{BATCH}/review", "enumerator", READ),
    Endpoint("batch merge", "post", lambda w: f"/api/registry/batches/{BATCH}/merge", "partner-viewer", READ,
             body=lambda w: {"confirm_abnormal": False}, unchanged=_ready),
    Endpoint("batch reject", "post", lambda w: f"/api/registry/batches/{BATCH}/reject", "partner-viewer", READ,
             unchanged=_ready),
]  # fmt: skip


def _body(**overrides: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "area_pcode": "PK50601", "status": "idp", "consent_purpose": "Registration for assistance",
        "consent_date": "2026-11-01", "consent_recorded_by": "Registration team 3", "phones": ["0301-2345678"],
        "members": [
            {"given_name": "Gul Bibi", "sex": "f", "relationship": "head", "father_name": "Sher Khan",
             "father_relation": "d/o", "date_of_birth": "1975-01-01", "birth_estimated": True,
             "documents": [{"doc_type": "cnic", "number": "17301-5555555-6"}]},
            {"given_name": "Asad", "sex": "m", "relationship": "child", "age": 9},
        ],
    }  # fmt: skip
    body.update(overrides)
    return body


def _auth(user: Any) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {account_services.token_create(actor=user, name='test').secret}"}


def _caller(make_user: Any, other_organisation: Any, endpoint: Endpoint, situation: str) -> Any:
    role = endpoint.wrong_role if situation == "wrong_role" else "registration"
    area = "PK7" if situation == "wrong_area" else "PK5"
    return make_user(role, area, org=other_organisation if situation == "other_org" else None)


@pytest.mark.parametrize("situation", SITUATIONS)
@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.name)
def test_access(client, make_user, other_organisation, world, endpoint, situation):
    headers = {} if situation == "anonymous" else _auth(_caller(make_user, other_organisation, endpoint, situation))
    expected = 401 if situation == "anonymous" else endpoint.expected[situation]
    body = endpoint.body(world) if endpoint.body else ({} if endpoint.method == "post" else None)

    if body is None:
        response = client.get(endpoint.path(world), **headers)
    else:
        response = client.post(endpoint.path(world), body, content_type="application/json", **headers)

    assert response.status_code == expected, response.content[:400]
    if expected >= 400:
        assert response["Content-Type"] == "application/problem+json"
        assert endpoint.unchanged is None or endpoint.unchanged(world)
    if endpoint.listed is not None and situation != "anonymous":
        assert (endpoint.listed(world) in response.content.decode()) is (situation == "allowed")


def test_detail_masks_sensitive_values_for_roles_without_view_sensitive(client, make_user, world):
    im_officer = make_user("im", "PK5")

    body = client.get(f"/api/registry/households/{world.household.registration_id}", **_auth(im_officer)).json()

    assert body["sensitive"] is False
    assert body["phones"] == ["•••"]
    head = body["members"][0]
    assert head["documents"] == [{"doc_type": "cnic", "label": "CNIC (Pakistani national identity card)",
                                  "number": "•••71"}]  # fmt: skip
    assert body["members"][1]["documents"][0]["number"] == "•••12"
    assert head["given_name"] == "Muhammad Yousaf"
    assert head["registry_id"] == world.merge.survivor.registry_id


def test_partner_viewer_of_a_shared_household_sees_it_masked(client, make_user, other_organisation, world):
    owner = make_user("registration", "PK5")
    services.household_share(actor=owner, household=world.household, organisations=["NRC"])
    viewer = make_user("partner-viewer", "PK5", org=other_organisation)

    body = client.get(f"/api/registry/households/{world.household.registration_id}", **_auth(viewer)).json()

    assert body["sensitive"] is False
    assert body["shared_with"] == ["NRC"]
    assert [d["number"] for d in body["members"][0]["documents"]] == ["•••71"]


def test_registration_officer_sees_the_numbers(client, make_user, world):
    officer = make_user("registration", "PK5")

    body = client.get(f"/api/registry/households/{world.household.registration_id}", **_auth(officer)).json()

    assert body["sensitive"] is True
    assert body["phones"] == ["+923012345678"]
    assert [m["documents"] for m in body["members"]][:2] == [
        [{"doc_type": "cnic", "label": "CNIC (Pakistani national identity card)", "number": "1730112345671"}],
        [{"doc_type": "cnic", "label": "CNIC (Pakistani national identity card)", "number": "1730176543212"}],
    ]


def test_list_carries_no_sensitive_field(client, make_user, world):
    body = client.get("/api/registry/households", **_auth(make_user("registration", "PK5"))).json()

    row = next(r for r in body["items"] if r["registration_id"] == world.household.registration_id)
    assert set(row) == {"registration_id", "organisation", "area", "status", "state", "source", "member_count",
                        "consent_active", "created_at"}  # fmt: skip
    assert (row["organisation"], row["area"]["pcode"], row["member_count"]) == ("IOM", "PK50601", 3)
    assert body["count"] == 3  # the staged household of the batch is not in the registry yet


def test_each_full_record_read_is_audited(client, make_user, world):
    officer = make_user("registration", "PK5")
    headers = _auth(officer)
    household_reads = AuditEvent.objects.filter(action="read", object_id=str(world.household.pk),
                                                object_type="registry.household")  # fmt: skip
    person_reads = AuditEvent.objects.filter(action="read", object_id=str(world.merge.survivor.pk),
                                             object_type="registry.person")  # fmt: skip

    for _ in range(2):
        client.get(f"/api/registry/households/{world.household.registration_id}", **headers)
    client.get(f"/api/registry/persons/{world.merge.survivor.registry_id}", **headers)
    client.get("/api/registry/households", **headers)

    assert household_reads.count() == 2
    assert person_reads.count() == 1
    assert {e.actor_id for e in household_reads} == {officer.pk}


def test_scope_across_organisations(client, make_user, organisation, other_organisation):
    iom_officer = make_user("registration", "PK5")
    nrc_officer = make_user("registration", "PK5", org=other_organisation)
    sindh_officer = make_user("registration", "PK7")
    iom_own = _register(iom_officer)
    nrc_own = _register(nrc_officer)
    iom_shared = _register(iom_officer, shared_with=["NRC"])
    iom_sindh = _register(sindh_officer, area_pcode="PK70101")

    def seen(user: Any) -> set[str]:
        return {r["registration_id"] for r in client.get("/api/registry/households", **_auth(user)).json()["items"]}

    assert seen(make_user("partner-viewer", "PK5", org=other_organisation)) == {
        nrc_own.registration_id, iom_shared.registration_id
    }  # fmt: skip
    assert seen(make_user("im", "PK5")) == {iom_own.registration_id, nrc_own.registration_id,
                                            iom_shared.registration_id}  # fmt: skip
    assert seen(make_user("partner-viewer", "PK", org=other_organisation)) == {
        nrc_own.registration_id, iom_shared.registration_id
    }  # fmt: skip
    assert len(seen(make_user("im", "PK"))) == 4
    assert iom_sindh.registration_id in seen(make_user("auditor", "PK"))


def test_register_answers_201_with_the_id_and_warnings(client, make_user, django_capture_on_commit_callbacks):
    officer = make_user("registration", "PK5")
    head = _body()["members"][0] | {"documents": [{"doc_type": "cnic", "number": "17301-5555555-5"}]}  # odd: male

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post("/api/registry/households", _body(members=[head]), content_type="application/json",
                               **_auth(officer))  # fmt: skip

    assert response.status_code == 201
    body = response.json()
    hh = Household.objects.get()
    assert body["registration_id"] == hh.registration_id
    assert body["created"] is True
    assert [w["field"] for w in body["warnings"]] == ["members[0].documents[0].number"]
    assert (hh.source, hh.organisation, hh.members.count()) == ("api", officer.organisation, 1)
    assert len(callbacks) == 1  # deduplication queued after commit


def test_register_names_each_bad_field_by_path_and_stores_nothing(client, make_user):
    officer = make_user("registration", "PK5")
    members = _body()["members"]
    members[0]["documents"][0]["number"] = "97301-1234567-1"
    members[1]["given_name"] = ""

    response = client.post("/api/registry/households", _body(members=members), content_type="application/json",
                           **_auth(officer))  # fmt: skip

    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"members[0].documents[0].number",
                                                              "members[1].given_name"}  # fmt: skip
    assert not Household.objects.exists()


def test_register_names_a_malformed_member_field_the_same_way(client, make_user):
    members = _body()["members"]
    members[1]["sex"] = "x"
    members[1]["documents"] = [{"doc_type": "cnic", "number": "1\x002"}]

    response = client.post("/api/registry/households", _body(members=members), content_type="application/json",
                           **_auth(make_user("registration", "PK5")))  # fmt: skip

    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == {"members[1].sex", "members[1].documents[0].number"}
    assert not Household.objects.exists()


def test_a_retried_post_with_the_same_source_ref_returns_the_first_household(client, make_user):
    officer = make_user("registration", "PK5")
    body = _body(source_ref="5b0c1c7e-tablet-7")

    first = client.post("/api/registry/households", body, content_type="application/json", **_auth(officer))
    again = client.post("/api/registry/households", body, content_type="application/json", **_auth(officer))

    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json() == {"registration_id": first.json()["registration_id"], "created": False, "warnings": []}
    assert Household.objects.count() == 1
    assert AuditEvent.objects.filter(action="create", object_type="registry.household").count() == 1


def test_a_retry_racing_the_first_request_past_the_check_still_returns_the_first(client, make_user, monkeypatch):
    officer = make_user("registration", "PK5")
    body = _body(source_ref="tablet-7/42")
    first = client.post("/api/registry/households", body, content_type="application/json", **_auth(officer))
    real_earlier = services._earlier
    calls = {"n": 0}

    def late(*args: Any) -> Any:  # the first check runs before the first request committed: it sees nothing
        calls["n"] += 1
        return None if calls["n"] == 1 else real_earlier(*args)

    monkeypatch.setattr(services, "_earlier", late)
    again = client.post("/api/registry/households", body, content_type="application/json", **_auth(officer))

    assert again.status_code == 200
    assert again.json()["registration_id"] == first.json()["registration_id"]
    assert Household.objects.count() == 1
    assert calls["n"] == 2


def test_lookup_by_document_in_any_spelling_and_by_registration_id(client, make_user, world):
    headers = _auth(make_user("registration", "PK5"))

    by_document = client.post("/api/registry/lookup", {"doc_type": "cnic", "number": " 17301 7654321 2 "},
                              content_type="application/json", **headers).json()  # fmt: skip
    by_id = client.post("/api/registry/lookup", {"registration_id": world.household.registration_id.lower()},
                        content_type="application/json", **headers).json()  # fmt: skip
    nothing = client.post("/api/registry/lookup", {"doc_type": "cnic", "number": "17301-0000000-1"},
                          content_type="application/json", **headers).json()  # fmt: skip

    # The staged household of the batch holds the same CNIC but is not in the registry yet.
    assert {r["registration_id"] for r in by_document["items"]} == {world.household.registration_id}
    assert by_document["count"] == 1
    assert by_document["items"][0]["member_count"] == 3
    assert [r["registration_id"] for r in by_id["items"]] == [world.household.registration_id]
    assert nothing == {"items": [], "count": 0}


@pytest.mark.parametrize(
    ("body", "fields"),
    [
        ({}, {"doc_type", "number"}),
        ({"number": "17301-7654321-2"}, {"doc_type"}),
        ({"doc_type": "cnic"}, {"number"}),
        ({"doc_type": "cnic", "number": "1", "registration_id": "H12345678"}, {"registration_id"}),
        ({"doc_type": "visa", "number": "1"}, {"doc_type"}),
    ],
)
def test_lookup_refuses_an_incomplete_question_naming_the_fields(client, make_user, body, fields):
    response = client.post("/api/registry/lookup", body, content_type="application/json",
                           **_auth(make_user("registration", "PK5")))  # fmt: skip

    assert response.status_code == 422
    assert {e["field"] for e in response.json()["errors"]} == fields


def test_person_shows_golden_record_sources_and_merge_history(client, make_user, world):
    body = client.get(f"/api/registry/persons/{world.merge.survivor.registry_id}",
                      **_auth(make_user("registration", "PK5"))).json()  # fmt: skip

    assert body["golden"]["given_name"] == "Muhammad Yousaf"
    assert [d["number"] for d in body["golden"]["documents"]] == ["1730112345671"]
    assert [s["given_name"] for s in body["sources"]] == ["Muhammad Yousaf", "Muhammad Yusuf"]
    assert [(m["id"], m["absorbed"], m["individuals"], m["undone_at"]) for m in body["merges"]] == [
        (world.merge.pk, world.merge.absorbed.registry_id, 1, None)
    ]


def test_merge_undo_round_trip_through_the_api(client, make_user, world):
    headers = _auth(make_user("registration", "PK5"))

    undone = client.post(f"/api/registry/merges/{world.merge.pk}/undo", **headers)
    again = client.post(f"/api/registry/merges/{world.merge.pk}/undo", **headers)

    assert undone.status_code == 200
    assert undone.json()["undone_at"] is not None
    assert again.status_code == 409
    absorbed = client.get(f"/api/registry/persons/{world.merge.absorbed.registry_id}", **headers).json()
    assert [s["given_name"] for s in absorbed["sources"]] == ["Muhammad Yusuf"]
    assert absorbed["merged_into"] is None


def test_candidates_are_listed_flat_with_their_cluster(client, make_user, world):
    body = client.get("/api/registry/candidates", **_auth(make_user("registration", "PK5"))).json()

    assert body["count"] == 1
    pair = body["items"][0]
    assert (pair["id"], pair["cluster"], pair["probability"], pair["evidence"]) == (
        world.candidate.pk, 1, 0.7, {"name": "close"}
    )  # fmt: skip
    assert (pair["left"]["given_name"], pair["right"]["given_name"]) == ("Muhammad Yousaf", "Muhamad Yousuf")
    assert pair["left"]["documents"][0]["number"] == "1730112345671"


def test_candidates_decide_is_all_or_nothing(client, make_user, other_organisation, world):
    nrc_officer = make_user("registration", "PK5", org=other_organisation)
    nrc_household = _register(nrc_officer, members=[member(documents=[])])
    outside = MatchCandidate.objects.create(
        left=world.household.members.get(line_number=3), right=nrc_household.members.get(), probability=0.5
    )
    iom_officer = make_user("registration", "PK5")
    headers = _auth(nrc_officer)  # may decide neither pair: both touch IOM's household, not shared with NRC

    refused = client.post("/api/registry/candidates/decide", {"ids": [outside.pk, world.candidate.pk],
                          "same_person": True}, content_type="application/json", **headers)  # fmt: skip
    decided = client.post("/api/registry/candidates/decide", {"ids": [outside.pk, world.candidate.pk],
                          "same_person": False}, content_type="application/json", **_auth(iom_officer))  # fmt: skip

    assert refused.status_code == 404
    assert decided.status_code == 200
    assert decided.json() == {"decided": sorted([outside.pk, world.candidate.pk]), "status": "distinct"}
    assert set(MatchCandidate.objects.values_list("status", flat=True)) == {"distinct"}
    assert not Merge.objects.exclude(pk=world.merge.pk).exists()


def test_candidates_decide_refuses_all_when_one_pair_was_decided_meanwhile(client, make_user, world):
    officer = make_user("registration", "PK5")
    second = MatchCandidate.objects.create(
        left=world.household.members.get(line_number=2), right=world.household.members.get(line_number=3),
        probability=0.4, status=CandidateStatus.DISTINCT,
    )  # fmt: skip

    response = client.post("/api/registry/candidates/decide", {"ids": [world.candidate.pk, second.pk],
                           "same_person": True}, content_type="application/json", **_auth(officer))  # fmt: skip

    assert response.status_code == 409
    assert MatchCandidate.objects.get(pk=world.candidate.pk).status == CandidateStatus.PENDING
    assert Merge.objects.count() == 1


def test_batch_review_merge_and_reject(client, make_user, world):
    headers = _auth(make_user("registration", "PK5"))
    BatchReview.objects.filter(pk=world.review.pk).update(status=ReviewStatus.STOPPED, duplicate_rate=0.8)

    seen = client.get(f"/api/registry/batches/{BATCH}/review", **headers).json()
    unconfirmed = client.post(f"/api/registry/batches/{BATCH}/merge", {}, content_type="application/json", **headers)
    merged = client.post(f"/api/registry/batches/{BATCH}/merge", {"confirm_abnormal": True},
                         content_type="application/json", **headers)  # fmt: skip
    rejected = client.post(f"/api/registry/batches/{BATCH}/reject", **headers)

    assert (seen["status"], seen["organisation"], seen["area"]["pcode"], seen["duplicate_rate"]) == (
        "stopped", "IOM", "PK50601", 0.8
    )  # fmt: skip
    assert unconfirmed.status_code == 409
    assert merged.status_code == 200
    assert merged.json()["status"] == "merged"
    assert rejected.status_code == 409
    assert Household.objects.get(batch_id=BATCH).state == RecordState.ACTIVE
