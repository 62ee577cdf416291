"""Filter logic, table-tested as pure functions on small hand-made layers."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from corridormap import catalog, filters
from corridormap.filters import Filters, Names


def _frame(spec: catalog.LayerSpec, rows: list[dict], geoms: list) -> gpd.GeoDataFrame:
    columns = [p.name for p in spec.all_properties]
    full = [{c: r.get(c) for c in columns} for r in rows]
    gdf = gpd.GeoDataFrame(full, columns=columns, geometry=geoms, crs="EPSG:4326")
    gdf.index = gdf[spec.id_property].astype(str).to_numpy()
    return gdf


@pytest.fixture(scope="module")
def frames() -> dict[str, gpd.GeoDataFrame]:
    countries = _frame(
        catalog.COUNTRIES,
        [
            {"iso3": "AAA", "name": "Aland", "ots_status": "member", "ots_joined": "2009-10-03"},
            {"iso3": "BBB", "name": "Beland", "ots_status": "observer", "ots_joined": "2021-11-12"},
            {"iso3": "CCC", "name": "Celand", "ots_status": "none", "ots_joined": None},
        ],
        [box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
    )
    legs = _frame(
        catalog.CORRIDOR_LEGS,
        [
            # inside AAA, old line with no opening date
            {
                "segment_id": "MC-01",
                "corridor": "middle_corridor",
                "route": "MC_NORTH",
                "mode": "rail",
                "status": "operational",
                "opened": None,
            },
            # crosses AAA -> BBB, opened 2017
            {
                "segment_id": "MC-02",
                "corridor": "middle_corridor",
                "route": "MC_NORTH",
                "mode": "rail",
                "status": "operational",
                "opened": "2017-10-30",
            },
            # BBB -> CCC by sea, under construction
            {
                "segment_id": "NS-01",
                "corridor": "north_south",
                "route": "INSTC_WEST",
                "mode": "sea",
                "status": "under_construction",
                "opened": None,
            },
            # inside CCC, planned
            {
                "segment_id": "ZN-01",
                "corridor": "zangezur",
                "route": "ZNG_RAIL",
                "mode": "rail",
                "status": "planned",
                "opened": None,
                "expected": 2029,
            },
        ],
        [
            LineString([(0.2, 0.5), (0.8, 0.5)]),
            LineString([(0.8, 0.5), (1.5, 0.5)]),
            LineString([(1.5, 0.5), (2.5, 0.5)]),
            LineString([(2.2, 0.2), (2.8, 0.8)]),
        ],
    )
    nodes = _frame(
        catalog.NODES,
        [
            {"node_id": "port-a", "corridors": ["middle_corridor"], "routes": ["MC_NORTH"]},
            # a port just off the coast of CCC (0.02 degrees outside the polygon)
            {
                "node_id": "port-c",
                "corridors": ["north_south", "zangezur"],
                "routes": ["INSTC_WEST", "ZNG_RAIL"],
            },
        ],
        [Point(0.5, 0.5), Point(3.02, 0.5)],
    )
    gas = _frame(
        catalog.GAS_DESTINATIONS,
        [
            {"iso3": "AAA", "supply_start": "2007-07-01"},
            {"iso3": "BBB", "supply_start": "2025-08-02"},
            {"iso3": "CCC", "supply_start": "2026-01-01"},
        ],
        [box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
    )
    summits = _frame(
        catalog.SUMMITS,
        [
            {"summit_id": "s1", "iso3": "AAA", "date": "2013-08-15", "held": True},
            {"summit_id": "s2", "iso3": "BBB", "date": None, "held": False},
        ],
        [Point(0.5, 0.5), Point(1.5, 0.5)],
    )
    return {
        "countries": countries,
        "corridors": legs,
        "nodes": nodes,
        "gas_destinations": gas,
        "summits": summits,
    }


def ids(result: dict[str, gpd.GeoDataFrame], key: str) -> list[str]:
    return sorted(result[key].index)


@pytest.mark.parametrize(
    ("flt", "layer", "expected"),
    [
        (Filters(), "corridors", ["MC-01", "MC-02", "NS-01", "ZN-01"]),
        (Filters(corridor=("middle_corridor",)), "corridors", ["MC-01", "MC-02"]),
        (Filters(route=("INSTC_WEST",)), "corridors", ["NS-01"]),
        (Filters(mode=("sea",)), "corridors", ["NS-01"]),
        (Filters(status=("planned", "under_construction")), "corridors", ["NS-01", "ZN-01"]),
        # spatial: a leg is in a country when it lies in or crosses it
        (Filters(countries=("BBB",)), "corridors", ["MC-02", "NS-01"]),
        (Filters(countries=("AAA",)), "corridors", ["MC-01", "MC-02"]),
        (Filters(countries=("CCC",), status=("planned",)), "corridors", ["ZN-01"]),
        # as-of: undated operational legs count as long-standing; dated ones from their date
        (Filters(asof=date(2010, 1, 1)), "corridors", ["MC-01"]),
        (Filters(asof=date(2017, 10, 30)), "corridors", ["MC-01", "MC-02"]),
        (Filters(asof=date(2026, 1, 1)), "corridors", ["MC-01", "MC-02"]),
        # nodes answer to the corridor facet through their list of corridors
        (Filters(corridor=("zangezur",)), "nodes", ["port-c"]),
        # a point just off the coast still belongs to its country
        (Filters(countries=("CCC",)), "nodes", ["port-c"]),
        # gas destinations by supply start, and by their own ISO3 for the country filter
        (Filters(asof=date(2025, 10, 7)), "gas_destinations", ["AAA", "BBB"]),
        (Filters(asof=date(2026, 2, 1)), "gas_destinations", ["AAA", "BBB", "CCC"]),
        (Filters(countries=("BBB",)), "gas_destinations", ["BBB"]),
        # facets a layer does not have leave it alone
        (Filters(corridor=("zangezur",)), "gas_destinations", ["AAA", "BBB", "CCC"]),
        # summits: held by the date; announced ones only without a date
        (Filters(asof=date(2020, 1, 1)), "summits", ["s1"]),
        (Filters(), "summits", ["s1", "s2"]),
        (Filters(asof=date(2012, 1, 1)), "summits", []),
    ],
)
def test_apply(frames, flt, layer, expected):
    every_layer = replace(flt, layers=catalog.layer_keys())
    assert ids(filters.apply(frames, every_layer), layer) == expected


def test_countries_are_never_hidden_but_ots_status_follows_the_date(frames):
    result = filters.apply(frames, Filters(asof=date(2015, 1, 1)))
    assert dict(result["countries"]["ots_status"]) == {
        "AAA": "member",
        "BBB": "none",
        "CCC": "none",
    }
    result = filters.apply(frames, Filters(asof=date(2021, 11, 12)))
    assert result["countries"].loc["BBB", "ots_status"] == "observer"
    # the input frame is not modified
    assert frames["countries"].loc["BBB", "ots_status"] == "observer"


def test_hidden_layers_are_not_returned(frames):
    result = filters.apply(frames, Filters(layers=("countries", "corridors")))
    assert set(result) == {"countries", "corridors"}


def test_feature_countries_lists_every_country_crossed(frames):
    crossed = filters.feature_countries(
        catalog.CORRIDOR_LEGS, frames["corridors"], frames["countries"]
    )
    assert crossed["MC-02"] == ("AAA", "BBB")
    assert crossed["NS-01"] == ("BBB", "CCC")
    assert crossed["MC-01"] == ("AAA",)


def test_precomputed_crossings_are_used(frames):
    fake = filters.feature_countries(
        catalog.CORRIDOR_LEGS, frames["corridors"], frames["countries"]
    ).map(lambda _isos: ("CCC",))
    result = filters.apply(frames, Filters(countries=("CCC",)), crossings={"corridors": fake})
    assert ids(result, "corridors") == ["MC-01", "MC-02", "NS-01", "ZN-01"]


NAMES = Names(countries={"GEO": "Georgia", "AZE": "Azerbaijan"})


@pytest.mark.parametrize(
    ("flt", "text"),
    [
        (Filters(), "All corridors and layers, including planned projects"),
        (
            Filters(
                corridor=("middle_corridor",),
                status=("operational",),
                countries=("GEO",),
                asof=date(2025, 10, 7),
            ),
            "Middle Corridor (TITR), operational legs in Georgia, as of 7 Oct 2025",
        ),
        (
            Filters(corridor=("middle_corridor",), countries=("GEO",), asof=date(2025, 10, 7)),
            "Middle Corridor (TITR), operational legs in Georgia, as of 7 Oct 2025",
        ),
        (
            Filters(status=("planned", "under_construction")),
            "All planned or under construction legs",
        ),
        (
            Filters(corridor=("zangezur", "north_south"), mode=("rail",)),
            "Zangezur corridor and North–South corridor (INSTC), rail legs, "
            "including planned projects",
        ),
        (
            Filters(countries=("GEO", "AZE")),
            "All corridors and layers in Georgia or Azerbaijan, including planned projects",
        ),
        (
            Filters(countries=("XKX",), asof=date(2026, 2, 1)),
            "All operational legs in XKX, as of 1 Feb 2026",
        ),
        (
            Filters(route=("INSTC_EAST",)),
            "Eastern route (Kazakhstan–Turkmenistan–Iran), including planned projects",
        ),
        (
            Filters(layers=("countries", "corridors")),
            "All corridors, including planned projects (hidden: Gas destinations, "
            "Gas pipelines, Nodes, OTS summits and Gabala 2025 annotations)",
        ),
    ],
)
def test_describe(flt, text):
    assert filters.describe(flt, NAMES) == text


def test_with_facet_rejects_unknown_facets():
    with pytest.raises(KeyError, match="unknown facet"):
        Filters().with_facet("colour", ["red"])


# -- the description never contradicts the filters (property test) ----------------------------

from hypothesis import given  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from corridormap import style  # noqa: E402

NAMES = Names({"GEO": "Georgia", "AZE": "Azerbaijan", "IRN": "Iran"})
FILTERS = st.builds(
    Filters,
    countries=st.lists(st.sampled_from(sorted(NAMES.countries)), unique=True).map(tuple),
    corridor=st.lists(st.sampled_from(catalog.CORRIDORS), unique=True).map(tuple),
    mode=st.lists(st.sampled_from(catalog.MODES), unique=True).map(tuple),
    status=st.lists(st.sampled_from(catalog.STATUS), unique=True).map(tuple),
    asof=st.one_of(st.none(), st.dates(date(2006, 1, 1), date(2026, 11, 1))),
    layers=st.lists(st.sampled_from(catalog.layer_keys()), unique=True).map(
        lambda keys: tuple(k for k in catalog.layer_keys() if k in keys)
    ),
)


@given(FILTERS)
def test_the_description_says_what_the_filters_do_and_nothing_else(f):
    text = filters.describe(f, NAMES)
    legs = catalog.CORRIDOR_LEGS.key in f.layers
    status_layers = {catalog.CORRIDOR_LEGS.key, catalog.PIPELINES.key} & set(f.layers)
    # legs are talked about only when they are on the map
    assert (" legs" in text or text.startswith("All legs")) <= legs
    # planned projects: only when no date and no status filter, and something with a status shows
    assert ("including planned projects" in text) == (
        f.asof is None and not f.status and bool(status_layers)
    )
    # a date is named exactly when set, and then no status is (the map shows what operated)
    assert ("as of " in text) == (f.asof is not None)
    if f.asof is not None:
        for s in catalog.STATUS:
            if s != "operational":
                assert style.label(style.STATUS_STYLES, s).lower() not in text
    for code in f.countries:
        assert NAMES.countries[code] in text
    if legs:
        for c in f.corridor:
            assert style.label(style.CORRIDOR_STYLES, c) in text
    hidden = [s.title for s in catalog.LAYERS if s.key not in f.layers]
    assert ("(hidden: " in text) == (
        legs and bool(hidden) and set(f.layers) != set(filters.DEFAULT_LAYERS)
    )


def test_with_a_date_the_status_filter_does_not_apply(frames):
    dated = Filters(asof=date(2025, 10, 7))
    planned = replace(dated, status=("planned",))
    assert filters.effective(planned, "status") == ()
    shown = filters.apply(frames, planned)
    assert len(shown["corridors"]) == len(filters.apply(frames, dated)["corridors"])


def test_nodes_stand_on_legs_the_date_allows():
    from corridormap import load  # noqa: PLC0415

    shipped = load.load_all().frames
    legs, nodes = shipped["corridors"], shipped["nodes"]
    named = set(legs["from_node"]) | set(legs["to_node"])
    everything = filters.apply(shipped, Filters())
    then = filters.apply(shipped, Filters(asof=date(2018, 1, 1)))
    live = set(then["corridors"]["from_node"]) | set(then["corridors"]["to_node"])
    shown = set(then["nodes"]["node_id"])
    assert shown <= live | (set(nodes["node_id"]) - named)
    assert len(then["nodes"]) < len(everything["nodes"])  # stations of lines not yet built
    assert "meghri" in set(everything["nodes"]["node_id"]) - shown  # Zangezur: not built
