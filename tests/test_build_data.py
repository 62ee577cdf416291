"""The build is deterministic and the committed layers are what it produces."""

from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
from shapely.geometry import LineString, MultiPolygon, Polygon

from corridormap import build_data, catalog
from corridormap.build_data.countries import _drop_small_parts
from corridormap.build_data.sources import _connecting_rows

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="module")
def rebuilt(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("data")
    shutil.copytree(DATA / "sources", out / "sources")
    build_data.build_all(out, static_dir=out / "static")
    return out


def _outputs() -> list[str]:
    return [f"layers/{s.file}" for s in catalog.LAYERS] + [
        "layers/ots_participants.csv",
        "layers/place_names.csv",
        "manifest.json",
    ]


def test_committed_basemap_display_matches_a_fresh_build(rebuilt: Path) -> None:
    rel = "data/land.json"
    repo_static = DATA.parent / "static"
    assert (rebuilt / "static" / rel).read_bytes() == (repo_static / rel).read_bytes(), (
        "static/data/land.json is stale: run `corridormap build-data` and commit the result"
    )


@pytest.mark.parametrize("rel", _outputs())
def test_committed_files_match_a_fresh_build(rebuilt: Path, rel: str) -> None:
    assert (rebuilt / rel).read_bytes() == (DATA / rel).read_bytes(), (
        f"{rel} is stale: run `python -m corridormap.build_data` and commit the result"
    )


def test_second_build_is_byte_identical(rebuilt: Path, tmp_path: Path) -> None:
    shutil.copytree(rebuilt / "sources", tmp_path / "sources")
    build_data.build_all(tmp_path)
    for rel in _outputs():
        assert (tmp_path / rel).read_bytes() == (rebuilt / rel).read_bytes(), rel


def test_build_reads_only_the_sources_dir(tmp_path: Path) -> None:
    # A data dir with no sources must fail, proving nothing is read from elsewhere.
    with pytest.raises(FileNotFoundError):
        build_data.build_all(tmp_path)


def test_dumps_collection_is_compact_and_ends_with_newline() -> None:
    feat = {"type": "Feature", "properties": {"name": "Türkiye"}, "geometry": None}
    data = build_data.dumps_collection([feat, feat])
    assert data.endswith(b"]}\n")
    assert "Türkiye".encode() in data  # ensure_ascii=False
    assert data.count(b"\n") == 4  # header, two features, footer


def test_geometry_json_rounds_and_orients() -> None:
    line = build_data.geometry_json(LineString([(1.123456789, 2.0), (-0.000001, 3.5)]))
    assert line["coordinates"] == [[1.12346, 2.0], [0.0, 3.5]]
    cw = Polygon([(0, 0), (0, 1), (1, 1), (1, 0)])  # clockwise exterior
    out = build_data.geometry_json(cw)
    ring = out["coordinates"][0]
    area2 = sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))
    assert area2 > 0  # counter-clockwise, per RFC 7946


def test_simplify_countries_keeps_shared_borders() -> None:
    a = Polygon([(0, 0), (1, 0.001), (2, 0), (2, 2), (0, 2)])
    b = Polygon([(0, 0), (1, 0.001), (2, 0), (2, -2), (0, -2)])
    out = build_data.simplify_countries([("A", "A", a), ("B", "B", b)], tolerance=0.01)
    assert out["A"].intersection(out["B"]).area == 0
    assert out["A"].union(out["B"]).area == pytest.approx(8.0, abs=1e-6)


def test_drop_small_parts_keeps_the_largest() -> None:
    big = Polygon([(0, 0), (1, 0), (1, 1), (0, 1)])
    tiny = Polygon([(5, 5), (5.01, 5), (5.01, 5.01), (5, 5.01)])
    out = _drop_small_parts(MultiPolygon([tiny, big]), 0.001)
    assert out.equals(big)


def test_source_dates_reject_unknown_urls() -> None:
    dates = build_data.SourceDates({"https://a.example/x": "2024-01-02"})
    assert dates.as_of(["https://a.example/x"]) == "2024-01-02"
    with pytest.raises(build_data.BuildError):
        dates.as_of(["https://unknown.example/"])
    # an undated page gives no date, and nothing stands in for one (not the copy date)
    undated = build_data.SourceDates(
        {"https://u.example/": None, "https://d.example/": "2020-05-01"}
    )
    with pytest.raises(build_data.BuildError, match="no dated source"):
        undated.as_of_and_note(["https://u.example/"], None)
    assert undated.as_of_and_note(["https://u.example/", "https://d.example/"], "n") == (
        "2020-05-01",
        "n",
    )


def test_shipped_layers_pass_the_shared_validator() -> None:
    load = pytest.importorskip("corridormap.load")
    for spec in catalog.LAYERS:
        load.load_layer(spec, spec.path(DATA))
    if hasattr(load, "load_participants"):
        table = load.load_participants(DATA)
        assert len(table) == 9


NODES = [
    {"node_id": "alat", "waypoint": "39.9300,49.4100", "name": "Alat", "iso3": "AZE"},
    {"node_id": "horadiz", "waypoint": "39.4502,47.3350", "name": "Horadiz", "iso3": "AZE"},
]
LEG = {"mode": "rail", "status": "operational", "sources": ["https://a.example/x"]}


def test_connecting_lines_become_waypoint_rows() -> None:
    rows = _connecting_rows(
        {"LINK": {"layer": "zangezur", "nodes": ["alat", "horadiz"], "legs": {1: LEG}}}, NODES
    )
    assert [(r["feature_id"], r["seq"], r["lat"], r["lon"]) for r in rows] == [
        ("LINK", "1", "39.9300", "49.4100"),
        ("LINK", "2", "39.4502", "47.3350"),
    ]
    assert (rows[0]["mode_to_next"], rows[0]["status_to_next"]) == ("rail", "operational")
    assert rows[0]["source_url"] == "https://a.example/x"
    assert rows[1]["mode_to_next"] == ""


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ({"nodes": ["alat", "atlantis"], "legs": {1: LEG}}, "unknown node 'atlantis'"),
        ({"nodes": ["alat", "horadiz"], "legs": {1: {**LEG, "sources": []}}}, "leg 1: no sources"),
        ({"nodes": ["alat", "horadiz"], "legs": {2: LEG}}, "legs must be numbered 1..1"),
    ],
)
def test_a_bad_connecting_line_is_named(line: dict, message: str) -> None:
    with pytest.raises(build_data.BuildError, match=message):
        _connecting_rows({"LINK": {"layer": "zangezur", **line}}, NODES)


# ---------------------------------------------------------------------------------------------
# The place-name table (data/sources/place_names.csv)


def _names_with(tmp_path: Path, row: str) -> Path:
    """A copy of the sources whose place-name table has ``row`` appended."""
    shutil.copytree(DATA / "sources", tmp_path / "sources")
    path = tmp_path / "sources" / "place_names.csv"
    path.write_text(path.read_text(encoding="utf-8") + row + "\n", encoding="utf-8")
    return tmp_path


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (
            "atlantis,Atlantis,ru,Атлантида,https://example.org/a,,",
            r"line \d+ \(atlantis, ru\): unknown place 'atlantis'",
        ),
        ("poti,Poti,ru,Поти,,,", r"line \d+ \(poti, ru\): no source"),
        ("poti,Poti,de,Poti,https://example.org/p,,", r"\(poti, de\): language 'de' is not one"),
        ("poti,Batumi,ru,Поти,https://example.org/p,,", r"\(poti, ru\): data name 'Batumi'"),
        ("baku,Baku,ru,Баку,https://example.org/b,,", r"\(baku, ru\): baku in ru given twice"),
        ("poti,Poti,ru,Поти,https://example.org/p,5 May 2025,", r"source_date is not"),
    ],
)
def test_place_names_refuse_a_bad_row_naming_it(tmp_path: Path, row: str, message: str) -> None:
    with pytest.raises(build_data.BuildError, match=message):
        build_data.build_all(_names_with(tmp_path, row))


def test_place_names_ship_with_their_hash_and_count(rebuilt: Path) -> None:
    import csv  # noqa: PLC0415
    import hashlib  # noqa: PLC0415
    import json  # noqa: PLC0415

    manifest = json.loads((rebuilt / "manifest.json").read_text(encoding="utf-8"))
    entry = next(e for e in manifest["layers"] if e["key"] == "place_names")
    data = (rebuilt / entry["file"]).read_bytes()
    assert entry["sha256"] == hashlib.sha256(data).hexdigest()
    with (DATA / "sources" / "place_names.csv").open(encoding="utf-8") as f:
        source_rows = list(csv.DictReader(f))
    assert entry["feature_count"] == len(source_rows) > 0
    assert "Unicode" in entry["licence"]
    shipped = {
        (r["place_id"], r["language"]): r["name"]
        for r in csv.DictReader(data.decode().splitlines())
    }
    assert shipped[("baku", "ru")] == "Баку"
    assert all(r["source"] for r in source_rows)


def test_a_valid_added_place_name_is_built_deterministically(tmp_path: Path) -> None:
    """A new sourced row is shipped, and two builds with it are byte-identical."""
    # Shu has no Azerbaijani row yet
    row = "shu,Shu,az,Shu (test),https://example.org/t,2025-01-02,"
    first = _names_with(tmp_path / "a", row)
    build_data.build_all(first)
    second = tmp_path / "b"
    shutil.copytree(first / "sources", second / "sources")
    build_data.build_all(second)
    for rel in ("layers/place_names.csv", "manifest.json"):
        assert (first / rel).read_bytes() == (second / rel).read_bytes(), rel
    shipped = (first / "layers/place_names.csv").read_text("utf-8")
    assert "shu,Shu,az,Shu (test)" in shipped
