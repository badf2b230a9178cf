"""Pulling from KoboToolbox: the real client against a fake KPI v2 server on loopback, speaking KPI's shapes."""

from __future__ import annotations

import json
import threading
import urllib.parse
from collections.abc import Iterator
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from django.core.management import call_command

from panah.dtm.models import LocationAssessment, Round
from panah.intake.kobo.client import KoboClient, KoboError
from panah.intake.kobo.services import kobo_pull
from panah.intake.models import HeldRow, KoboSource, Submission

TOKEN = "a1b2c3d4e5f6"
UID = "aKx8mQpN3vR2sT"


def _record(n: int, admin: str, individuals: str, time: str) -> dict[str, Any]:
    return {
        "_id": n, "_uuid": f"0000-{n}", "_submission_time": time, "_xform_id_string": UID, "__version__": "v1",
        "_submitted_by": "enum1", "_status": "submitted_via_web", "_attachments": [], "_tags": [], "_notes": [],
        "_validation_status": {}, "_geolocation": [None, None], "formhub/uuid": "f0",
        "meta/instanceID": f"uuid:kobo-{n}", "round_id": "ROUND", "location/level": "LA",
        "location/district_pcode": "PK701", "location/admin_pcode": admin, "location/location_name": f"UC {n}",
        "population/population_group": "idp", "population/displacement_reason": "flood",
        "population/households": "10", "population/individuals": individuals, "priority_needs": "food shelter",
    }  # fmt: skip


class FakeKpi(BaseHTTPRequestHandler):
    records: list[dict[str, Any]] = []
    page_size = 2
    seen: list[str] = []

    def log_message(self, *args: Any) -> None:
        return

    def _send(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:
        self.seen.append(self.path)
        if self.headers.get("Authorization") != f"Token {TOKEN}":
            return self._send(401, {"detail": "Invalid token."})
        url = urllib.parse.urlsplit(self.path)
        params = dict(urllib.parse.parse_qsl(url.query))
        if url.path == "/api/v2/assets/":
            asset = {"uid": UID, "name": "DTM LA", "asset_type": "survey", "owner__username": "iom",
                     "deployment__submission_count": len(self.records)}  # fmt: skip
            return self._send(200, {"count": 1, "next": None, "previous": None, "results": [asset]})
        if url.path != f"/api/v2/assets/{UID}/data/":
            return self._send(404, {"detail": "Not found."})
        rows = self.records
        if "query" in params:
            since = json.loads(params["query"])["_submission_time"]["$gt"]
            rows = [r for r in rows if r["_submission_time"] > since]
        start, limit = int(params.get("start", 0)), min(int(params.get("limit", 100)), self.page_size)
        page = rows[start : start + limit]
        following = None
        if start + limit < len(rows):
            query = urllib.parse.urlencode({**params, "start": start + limit, "limit": limit})
            following = f"http://{self.headers['Host']}{url.path}?{query}"
        return self._send(200, {"count": len(rows), "next": following, "previous": None, "results": page})


@pytest.fixture
def kpi() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FakeKpi)
    FakeKpi.seen = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.fixture
def round_(db: Any) -> Round:
    from panah.accounts.models import Operation

    op = Operation.objects.create(code="floods-2022", name="2022 Floods Response", started_on=date(2022, 8, 1))
    return Round.objects.create(operation=op, number=1, period_start=date(2022, 9, 1), period_end=date(2022, 9, 30))


def _records(round_id: int) -> list[dict[str, Any]]:
    rows = [_record(1, "PK70101", "50", "2022-09-10T08:00:00"), _record(2, "PK70102", "30", "2022-09-10T09:00:00"),
            _record(3, "PK70103", "5", "2022-09-11T07:30:00")]  # fmt: skip
    return [{**r, "round_id": str(round_id)} for r in rows]


def _source(kpi: str, user: Any, token: str = TOKEN, context: dict[str, Any] | None = None) -> KoboSource:
    return KoboSource.objects.create(
        name="DTM LA Sindh", server_url=kpi, asset_uid=UID, token=token, spec_name="dtm.location_assessment",
        context=context or {}, created_by=user,
    )  # fmt: skip


def test_client_lists_assets_and_follows_next_links(kpi: str) -> None:
    FakeKpi.records = _records(1)
    client = KoboClient(kpi, TOKEN)
    assert [a["uid"] for a in client.assets()] == [UID]
    assert [r["_id"] for r in client.submissions(UID)] == [1, 2, 3]
    assert len([p for p in FakeKpi.seen if "/data/" in p]) == 2  # two pages of two


def test_pull_imports_new_records_once_and_holds_invalid_ones(kpi: str, make_user: Any, round_: Round) -> None:
    # given a Kobo form with three submissions, one invalid (fewer individuals than households)
    FakeKpi.records = _records(round_.pk)
    user = make_user("enumerator", "PK7")
    source = _source(kpi, user)
    # when it is pulled
    result = kobo_pull(actor=user, source=source)
    # then two assessments are imported, one row is held, and each record is one submission
    assert (result.fetched, result.new, result.error) == (3, 3, "")
    assert sorted(LocationAssessment.objects.values_list("admin_area__pcode", "individuals")) == [
        ("PK70101", 50), ("PK70102", 30)]  # fmt: skip
    assert LocationAssessment.objects.get(admin_area__pcode="PK70101").priority_needs == ["food", "shelter"]
    assert HeldRow.objects.get().errors == [
        {"column": "individuals", "message": "Fewer individuals (5) than households (10)."}
    ]
    assert sorted(Submission.objects.values_list("instance_id", "status", "source")) == [
        ("uuid:kobo-1", "imported", "kobo"),
        ("uuid:kobo-2", "imported", "kobo"),
        ("uuid:kobo-3", "held", "kobo"),
    ]
    source.refresh_from_db()
    assert source.last_submission_time == "2022-09-11T07:30:00"
    assert source.last_run_at is not None
    assert source.last_error == ""
    # when it is pulled again, with one newer record on the server
    FakeKpi.records = [
        *FakeKpi.records,
        {**_record(4, "PK70104", "12", "2022-09-12T10:00:00"), "round_id": str(round_.pk)},
    ]
    again = kobo_pull(actor=user, source=source)
    # then only the newer one is asked for and imported
    assert (again.fetched, again.new) == (1, 1)
    assert '"$gt": "2022-09-11T07:30:00"' in urllib.parse.unquote_plus(FakeKpi.seen[-1])
    assert (LocationAssessment.objects.count(), Submission.objects.count()) == (3, 4)
    # and a third pull imports nothing
    assert (kobo_pull(actor=user, source=source).new, LocationAssessment.objects.count()) == (0, 3)


def test_records_already_received_are_not_imported_again(kpi: str, make_user: Any, round_: Round) -> None:
    # given the bookmark lost (or a record also sent by Collect): instanceIDs already stored are skipped
    FakeKpi.records = _records(round_.pk)[:2]
    user = make_user("enumerator", "PK7")
    source = _source(kpi, user)
    kobo_pull(actor=user, source=source)
    KoboSource.objects.filter(pk=source.pk).update(last_submission_time="")
    source.refresh_from_db()
    result = kobo_pull(actor=user, source=source)
    assert (result.fetched, result.new) == (2, 0)
    assert (LocationAssessment.objects.count(), Submission.objects.count()) == (2, 2)


def test_invalid_token_is_recorded_on_the_source_and_nothing_changes(kpi: str, make_user: Any, round_: Round) -> None:
    FakeKpi.records = _records(round_.pk)
    user = make_user("enumerator", "PK7")
    source = _source(kpi, user, token="wrong")
    result = kobo_pull(actor=user, source=source)
    assert result.error == "KoboToolbox answered 401: Invalid token."
    source.refresh_from_db()
    assert (source.last_error, source.last_submission_time) == ("KoboToolbox answered 401: Invalid token.", "")
    assert (Submission.objects.count(), LocationAssessment.objects.count()) == (0, 0)


def test_client_error_carries_status_and_detail(kpi: str) -> None:
    with pytest.raises(KoboError) as raised:
        KoboClient(kpi, "wrong").asset(UID)
    assert (raised.value.status, raised.value.detail) == (401, "Invalid token.")


def test_a_closed_round_is_recorded_as_the_error_and_the_bookmark_stays(
    kpi: str, make_user: Any, round_: Round
) -> None:
    FakeKpi.records = _records(round_.pk)
    Round.objects.filter(pk=round_.pk).update(status="submitted")
    user = make_user("enumerator", "PK7")
    source = _source(kpi, user, context={"round_id": round_.pk})
    result = kobo_pull(actor=user, source=source)
    assert result.error.startswith("Round 1 is submitted for approval")
    source.refresh_from_db()
    assert (source.last_submission_time, Submission.objects.count()) == ("", 0)


def test_command_pulls_one_source(kpi: str, make_user: Any, round_: Round, capsys: Any) -> None:
    FakeKpi.records = _records(round_.pk)
    user = make_user("enumerator", "PK7")
    source = _source(kpi, user)
    call_command("kobo_pull", "--source", str(source.pk))
    assert capsys.readouterr().out == f"{source}: 3 fetched, 3 new\n"
    assert LocationAssessment.objects.count() == 2


def test_kobo_copy_of_a_survey_keeps_no_respondent_number_and_refusals_are_not_imported() -> None:
    from panah.intake.kobo.services import _consented, _fingerprint, _stored_copy
    from panah.intake.openrosa import xforms

    form = xforms.for_spec("dtm.flow_survey")
    record = {"consent": "yes", "interview/respondent_id": "0300-1234567", "interview/age": "34", "_id": 7}

    stored = _stored_copy(form, record)

    assert stored["interview/respondent_id"] == ""
    assert stored["interview/age"] == "34"
    assert "1234567" not in _fingerprint(record)
    assert _consented(form, record)
    assert not _consented(form, {**record, "consent": "no"})
    assert _consented(xforms.for_spec("dtm.location_assessment"), {"households": "3"})
