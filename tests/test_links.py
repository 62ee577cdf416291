"""Shareable links: parse, serialise, parse again; every bad value dropped with a notice."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from corridormap import catalog, filters, links
from corridormap.filters import Filters
from corridormap.links import ViewState, Vocabulary

VOCAB = Vocabulary(
    countries=frozenset({"AZE", "GEO", "TUR", "KAZ", "CYN"}),
    routes=frozenset({"MC_NORTH", "INSTC_WEST", "ZNG_RAIL"}),
    feature_ids={
        "countries": frozenset({"AZE", "GEO", "TUR", "KAZ", "CYN"}),
        "gas_destinations": frozenset({"TUR", "GEO"}),
        "corridors": frozenset({"MC_NORTH-01", "ZNG_RAIL-02"}),
        "nodes": frozenset({"kars"}),
    },
    asof_max=date(2026, 5, 15),
    basemaps=("bundled", "osm", "positron"),
)


def parse(query: dict[str, list[str]]) -> tuple[ViewState, list[str]]:
    state, notices = links.parse(query, VOCAB)
    return state, [n.param for n in notices]


def test_empty_query_is_the_default_view():
    assert parse({}) == (ViewState(), [])


def test_full_link_parses():
    state, dropped = parse(
        {
            "corridor": ["middle_corridor"],
            "route": ["MC_NORTH"],
            "country": ["geo", "AZE,TUR"],
            "mode": ["rail"],
            "status": ["operational,planned"],
            "asof": ["2025-10-07"],
            "layers": ["corridors,countries"],
            "select": ["corridors:MC_NORTH-01"],
            "lat": ["41.7"],
            "lon": ["44.8"],
            "zoom": ["6"],
            "basemap": ["osm"],
        }
    )
    assert dropped == []
    assert state.filters == Filters(
        countries=("GEO", "AZE", "TUR"),
        corridor=("middle_corridor",),
        route=("MC_NORTH",),
        mode=("rail",),
        status=("operational", "planned"),
        asof=date(2025, 10, 7),
        layers=("countries", "corridors"),  # catalog order
    )
    assert (state.select, state.lat, state.lon, state.zoom, state.basemap) == (
        "corridors:MC_NORTH-01",
        41.7,
        44.8,
        6,
        "osm",
    )


@pytest.mark.parametrize(
    ("query", "param", "reason"),
    [
        ({"corridor": ["silk_road"]}, "corridor", "not a known corridor"),
        ({"status": ["<script>alert(1)</script>"]}, "status", "not a known status"),
        ({"country": ["ZZZ"]}, "country", "not an ISO3 code"),
        ({"asof": ["2025-13-01"]}, "asof", "not a date"),
        ({"asof": ["1999-01-01"]}, "asof", "outside 2006-01-01..2026-05-15"),
        ({"asof": ["2030-01-01"]}, "asof", "outside"),
        ({"layers": ["countries,secret"]}, "layers", "not a layer"),
        ({"select": ["nope"]}, "select", "no feature"),
        ({"select": ["nodes:MC_NORTH-01"]}, "select", "no feature"),
        ({"lat": ["91"], "lon": ["10"]}, ["lat", "lon"], "between -90 and 90"),
        ({"lat": ["nan"], "lon": ["10"]}, ["lat", "lon"], "not a number"),
        ({"lat": ["40"]}, "lat", "go together"),
        ({"zoom": ["3.3"]}, "zoom", "in quarter steps"),
        ({"zoom": ["40"]}, "zoom", "from 2 to 12"),
        ({"basemap": ["google"]}, "basemap", "not one of bundled, osm, positron"),
        ({"utm_source": ["x"]}, "utm_source", "unknown parameter"),
        ({"route": ["x" * 500]}, "route", "too long"),
    ],
)
def test_bad_values_are_dropped_with_a_notice(query, param, reason):
    state, notices = links.parse(query, VOCAB)
    # an invalid lat also drops its lon (the two go together), and says so
    assert [n.param for n in notices] == (param if isinstance(param, list) else [param])
    assert reason in notices[0].reason or reason in str(notices[0])
    # the rest of the view is the default: nothing half-applied
    assert state.filters.facet("corridor") == ()
    assert state.basemap == "bundled"


def test_good_values_survive_next_to_bad_ones():
    state, dropped = parse({"country": ["GEO,ZZZ"], "asof": ["planned"], "zoom": ["x"]})
    assert state.filters.countries == ("GEO",)
    assert state.filters.asof is None
    assert dropped == ["country", "zoom"]


def test_bare_select_resolves_to_the_most_specific_layer():
    assert parse({"select": ["TUR"]})[0].select == "gas_destinations:TUR"
    assert parse({"select": ["AZE"]})[0].select == "countries:AZE"
    assert parse({"select": ["kars"]})[0].select == "nodes:kars"


def test_query_string_is_compact():
    state = ViewState(
        Filters(corridor=("zangezur",), countries=("AZE", "TUR"), asof=date(2025, 10, 7)), zoom=5
    )
    assert links.query_string(state) == (
        "?corridor=zangezur&country=AZE,TUR&asof=2025-10-07&zoom=5"
    )
    assert links.query_string(ViewState()) == ""


def sub(values: frozenset[str] | tuple[str, ...]) -> st.SearchStrategy[tuple[str, ...]]:
    return st.lists(st.sampled_from(sorted(values)), unique=True, max_size=3).map(tuple)


states = st.builds(
    ViewState,
    filters=st.builds(
        Filters,
        countries=sub(VOCAB.countries),
        corridor=sub(catalog.CORRIDORS),
        route=sub(VOCAB.routes),
        mode=sub(catalog.MODES),
        status=sub(catalog.STATUS),
        asof=st.none() | st.dates(filters.ASOF_MIN, VOCAB.asof_max),
        layers=st.lists(st.sampled_from(catalog.layer_keys()), unique=True, min_size=1).map(
            lambda ks: tuple(k for k in catalog.layer_keys() if k in ks)
        ),
    ),
    select=st.none() | st.sampled_from(["corridors:MC_NORTH-01", "nodes:kars", "countries:CYN"]),
    lat=st.none(),
    lon=st.none(),
    # the maps zoom in quarter steps, and the link keeps them
    zoom=st.none()
    | st.integers(links.ZOOM_RANGE[0] * 4, links.ZOOM_RANGE[1] * 4).map(lambda q: q / 4),
    basemap=st.sampled_from(VOCAB.basemaps),
)


@given(states)
def test_round_trip(state):
    params = links.to_params(state)
    again, notices = links.parse(links.listed(params), VOCAB)
    assert notices == []
    assert again == state
    assert links.to_params(again) == params


@given(
    st.floats(-90, 90, allow_nan=False).map(lambda v: round(v, 4)),
    st.floats(-180, 180, allow_nan=False).map(lambda v: round(v, 4)),
)
def test_round_trip_of_the_map_centre(lat, lon):
    state = ViewState(lat=lat, lon=lon, zoom=5)
    again, notices = links.parse(links.listed(links.to_params(state)), VOCAB)
    assert notices == []
    assert (again.lat, again.lon) == pytest.approx((lat, lon), abs=1e-4)


@given(
    st.dictionaries(
        st.sampled_from([*links.PARAMS, "junk"]),
        st.lists(st.text(max_size=40), max_size=3),
        max_size=8,
    )
)
def test_parse_never_raises_on_arbitrary_input(query):
    state, notices = links.parse(query, VOCAB)
    assert isinstance(state, ViewState)
    for n in notices:
        assert n.param in query


# --- Routes page ----------------------------------------------------------------------------

ROUTE_VOCAB = Vocabulary(
    countries=frozenset({"AZE", "GEO", "TUR", "RUS", "IRN"}),
    feature_ids={"nodes": frozenset({"baku", "kars", "xian", "astara-az", "astara-ir", "port"})},
    asof_max=date(2026, 5, 15),
)


def test_a_full_route_link_parses():
    state, notices = links.parse_route(
        {
            "from": ["baku"],
            "to": ["kars"],
            "when": ["planned"],
            "avoid": ["geo,RUS"],
            "modes": ["rail", "sea"],
            "alt": ["2"],
            "compare": ["1"],
            "corridor": ["zangezur"],  # another page's: not the Routes page's business
        },
        ROUTE_VOCAB,
    )
    assert notices == []
    assert state == links.RouteState(
        "baku", "kars", links.PLANNED, ("GEO", "RUS"), ("rail", "sea"), 2, compare=True
    )


@pytest.mark.parametrize(
    ("query", "param", "reason"),
    [
        ({"from": ["atlantis"]}, "from", "not a node id (e.g. xian, baku, kars)"),
        ({"to": ["Kars"]}, "to", "not a node id (e.g. xian, baku, kars)"),
        ({"when": ["tomorrow"]}, "when", "not a date YYYY-MM-DD or 'planned'"),
        ({"when": ["2030-01-01"]}, "when", "outside 2006-01-01..2026-05-15"),
        ({"avoid": ["XXX"]}, "avoid", "not an ISO3 code of a country on the map"),
        ({"modes": ["air"]}, "modes", "not a mode (rail, sea, road)"),
        ({"alt": ["4"]}, "alt", "not a whole number from 0 to 3"),
        ({"alt": ["-1"]}, "alt", "not a whole number from 0 to 3"),
        ({"compare": ["yes"]}, "compare", "not 1 or 0"),
    ],
)
def test_bad_route_values_are_dropped_with_a_notice(query, param, reason):
    state, notices = links.parse_route(query, ROUTE_VOCAB)
    assert state == links.RouteState()
    assert [(n.param, n.reason) for n in notices] == [(param, reason)]


def test_route_link_values_are_known_to_the_view_parser():
    """A Routes link is not reported as unknown parameters by the shared sidebar's parser."""
    _, notices = links.parse({"from": ["baku"], "to": ["kars"], "alt": ["1"]}, VOCAB)
    assert notices == []


def test_a_saved_briefing_s_link_is_known_to_the_view_parser():
    """The Briefings and presentation pages' links (a saved briefing, its share token, a scene)
    are not reported as unknown parameters by the shared sidebar's parser."""
    query = {"saved": ["b-1"], "share": ["tok"], "scene": ["2"], "corridor": ["middle_corridor"]}
    _, notices = links.parse(query, VOCAB)
    assert notices == []
    _, notices = links.parse({"saved": ["b-1"], "shared": ["tok"]}, VOCAB)
    assert [(n.param, n.reason) for n in notices] == [("shared", "unknown parameter")]


route_states = st.builds(
    links.RouteState,
    origin=st.none() | st.sampled_from(sorted(ROUTE_VOCAB.feature_ids["nodes"])),
    destination=st.none() | st.sampled_from(sorted(ROUTE_VOCAB.feature_ids["nodes"])),
    when=st.none()
    | st.just(links.PLANNED)
    | st.dates(min_value=filters.ASOF_MIN, max_value=ROUTE_VOCAB.asof_max),
    avoid=st.lists(st.sampled_from(sorted(ROUTE_VOCAB.countries)), unique=True).map(tuple),
    modes=st.lists(st.sampled_from(["rail", "sea", "road"]), unique=True).map(tuple),
    alternatives=st.integers(0, links.MAX_ROUTE_ALTERNATIVES),
    compare=st.booleans(),
)


@given(route_states)
def test_route_round_trip(state):
    params = links.route_params(state)
    again, notices = links.parse_route(links.listed(params), ROUTE_VOCAB)
    assert notices == []
    assert again == state


@pytest.mark.parametrize(
    ("text", "pair"),
    [
        ("baku-kars", ("baku", "kars")),
        ("astara-az-astara-ir", ("astara-az", "astara-ir")),
        ("baku-astara-az", ("baku", "astara-az")),
        ("baku-atlantis", None),
        ("bakukars", None),
        ("baku-", None),
    ],
)
def test_split_route(text, pair):
    assert links.split_route(text, ROUTE_VOCAB.feature_ids["nodes"]) == pair
