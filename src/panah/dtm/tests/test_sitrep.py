"""The situation report: printable page with the SVG map, and the PDF of the same figures."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET  # our own SVG, not untrusted input

from django.urls import reverse
from pypdf import PdfReader

from panah.dtm.tests.test_views import world  # noqa: F401 - the same world

SVG = "{http://www.w3.org/2000/svg}"


def test_sitrep_page_has_key_figures_map_chart_and_disclaimer(world, make_user, login):  # noqa: F811
    client = login(make_user("im"))

    response = client.get(reverse("dtm:sitrep", args=[world["r2"].pk]))

    html = response.content.decode()
    report = response.context["report"]
    shaded = [
        p for p in ET.fromstring(str(report.map_svg)).iter(f"{SVG}path")  # noqa: S314
        if p.get("class") == "district" and p.get("fill") != "#e9ecef"
    ]  # fmt: skip
    assert response.status_code == 200
    assert sorted(p.get("data-pcode") for p in shaded) == ["PK201", "PK202", "PK707"]
    assert 'id="kf-individuals">13,500<' in html
    assert 'class="chart chart-line"' in html
    assert "do not imply official endorsement or acceptance" in html
    assert "/static/dtm/sitrep.css" in html


def test_sitrep_pdf_is_a_pdf_with_the_round_figures(world, make_user, login):  # noqa: F811
    client = login(make_user("im"))

    response = client.get(reverse("dtm:sitrep_pdf", args=[world["r2"].pk]))

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert "2022 Floods Response – Round 2" in text
    assert "13,500" in text
    assert "+6,750" in text
    assert "Camp Dadu" in text


def test_partner_pdf_holds_only_their_province(world, make_user, login):  # noqa: F811
    client = login(make_user("partner-viewer", "PK2"))

    response = client.get(reverse("dtm:sitrep_pdf", args=[world["r2"].pk]))

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    assert "Awaran" in text
    assert "1,500" in text  # Balochistan, the partner's headline
    assert "PK707" not in text
