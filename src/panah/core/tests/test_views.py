from __future__ import annotations

import re
from html import unescape

import pytest
from django.db import OperationalError, connection

pytestmark = pytest.mark.django_db

COD_AB_ATTRIBUTION = (
    "Administrative boundaries and P-codes: Pakistan \u2013 Subnational Administrative Boundaries (COD-AB), "
    "World Food Programme (WFP) Spatial Data Infrastructure and OCHA Field Information Services Section (FISS), "
    "via the Humanitarian Data Exchange (https://data.humdata.org/dataset/cod-ab-pak). Licence: Creative Commons "
    "Attribution for Intergovernmental Organisations (CC BY-IGO 3.0). The boundaries and names shown and the "
    "designations used do not imply official endorsement or acceptance by the United Nations."
)
OSM_ATTRIBUTION = (
    "District boundaries © OpenStreetMap contributors, available under the Open Database Licence (ODbL 1.0), "
    "https://www.openstreetmap.org/copyright. The dissolve to the 2023 census district set comes from "
    "github.com/AbuBakrCh/pakistan-map."
)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", "", html)))


def test_healthz_is_ok_without_auth_or_session(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "sessionid" not in response.cookies
    assert "no-cache" in response["Cache-Control"]


def test_healthz_is_503_when_the_database_fails(client, monkeypatch):
    def broken(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken)

    response = client.get("/healthz")

    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "database": "unavailable"}


def test_healthz_refuses_post(client):
    assert client.post("/healthz").status_code == 405


def test_about_is_public_with_exact_attributions(client):
    response = client.get("/about/")

    assert response.status_code == 200
    text = _text(response.content.decode())
    assert COD_AB_ATTRIBUTION in text
    assert OSM_ATTRIBUTION in text
    for licence in ("BSD-2-Clause", "0BSD", "SIL Open Font License 1.1", "AGPL-3.0-or-later"):
        assert licence in text


def test_about_is_reachable_for_a_user_who_still_owes_the_second_factor(client, make_user):
    client.force_login(make_user("admin"))

    assert client.get("/about/").status_code == 200
