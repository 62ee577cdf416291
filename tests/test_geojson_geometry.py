"""The one GeoJSON geometry checker: the shipped layers (``load``) and users' files
(``upload``) name the same problem in the same words."""

from __future__ import annotations

import json

import pytest

from corridormap import catalog, geojson_geometry, load, upload
from corridormap._errors import DataValidationError

BAD = [
    ({"type": "Point", "coordinates": []}, "empty geometry (no coordinates)"),
    ({"type": "Point", "coordinates": [43.1, "40.6"]}, 'bad position [43.1, "40.6"]'),
    ({"type": "Point", "coordinates": [1, 2, 3, 4, 5]}, "bad position [1, 2, 3, 4, 5]"),
    ({"type": "Point", "coordinates": [[1, 2]]}, "coordinates nested 1 deep; a Point has 0"),
    ({"type": "Point", "coordinates": {"x": 1}}, "coordinates are not arrays (got dict)"),
    (
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [0, 1]]]},
        "ring 1 has 3 positions; a closed ring needs at least 4",
    ),
    (
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
        "ring 1 is not closed",
    ),
]


@pytest.mark.parametrize(("geometry", "expected"), BAD)
def test_parse_names_the_problem(geometry, expected):
    parsed = geojson_geometry.parse(geometry)
    assert parsed.geometry is None
    assert parsed.problem is not None
    assert expected in parsed.problem


@pytest.mark.parametrize(("geometry", "expected"), BAD)
def test_load_and_upload_say_the_same(geometry, expected):
    spec = next(s for s in catalog.LAYERS if geometry["type"] in s.geometry_types)
    feature = {
        "type": "Feature",
        "properties": {"name": "x"},
        "geometry": geometry,
    }
    doc = {"type": "FeatureCollection", "features": [feature]}
    problems = [p.problem for p in load.validate_collection(spec, doc, "f.geojson")]
    geometry_problems = [p for p in problems if expected in p]
    assert geometry_problems, problems
    with pytest.raises(DataValidationError) as exc:
        upload.read_user_layer(json.dumps(doc).encode(), "f.geojson")
    assert [p.problem for p in exc.value.problems if expected in p.problem] == geometry_problems


def test_a_valid_geometry_is_read_in_two_dimensions():
    parsed = geojson_geometry.parse({"type": "LineString", "coordinates": [[0, 0, 5], [1, 1]]})
    assert parsed.problem is None
    assert parsed.geometry is not None
    assert parsed.geometry.wkt == "LINESTRING (0 0, 1 1)"
    assert parsed.vertices == 2
    assert parsed.mixed_dimensions


def test_too_many_vertices_refuse_the_whole_geometry():
    line = {"type": "LineString", "coordinates": [[0, i / 100] for i in range(11)]}
    with pytest.raises(geojson_geometry.VertexLimitError, match="11 vertices"):
        geojson_geometry.parse(line, max_vertices=10)
    assert geojson_geometry.parse(line, max_vertices=11).vertices == 11


def test_lonlat_problems():
    from shapely.geometry import Point  # noqa: PLC0415

    assert geojson_geometry.lonlat_problem(Point(10, 10)) is None
    assert "outside lon/lat range; hint" in (
        geojson_geometry.lonlat_problem(Point(200, 10), "; hint") or ""
    )
    assert geojson_geometry.outside_lonlat(Point(10, -91)) == (10.0, -91.0)
    assert geojson_geometry.lonlat_problem(Point()) == "empty geometry"
