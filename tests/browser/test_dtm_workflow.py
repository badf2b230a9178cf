"""A DTM round end to end, as its users do it: template, upload with mistakes, row report, correction, a second
upload, submission, approval by a second IM officer, then the map and the situation report."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook

from panah.accounts.models import Operation
from panah.dtm.choices import RoundStatus
from panah.dtm.models import LocationAssessment, Round
from tests.browser.conftest import screenshot
from tests.browser.test_dtm_pages import SHADED, sign_in

# The spec's columns, in the template's order, up to those this test fills.
COLUMNS = ["level", "district_pcode", "admin_pcode", "location_name", "population_group", "displacement_reason",
           "origin_pcode", "households", "individuals"]  # fmt: skip
GOOD = [
    ["", "PK701", "PK70101", "UC Badin 1", "idp", "flood", "", 120, 600],
    ["", "PK703", "PK70301", "UC Dadu 1", "idp", "flood", "", 300, 1500],
]
MISTAKES = [
    ["", "PK701", "PK70301", "UC Matli", "idp", "flood", "", 40, 210],  # row 4: a Dadu tehsil under Badin
    ["", "PK703", "PK70302", "UC Johi", "idp", "flood", "", 50, 20],  # row 5: fewer people than households
    ["", "PK707", "PK70701", "UC Khairpur", "idp", "conflict", "", -3, 10],  # row 6: a negative count
]
FIXED = [
    ["", "PK703", "PK70302", "UC Johi", "idp", "flood", "", 50, 220],
    ["", "PK707", "PK70701", "UC Khairpur", "idp", "conflict", "", 3, 10],
]


@pytest.fixture
def draft_round(db):
    op = Operation.objects.create(code="floods-2022", name="2022 Floods Response", started_on=date(2022, 8, 1))
    return Round.objects.create(
        operation=op, kind="mobility", number=1, status=RoundStatus.DRAFT,
        period_start=date(2022, 9, 1), period_end=date(2022, 9, 30),
    )  # fmt: skip


@pytest.fixture
def officers(make_user):
    return make_user("im", username="im-first"), make_user("im", username="im-second")


def fill(template: Path, rows: list[list], out: Path) -> Path:
    """Write rows into the downloaded template, below its header, keeping its drop-downs."""
    book = load_workbook(template)
    sheet = book["Data"]
    header = [c.value for c in sheet[1]]
    assert header[: len(COLUMNS)] == COLUMNS
    for r, values in enumerate(rows, start=2):
        for c, value in enumerate(values, start=1):
            sheet.cell(row=r, column=c, value=value if value != "" else None)
    book.save(out)
    return out


def upload(page, path: Path) -> None:
    page.set_input_files("#id_file", str(path))
    page.check("input[name=policy][value=accept_clean]")
    page.click("#upload")
    page.wait_for_selector("#batch-progress")


def report(page) -> list[tuple[str, str, str]]:
    cells = page.eval_on_selector_all(
        "#row-report tbody tr[data-row]",
        "rows => rows.map(r => [...r.cells].slice(0, 3).map(c => c.textContent.trim()))",
    )
    return [tuple(c) for c in cells]


def sign_out(page) -> None:
    page.click("form[action$='/logout/'] button")
    page.wait_for_url("**/accounts/login/**")


def test_a_round_from_template_to_published_map_and_report(page, draft_round, officers, tmp_path):
    sign_in(page, "im-first")

    # The round page leads to the upload page of each kind of data the round takes.
    page.goto(f"/dtm/rounds/{draft_round.pk}/")
    screenshot(page, "workflow-1-draft-round")
    page.click("a[data-upload][href*='dtm.location_assessment']")
    page.wait_for_selector("#template-xlsx")

    with page.expect_download() as download:
        page.click("#template-xlsx")
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    book = load_workbook(template)
    validations = {str(v.sqref).split(":")[0]: v.formula1 for v in book["Data"].data_validations.dataValidation}
    lists = book["Lists"]
    district_list = [c.value for c in lists["B"][1:] if c.value]
    assert book.sheetnames == ["Data", "Lists", "README"]
    assert validations["B2"] == f"'Lists'!$B$2:$B${len(district_list) + 1}"  # district P-codes
    assert {"PK701", "PK703", "PK707"} <= set(district_list)
    assert {"E2", "F2"} <= set(validations)  # population group and reason

    upload(page, fill(template, GOOD + MISTAKES, tmp_path / "round-1.xlsx"))
    page.wait_for_selector("#row-report")
    screenshot(page, "workflow-2-row-report")
    page.set_viewport_size({"width": 390, "height": 844})
    page.locator("#row-report").scroll_into_view_if_needed()
    screenshot(page, "workflow-2-row-report-phone")
    page.set_viewport_size({"width": 1366, "height": 768})
    assert report(page) == [
        ("4", "admin_pcode", "PK70301 is not in district PK701."),
        ("5", "individuals", "Fewer individuals (20) than households (50)."),
        ("6", "households", "Must be zero or more, not -3."),
    ]
    assert page.inner_text("#batch-imported") == "2"

    # Row 4 is put right on the correction page; rows 5 and 6 in the file, which goes up again.
    page.click("a[data-correct='4']")
    page.fill("#id_district_pcode", "PK703")
    screenshot(page, "workflow-3-correct-row")
    page.click("#check-and-import")
    page.wait_for_selector(".msg-success")
    assert report(page) == [
        ("5", "individuals", "Fewer individuals (20) than households (50)."),
        ("6", "households", "Must be zero or more, not -3."),
    ]
    for row in ("5", "6"):
        page.click(f"a[data-correct='{row}']")
        page.click("button[name=discard]")
        page.wait_for_selector(".msg-success")
    page.click("#back-to-round")
    page.click("a[data-upload][href*='dtm.location_assessment']")
    upload(page, fill(template, FIXED, tmp_path / "round-1-fixes.xlsx"))
    screenshot(page, "workflow-4-fixed-upload")
    assert page.inner_text("#batch-imported") == "2"
    assert report(page) == []
    assert LocationAssessment.objects.filter(round=draft_round).count() == 5
    page.click("#upload-another")  # the same file twice changes nothing
    upload(page, tmp_path / "round-1-fixes.xlsx")
    assert "already uploaded" in page.inner_text(".messages")
    assert LocationAssessment.objects.filter(round=draft_round).count() == 5

    page.click("#back-to-round")
    page.click("#action-submit")
    page.wait_for_selector("#round-status[data-status=submitted]")
    screenshot(page, "workflow-5-submitter-cannot-approve")
    assert page.locator("#action-publish").count() == 0  # the one who submitted cannot approve
    assert page.locator("#awaiting-approval").is_visible()
    sign_out(page)

    sign_in(page, "im-second")
    page.goto(f"/dtm/rounds/{draft_round.pk}/")
    page.click("#action-publish")
    page.wait_for_selector("#round-status[data-status=published]")
    screenshot(page, "workflow-6-published")
    assert page.locator("a[data-export=public]").count() == 3

    page.goto(f"/dtm/?operation={draft_round.operation_id}&round={draft_round.pk}")
    page.wait_for_selector("#dtm-map[data-ready=true]")
    screenshot(page, "workflow-7-dashboard-map")
    shaded = page.eval_on_selector_all(SHADED, "els => els.length")
    assert shaded == 3  # Badin, Dadu and Khairpur

    page.goto(f"/dtm/rounds/{draft_round.pk}/report/")
    page.wait_for_selector("svg.chart-map")
    screenshot(page, "workflow-8-situation-report")
    assert page.inner_text("#kf-individuals") == "2,540"  # 600 + 1500 + 210 + 220 + 10
    assert page.inner_text("#kf-households") == "513"

    page.click("button[name=language][value=ur]")
    page.wait_for_selector("html[dir=rtl] #kf-individuals")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "workflow-9-situation-report-phone-urdu")
    assert page.inner_text("#kf-individuals") == "2,540"
    page.goto(f"/dtm/rounds/{draft_round.pk}/")
    screenshot(page, "workflow-10-round-phone-urdu")
    page.goto(f"/dtm/?operation={draft_round.operation_id}&round={draft_round.pk}")
    page.wait_for_selector("#dtm-map[data-ready=true]")
    screenshot(page, "workflow-11-dashboard-phone-urdu")
    assert page.evaluate("() => document.documentElement.scrollWidth") == 390  # nothing pushes the page sideways
