"""Server-side SVG charts: valid XML, accessible, one mark per value, mirrored right to left."""

from __future__ import annotations

import xml.etree.ElementTree as ET  # our own SVG, not untrusted input

from panah.dtm import charts

SVG = "{http://www.w3.org/2000/svg}"
TEXT = charts.Text("Movements at Torkham", "Per day by documentation status", "Date", "Movements")


def _parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314


def _bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "bar"]


def test_bar_chart_draws_one_bar_per_known_value_with_title_and_desc():
    root = _parse(charts.bar_chart(text=TEXT, categories=["A", "B", "C"], values=[1200, None, 30]))

    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Movements at Torkham"
    assert root.find(f"{SVG}desc").text == "Per day by documentation status"
    assert [b.find(f"{SVG}title").text for b in _bars(root)] == ["A: 1,200", "C: 30"]


def test_stacked_bar_chart_draws_one_segment_per_non_zero_value():
    series = [charts.Series("PoR", [10, 0, 5]), charts.Series("Undocumented", [3, 4, None])]

    root = _parse(charts.stacked_bar_chart(text=TEXT, categories=["1 Oct", "2 Oct", "3 Oct"], series=series))

    assert len(_bars(root)) == 4
    assert [t.text for t in root.iter(f"{SVG}text")][-2:] == ["PoR", "Undocumented"]


def test_line_chart_breaks_at_unknown_values_and_marks_each_point():
    series = [charts.Series("Sindh", [100, None, 300, 400]), charts.Series("Balochistan", [5, 6, 7, 8])]

    root = _parse(charts.line_chart(text=TEXT, categories=["R1", "R2", "R3", "R4"], series=series))

    assert len([c for c in root.iter(f"{SVG}circle") if c.get("class") == "point"]) == 7
    assert [len(p.get("points").split()) for p in root.iter(f"{SVG}polyline")] == [4, 2]


def test_right_to_left_chart_runs_from_the_right():
    ltr = _parse(charts.bar_chart(text=TEXT, categories=["first", "second"], values=[1, 2]))
    rtl = _parse(charts.bar_chart(text=TEXT, categories=["first", "second"], values=[1, 2], rtl=True))

    first_ltr, first_rtl = float(_bars(ltr)[0].get("x")), float(_bars(rtl)[0].get("x"))
    assert first_ltr < float(_bars(ltr)[1].get("x"))
    assert first_rtl > float(_bars(rtl)[1].get("x"))


def test_data_is_escaped():
    root = _parse(charts.bar_chart(text=charts.Text("<b>", "&"), categories=["<script>"], values=[1]))

    assert root.find(f"{SVG}title").text == "<b>"
    assert _bars(root)[0].find(f"{SVG}title").text == "<script>: 1"


def test_classes_are_quantiles_of_the_positive_values_and_colour_them():
    found = charts.classes([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100])

    assert [(c.low, c.high) for c in found] == [(10, 20), (21, 40), (41, 60), (61, 80), (81, 100)]
    assert charts.colour_for(55, found) == charts.CLASS_COLOURS[2]
    assert charts.colour_for(None, found) == charts.NO_DATA_COLOUR


def test_nice_max_rounds_the_axis_up_to_a_round_step():
    assert [charts.nice_max(v) for v in (0, 7, 1234, 98000)] == [(1, 1), (8, 2), (1500, 500), (100000, 50000)]


def test_choropleth_map_shades_districts_by_class():
    square = {"type": "Polygon", "coordinates": [[[67, 25], [68, 25], [68, 26], [67, 26], [67, 25]]]}
    districts = [
        {"properties": {"pcode": "PK701", "name": "A"}, "geometry": square},
        {"properties": {"pcode": "PK702", "name": "B"}, "geometry": square},
    ]
    found = charts.classes([500])

    root = _parse(charts.choropleth_map(text=TEXT, districts=districts, values={"PK701": 500}, chart_classes=found))

    fills = [p.get("fill") for p in root.iter(f"{SVG}path") if p.get("class") == "district"]
    assert fills == [found[0].colour, charts.NO_DATA_COLOUR]
