"""Facts and geometry checks on the shipped layers in data/layers (built by build_data)."""

from __future__ import annotations

import csv
import itertools
import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import shapely
from shapely.geometry import Point, shape

from corridormap import catalog

DATA = Path(__file__).resolve().parents[1] / "data"
URL = re.compile(r"^https?://\S+$")


def _load(key: str) -> list[dict[str, Any]]:
    spec = catalog.get(key)
    doc = json.loads(spec.path(DATA).read_text(encoding="utf-8"))
    return doc["features"]


@pytest.fixture(scope="module")
def countries() -> dict[str, Any]:
    return {f["properties"]["iso3"]: shape(f["geometry"]) for f in _load("countries")}


def _props(key: str) -> list[dict[str, Any]]:
    return [f["properties"] for f in _load(key)]


# --- OTS ----------------------------------------------------------------


def test_ots_members_and_observers() -> None:
    props = {p["iso3"]: p for p in _props("countries")}
    members = sorted(k for k, p in props.items() if p["ots_status"] == "member")
    observers = sorted(k for k, p in props.items() if p["ots_status"] == "observer")
    assert members == ["AZE", "KAZ", "KGZ", "TUR", "UZB"]
    assert observers == ["CYN", "HUN", "TKM"]
    assert {k: props[k]["ots_joined"] for k in ("AZE", "KAZ", "KGZ", "TUR")} == dict.fromkeys(
        ("AZE", "KAZ", "KGZ", "TUR"), "2009-10-03"
    )
    assert props["UZB"]["ots_joined"] == "2019-10-15"
    assert props["TKM"]["ots_joined"] == "2021-11-12"
    assert props["CYN"]["ots_joined"] == "2022-11-11"
    assert props["HUN"]["ots_joined"].startswith("2018-09")
    assert props["HUN"]["confidence"] == "medium"
    assert props["CYN"]["name"] == "Northern Cyprus"
    assert props["ARM"]["ots_status"] == "none"


def test_ots_participants_table_includes_eco() -> None:
    with (DATA / "layers" / "ots_participants.csv").open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    eco = [r for r in rows if r["kind"] == "organization"]
    assert len(eco) == 1
    assert eco[0]["name"] == "Economic Cooperation Organization"
    assert eco[0]["iso3"] == ""
    assert eco[0]["ots_status"] == "observer"
    assert eco[0]["ots_joined"] == "2023-11-03"
    assert sorted(r["iso3"] for r in rows if r["ots_status"] == "observer" and r["iso3"]) == [
        "CYN",
        "HUN",
        "TKM",
    ]
    for r in rows:
        assert all(URL.match(u) for u in json.loads(r["source_url"]))


# --- Gas destinations ----------------------------------------------------------------


def _gas_count(on: str) -> int:
    return sum(1 for p in _props("gas_destinations") if p["supply_start"] <= on)


def test_fourteen_gas_destinations_at_gabala_and_sixteen_in_2026() -> None:
    assert _gas_count("2025-10-07") == 14
    assert _gas_count("2026-02-01") == 16
    assert _gas_count("2025-08-01") == 13  # Syria became the 14th on 2 Aug 2025


def test_gas_destination_list() -> None:
    props = {p["iso3"]: p for p in _props("gas_destinations")}
    assert set(props) == {
        "GEO", "TUR", "ITA", "GRC", "BGR", "ROU", "HUN", "SRB",
        "SVN", "HRV", "MKD", "SVK", "UKR", "SYR", "DEU", "AUT",
    }  # fmt: skip
    assert "ALB" not in props  # TAP crosses Albania, but Albania is not (yet) a buyer
    assert props["SYR"]["supply_start"] == "2025-08-02"
    assert {props["DEU"]["supply_start"], props["AUT"]["supply_start"]} == {"2026-01-01"}
    for iso in ("HUN", "SRB", "MKD"):
        assert props[iso]["confidence"] == "medium"
        assert props[iso]["note"]
    assert sorted(p["order_of_entry"] for p in props.values()) == list(range(1, 17))
    pipeline_ids = {p["pipeline_id"] for p in _props("pipelines")}
    for p in props.values():
        assert set(p["route"]) <= pipeline_ids


def test_gas_destination_geometry_is_the_country_polygon(countries: dict[str, Any]) -> None:
    for f in _load("gas_destinations"):
        iso = f["properties"]["iso3"]
        assert shape(f["geometry"]).equals(countries[iso]), iso


def test_no_layer_calls_albania_or_nakhchivan_a_destination() -> None:
    text = (DATA / "layers" / "gas_destinations.geojson").read_text(encoding="utf-8")
    assert "Albania" not in text
    assert "Nakhchivan" not in text


# --- Countries: points, boundary policy, coverage ----------------------------------------

# GeoNames points: Naxçıvan 147429, Simferopol 693805, Qabala 585231, Kyrenia 146412.
KNOWN_POINTS = [
    ("Nakhchivan", 39.20889, 45.41222, "AZE"),
    ("Simferopol", 44.95719, 34.11079, "UKR"),
    ("Gabala", 40.98139, 47.84583, "AZE"),
    ("Kyrenia", 35.33634, 33.31729, "CYN"),
    ("Nicosia south (Republic of Cyprus)", 35.14, 33.36, "CYP"),
    ("Pristina", 42.6629, 21.1655, "KOS"),
    ("Yerevan", 40.1811, 44.5136, "ARM"),
]


@pytest.mark.parametrize(("name", "lat", "lon", "iso3"), KNOWN_POINTS)
def test_known_points_in_the_right_polygon(
    countries: dict[str, Any], name: str, lat: float, lon: float, iso3: str
) -> None:
    pt = Point(lon, lat)
    hits = [k for k, g in countries.items() if g.contains(pt)]
    assert hits == [iso3], name


def test_nakhchivan_turkiye_border_survives(countries: dict[str, Any]) -> None:
    shared = countries["AZE"].intersection(countries["TUR"])
    # the real border is ~7-11 km long; degrees*85 ~ km at 39.7°N
    assert 0.05 < shared.length < 0.2


def test_countries_are_valid_and_do_not_overlap(countries: dict[str, Any]) -> None:
    geoms = list(countries.items())
    for iso, g in geoms:
        assert g.is_valid, iso
        assert g.geom_type in ("Polygon", "MultiPolygon")
    tree = shapely.STRtree([g for _, g in geoms])
    for i, j in zip(*tree.query([g for _, g in geoms], predicate="intersects"), strict=True):
        if i < j:
            area = geoms[i][1].intersection(geoms[j][1]).area
            assert area < 1e-6, (geoms[i][0], geoms[j][0], area)


def test_neighbours_share_borders_without_gaps(countries: dict[str, Any]) -> None:
    # Armenia is landlocked: its neighbours must cover its whole boundary (no slivers).
    arm = countries["ARM"]
    neighbours = shapely.union_all([countries[k] for k in ("AZE", "GEO", "IRN", "TUR")])
    uncovered = arm.boundary.difference(neighbours.buffer(1e-6))
    assert uncovered.length < 1e-6


# Holes in the union of all countries that come from Natural Earth's Germany view itself
# (areas it assigns to no country) or are real water bodies; (lat, lon) inside each.
KNOWN_HOLES = [
    (41.87, 50.5),  # Caspian Sea
    (33.09, 35.72),  # Golan Heights (unassigned in the Germany view)
    (9.67, 28.43),  # Abyei area (unassigned)
]


def test_no_slivers_between_countries(countries: dict[str, Any]) -> None:
    union = shapely.union_all(list(countries.values()))
    for poly in getattr(union, "geoms", [union]):
        for ring in poly.interiors:
            hole = shapely.Polygon(ring)
            if hole.area < 1e-5:
                continue  # rounding residue, far below a square kilometre
            if any(hole.contains(Point(lon, lat)) for lat, lon in KNOWN_HOLES):
                continue
            c = hole.representative_point()
            # small unassigned patches on the Egypt-Sudan border (Halaib / Bir Tawil area)
            assert c.y < 23.5, (c.y, c.x, hole.area)
            assert 33 < c.x < 36, (c.y, c.x, hole.area)
            assert hole.area < 0.01, (c.y, c.x, hole.area)


# --- Corridors and nodes ----------------------------------------------------------------


def test_consecutive_legs_connect() -> None:
    legs = list(_load("corridors"))
    by_route: dict[str, list[dict[str, Any]]] = {}
    for f in legs:
        by_route.setdefault(f["properties"]["route"], []).append(f)
    assert len(by_route) == 11  # the ten reference routes and the Alat–Horadiz connecting line
    for route, fs in by_route.items():
        fs.sort(key=lambda f: f["properties"]["seq"])
        for a, b in itertools.pairwise(fs):
            assert a["geometry"]["coordinates"][-1] == b["geometry"]["coordinates"][0], route
            assert a["properties"]["to_node"] == b["properties"]["from_node"], route


def test_legs_start_and_end_at_their_nodes() -> None:
    nodes = {f["properties"]["node_id"]: f["geometry"]["coordinates"] for f in _load("nodes")}
    for f in _load("corridors"):
        p, c = f["properties"], f["geometry"]["coordinates"]
        assert c[0] == nodes[p["from_node"]], p["segment_id"]
        assert c[-1] == nodes[p["to_node"]], p["segment_id"]


def test_published_leg_facts() -> None:
    legs = {p["segment_id"]: p for p in _props("corridors")}
    by_name = {p["name"]: p for p in legs.values()}
    assert by_name["Horadiz – Aghband"]["length_km"] == 110.4
    assert by_name["Rasht – Qazvin"]["length_km"] == 164
    assert by_name["Astara (Iran) – Rasht"]["length_km"] == 162
    assert by_name["Astara (Iran) – Rasht"]["status"] == "planned"
    assert by_name["Bandar-e Anzali – Rasht"]["opened"] == "2024-06-20"
    assert by_name["GE–TR border tunnel (Kartsakhi) – Kars"]["opened"] == "2017-10-30"
    assert by_name["Aktau – Port of Baku at Alat"]["mode"] == "sea"
    cku = [p for p in legs.values() if (p["section"] or "").startswith("China–Kyrgyzstan")]
    assert [p["segment_id"] for p in sorted(cku, key=lambda p: p["seq"])] == [
        "MC_SOUTH-01",
        "MC_SOUTH-02",
        "MC_SOUTH-03",
    ]  # the new line: Kashgar–Torugart–Kazarman–Jalal-Abad (Manas since Sep 2025)
    assert all(p["section_length_km"] == 523 and p["confidence"] == "medium" for p in cku)
    assert all(p["status"] == "under_construction" and p["expected"] == 2030 for p in cku)
    existing = legs["MC_SOUTH-04"]  # the existing line into Uzbekistan
    assert (existing["name"], existing["status"], existing["expected"]) == (
        "Manas (Jalal-Abad) – Andijan",
        "operational",
        None,
    )
    assert existing["section"] is None
    # Kuryk–Alat and Aktau–Alat are treated alike: no opening date for either ferry leg
    assert by_name["Kuryk – Port of Baku at Alat"]["opened"] is None
    assert by_name["Aktau – Port of Baku at Alat"]["opened"] is None
    rasht = by_name["Astara (Iran) – Rasht"]
    assert rasht["confidence"] == "low"
    assert "2026 military operations" not in rasht["note"]
    assert "~7 km" not in (legs["ZNG_RAIL-07"]["note"] or "")
    kars = [p for p in legs.values() if (p["section"] or "").startswith("Kars–Iğdır")]
    assert {p["section_length_km"] for p in kars} == {224}
    assert all(p["expected"] == 2029 for p in kars)
    assert all(p["geometry_quality"] == "schematic" for p in legs.values())


def test_sea_legs_avoid_land(countries: dict[str, Any]) -> None:
    land = shapely.union_all(list(countries.values()))
    for f in _load("corridors"):
        p = f["properties"]
        if p["mode"] != "sea" or p["route"] == "INSTC_TRANSCASPIAN":
            continue  # the Volga leg starts ~60 km up-river at Astrakhan
        line = shape(f["geometry"])
        a, z = Point(line.coords[0]), Point(line.coords[-1])
        middle = line.difference(a.buffer(0.15)).difference(z.buffer(0.15))
        assert middle.intersection(land).length < 0.05, p["segment_id"]


def test_each_node_lies_in_its_country_or_is_flagged(countries: dict[str, Any]) -> None:
    flagged_outside = []
    for f in _load("nodes"):
        p = f["properties"]
        inside = countries[p["iso3"]].contains(shape(f["geometry"]))
        if not inside:
            assert p["border_point"], p["node_id"]
            assert p["note"], p["node_id"]
            flagged_outside.append(p["node_id"])
    assert "julfa" in flagged_outside  # lands on the Iranian bank at this scale
    assert "nakhchivan" not in flagged_outside


def test_nodes_are_deduplicated() -> None:
    nodes = _props("nodes")
    assert len({p["node_id"] for p in nodes}) == len(nodes)
    coords = [tuple(f["geometry"]["coordinates"]) for f in _load("nodes")]
    assert len(set(coords)) == len(coords)
    alat = next(p for p in nodes if p["node_id"] == "port-of-baku-alat")
    assert set(alat["routes"]) == {"MC_NORTH", "MC_KURYK", "MC_SOUTH", "INSTC_WEST", "ZNG_LINK"}
    assert alat["coord_quality"] == "approximate"


def test_connecting_line_joins_zangezur_to_baku() -> None:
    """The Zangezur line starts at Horadiz; the existing line from Alat joins it to the Baku
    network, sourced and dated like every leg."""
    link = next(p for p in _props("corridors") if p["route"] == "ZNG_LINK")
    assert (link["from_node"], link["to_node"]) == ("port-of-baku-alat", "horadiz")
    assert link["corridor"] == "zangezur"
    assert (link["mode"], link["status"]) == ("rail", "operational")
    assert link["source_url"]
    assert link["as_of"] == "2025-09-05"
    assert link["confidence"] == "low"


# --- Pipelines, summits, annotations -----------------------------------------------------


def test_pipeline_figures() -> None:
    p = {x["pipeline_id"]: x for x in _props("pipelines")}
    assert set(p) == {"SCP", "TANAP", "TAP", "IGB", "IGDIR_NAKHCHIVAN", "KILIS_ALEPPO"}
    assert (p["TAP"]["length_km"], p["TAP"]["capacity_bcm_y"], p["TAP"]["opened"]) == (
        878,
        11.2,  # ~10 plus the 1.2 of the first expansion stage, in service since Jan 2026
        "2020-11-15",  # commercial operation; the first gas for Europe flowed on 31 Dec 2020
    )
    assert p["KILIS_ALEPPO"]["capacity_bcm_y"] == 2.0  # ~6 mcm/d; 1.2 is the first-phase supply
    assert (p["TANAP"]["length_km"], p["TANAP"]["opened"]) == (1850, "2018-06-30")
    assert p["IGB"]["opened"] == "2022-10-01"
    assert p["KILIS_ALEPPO"]["opened"] == "2025-08-02"
    assert p["IGDIR_NAKHCHIVAN"]["opened"] == "2025-03-05"
    assert p["SCP"]["confidence"] == "medium"


def test_summits() -> None:
    s = {p["summit_id"]: p for p in _props("summits")}
    gabala = [p for p in s.values() if p["city"] == "Gabala"]
    assert sorted(p["number"] for p in gabala) == [3, 12]
    g12 = s["ots-12-gabala-2025"]
    assert (g12["date"], g12["theme"], g12["kind"]) == (
        "2025-10-07",
        "Regional Peace and Security",
        "formal",
    )
    assert "OTS+" in g12["outcomes"]
    formal_numbers = sorted(p["number"] for p in s.values() if p["number"] is not None)
    assert formal_numbers == list(range(1, 14))
    nxt = s["ots-13-turkiye-2026"]
    assert (nxt["held"], nxt["date"], nxt["confidence"]) == (False, None, "low")
    assert nxt["date_text"] == "second half of 2026, most likely the end of the year"
    assert s["ots-inf-turkistan-2026"]["date"] == "2026-05-15"
    assert all(p["held"] for k, p in s.items() if k != "ots-13-turkiye-2026")
    assert {p["kind"] for p in s.values() if p["virtual"]} == {"extraordinary", "informal"}


def test_annotations() -> None:
    a = {p["annotation_id"]: p for p in _props("annotations")}
    assert len(a) >= 8
    hist = a["gabala-history-caucasian-albania"]
    assert "4th century BC" in hist["body"]
    assert "8th century AD" in hist["body"]
    assert "wrong" in hist["body"]
    body = a["gabala-2025-exercises-with-turkiye"]["body"]
    assert "more than **25 bilateral and multinational**" in body
    assert "16" in a["gabala-2025-gas-14"]["body"]
    orban = a["gabala-2025-orban"]
    assert orban["topic"] == "security"
    assert "energy" not in orban["title"].lower()
    assert a["gabala-2025-szijjarto"]["topic"] == "energy"
    for p in a.values():
        assert len(p["body"]) <= 450, p["annotation_id"]


# --- Common properties on every layer ----------------------------------------------------


def _positions(coords: Any) -> list[list[float]]:
    if coords and isinstance(coords[0], int | float):
        return [coords]
    return [pos for c in coords for pos in _positions(c)]


@pytest.mark.parametrize("key", [s.key for s in catalog.LAYERS])
def test_common_properties_and_geometry(key: str) -> None:
    spec = catalog.get(key)
    feats = _load(key)
    assert feats
    ids = [f["properties"][spec.id_property] for f in feats]
    assert len(set(ids)) == len(ids)
    for f in feats:
        p = f["properties"]
        assert list(p) == [q.name for q in spec.all_properties]
        assert p["source_url"]
        assert all(URL.match(u) for u in p["source_url"])
        date.fromisoformat(p["as_of"])
        assert p["confidence"] in (None, "high", "medium", "low")
        assert f["geometry"]["type"] in spec.geometry_types
        g = shape(f["geometry"])
        assert g.is_valid
        assert not g.is_empty
        for pos in _positions(f["geometry"]["coordinates"]):
            for c in pos:
                assert round(c, 5) == c


def test_manifest_matches_files() -> None:
    import hashlib  # noqa: PLC0415

    manifest = json.loads((DATA / "manifest.json").read_text(encoding="utf-8"))
    entries = {e["key"]: e for e in manifest["layers"]}
    assert set(entries) == {
        *[s.key for s in catalog.LAYERS],
        "ots_participants",
        "sources",
        "gas_exports",
        "throughput",
        "place_names",
        "expectations",
    }
    for e in entries.values():
        data = (DATA / e["file"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == e["sha256"], e["file"]
    for key in [s.key for s in catalog.LAYERS]:
        assert entries[key]["feature_count"] == len(_load(key))


def test_every_cited_source_is_in_the_register() -> None:
    """The source register lists every URL the layers cite, so each card link shows a date."""
    register = (DATA / "layers" / "sources.csv").read_text(encoding="utf-8").splitlines()
    listed = {line.split(",", 1)[0] for line in register[1:]}
    cited = {
        url
        for spec in catalog.LAYERS
        for feature in json.loads((DATA / "layers" / spec.file).read_text("utf-8"))["features"]
        for url in feature["properties"]["source_url"]
    }
    assert cited <= listed, sorted(cited - listed)


# --- as_of: the date of the newest dated source, never later ------------------------------


def _register_dates() -> dict[str, str]:
    with (DATA / "layers" / "sources.csv").open(encoding="utf-8", newline="") as fh:
        return {r["url"]: r["date"] for r in csv.DictReader(fh) if r["date"]}


@pytest.mark.parametrize("key", [s.key for s in catalog.LAYERS])
def test_as_of_is_the_newest_dated_source(key: str) -> None:
    """An undated page gives no date, and no other day (the day the sources were copied, the
    build day) stands in: as_of is exactly the newest dated source of the feature."""
    from corridormap.build_data.countries import NE_10M_DATE  # noqa: PLC0415

    dates = _register_dates()
    spec = catalog.get(key)
    for p in _props(key):
        dated = [dates[u] for u in p["source_url"] if u in dates]
        who = p[spec.id_property]
        if not dated:
            # only a country drawn from Natural Earth alone: as_of is that dataset's version date
            assert key == "countries", f"{key}:{who} has no dated source"
            assert p["as_of"] == NE_10M_DATE, who
            continue
        assert p["as_of"] == max(dated), (who, p["as_of"], max(dated))


def test_tables_as_of_is_the_newest_dated_source() -> None:
    dates = _register_dates()
    for name in ("gas_exports.csv", "throughput.csv", "expectations.csv", "ots_participants.csv"):
        with (DATA / "layers" / name).open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                urls = json.loads(row["source_url"])
                assert row["as_of"] == max(dates[u] for u in urls if u in dates), (name, row)


def test_held_summits_rest_on_a_source_from_the_event_or_after() -> None:
    """A summit marked held needs a source that reports it held, not only an announcement."""
    held = [p for p in _props("summits") if p["held"] and p["date"]]
    assert held, "no held summit with a date: the check below would check nothing"
    for p in held:
        assert p["as_of"] >= p["date"], p["summit_id"]


def test_summit_dates_are_the_heads_of_state_day() -> None:
    s = {p["summit_id"]: p for p in _props("summits")}
    assert s["ots-founding-nakhchivan-2009"]["date"] == "2009-10-03"
    assert s["ots-istanbul-2010"]["date"] == "2010-09-16"  # the Council became operational
    assert s["ots-1-almaty-2011"]["date"] == "2011-10-21"
    assert s["ots-2-bishkek-2012"]["date"] == "2012-08-23"
    assert s["ots-3-gabala-2013"]["date"] == "2013-08-16"
    assert s["ots-13-turkiye-2026"]["city"] != "Ankara"  # the venue is not announced


MIRRORS = (
    "azureedge.net",
    "owiki.org",
    "piglix.com",
    "qwertyu.wiki",
    "datana.cloud",
    "sitefabrikasi",
)


@pytest.mark.parametrize("key", [s.key for s in catalog.LAYERS])
def test_no_feature_cites_a_mirror_or_demo_site(key: str) -> None:
    for p in _props(key):
        for url in p["source_url"]:
            assert not any(m in url for m in MIRRORS), url
