from __future__ import annotations

import pytest

from panah.geo import geometry

SQUARE = {"type": "Polygon", "coordinates": [[[0.0, 0.0], [2.0, 0.0], [2.0, 2.0], [0.0, 2.0], [0.0, 0.0]]]}
ISLAND = {"type": "Polygon", "coordinates": [[[10.0, 10.0], [10.5, 10.0], [10.5, 10.5], [10.0, 10.0]]]}


def test_merge_keeps_a_lone_geometry_as_it_is():
    assert geometry.merge([SQUARE]) == SQUARE


def test_merge_of_nothing_is_none():
    assert geometry.merge([]) is None


def test_merge_lists_the_polygons_of_each_part():
    merged = geometry.merge([SQUARE, {"type": "MultiPolygon", "coordinates": [ISLAND["coordinates"]]}])

    assert merged == {"type": "MultiPolygon", "coordinates": [SQUARE["coordinates"], ISLAND["coordinates"]]}


def test_label_point_is_the_centroid_of_the_largest_part():
    shape = geometry.merge([ISLAND, SQUARE])

    assert geometry.label_point(shape) == (1.0, 1.0)


def test_label_point_of_no_geometry_is_none():
    assert geometry.label_point(None) is None


def test_points_and_lines_are_refused():
    with pytest.raises(ValueError, match="Point"):
        geometry.polygons_of({"type": "Point", "coordinates": [1, 2]})
