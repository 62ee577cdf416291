"""The route planner: legs chain, km add up, avoided countries stay out, dates and scenarios
choose the legs, and "no route" says which constraint cut it."""

from __future__ import annotations

import itertools
import math
from datetime import date

import pytest

from corridormap import i18n, load, routing
from corridormap.routing import PLANNED, Query


@pytest.fixture(scope="module")
def net() -> routing.Network:
    return routing.build_network(load.load_all().frames)


QUERIES = [
    Query("xian", "istanbul"),
    Query("xian", "istanbul", alternatives=3),
    Query("baku", "kars", when=PLANNED, avoid=("GEO",)),
    Query("xian", "burgas", avoid=("RUS", "IRN"), alternatives=2),
    Query("moscow", "mumbai-jnpa", when=PLANNED),
    Query("tashkent", "istanbul", when=date(2020, 1, 1)),
    Query("kashgar", "kars", when=PLANNED, avoid=("RUS", "IRN", "GEO")),
]


def _routes(p: routing.Plan) -> list[routing.Route]:
    assert p.route is not None
    return [p.route, *p.alternatives]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.origin}-{q.destination}")
def test_legs_chain_from_origin_to_destination_and_km_adds_up(net, query):
    for route in _routes(routing.plan(net, query)):
        steps = route.steps
        assert steps[0].start == query.origin
        assert steps[-1].end == query.destination
        for a, b in itertools.pairwise(steps):
            assert a.end == b.start
        for s in steps:
            assert {s.start, s.end} == {s.leg.from_node, s.leg.to_node}
        assert len(set(route.nodes)) == len(route.nodes)  # no place twice
        assert math.isclose(route.km, sum(s.leg.km for s in steps))
        assert math.isclose(sum(route.km_by_mode.values()), route.km, abs_tol=0.1 * len(steps))
        assert math.isclose(sum(route.km_by_country.values()), route.km, abs_tol=0.2 * len(steps))


@pytest.mark.parametrize(
    ("origin", "destination", "avoid"),
    [
        ("xian", "istanbul", ("RUS", "IRN")),
        ("xian", "burgas", ("GEO",)),
        ("astrakhan", "tehran", ("AZE",)),
        ("baku", "kars", ("GEO",)),
        ("tashkent", "baku", ("KAZ",)),
    ],
)
@pytest.mark.parametrize("when", [None, PLANNED, date(2019, 1, 1)])
def test_avoided_countries_never_appear(net, origin, destination, avoid, when):
    p = routing.plan(net, Query(origin, destination, when=when, avoid=avoid, alternatives=3))
    if p.route is None:
        assert p.reason
        return
    for route in _routes(p):
        assert not set(route.countries) & set(avoid)
        assert not set(route.km_by_country) & set(avoid)
        for s in route.steps:
            assert not set(s.leg.countries) & set(avoid)


def test_the_default_is_the_newest_date_of_the_data(net):
    p = routing.plan(net, Query("xian", "istanbul"))
    assert p.asof == net.latest
    assert "newest date of the data" in p.scenario
    assert {s.leg.status for s in _routes(p)[0].steps} == {"operational"}


def test_asof_excludes_legs_not_yet_open(net):
    before = routing.plan(net, Query("baku", "kars", when=date(2016, 1, 1)))
    assert not before.found
    assert before.cut_by == ("asof",)
    # in words: the leg's name, not its code
    assert "the Akhalkalaki – GE–TR border tunnel (Kartsakhi) rail leg (opened 30 Oct 2017)" in (
        before.reason or ""
    )
    assert "MC_NORTH-15" not in (before.reason or "")
    opened = routing.plan(net, Query("baku", "kars", when=date(2017, 10, 30)))
    ids = [s.leg.segment_id for s in _routes(opened)[0].steps]
    assert "MC_NORTH-15" in ids
    for when in (date(2015, 1, 1), date(2019, 6, 1), date(2024, 7, 1)):
        p = routing.plan(net, Query("moscow", "bandar-abbas", when=when, alternatives=3))
        for route in _routes(p) if p.found else []:
            for s in route.steps:
                assert s.leg.status == "operational"
                assert s.leg.opened is None or date.fromisoformat(s.leg.opened) <= when


def test_today_baku_kars_avoiding_georgia_has_no_route_and_says_why(net):
    p = routing.plan(net, Query("baku", "kars", avoid=("GEO",)))
    assert not p.found
    assert set(p.cut_by) == {"asof", "avoid"}
    # the twelve Zangezur legs not in service are summed up in words, not listed by code
    assert "12 legs that are not in service (9 under construction and 3 planned)" in (
        p.reason or ""
    )
    assert "between Horadiz and Kars" in (p.reason or "")
    assert "ZNG_RAIL" not in (p.reason or "")
    assert "Georgia (GEO)" in (p.reason or "")


def test_planned_scenario_uses_planned_legs(net):
    p = routing.plan(net, Query("baku", "kars", when=PLANNED, avoid=("GEO",)))
    route = _routes(p)[0]
    ids = [s.leg.segment_id for s in route.steps]
    assert ids[:3] == ["INSTC_WEST-07", "ZNG_LINK-01", "ZNG_RAIL-01"]
    assert {s.leg.status for s in route.steps} >= {"planned", "under_construction"}
    assert route.countries == ("AZE", "ARM", "TUR")
    assert route.border_crossings == 3  # AZE-ARM, ARM-AZE (Nakhchivan), AZE-TUR
    assert route.sea_legs == 0


def test_sea_legs_and_transfers(net):
    route = _routes(routing.plan(net, Query("xian", "istanbul")))[0]
    assert route.sea_legs == 1
    sea = next(s for s in route.steps if s.leg.mode == "sea")
    assert route.transfers == (sea.start, sea.end)
    assert route.countries == ("CHN", "KAZ", "AZE", "GEO", "TUR")
    assert route.border_crossings == 4


def test_modes_restrict_the_legs(net):
    p = routing.plan(net, Query("tashkent", "baku", modes=("rail",)))
    assert not p.found
    assert p.cut_by == ("modes",)
    assert "no route keeps to rail: the shortest one also needs sea" in (p.reason or "")
    rail = routing.plan(net, Query("xian", "istanbul", modes=("rail",)))
    route = _routes(rail)[0]
    assert {s.leg.mode for s in route.steps} == {"rail"}
    assert "RUS" in route.countries  # round the Caspian by land


def test_an_end_in_an_avoided_country(net):
    p = routing.plan(net, Query("tashkent", "moscow", avoid=("RUS",)))
    assert not p.found
    assert p.reason == "Moscow lies in Russia (RUS), a country to avoid"


def test_alternatives_are_distinct_and_no_shorter(net):
    p = routing.plan(net, Query("xian", "istanbul", when=PLANNED, alternatives=3))
    routes = _routes(p)
    assert len(routes) == 4
    assert len({r.nodes for r in routes}) == 4
    kms = [r.km for r in routes]
    assert kms == sorted(kms)
    assert kms[-1] <= kms[0] * routing.ALTERNATIVE_MAX_RATIO


def test_detours_round_the_network_are_not_alternatives(net):
    """Baku to Kars avoiding Georgia: the next simple path runs round the Caspian by way of
    Astrakhan and a ferry back to Alat, over three times as long; it is left out and said."""
    p = routing.plan(net, Query("baku", "kars", when=PLANNED, avoid=("GEO",), alternatives=2))
    assert p.route is not None
    assert p.alternatives == ()
    assert routing.fewer_alternatives_note(p).startswith("0 of the 2 alternatives asked")


def test_the_network_is_connected(net):
    """Every place on a leg is reachable from Xi'an in the planned network, and the Zangezur
    line's start from Baku on today's network (the Alat–Horadiz line)."""
    on_legs = {n for leg in net.legs.values() for n in (leg.from_node, leg.to_node)}
    for node in sorted(on_legs - {"xian"}):
        assert routing.plan(net, Query("xian", node, when=PLANNED)).found, node
    today = routing.plan(net, Query("baku", "horadiz"))
    assert [s.leg.segment_id for s in _routes(today)[0].steps] == ["INSTC_WEST-07", "ZNG_LINK-01"]


@pytest.mark.parametrize(
    ("text", "node"),
    [
        ("xian", "xian"),
        ("Xi'an", "xian"),
        ("XIAN", "xian"),
        ("igdir", "igdir"),
        ("Iğdır", "igdir"),
        ("Baku", "baku"),
        ("port of baku", "port-of-baku-alat"),
        ("Mumbai", "mumbai-jnpa"),
    ],
)
def test_places_by_id_or_name(net, text, node):
    assert routing.resolve_place(net, text) == node


def test_unknown_or_ambiguous_places_are_named(net):
    with pytest.raises(routing.RoutingError, match="unknown place 'atlantis'"):
        routing.resolve_place(net, "atlantis")
    with pytest.raises(
        routing.RoutingError, match="'astara' matches several nodes: astara-az, astara-ir"
    ):
        routing.resolve_place(net, "astara")


@pytest.mark.parametrize(
    ("text", "expected"),
    [(None, None), ("planned", PLANNED), ("Planned", PLANNED), ("2020-02-03", date(2020, 2, 3))],
)
def test_scenarios(text, expected):
    assert routing.parse_scenario(text) == expected


def test_bad_scenario_modes_and_countries_are_named(net):
    with pytest.raises(routing.RoutingError, match="'tomorrow' is neither an ISO date"):
        routing.parse_scenario("tomorrow")
    with pytest.raises(routing.RoutingError, match="unknown mode 'air'"):
        routing.parse_modes(["rail", "air"])
    with pytest.raises(routing.RoutingError, match="unknown country code 'XXX'"):
        routing.parse_countries(["RUS", "XXX"], net.country_names)
    assert routing.parse_countries(["rus", "IRN", "RUS"], net.country_names) == ("RUS", "IRN")


def test_json_document(net):
    doc = routing.plan_json(net, routing.plan(net, Query("xian", "istanbul", alternatives=1)))
    assert doc["found"] is True
    assert math.isclose(
        doc["km"], sum(leg["km"] for leg in doc["legs"]), abs_tol=0.1 * len(doc["legs"])
    )
    assert set(doc["legs"][0]) >= {"segment_id", "km", "mode", "status"}
    for key in ("km_by_mode", "km_by_country", "countries", "border_crossings", "sea_legs"):
        assert key in doc
    assert len(doc["alternatives"]) == 1
    none = routing.plan_json(net, routing.plan(net, Query("baku", "kars", avoid=("GEO",))))
    assert none["found"] is False
    assert none["reason"]
    assert "alternatives" not in routing.plan_json(net, routing.plan(net, Query("baku", "kars")))


def test_the_country_path_keeps_a_return_into_a_country(net):
    """Baku to Kars by the Zangezur corridor leaves Azerbaijan for Armenia and comes back into
    it (Nakhchivan) before Türkiye: the path says so; the set of countries counts each once."""
    p = routing.plan(net, Query("baku", "kars", when=PLANNED, avoid=("GEO",)))
    route = _routes(p)[0]
    steps = [(s.leg.from_iso3, s.leg.to_iso3) for s in route.steps]
    assert ("ARM", "AZE") in steps or ("AZE", "ARM") in steps
    assert route.country_path == ("AZE", "ARM", "AZE", "TUR")
    assert route.countries == ("AZE", "ARM", "TUR")
    assert "Azerbaijan (AZE) → Armenia (ARM) → Azerbaijan (AZE) → Türkiye (TUR)" in (
        routing.route_facts(net, route)
    )
    table = routing.comparison_rows(net, [("Planned", route)])
    assert table.loc[0, "Countries"] == "AZE → ARM → AZE → TUR"


def test_a_route_names_its_places_as_the_place_name_table_gives_them(net):
    """The route's wording names its places in the language in force (the sourced table's
    name, the data's where it has none); ids and English stay as they were."""
    p = routing.plan(net, Query("baku", "kars", avoid=("GEO",)))
    with i18n.language("ru"):
        reason = routing.plan(net, Query("baku", "kars", avoid=("GEO",))).reason or ""
        title = routing.route_title(net, routing.plan(net, Query("baku", "kars")).route)
        assert routing.resolve_place(net, "Баку") == "baku"
        tsalka = net.places["tsalka"]
        assert (tsalka.label, tsalka.name) == ("Цалка", "Tsalka")
    with i18n.language("az"):
        shu = net.places["shu"]
        assert shu.label == shu.name == "Shu"  # no Azerbaijani row
    assert "Карс" in reason
    assert title.startswith("Баку → Карс, ")
    assert "between Horadiz and Kars" in (p.reason or "")  # English unchanged
    assert net.places["baku"].label == net.places["baku"].name == "Baku"
