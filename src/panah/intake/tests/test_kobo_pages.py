"""The KoboToolbox sources page against the fake KPI server of test_kobo: add, pull now, errors, permissions."""

from __future__ import annotations

import re
from typing import Any

import pytest

from panah.core.models import AuditEvent
from panah.dtm.models import LocationAssessment, Round
from panah.intake.models import ImportBatch, KoboSource, Submission
from panah.intake.tests import test_kobo
from panah.intake.tests.test_kobo import TOKEN, UID, FakeKpi, _records

# The fake KPI server and the round, shared with the pull tests.
kpi = test_kobo.kpi
round_ = test_kobo.round_

URL = "/intake/kobo/"
SPEC = "dtm.location_assessment"


def _form(kpi: str, **overrides: Any) -> dict[str, Any]:
    return {"name": "DTM LA Sindh", "server_url": kpi, "asset_uid": UID, "token": TOKEN, "spec_name": SPEC,
            "round_id": "", **overrides}  # fmt: skip


def _add(client: Any, kpi: str, **overrides: Any) -> KoboSource:
    response = client.post(URL, _form(kpi, **overrides))
    assert response.status_code == 302, response.content.decode()
    return KoboSource.objects.get()


def _pull(client: Any, source: KoboSource, capture: Any, **headers: Any) -> Any:
    with capture(execute=True):
        return client.post(f"{URL}{source.pk}/pull/", **headers)


def test_an_im_officer_adds_a_source_and_the_token_is_never_shown(kpi: str, make_user: Any, login: Any) -> None:
    # given an IM officer on the sources page
    officer = make_user("im", "PK7")
    client = login(officer)
    # when they add a source
    source = _add(client, kpi)
    # then it is stored with its key, the page shows only the key's last 4 characters
    assert (source.name, source.server_url, source.asset_uid, source.spec_name) == ("DTM LA Sindh", kpi, UID, SPEC)
    assert (source.token, source.context, source.created_by) == (TOKEN, {}, officer)
    page = client.get(URL)
    assert page.status_code == 200
    assert TOKEN not in page.content.decode()
    assert "…e5f6" in page.content.decode()
    # and the audit event has the token masked
    event = AuditEvent.objects.get(action="create", object_type="intake.kobosource")
    assert event.changes["token"] == [None, "•••"]
    assert event.changes["asset_uid"] == [None, UID]
    assert TOKEN not in str(event.changes) + str(event.metadata)


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"server_url": "http://kf.kobotoolbox.org"}, "server_url", "Use an https:// address"),
        ({"server_url": "ftp://kf.kobotoolbox.org"}, "server_url", "Use an https:// address"),
        ({"asset_uid": "../../api"}, "asset_uid", "8 to 64 letters and digits"),
        ({"round_id": "999999"}, "round_id", "No such"),
    ],
)
def test_a_bad_source_is_refused_and_nothing_is_stored(
    kpi: str, make_user: Any, login: Any, overrides: dict[str, str], field: str, message: str
) -> None:
    client = login(make_user("im", "PK7"))
    response = client.post(URL, _form(kpi, **overrides))
    assert response.status_code == 422
    assert message in str(response.context["form"].errors[field])
    assert TOKEN not in response.content.decode()
    assert (KoboSource.objects.count(), AuditEvent.objects.filter(object_type="intake.kobosource").count()) == (0, 0)


def test_pull_now_imports_links_the_batches_and_a_second_pull_imports_nothing(
    kpi: str, make_user: Any, login: Any, round_: Round, django_capture_on_commit_callbacks: Any
) -> None:
    # given a source for a form with three submissions, one invalid
    FakeKpi.records = _records(round_.pk)
    client = login(make_user("im", "PK7"))
    source = _add(client, kpi)
    # when "Pull now" is pressed
    response = _pull(client, source, django_capture_on_commit_callbacks)
    # then the pull ran, and the page shows what it did, with a link to the batch it created
    assert response.status_code == 302
    batch = ImportBatch.objects.get()
    assert (batch.imported_rows, batch.held_rows) == (2, 1)
    assert LocationAssessment.objects.count() == 2
    body = client.get(URL).content.decode()
    assert "2 imported, 1 held, 0 already here" in body
    assert f'href="/intake/batches/{batch.pk}/"' in body
    assert AuditEvent.objects.filter(action="kobo.pull_request", object_id=str(source.pk)).count() == 1
    # when it is pulled again (htmx), with nothing new on the server
    again = _pull(client, source, django_capture_on_commit_callbacks, HTTP_HX_REQUEST="true")
    # then the row answers at once as queued and polls itself until the pull has run
    assert again.status_code == 200
    poll = re.search(r'hx-get="([^"]+)" hx-trigger="load delay:2s"', again.content.decode())
    assert poll is not None
    row = client.get(poll.group(1).replace("&amp;", "&")).content.decode()
    # and then it shows that nothing more was imported
    assert "0 imported, 0 held, 0 already here" in row
    assert "hx-trigger" not in row.split("<th", 1)[0]
    assert (ImportBatch.objects.count(), Submission.objects.count(), LocationAssessment.objects.count()) == (1, 3, 2)
    assert TOKEN not in body + again.content.decode() + row


def test_a_bad_token_shows_the_error_on_the_page(
    kpi: str, make_user: Any, login: Any, round_: Round, django_capture_on_commit_callbacks: Any, caplog: Any
) -> None:
    caplog.set_level("DEBUG")
    FakeKpi.records = _records(round_.pk)
    client = login(make_user("im", "PK7"))
    source = _add(client, kpi, token="wrong-token-1234")
    _pull(client, source, django_capture_on_commit_callbacks)
    body = client.get(URL).content.decode()
    assert "KoboToolbox answered 401: Invalid token." in body
    assert "wrong-token-1234" not in body + caplog.text
    assert "wrong-token-1234" not in str(list(AuditEvent.objects.values_list("changes", "metadata")))
    assert (ImportBatch.objects.count(), Submission.objects.count()) == (0, 0)


def test_changing_a_source_keeps_the_token_when_left_empty(kpi: str, make_user: Any, login: Any) -> None:
    client = login(make_user("admin", "PK"))
    source = _add(client, kpi)
    page = client.get(f"{URL}{source.pk}/")
    assert TOKEN not in page.content.decode()
    response = client.post(f"{URL}{source.pk}/", _form(kpi, name="DTM LA Sindh (2)", token=""))
    assert response.status_code == 302
    source.refresh_from_db()
    assert (source.name, source.token) == ("DTM LA Sindh (2)", TOKEN)
    event = AuditEvent.objects.get(action="update", object_type="intake.kobosource")
    assert event.changes == {"name": ["DTM LA Sindh", "DTM LA Sindh (2)"]}


def test_a_source_is_deleted_only_before_anything_was_pulled(
    kpi: str, make_user: Any, login: Any, round_: Round, django_capture_on_commit_callbacks: Any
) -> None:
    FakeKpi.records = _records(round_.pk)
    client = login(make_user("im", "PK7"))
    source = _add(client, kpi)
    _pull(client, source, django_capture_on_commit_callbacks)
    client.post(f"{URL}{source.pk}/delete/")
    assert KoboSource.objects.count() == 1
    Submission.objects.all().delete()
    client.post(f"{URL}{source.pk}/delete/")
    assert KoboSource.objects.count() == 0
    assert AuditEvent.objects.get(action="delete", object_type="intake.kobosource").changes["token"] == ["•••", None]


@pytest.mark.parametrize("role", [None, "enumerator", "partner-viewer", "auditor"])
def test_anyone_but_im_officers_and_administrators_gets_not_found(
    kpi: str, make_user: Any, login: Any, role: str | None, django_capture_on_commit_callbacks: Any
) -> None:
    owner = make_user("im", "PK7")
    source = KoboSource.objects.create(name="S", server_url=kpi, asset_uid=UID, token=TOKEN, spec_name=SPEC,
                                       created_by=owner)  # fmt: skip
    client = login(make_user(role, "PK"))
    assert client.get(URL).status_code == 404
    assert client.post(URL, _form(kpi, asset_uid="bKx8mQpN3vR2sT")).status_code == 404
    assert client.get(f"{URL}{source.pk}/").status_code == 404
    assert client.get(f"{URL}{source.pk}/row/").status_code == 404
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(f"{URL}{source.pk}/pull/").status_code == 404
    assert client.post(f"{URL}{source.pk}/delete/").status_code == 404
    assert TOKEN not in client.get("/intake/batches/").content.decode()
    assert 'id="kobo-sources"' not in client.get("/intake/batches/").content.decode()
    assert (KoboSource.objects.count(), source.last_run_at, FakeKpi.seen) == (1, None, [])


def test_anonymous_visitors_are_sent_to_sign_in(client: Any) -> None:
    assert client.get(URL).status_code == 302


def test_the_batch_list_links_to_the_sources_page_for_managers(make_user: Any, login: Any) -> None:
    body = login(make_user("im", "PK7")).get("/intake/batches/").content.decode()
    assert f'href="{URL}" id="kobo-sources"' in body
