"""IOM DTM API v3-compatible endpoints, so tools written for dtmapi.iom.int (the `dtmapi` client, HDX scrapers) read
Panah's published figures unchanged.

The contract is IOM's, not Panah's API: the key comes in `Ocp-Apim-Subscription-Key` (a Panah API token), every
answer is the envelope {result, statusCode, isSuccess, errorMessages, totalRecordsCount}, and refusals other than a
bad key are HTTP 200 with isSuccess false, because that is what the clients expect. Parameter names are matched
without regard to case, as IOM's ASP.NET server does. Figures pass through publication.py: published rounds only,
suppressed, narrowed to the key holder's areas.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import wraps
from typing import Any

from django.http import HttpRequest, JsonResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from panah.accounts.models import Operation, User
from panah.accounts.services import token_authenticate
from panah.dtm import publication
from panah.dtm.choices import PopulationGroup
from panah.dtm.publication import PublicRow, Scope
from panah.geo.models import AdminArea

KEY_HEADER = "Ocp-Apim-Subscription-Key"
COUNTRY_NAME = "Pakistan"
ADMIN0_PCODE = "PAK"  # IOM publishes ISO3 as admin0Pcode; our COD P-code "PK" is accepted in filters too
ADMIN0_ALIASES = {"PAK", "PK"}
SPLIT = ("displacement_reason", "origin_admin1")
REASON_LABELS = {"flood": "Flood", "conflict": "Conflict", "other": "Other"}
# IOM's values are BA (baseline) and SA (site assessment); our location assessments refine the baseline figures of
# a district (aggregation.py), and site assessments never leave Panah, so every published row is "BA".
ASSESSMENT_TYPE = "BA"
MISSING_KEY = (
    "Access denied due to missing subscription key. "
    "Make sure to include subscription key when making requests to an API."
)
INVALID_KEY = (
    "Access denied due to invalid subscription key. Make sure to provide a valid key for an active subscription."
)
NO_ACCESS = "This key gives no access to displacement figures."
NO_DATA = "No data"
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class ParameterError(ValueError):
    """A query parameter value the endpoint cannot use; the message names the parameter."""


@dataclass(frozen=True)
class Query:
    operation: str | None
    country: str | None
    admin0: str | None
    from_date: date | None
    to_date: date | None
    from_round: int | None
    to_round: int | None
    area: dict[str, str]  # Admin1Name, Admin1Pcode, Admin2Name, Admin2Pcode given, lower-cased


def envelope(result: list[dict[str, Any]], *, status: int = 200, errors: Sequence[str] = ()) -> JsonResponse:
    body = {
        "result": result,
        "statusCode": status,
        "isSuccess": not errors,
        "errorMessages": list(errors),
        "totalRecordsCount": len(result),
    }
    # Only key problems change the HTTP status (as the Azure gateway in front of IOM's API does).
    return JsonResponse(body, status=status if status in (401, 403) else 200)


def keyed(view: Callable[[HttpRequest, Scope], JsonResponse]) -> Callable[[HttpRequest], JsonResponse]:
    """The key holder's scope for the view, or the gateway's 401/403 envelope."""

    @require_safe
    @wraps(view)
    def wrapped(request: HttpRequest) -> JsonResponse:
        raw = request.headers.get(KEY_HEADER, "").strip()
        if not raw:
            return envelope([], status=401, errors=[MISSING_KEY])
        user: User | None = token_authenticate(raw)
        if user is None:
            return envelope([], status=401, errors=[INVALID_KEY])
        scope = publication.viewer_scope(user)
        if not scope:
            return envelope([], status=403, errors=[NO_ACCESS])
        return view(request, scope)

    return wrapped


def parse_query(request: HttpRequest) -> Query:
    """The v3 filter parameters; 0 round numbers mean "no filter", as the R client sends them."""
    params = {k.lower(): v for k in request.GET if (v := (request.GET.get(k) or "").strip())}
    if not {"operation", "countryname", "admin0pcode"} & params.keys():
        raise ParameterError("One of Operation, CountryName or Admin0Pcode is required.")
    from_date, to_date = _date(params, "FromReportingDate"), _date(params, "ToReportingDate")
    if from_date and to_date and from_date > to_date:
        raise ParameterError("FromReportingDate must not be after ToReportingDate.")
    from_round, to_round = _round_number(params, "FromRoundNumber"), _round_number(params, "ToRoundNumber")
    if from_round and to_round and from_round > to_round:
        raise ParameterError("FromRoundNumber must not be greater than ToRoundNumber.")
    area_names = ("admin1name", "admin1pcode", "admin2name", "admin2pcode")
    return Query(
        operation=params.get("operation"),
        country=params.get("countryname"),
        admin0=params.get("admin0pcode"),
        from_date=from_date,
        to_date=to_date,
        from_round=from_round,
        to_round=to_round,
        area={k: params[k].lower() for k in area_names if k in params},
    )


def _date(params: dict[str, str], name: str) -> date | None:
    value = params.get(name.lower())
    if value is None:
        return None
    try:
        if not _DATE.match(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise ParameterError(f"{name} must be a date in YYYY-MM-DD format, got '{value}'.") from None


def _round_number(params: dict[str, str], name: str) -> int | None:
    value = params.get(name.lower())
    if value is None:
        return None
    if not value.isdigit():
        raise ParameterError(f"{name} must be a whole number of 0 or more, got '{value}'.")
    return int(value) or None


def _operations(query: Query) -> list[Operation] | None:
    """Operations the query names (None: all); an empty list when the country or operation is not ours."""
    if query.country is not None and query.country.lower() != COUNTRY_NAME.lower():
        return []
    if query.admin0 is not None and query.admin0.upper() not in ADMIN0_ALIASES:
        return []
    if query.operation is None:
        return None
    name = query.operation
    return list(Operation.objects.filter(name__iexact=name) | Operation.objects.filter(code__iexact=name))


def admin_rows(*, level: int, query: Query, scope: Scope) -> list[dict[str, Any]]:
    """The v3 rows at `level` for a parsed query: IDPs present, split by displacement reason and origin province."""
    operations = _operations(query)
    if operations == []:
        return []
    rounds = publication.published_rounds(
        from_date=query.from_date, to_date=query.to_date, from_number=query.from_round, to_number=query.to_round
    )
    if operations is not None:
        rounds = rounds.filter(operation__in=operations)
    rows = publication.public_admin_rows(
        level=level, rounds=rounds, by=SPLIT, population_group=PopulationGroup.IDP, scope=scope
    )
    names = dict(AdminArea.objects.filter(level__lte=2).values_list("pcode", "name"))
    rows = [r for r in rows if _matches_area(r, query.area, names)]
    return [_row(level, i, r, names) for i, r in enumerate(rows, start=1)]


def _admin_codes(row: PublicRow) -> list[str]:
    return [p for p in row.path.split("/") if p][1:]  # below the country: [admin1, admin2]


def _matches_area(row: PublicRow, area: dict[str, str], names: dict[str, str]) -> bool:
    codes = _admin_codes(row)
    for n, code in enumerate(codes, start=1):
        if area.get(f"admin{n}pcode", code.lower()) != code.lower():
            return False
        if area.get(f"admin{n}name", names[code].lower()) != names[code].lower():
            return False
    return True


def _row(level: int, number: int, row: PublicRow, names: dict[str, str]) -> dict[str, Any]:
    rnd = row.round
    out: dict[str, Any] = {"id": number} if level > 0 else {}
    out |= {"operation": rnd.operation.name, "admin0Name": COUNTRY_NAME, "admin0Pcode": ADMIN0_PCODE}
    for n, code in enumerate(_admin_codes(row), start=1):
        out |= {f"admin{n}Name": names[code], f"admin{n}Pcode": code}
    origin = row.key.get("origin_admin1")
    reason = row.key.get("displacement_reason")
    return out | {
        "numPresentIdpInd": row.counts.get("individuals"),
        "reportingDate": f"{rnd.period_end.isoformat()}T00:00:00",
        "yearReportingDate": rnd.period_end.year,
        "monthReportingDate": rnd.period_end.month,
        "roundNumber": rnd.number,
        "displacementReason": REASON_LABELS.get(reason or "", reason),
        "numberMales": row.counts.get("males"),
        "numberFemales": row.counts.get("females"),
        "idpOriginAdmin1Name": names.get(origin) if origin else None,
        "idpOriginAdmin1Pcode": origin,
        "assessmentType": ASSESSMENT_TYPE,
    }


def _admin_view(level: int) -> Callable[[HttpRequest], JsonResponse]:
    @keyed
    def view(request: HttpRequest, scope: Scope) -> JsonResponse:
        try:
            query = parse_query(request)
        except ParameterError as error:
            return envelope([], status=400, errors=[str(error)])
        result = admin_rows(level=level, query=query, scope=scope)
        return envelope(result) if result else envelope([], status=404, errors=[NO_DATA])

    view.__name__ = f"admin{level}"
    return view


admin0 = _admin_view(0)
admin1 = _admin_view(1)
admin2 = _admin_view(2)


@keyed
def country_list(request: HttpRequest, scope: Scope) -> JsonResponse:
    return envelope([{"admin0Name": COUNTRY_NAME, "admin0Pcode": ADMIN0_PCODE}])


@keyed
def operation_list(request: HttpRequest, scope: Scope) -> JsonResponse:
    operation_ids = {op for _, op in scope}
    rounds = publication.published_rounds()
    if None not in operation_ids:
        rounds = rounds.filter(operation_id__in=operation_ids)
    operations = Operation.objects.filter(pk__in=rounds.values("operation_id")).order_by("name")
    today = timezone.localdate()
    result = [
        {
            "operation": op.name,
            "operationStatus": "Active" if op.ended_on is None or op.ended_on >= today else "Inactive",
            "admin0Name": COUNTRY_NAME,
            "admin0Pcode": ADMIN0_PCODE,
        }
        for op in operations
    ]
    return envelope(result) if result else envelope([], status=404, errors=[NO_DATA])
