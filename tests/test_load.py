"""Loading with validation: one error that lists every problem, named by file/feature/field."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest

from corridormap import catalog, load
from corridormap._errors import DataValidationError, Problem

CORPUS = Path(__file__).parent / "fixtures" / "geojsonhint"


def node(node_id: str = "kars", **overrides) -> dict:
    props = {
        "node_id": node_id,
        "name": "Kars",
        "kind": "junction",
        "iso3": "TUR",
        "corridors": ["middle_corridor"],
        "routes": ["MC_NORTH"],
        "coord_quality": "published_point",
        "coord_source": "https://www.geonames.org/743952",
        "border_point": False,
        "source_url": ["https://example.org/kars"],
        "as_of": "2025-08-22",
        "confidence": None,
        "note": None,
    }
    props.update(overrides)
    return {
        "type": "Feature",
        "properties": props,
        "geometry": {"type": "Point", "coordinates": [43.1058, 40.6045]},
    }


def collection(*features: dict) -> dict:
    return {"type": "FeatureCollection", "features": list(features)}


def write(tmp_path: Path, doc: dict | str | bytes, name: str = "nodes.geojson") -> Path:
    path = tmp_path / name
    if isinstance(doc, bytes):
        path.write_bytes(doc)
    else:
        path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


def problems(tmp_path: Path, doc) -> list[Problem]:
    with pytest.raises(DataValidationError) as info:
        load.load_layer(catalog.NODES, write(tmp_path, doc))
    return list(info.value.problems)


def test_a_valid_layer_loads_with_the_spec_columns(tmp_path):
    gdf = load.load_layer(catalog.NODES, write(tmp_path, collection(node(), node("baku"))))
    assert list(gdf.index) == ["kars", "baku"]
    assert list(gdf.columns[:-1]) == [p.name for p in catalog.NODES.all_properties]
    assert gdf.crs.to_epsg() == 4326
    assert gdf.loc["kars", "corridors"] == ["middle_corridor"]


def test_every_problem_is_listed_at_once(tmp_path):
    bad = [
        node("a", kind="harbour"),  # not allowed
        node("b", border_point="no"),  # wrong type
        node("c", source_url=["javascript:alert(1)"]),  # not http(s)
        node("d", as_of="07/10/2025"),  # not ISO
        node("a"),  # duplicate id
    ]
    missing = node("e")
    del missing["properties"]["name"]
    nulled = node("f", iso3=None)
    found = problems(tmp_path, collection(*bad, missing, nulled))
    summary = {(p.feature, p.field, p.problem) for p in found}
    assert summary == {
        ("a", "kind", "value not allowed"),
        ("b", "border_point", "not true/false"),
        ("c", "source_url", "not http(s) URLs: ['javascript:alert(1)']"),
        ("d", "as_of", "not a date YYYY-MM-DD"),
        ("a", "node_id", "duplicate id (also feature #0)"),
        ("e", "name", "missing property"),
        ("f", "iso3", "must not be null"),
    }
    message = str(DataValidationError(found))
    assert message.startswith("7 problems found:")
    assert "nodes.geojson, feature a, kind: value not allowed (expected port | junction" in message


@pytest.mark.parametrize(
    ("geometry", "expected"),
    [
        (None, "missing geometry"),
        ({"type": "LineString", "coordinates": [[0, 0], [1, 1]]}, "wrong geometry type"),
        ({"type": "Point", "coordinates": [4_500_000.0, 4_900_000.0]}, "projected CRS"),
        ({"type": "Point", "coordinates": [float("nan"), 40.0]}, "non-finite"),
        ({"type": "Point", "coordinates": [43.1, "40.6"]}, "bad position"),
        ({"type": "Point", "coordinates": []}, "no coordinates"),
    ],
)
def test_geometry_problems_are_named(tmp_path, geometry, expected):
    feature = node()
    feature["geometry"] = geometry
    (p,) = problems(tmp_path, collection(feature))
    assert p.field == "geometry"
    assert p.feature == "kars"
    assert expected in p.problem


def test_invalid_polygon_is_reported_with_the_reason(tmp_path):
    country = {
        "type": "Feature",
        "properties": {
            "iso3": "AAA",
            "name": "Bowtie",
            "ots_status": "none",
            "ots_joined": None,
            "source_url": ["https://example.org"],
            "as_of": "2024-01-01",
            "confidence": None,
            "note": None,
        },
        "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
    }
    path = write(tmp_path, collection(country), "countries.geojson")
    with pytest.raises(DataValidationError, match="invalid geometry: Self-intersection"):
        load.load_layer(catalog.COUNTRIES, path)


def test_a_projected_crs_member_is_refused(tmp_path):
    doc = collection(node())
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}}
    (p,) = problems(tmp_path, doc)
    assert p.field == "crs"
    assert "EPSG:4326" in str(p)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (b"", "the file is empty"),
        (b"   \n", "the file is empty"),
        (b'{"type": "FeatureCollection", "features": [', "invalid JSON at line 1"),
        ("café".encode("latin-1"), "not UTF-8 text"),
        (b"[1, 2]", "top level is not an object"),
        (b'{"type": "Feature"}', "not a FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": {}}', "'features' is not a list"),
        (b'{"type": "FeatureCollection", "features": []}', "the layer has no features"),
        (b'{"type": "FeatureCollection", "type": "x", "features": []}', "duplicate key 'type'"),
        (b"[" * 5000 + b"]" * 5000, "nested 5000 levels deep"),
    ],
)
def test_unreadable_files_get_one_clear_message(tmp_path, raw, expected):
    (p,) = problems(tmp_path, raw)
    assert expected in p.problem
    assert p.source == "nodes.geojson"


def test_missing_file(tmp_path):
    with pytest.raises(DataValidationError, match="file not found"):
        load.load_layer(catalog.NODES, tmp_path / "nodes.geojson")


def test_load_all_keeps_going_when_one_layer_is_broken(tmp_path):
    (tmp_path / "layers").mkdir()
    write(tmp_path / "layers", collection(node()))
    write(tmp_path / "layers", "{broken", "summits.geojson")
    result = load.load_all(tmp_path, keys=("nodes", "summits", "pipelines"))
    assert list(result.frames) == ["nodes"]
    assert set(result.errors) == {"summits", "pipelines"}
    assert "invalid JSON" in str(result.errors["summits"])
    assert "file not found" in str(result.errors["pipelines"])


@pytest.mark.parametrize("path", sorted((CORPUS / "bad").glob("*.geojson")), ids=lambda p: p.name)
def test_every_bad_corpus_file_gets_a_named_message(path):
    """The geojsonhint corpus never crashes the loader: a DataValidationError or a clean load."""
    raw = path.read_bytes()
    try:
        doc = load.parse_geojson_bytes(raw, path.name)
        found = load.validate_collection(catalog.NODES, doc, path.name)
    except DataValidationError as exc:
        found = list(exc.problems)
    assert found, f"{path.name} passed validation as a nodes layer"
    assert all(p.source == path.name for p in found)
    assert all(str(p) for p in found)


def test_problem_rendering_is_capped():
    err = DataValidationError([Problem("f", f"p{i}") for i in range(60)])
    assert "... and 10 more" in str(err)
    assert len(err.problems) == 60


def test_spec_for_file():
    assert load.spec_for_file(Path("x/corridors.geojson")) is catalog.CORRIDOR_LEGS
    assert load.spec_for_file(Path("mine.geojson")) is None


def test_nested_copy_is_not_mutated(tmp_path):
    doc = collection(node())
    before = copy.deepcopy(doc)
    load.load_layer(catalog.NODES, write(tmp_path, doc))
    assert doc == before


def test_participants_table_problems_are_named(tmp_path):
    (tmp_path / "layers").mkdir()
    (tmp_path / "layers" / "ots_participants.csv").write_text(
        "name,iso3,kind,ots_status,ots_joined,source_url,as_of\n"
        'Hungary,HUN,state,guest,2018-09-03,"[""https://example.org""]",2023-02-27\n'
        'Turkmenistan,TKM,state,observer,12/11/2021,"[""javascript:alert(1)""]",2023-02-27\n',
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError) as info:
        load.load_participants(tmp_path)
    found = {(p.feature, p.field, p.problem) for p in info.value.problems}
    assert found == {
        ("Hungary", "ots_status", "value not allowed"),
        ("Turkmenistan", "ots_joined", "not a date YYYY-MM-DD"),
        ("Turkmenistan", "source_url", "not a JSON list of http(s) URLs"),
    }


def test_gas_exports_table_problems_are_named(tmp_path):
    (tmp_path / "layers").mkdir()
    header = (
        "year,total_bcm,europe_bcm,turkiye_bcm,turkiye_tanap_bcm,georgia_bcm,syria_bcm,"
        "europe_share,source_url,as_of\n"
    )
    (tmp_path / "layers" / "gas_exports.csv").write_text(
        header + '2025,lots,12.8,,,,,0.5,"[""https://example.org""]",2026-01-16\n',
        encoding="utf-8",
    )
    with pytest.raises(DataValidationError, match="feature 2025, total_bcm: not a number"):
        load.load_gas_exports(tmp_path)
    (tmp_path / "layers" / "gas_exports.csv").write_text("year\n2025\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match="total_bcm: missing column"):
        load.load_gas_exports(tmp_path)
