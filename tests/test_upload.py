"""Users' own layers: every format reads, every bad file gives a named message, limits hold."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

import geopandas as gpd
import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from corridormap import catalog, filters, formatting, load, mapbuild, upload
from corridormap._errors import DataValidationError
from corridormap.catalog import Kind
from corridormap.filters import Filters
from corridormap.settings import Settings, describe, load_settings

ROOT = Path(__file__).resolve().parents[1]
BAD = ROOT / "tests" / "fixtures" / "bad_uploads"
HINT = ROOT / "tests" / "fixtures" / "geojsonhint"

CITIES = gpd.GeoDataFrame(
    {"name": ["Baku", "Tbilisi", "Kars"], "pop_m": [2.3, 1.2, 0.1], "rank": [1, 2, 3]},
    geometry=[shapely.Point(49.87, 40.41), shapely.Point(44.8, 41.7), shapely.Point(43.1, 40.6)],
    crs="EPSG:4326",
)


def read(raw: bytes | str, name: str, **kw) -> upload.UserLayer:
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    return upload.read_user_layer(data, name, **kw)


def problems(raw: bytes | str, name: str, **kw) -> str:
    with pytest.raises(DataValidationError) as info:
        read(raw, name, **kw)
    return str(info.value)


def fc(*features: dict) -> str:
    return json.dumps({"type": "FeatureCollection", "features": list(features)})


def feature(geometry: dict | None, fid: object = None, **props: object) -> dict:
    out: dict = {"type": "Feature", "properties": props, "geometry": geometry}
    if fid is not None:
        out["id"] = fid
    return out


def zip_bytes(members: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return buf.getvalue()


def shapefile_zip(gdf: gpd.GeoDataFrame, tmp: Path, stem: str = "cities") -> bytes:
    gdf.to_file(tmp / f"{stem}.shp")
    return zip_bytes({f"data/{p.name}": p.read_bytes() for p in sorted(tmp.glob(f"{stem}.*"))})


# -- every format -----------------------------------------------------------------------------


def test_geojson_becomes_a_layer_like_the_others():
    layer = read(CITIES.to_json(), "My cities.geojson", index=2)
    spec = layer.spec
    assert spec.key == "user_my_cities"
    assert spec.title == "My cities"
    assert spec.style_key == "user:2"
    assert spec.label_property == "name"
    assert {p.name: p.kind for p in spec.properties}.items() >= {
        "name": Kind.STR,
        "pop_m": Kind.FLOAT,
        "rank": Kind.INT,
    }.items()
    assert all(p.nullable for p in spec.properties if p.name != spec.id_property)
    assert list(layer.gdf.index) == [str(i) for i in layer.gdf[spec.id_property]]
    assert layer.gdf.crs.to_epsg() == 4326
    assert layer.report.features == 3
    assert layer.report.vertices == 3
    assert layer.report.crs == "EPSG:4326"
    assert layer.report.dropped == ()


def test_geopackage(tmp_path):
    CITIES.to_crs(3857).to_file(tmp_path / "c.gpkg", driver="GPKG")
    layer = read((tmp_path / "c.gpkg").read_bytes(), "c.gpkg")
    assert layer.report.crs == "EPSG:3857"
    assert layer.report.format == "GeoPackage"
    # reprojected to lon/lat
    assert layer.gdf.geometry.iloc[0].x == pytest.approx(49.87, abs=1e-6)


def test_zipped_shapefile_in_a_folder(tmp_path):
    layer = read(shapefile_zip(CITIES, tmp_path), "cities.zip")
    assert len(layer.gdf) == 3
    assert sorted(layer.gdf["name"]) == ["Baku", "Kars", "Tbilisi"]


def test_kml(tmp_path):
    CITIES.to_file(tmp_path / "c.kml", driver="KML")
    layer = read((tmp_path / "c.kml").read_bytes(), "c.kml")
    assert len(layer.gdf) == 3
    assert layer.spec.label_property.lower() == "name"
    # KML's many empty columns are left out
    assert all(layer.gdf[p.name].notna().any() for p in layer.spec.properties)


@pytest.mark.parametrize(
    ("header", "sep"),
    [("name,lat,lon", ","), ("Name;Latitude;Longitude", ";"), ("name\tY\tX", "\t")],
)
def test_csv_with_common_column_names(header, sep):
    rows = ["Baku{0}40.41{0}49.87", "Kars{0}40.6{0}43.1"]
    text = "\n".join([header, *(r.format(sep) for r in rows)]) + "\n"
    layer = read(text, "points.csv")
    assert len(layer.gdf) == 2
    assert layer.gdf.geometry.iloc[0].x == pytest.approx(49.87)


def test_csv_bad_rows_are_dropped_and_named():
    layer = read("name,lat,lng\nBaku,40.4,49.8\nX,abc,1\nY,95,1\nZ,,2\n", "p.csv")
    assert len(layer.gdf) == 1
    dropped = [str(p) for p in layer.report.dropped]
    assert "p.csv, feature row 3, lat: lat 'abc' is not a number" in dropped
    assert any("row 4" in d and "outside lon/lat range" in d for d in dropped)
    assert any("row 5" in d for d in dropped)


def test_geojson_feature_ids_are_kept_when_unique():
    doc = fc(
        feature({"type": "Point", "coordinates": [1, 2]}, "a", name="A"),
        feature({"type": "Point", "coordinates": [3, 4]}, "b", name="B"),
    )
    assert list(read(doc, "x.geojson").gdf.index) == ["a", "b"]


def test_an_id_property_is_used_when_unique_and_added_otherwise():
    unique = fc(*(feature({"type": "Point", "coordinates": [i, i]}, ID=f"k{i}") for i in range(3)))
    layer = read(unique, "u.geojson")
    assert layer.spec.id_property == "ID"
    assert list(layer.gdf.index) == ["k0", "k1", "k2"]
    twice = fc(*(feature({"type": "Point", "coordinates": [i, i]}, id="same") for i in range(2)))
    layer = read(twice, "t.geojson")
    assert layer.spec.id_property == "_id"
    assert list(layer.gdf["id"]) == ["same", "same"]


def test_keys_are_unique_per_session():
    a = read(CITIES.to_json(), "x.geojson")
    b = read(CITIES.to_json(), "x.geojson", taken=[a.spec.key])
    assert a.spec.key != b.spec.key
    # never a shipped layer's key either
    assert read(CITIES.to_json(), "nodes.geojson").spec.key == "user_nodes"


def test_a_declared_geojson_crs_is_reprojected():
    doc = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::3857"}},
        "features": [feature({"type": "Point", "coordinates": [5551000.0, 4927000.0]})],
    }
    layer = read(json.dumps(doc), "m.geojson")
    assert layer.report.crs == "EPSG:3857"
    assert -180 < layer.gdf.geometry.iloc[0].x < 180


def test_reserved_and_odd_property_names():
    props = {
        "geometry": "g",
        "_id": "x",
        "source_url": "javascript:alert(1)",
        "as_of": "yesterday",
        "confidence": "maybe",
        "nested": {"a": [1]},
        "flag": True,
    }
    doc = fc(
        {
            "type": "Feature",
            "properties": props,
            "geometry": {"type": "Point", "coordinates": [1, 2]},
        }
    )
    layer = read(doc, "odd.geojson")
    row = layer.gdf.iloc[0]
    assert row["geometry (from file)"] == "g"
    assert row["_id (from file)"] == "x"
    # The one URL policy: a javascript: URL is never kept as a source link, and the report
    # says what was left out.
    assert row["source_url"] is None
    assert any("'source_url' are not http(s)" in n for n in layer.report.notes)
    assert row["as_of"] is None
    assert row["confidence"] is None
    assert row["nested"] == '{"a": [1]}'
    assert row["flag"] == "true"
    assert any("as_of" in n for n in layer.report.notes)
    # the card and table can show it
    card = formatting.card(layer.spec, row.to_dict())
    assert card.sources == ()
    assert formatting.table(layer.spec, layer.gdf).shape[0] == 1


# -- geometry checks and repair ---------------------------------------------------------------

BOWTIE = {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}
SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]}


def test_invalid_geometry_is_named_or_repaired():
    doc = fc(feature(BOWTIE, name="bow"), feature(SQUARE, name="ok"))
    layer = read(doc, "poly.geojson")
    (dropped,) = layer.report.dropped
    assert dropped.feature == "#0"
    assert "invalid geometry: Self-intersection" in dropped.problem
    assert len(layer.gdf) == 1

    fixed = read(doc, "poly.geojson", repair=True)
    assert fixed.report.repaired == 1
    assert len(fixed.gdf) == 2
    assert set(fixed.gdf.geom_type) <= {"Polygon", "MultiPolygon"}  # still polygons
    assert fixed.gdf.is_valid.all()


def test_z_coordinates_are_dropped_to_2d():
    doc = fc(feature({"type": "Point", "coordinates": [1, 2, 300]}))
    assert not read(doc, "z.geojson").gdf.geometry.iloc[0].has_z


# -- limits ---------------------------------------------------------------------------------------


def test_file_size_limit():
    msg = problems(CITIES.to_json(), "c.geojson", settings=Settings(max_mb=0.0001))
    assert "the limit is 0.0001 MB" in msg


def test_feature_limit():
    msg = problems(CITIES.to_json(), "c.geojson", settings=Settings(max_features=2))
    assert "3 features; the limit is 2" in msg


def test_one_huge_feature_hits_the_vertex_limit():
    line = {"type": "LineString", "coordinates": [[i / 1000, 0] for i in range(5000)]}
    msg = problems(
        fc(feature(line, name="huge")), "big.geojson", settings=Settings(max_vertices=1000)
    )
    assert "big.geojson, feature #0, geometry: 5,000 vertices in one feature" in msg


def test_many_small_features_hit_the_vertex_limit():
    line = {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}
    doc = fc(*(feature(line) for _ in range(600)))
    assert "more than 1,000 vertices" in problems(
        doc, "many.geojson", settings=Settings(max_vertices=1000)
    )


def test_nesting_limit_is_configurable():
    doc = fc(feature({"type": "Point", "coordinates": [1, 2]}, deep=[[[[[[1]]]]]]))
    assert "nested 10 levels deep (limit 8)" in problems(
        doc, "d.geojson", settings=Settings(max_nesting=8)
    )


def test_zip_bomb_is_refused_before_extracting():
    # 50 MB of zeros compress to ~50 kB: a ratio of ~1000:1
    bomb = zip_bytes({"bomb.shp": b"\0" * 50_000_000, "bomb.shx": b"", "bomb.dbf": b""})
    assert len(bomb) < 200_000
    msg = problems(bomb, "bomb.zip")
    assert "bomb.shp' is compressed" in msg
    assert "zip bomb" in msg
    msg = problems(bomb, "bomb.zip", settings=Settings(max_unzipped_mb=10, max_zip_ratio=1e9))
    assert "expands to 48 MB; the limit is 10 MB" in msg


def test_zip_member_that_lies_about_its_size_is_stopped(tmp_path):
    raw = bytearray(shapefile_zip(CITIES, tmp_path))
    # the central directory entry of the .dbf (its name sits 46 bytes in) declares 10 bytes
    start = raw.rfind(b"data/cities.dbf") - 46
    assert raw[start : start + 4] == b"PK\x01\x02"
    raw[start + 24 : start + 28] = (10).to_bytes(4, "little")
    msg = problems(bytes(raw), "liar.zip")
    assert "liar.zip: cannot extract 'data/cities.dbf'" in msg


@pytest.mark.parametrize(
    ("members", "phrase"),
    [
        ({"readme.txt": b"hi"}, "no shapefile (.shp) in the archive"),
        ({}, "no shapefile"),
        (
            {"a.shp": b"1", "a.shx": b"1", "a.dbf": b"1", "b.shp": b"1"},
            "2 layers in the archive",
        ),
        ({"a.shp": b"1"}, "lacks its .shx and .dbf"),
        ({f"f{i}.txt": b"" for i in range(30)}, "30 files in the archive; the limit is 20"),
    ],
)
def test_zip_archives_with_several_or_no_layers(members, phrase):
    assert phrase in problems(zip_bytes(members), "a.zip")


def test_zip_member_names_never_become_paths(tmp_path):
    CITIES.to_file(tmp_path / "c.shp")
    members = {f"../../evil/{p.name}": p.read_bytes() for p in tmp_path.glob("c.*")}
    layer = read(zip_bytes(members), "slip.zip")
    assert len(layer.gdf) == 3
    assert not (tmp_path.parent.parent / "evil").exists()


def test_geopackage_with_two_layers(tmp_path):
    path = tmp_path / "two.gpkg"
    CITIES.to_file(path, layer="a", driver="GPKG")
    CITIES.to_file(path, layer="b", driver="GPKG")
    assert "2 layers in the file ('a, b')" in problems(path.read_bytes(), "two.gpkg")


def test_shapefile_without_crs_in_metres_says_the_crs_is_missing(tmp_path):
    projected = CITIES.to_crs(3857).set_crs(None, allow_override=True)
    msg = problems(shapefile_zip(projected, tmp_path), "m.zip")
    assert "declares no CRS: is it in a projected CRS?" in msg


def test_nothing_is_written_under_data(tmp_path):
    before = sorted(p for p in (ROOT / "data").rglob("*"))
    read(shapefile_zip(CITIES, tmp_path), "cities.zip")
    read(CITIES.to_json(), "c.geojson")
    assert sorted(p for p in (ROOT / "data").rglob("*")) == before


# -- the corpus of bad files ------------------------------------------------------------------

EXPECTED = json.loads((BAD / "expected.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_bad_upload_corpus_gives_named_messages(name):
    raw = (BAD / name).read_bytes()
    msg = problems(raw, name)
    assert name in msg
    assert EXPECTED[name] in msg


def test_corpus_is_current():
    files = {p.name for p in BAD.iterdir()} - {"expected.json", "generate.py"}
    assert files == set(EXPECTED)


@pytest.mark.parametrize("path", sorted((HINT / "bad").glob("*.geojson")), ids=lambda p: p.name)
def test_geojsonhint_bad_files_never_raise_anything_else(path):
    try:
        read(path.read_bytes(), path.name)
    except DataValidationError as exc:
        message = str(exc)
    else:
        message = path.name
    assert path.name in message


@pytest.mark.parametrize("path", sorted((HINT / "good").glob("*.geojson")), ids=lambda p: p.name)
def test_geojsonhint_good_files(path):
    try:
        layer = read(path.read_bytes(), path.name)
    except DataValidationError as exc:
        message = str(exc)
        # only what the map cannot draw: collections, nothing drawable, latitude -107
        assert any(w in message for w in ("GeometryCollection", "no feature", "outside")), message
    else:
        assert len(layer.gdf) >= 1


def test_the_geojson_messages_match_the_cli_loader():
    for raw in (b"", b"\xff", b'{"a": 1, "a": 2}', b"[" * 100, b"{"):
        with pytest.raises(DataValidationError) as shipped:
            load.parse_geojson_bytes(raw, "f.geojson")
        assert str(shipped.value) == problems(raw, "f.geojson")


# -- properties: random input never raises anything but DataValidationError ------------------

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4)
    ),
    max_leaves=20,
)
coords = st.lists(st.floats() | st.integers() | st.text(max_size=3), min_size=0, max_size=4)
geometries = st.one_of(
    st.none(),
    json_values,
    st.fixed_dictionaries(
        {
            "type": st.sampled_from(
                ["Point", "LineString", "Polygon", "MultiPoint", "MultiPolygon", "Nope"]
            ),
            "coordinates": st.one_of(
                coords, st.lists(coords, max_size=5), st.lists(st.lists(coords, max_size=5))
            ),
        }
    ),
)
features = st.one_of(
    json_values,
    st.fixed_dictionaries(
        {
            "type": st.just("Feature"),
            "properties": st.one_of(st.none(), st.dictionaries(st.text(max_size=10), json_values)),
            "geometry": geometries,
        }
    ),
)


def _never_raises_otherwise(raw: bytes, name: str) -> None:
    try:
        layer = read(raw, name, repair=True)
    except DataValidationError as exc:
        found = exc.problems
        assert found
    else:
        assert len(layer.gdf) >= 1
        assert layer.gdf.index.is_unique
        mapbuild.overlay_groups({layer.spec.key: layer.gdf}, specs=[layer.spec])


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(features, max_size=5))
def test_random_feature_collections(feats):
    raw = json.dumps({"type": "FeatureCollection", "features": feats}, allow_nan=True)
    _never_raises_otherwise(raw.encode(), "random.geojson")


@given(st.binary(max_size=300), st.sampled_from([*sorted(upload.FORMATS), ".txt", ""]))
def test_random_bytes(raw, ext):
    _never_raises_otherwise(raw, f"random{ext}")


@given(st.lists(st.lists(st.text(max_size=6), min_size=3, max_size=3), max_size=6))
def test_random_csv(rows):
    text = "name,lat,lon\n" + "\n".join(",".join(r) for r in rows)
    _never_raises_otherwise(text.encode(), "random.csv")


# -- the user layer in filters, search and the map --------------------------------------------


def test_user_layer_goes_through_the_country_filter_and_search():
    shipped = load.load_all(keys=[catalog.COUNTRIES.key])
    countries = shipped[catalog.COUNTRIES.key]
    layer = read(CITIES.to_json(), "cities.geojson")
    frames = {catalog.COUNTRIES.key: countries, layer.spec.key: layer.gdf}
    specs = [*catalog.LAYERS, layer.spec]
    f = Filters(countries=("GEO",), layers=(layer.spec.key,))
    shown = filters.apply(frames, f, specs=specs)
    assert list(shown[layer.spec.key]["name"]) == ["Tbilisi"]
    hits = formatting.search(formatting.search_index(frames, specs), "kars")
    assert [h.key for h in hits] == [f"{layer.spec.key}:{layer.gdf.index[2]}"]


# -- settings -----------------------------------------------------------------------------


def test_settings_from_file_and_env(tmp_path):
    toml = tmp_path / "corridormap.toml"
    toml.write_text("[upload]\nmax_mb = 5\nmax_features = 'many'\n", encoding="utf-8")
    s = load_settings(toml, env={"CORRIDORMAP_UPLOAD_MAX_VERTICES": "1000"})
    assert s.max_mb == 5
    assert s.max_vertices == 1000
    assert s.max_features == Settings().max_features
    assert s.max_nesting == load.MAX_NESTING
    rows = {r["setting"]: r for r in describe(s)}
    assert rows["max_mb"]["from"].endswith("[upload] max_mb")
    assert rows["max_vertices"]["from"] == "env CORRIDORMAP_UPLOAD_MAX_VERTICES"
    assert "ignored" in rows["max_features"]["from"]
    assert rows["max_zip_ratio"]["from"] == "default"


def test_env_overrides_file_and_bad_env_is_ignored(tmp_path):
    toml = tmp_path / "c.toml"
    toml.write_text("[upload]\nmax_mb = 5\n", encoding="utf-8")
    s = load_settings(toml, env={"CORRIDORMAP_UPLOAD_MAX_MB": "7.5"})
    assert s.max_mb == 7.5
    s = load_settings(toml, env={"CORRIDORMAP_UPLOAD_MAX_MB": "-1"})
    assert s.max_mb == 5
    assert load_settings(tmp_path / "missing.toml", env={}) == Settings()


# -- one session's layers: a cap, and names that never collide ----------------------------------

HUBS_CSV = "name,lat,lon\nBaku,40.4,49.9\n"


def test_a_session_holds_at_most_max_layers():
    taken = [f"user_l{i}" for i in range(3)]
    msg = problems(HUBS_CSV, "hubs.csv", taken=taken, settings=Settings(max_layers=3))
    assert "already holds 3 own layers; the limit is 3: remove one first" in msg
    assert read(HUBS_CSV, "hubs.csv", taken=taken[:2], settings=Settings(max_layers=3))


def test_layer_titles_never_collide_with_the_sessions_or_the_shipped_ones():
    assert read(HUBS_CSV, "hubs.csv", taken_titles=["hubs"]).spec.title == "hubs (2)"
    assert read(HUBS_CSV, "hubs.csv", taken_titles=["Hubs", "hubs (2)"]).spec.title == "hubs (3)"
    assert read(HUBS_CSV, "Nodes.csv").spec.title == "Nodes (2)"  # a shipped layer's title


def test_gdal_never_reaches_the_network_while_reading_users_files():
    from corridormap import gdalread  # noqa: PLC0415

    assert gdalread.GDAL_OPTIONS["CPL_VSIL_CURL_ALLOWED_EXTENSIONS"].startswith(".corridormap")
    assert gdalread.GDAL_OPTIONS["PROJ_NETWORK"] == "OFF"
    assert set(gdalread.DRIVERS.values()) == {"GPKG", "ESRI Shapefile", "KML"}
