"""The v3-compatible endpoints, read with IOM's own `dtmapi` client over a real loopback server, and edge cases through
the Django test client."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pytest
from dtmapi import DTMApi
from dtmapi.exceptions import DTMApiResponseError, DTMAuthenticationError

from panah.accounts.services import token_create
from panah.dtm.tests.test_publication import make_operation, make_round, make_row

ADMIN0_COLUMNS = [
    "operation",
    "admin0Name",
    "admin0Pcode",
    "numPresentIdpInd",
    "reportingDate",
    "yearReportingDate",
    "monthReportingDate",
    "roundNumber",
    "displacementReason",
    "numberMales",
    "numberFemales",
    "idpOriginAdmin1Name",
    "idpOriginAdmin1Pcode",
    "assessmentType",
]
OP = "2022 Floods Response"
ROUND = {
    "reportingDate": "2022-10-15T00:00:00",
    "yearReportingDate": 2022,
    "monthReportingDate": 10,
    "roundNumber": 1,
    "assessmentType": "BA",
}
PK = {"operation": OP, "admin0Name": "Pakistan", "admin0Pcode": "PAK"}
SINDH = {"admin1Name": "Sindh", "admin1Pcode": "PK7"}
BALOCHISTAN = {"admin1Name": "Balochistan", "admin1Pcode": "PK2"}
FLOOD_FROM_SINDH = {"displacementReason": "Flood", "idpOriginAdmin1Name": "Sindh", "idpOriginAdmin1Pcode": "PK7"}
CONFLICT_FROM_BALOCHISTAN = {
    "displacementReason": "Conflict",
    "idpOriginAdmin1Name": "Balochistan",
    "idpOriginAdmin1Pcode": "PK2",
}


def build_world():
    """A corrected published round 1, a draft round 2, returnees and a small count, plus an unpublished operation."""
    floods = make_operation(OP, "floods")
    first = make_round(floods, 1, status="superseded")
    make_row(first, "PK703", 777, origin="PK7")
    current = make_round(floods, 1, version=2, supersedes=first)
    make_row(current, "PK703", 1000, origin="PK7", males=600, females=400)
    make_row(current, "PK711", 3, origin="PK7", hh=1)  # suppressed
    make_row(current, "PK720", 40, origin="PK7")  # suppressed with it: Sindh's total would give it away
    make_row(current, "PK207", 200, reason="conflict", origin="PK2", males=100, females=100)
    make_row(current, "PK703", 500, group="returnee", origin="PK7")  # not IDPs: not in numPresentIdpInd
    make_row(make_round(floods, 2, status="draft"), "PK703", 5555, origin="PK7")
    make_row(make_round(make_operation("Old Response", "old"), 1, status="submitted"), "PK703", 99)
    return current


def key_for(user):
    return token_create(actor=user, name="dtmapi").secret


def records(frame: pd.DataFrame) -> list[dict]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")


def local_client(base_url, key):
    class LocalDTMApi(DTMApi):
        def _get_endpoint(self, endpoint_type):
            names = {"countries": "country-list", "operations": "operation-list"}
            return f"{base_url}/v3/displacement/{names.get(endpoint_type, endpoint_type)}"

    return LocalDTMApi(subscription_key=key, max_retries=0, timeout=10)


def test_the_real_dtmapi_client_reads_all_five_endpoints(live_server, make_user):
    from panah.geo.services import reference_load

    reference_load()
    build_world()
    api = local_client(live_server.url, key_for(make_user("partner-viewer", "PK")))

    admin0 = api.get_idp_admin0_data(Operation=OP)
    admin1 = api.get_idp_admin1_data(CountryName="Pakistan", FromRoundNumber=1, ToRoundNumber=1)
    admin2 = api.get_idp_admin2_data(Admin0Pcode="PAK", FromReportingDate="2022-10-01", ToReportingDate="2022-10-31")

    assert list(admin0.columns) == ADMIN0_COLUMNS
    assert records(admin0) == [
        {**PK, "numPresentIdpInd": 200, **ROUND, **CONFLICT_FROM_BALOCHISTAN, "numberMales": 100, "numberFemales": 100}
        | {"assessmentType": "BA"},
        {**PK, "numPresentIdpInd": 1043, **ROUND, **FLOOD_FROM_SINDH, "numberMales": None, "numberFemales": None}
        | {"assessmentType": "BA"},
    ]
    assert list(admin1.columns) == ["id", *ADMIN0_COLUMNS[:3], "admin1Name", "admin1Pcode", *ADMIN0_COLUMNS[3:]]
    assert [(r["admin1Pcode"], r["numPresentIdpInd"], r["idpOriginAdmin1Pcode"]) for r in records(admin1)] == [
        ("PK2", 200, "PK2"),
        ("PK7", 1043, "PK7"),
    ]
    assert list(admin2.columns) == [
        "id",
        *ADMIN0_COLUMNS[:3],
        "admin1Name",
        "admin1Pcode",
        "admin2Name",
        "admin2Pcode",
        *ADMIN0_COLUMNS[3:],
    ]
    assert [{k: r[k] for k in ("id", "admin2Pcode", "numPresentIdpInd", "numberMales")} for r in records(admin2)] == [
        {"id": 1, "admin2Pcode": "PK207", "numPresentIdpInd": 200, "numberMales": 100},
        {"id": 2, "admin2Pcode": "PK703", "numPresentIdpInd": 1000, "numberMales": 600},
        {"id": 3, "admin2Pcode": "PK711", "numPresentIdpInd": None, "numberMales": None},
        {"id": 4, "admin2Pcode": "PK720", "numPresentIdpInd": None, "numberMales": None},
    ]
    assert records(api.get_all_countries()) == [{"admin0Name": "Pakistan", "admin0Pcode": "PAK"}]
    assert records(api.get_all_operations()) == [
        {"operation": OP, "operationStatus": "Active", "admin0Name": "Pakistan", "admin0Pcode": "PAK"}
    ]
    with pytest.raises(DTMApiResponseError, match="No data"):
        api.get_idp_admin1_data(Admin0Pcode="PAK", Admin1Pcode="PK6")
    with pytest.raises(DTMAuthenticationError):
        local_client(live_server.url, "pnh_wrongkey_notasecret").get_all_countries()


@pytest.fixture
def national_key(db, make_user):
    build_world()
    return key_for(make_user("partner-viewer", "PK"))


def get(client, endpoint, key=None, **params):
    headers = {"Ocp-Apim-Subscription-Key": key} if key else {}
    return client.get(f"/v3/displacement/{endpoint}", params, headers=headers)


def test_admin2_row_has_the_v3_fields_with_values(client, national_key):
    response = get(client, "admin2", national_key, Admin0Pcode="PK", Admin2Pcode="PK703")

    assert response.status_code == 200
    assert response.json() == {
        "result": [
            {"id": 1, **PK, **SINDH, "admin2Name": "Dadu", "admin2Pcode": "PK703", "numPresentIdpInd": 1000, **ROUND}
            | {**FLOOD_FROM_SINDH, "numberMales": 600, "numberFemales": 400}
        ],
        "statusCode": 200,
        "isSuccess": True,
        "errorMessages": [],
        "totalRecordsCount": 1,
    }


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({}, "One of Operation, CountryName or Admin0Pcode is required."),
        ({"CountryName": "Pakistan", "FromRoundNumber": "abc"}, "FromRoundNumber must be a whole number"),
        ({"CountryName": "Pakistan", "ToRoundNumber": "-1"}, "ToRoundNumber must be a whole number"),
        ({"CountryName": "Pakistan", "FromRoundNumber": "3", "ToRoundNumber": "2"}, "FromRoundNumber must not be"),
        ({"CountryName": "Pakistan", "FromReportingDate": "2022-13-01"}, "FromReportingDate must be a date"),
        ({"CountryName": "Pakistan", "ToReportingDate": "15/10/2022"}, "ToReportingDate must be a date"),
        (
            {"CountryName": "Pakistan", "FromReportingDate": "2022-11-01", "ToReportingDate": "2022-10-01"},
            "FromReportingDate must not be after ToReportingDate.",
        ),
    ],
)
def test_invalid_parameters_are_named_in_an_unsuccessful_envelope(client, national_key, params, message):
    body = get(client, "admin1", national_key, **params).json()

    assert (body["isSuccess"], body["statusCode"], body["result"], body["totalRecordsCount"]) == (False, 400, [], 0)
    assert body["errorMessages"][0].startswith(message)


@pytest.mark.parametrize(
    ("params", "count"),
    [
        ({"countryname": "pakistan"}, 2),  # parameter names and values in any case, as IOM's server
        ({"Admin0Pcode": "PK", "FromRoundNumber": "0", "ToRoundNumber": "0"}, 2),  # 0 means no filter
        ({"Operation": "floods", "Admin1Name": "sindh"}, 1),
        ({"Operation": OP, "ToReportingDate": "2022-10-15"}, 2),
        ({"Operation": OP, "FromReportingDate": "2022-10-16"}, 0),
        ({"Operation": OP, "FromRoundNumber": "2"}, 0),  # round 2 is a draft
        ({"Operation": "Old Response"}, 0),  # submitted, not published
        ({"CountryName": "Afghanistan"}, 0),
        ({"Admin0Pcode": "AFG"}, 0),
    ],
)
def test_filters(client, national_key, params, count):
    body = get(client, "admin1", national_key, **params).json()

    assert body["totalRecordsCount"] == count
    assert body["isSuccess"] is (count > 0)
    assert body["errorMessages"] == ([] if count else ["No data"])


@pytest.mark.parametrize(
    ("who", "status", "error"),
    [
        ("no key", 401, "Access denied due to missing subscription key."),
        ("wrong key", 401, "Access denied due to invalid subscription key."),
        ("role without DTM access", 403, "This key gives no access to displacement figures."),
    ],
)
def test_refused_keys_get_the_gateway_status_and_envelope(client, make_user, who, status, error):
    key = {
        "no key": None,
        "wrong key": "pnh_aaaaaaaa_bbbbbbbbbbbbbbbbbbbbbb",
        "role without DTM access": key_for(make_user("readmission", "PK")) if who.startswith("role") else None,
    }[who]

    response = get(client, "country-list", key)

    assert response.status_code == status
    assert response.json()["isSuccess"] is False
    assert response.json()["errorMessages"][0].startswith(error)


@pytest.mark.parametrize(
    ("role", "area", "endpoint", "districts"),
    [
        ("partner-viewer", "PK2", "admin2", ["PK207"]),  # a provincial partner: its own province only
        ("partner-viewer", "PK2", "admin0", []),  # the national figure is outside a provincial scope
        ("partner-viewer", "PK7", "admin1", ["PK7"]),
        ("im", "PK", "admin1", ["PK2", "PK7"]),
    ],
)
def test_key_holders_see_published_figures_in_their_areas_only(client, make_user, role, area, endpoint, districts):
    build_world()
    body = get(client, endpoint, key_for(make_user(role, area)), CountryName="Pakistan").json()

    level = endpoint[-1]
    assert [r.get(f"admin{level}Pcode") for r in body["result"]] == districts


def test_operation_list_lists_only_operations_with_published_rounds(client, make_user):
    build_world()
    ended = make_operation("Afghan Returns 2023", "returns", ended_on=date(2024, 1, 1))
    make_row(make_round(ended, 1), "PK703", 50)

    body = get(client, "operation-list", key_for(make_user("partner-viewer", "PK"))).json()

    assert [(r["operation"], r["operationStatus"]) for r in body["result"]] == [
        ("2022 Floods Response", "Active"),
        ("Afghan Returns 2023", "Inactive"),
    ]
