"""Intake pages and API through the DTM location spec: upload, progress, report, correction, permissions."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from panah.dtm.importers import register_importers
from panah.dtm.models import LocationAssessment, Round
from panah.intake.models import ImportBatch

SPEC = "dtm.location_assessment"
HEADER = "district_pcode,admin_pcode,location_name,population_group,displacement_reason,households,individuals\n"


@pytest.fixture(autouse=True)
def _importers() -> None:
    register_importers()


@pytest.fixture
def round_(db: Any) -> Round:
    from panah.accounts.models import Operation

    op = Operation.objects.create(code="floods-2022", name="2022 Floods Response", started_on=date(2022, 8, 1))
    return Round.objects.create(operation=op, number=1, period_start=date(2022, 9, 1), period_end=date(2022, 9, 30))


def _stored_batch(owner: Any, round_: Round) -> ImportBatch:
    return ImportBatch.objects.create(
        spec_name=SPEC, context={"round_id": round_.pk}, context_key="k", original_filename="a.csv", sha256="0" * 64,
        content=b"x", uploaded_by=owner,
    )  # fmt: skip


def _rows(n: int) -> str:
    tehsils = ["PK70101", "PK70102", "PK70103", "PK70104", "PK70105"]
    return HEADER + "".join(f"PK701,{tehsils[i % 5]},UC {i},idp,flood,{i % 7 + 1},{i % 7 + 5}\n" for i in range(n))


def test_page_upload_of_2000_rows_reaches_100(
    make_user: Any, login: Any, round_: Round, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(make_user("enumerator", "PK7"))
    file = SimpleUploadedFile("rows.csv", _rows(2000).encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/intake/{SPEC}/rounds/{round_.pk}/upload/", {"file": file, "policy": "reject_file"})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/intake/batches/{batch.pk}/"
    assert (batch.status, batch.progress, batch.imported_rows) == ("done", 100, 2000)
    assert LocationAssessment.objects.count() == 2000
    page = client.get(f"/intake/batches/{batch.pk}/")
    assert page.status_code == 200
    assert b'hx-trigger="every 2s"' not in page.content  # finished: no more polling


def test_progress_fragment_polls_while_running(make_user: Any, login: Any, round_: Round) -> None:
    user = make_user("enumerator", "PK7")
    batch = ImportBatch.objects.create(spec_name=SPEC, context={"round_id": round_.pk}, context_key="k",
                                       original_filename="a.csv", sha256="0" * 64, content=b"x", uploaded_by=user,
                                       progress=40)  # fmt: skip
    response = login(user).get(f"/intake/batches/{batch.pk}/progress/")
    assert response.status_code == 200
    assert b'hx-trigger="every 2s"' in response.content
    assert b'value="40"' in response.content


def test_api_upload_status_and_report(
    make_user: Any, login: Any, round_: Round, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(make_user("enumerator", "PK7"))
    file = SimpleUploadedFile(
        "rows.csv", (HEADER + "PK701,PK70101,a,idp,flood,1,1\nPK701,PK70101,b,idp,flood,-2,1\n").encode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/api/intake/{SPEC}/batches", {"file": file, "policy": "accept_clean", "round_id": round_.pk}
        )
    assert response.status_code == 201
    batch_id = response.json()["batch"]["id"]
    status = client.get(f"/api/intake/batches/{batch_id}").json()
    assert (status["status"], status["imported_rows"], status["held_rows"]) == ("done", 1, 1)
    report = client.get(f"/api/intake/batches/{batch_id}/rows?column=households").json()
    assert report["count"] == 1
    assert report["items"][0]["row_number"] == 3
    assert report["items"][0]["errors"] == [{"column": "households", "message": "Must be zero or more, not -2."}]


def test_api_refuses_submitted_round_with_409(make_user: Any, login: Any, round_: Round) -> None:
    Round.objects.filter(pk=round_.pk).update(status="submitted")
    client = login(make_user("enumerator", "PK7"))
    file = SimpleUploadedFile("rows.csv", _rows(1).encode())
    response = client.post(
        f"/api/intake/{SPEC}/batches", {"file": file, "policy": "reject_file", "round_id": round_.pk}
    )
    assert response.status_code == 409
    assert ImportBatch.objects.count() == 0


def test_batch_invisible_to_another_enumerator(make_user: Any, login: Any, round_: Round) -> None:
    owner = make_user("enumerator", "PK7")
    batch = _stored_batch(owner, round_)
    client = login(make_user("enumerator", "PK7"))
    assert client.get(f"/intake/batches/{batch.pk}/").status_code == 404
    assert client.get(f"/api/intake/batches/{batch.pk}").status_code == 404


def test_im_officer_sees_any_batch(make_user: Any, login: Any, round_: Round) -> None:
    owner = make_user("enumerator", "PK7")
    batch = _stored_batch(owner, round_)
    assert login(make_user("im", "PK")).get(f"/api/intake/batches/{batch.pk}").status_code == 200


def test_held_row_page_corrects_a_row(
    make_user: Any, login: Any, round_: Round, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(make_user("enumerator", "PK7"))
    file = SimpleUploadedFile("rows.csv", (HEADER + "PK701,PK70101,b,idp,flood,-2,1\n").encode())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/intake/{SPEC}/rounds/{round_.pk}/upload/", {"file": file, "policy": "accept_clean"})
    row = ImportBatch.objects.get().held.get()
    assert client.get(f"/intake/rows/{row.pk}/").status_code == 200
    response = client.post(f"/intake/rows/{row.pk}/", {**row.values, "households": "1"})
    assert response.status_code == 302
    assert list(LocationAssessment.objects.values_list("location_name", "households")) == [("b", 1)]


def test_template_download_links(make_user: Any, login: Any, round_: Round) -> None:
    client = login(make_user("enumerator", "PK7"))
    xlsx = client.get(f"/intake/{SPEC}/rounds/{round_.pk}/template.xlsx")
    csv = client.get(f"/intake/{SPEC}/rounds/{round_.pk}/template.csv")
    assert (xlsx.status_code, xlsx.content[:2]) == (200, b"PK")
    assert csv.content.decode("utf-8-sig").splitlines()[0].startswith("level,district_pcode,admin_pcode,")
    assert client.get(f"/api/intake/{SPEC}/template?round_id={round_.pk}&format=csv").status_code == 200


def test_batch_list_filters_by_round_and_links_back(make_user: Any, login: Any, round_: Round) -> None:
    from panah.intake.registry import context_key

    owner = make_user("im", "PK")
    mine = _stored_batch(owner, round_)
    ImportBatch.objects.filter(pk=mine.pk).update(context_key=context_key({"round_id": round_.pk}))
    other = ImportBatch.objects.create(
        spec_name=SPEC, context={"round_id": 999}, context_key=context_key({"round_id": 999}),
        original_filename="b.csv", sha256="1" * 64, content=b"y", uploaded_by=owner,
    )  # fmt: skip
    client = login(owner)

    filtered = client.get(f"/intake/batches/?round={round_.pk}")
    everything = client.get("/intake/batches/?round=x")

    assert [b.pk for b in filtered.context["page_obj"]] == [mine.pk]
    assert f'href="/dtm/rounds/{round_.pk}/"' in filtered.content.decode()
    assert {b.pk for b in everything.context["page_obj"]} == {mine.pk, other.pk}


def test_batch_page_reports_rows_and_links_back_to_the_round(
    make_user: Any, login: Any, round_: Round, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(make_user("enumerator", "PK7"))
    rows = HEADER + "PK701,PK70101,a,idp,flood,1,5\nPK701,PK70301,b,idp,flood,1,5\nPK701,PK70101,c,idp,flood,5,4\n"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/intake/{SPEC}/rounds/{round_.pk}/upload/",
                    {"file": SimpleUploadedFile("r.csv", rows.encode()), "policy": "accept_clean"})  # fmt: skip
    batch = ImportBatch.objects.get()

    html = client.get(f"/intake/batches/{batch.pk}/").content.decode()

    assert f'<a href="/dtm/rounds/{round_.pk}/" id="back-to-round">' in html
    assert f'href="/intake/{SPEC}/rounds/{round_.pk}/upload/"' in html
    assert (
        '<tr data-row="3"><td>3</td><td class="mono">admin_pcode</td><td>PK70301 is not in district PK701.</td>' in html
    )
    assert '<tr data-row="4"><td>4</td><td class="mono">individuals</td>' in html
    assert "onchange" not in html  # the Content-Security-Policy forbids inline handlers
    assert '<dd id="batch-imported">1</dd>' in html


def test_upload_page_links_back_to_the_round_and_its_batches(make_user: Any, login: Any, round_: Round) -> None:
    html = login(make_user("enumerator", "PK7")).get(f"/intake/{SPEC}/rounds/{round_.pk}/upload/").content.decode()

    assert f'<a href="/dtm/rounds/{round_.pk}/" id="back-to-round">' in html
    assert f'href="/intake/batches/?round={round_.pk}"' in html
    assert 'id="template-xlsx"' in html


def test_held_row_page_marks_the_columns_in_error(
    make_user: Any, login: Any, round_: Round, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(make_user("enumerator", "PK7"))
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/intake/{SPEC}/rounds/{round_.pk}/upload/",
                    {"file": SimpleUploadedFile("r.csv", (HEADER + "PK701,PK70101,b,idp,flood,-2,1\n").encode()),
                     "policy": "accept_clean"})  # fmt: skip
    row = ImportBatch.objects.get().held.get()

    html = client.get(f"/intake/rows/{row.pk}/").content.decode()

    assert html.count("field-problem") == 1
    assert '<div class="field field-problem">\n      <label for="id_households">' in html


def test_uploaded_file_is_not_kept_once_imported_but_is_still_recognised(
    make_user: Any, login: Any, round_: Round, django_capture_on_commit_callbacks: Any
) -> None:
    client = login(make_user("enumerator", "PK7"))
    content = _rows(3).encode()

    def upload() -> Any:
        file = SimpleUploadedFile("rows.csv", content)
        data = {"file": file, "policy": "accept_clean", "round_id": round_.pk}
        with django_capture_on_commit_callbacks(execute=True):
            return client.post(f"/api/intake/{SPEC}/batches", data)

    first, again = upload(), upload()

    batch = ImportBatch.objects.get(pk=first.json()["batch"]["id"])
    assert (first.status_code, again.status_code) == (201, 200)
    assert (batch.status, bytes(batch.content)) == ("done", b"")
    assert LocationAssessment.objects.count() == 3
