"""JSON the DTM pages need: a round's district figures as a map layer, joined in the browser with the boundaries.

The boundaries come from the geo API (cached a day, with an ETag); this answer carries figures only, a few
kilobytes, so a slow connection pays for the shapes once. Colours and classes are computed here, the same way as
the server-side map of the situation report, so both maps read alike.
"""

# No `from __future__ import annotations`: ninja reads the annotations of the handlers at import time.

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from panah.core.schemas import ERRORS
from panah.dtm import charts, selectors

router = Router()


class ClassOut(Schema):
    low: int
    high: int
    colour: str
    label: str


class DistrictFigureOut(Schema):
    pcode: str
    name: str
    parent_pcode: str | None
    individuals: int
    households: int
    change: int | None
    colour: str


class DistrictLayerOut(Schema):
    round_id: int
    classes: list[ClassOut]
    no_data_colour: str
    districts: list[DistrictFigureOut]


@router.get(
    "/rounds/{round_id}/districts",
    response={200: DistrictLayerOut, **ERRORS},
    url_name="dtm_district_figures",
    summary="Displaced people per district in one round, with change since the previous round and map classes",
)
def district_figures(request: HttpRequest, round_id: int, province: str = "") -> Any:
    round_ = selectors.round_get(actor=request.user, round_id=round_id)
    figures = [
        f
        for f in selectors.area_figures(actor=request.user, round=round_, level=2)
        if not province or f.parent_pcode == province
    ]
    chart_classes = charts.classes([int(f.individuals) for f in figures])
    return {
        "round_id": round_.pk,
        "classes": [{"low": c.low, "high": c.high, "colour": c.colour, "label": c.label} for c in chart_classes],
        "no_data_colour": charts.NO_DATA_COLOUR,
        "districts": [
            {
                "pcode": f.pcode,
                "name": f.name,
                "parent_pcode": f.parent_pcode,
                "individuals": int(f.individuals),
                "households": int(f.households),
                "change": f.change,
                "colour": charts.colour_for(int(f.individuals), chart_classes),
            }
            for f in figures
        ],
    }
