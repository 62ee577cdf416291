"""Corridor statistics, gas over time and country profiles, on the shipped data."""

from __future__ import annotations

from datetime import date

import pytest

from corridormap import analysis, catalog, filters, geodesy, load, overlay


@pytest.fixture(scope="module")
def layers() -> load.Layers:
    return load.load_all()


@pytest.fixture(scope="module")
def table(layers):
    return analysis.leg_table(layers["corridors"], layers["countries"])


def test_published_leg_lengths_agree_with_computed_ones(table):
    legs = table.dropna(subset=["published_km"])
    assert len(legs) >= 4
    off = {
        r.segment_id: (r.published_km, r.computed_km)
        for r in legs.itertuples()
        if not analysis.length_check(r.published_km, r.computed_km)
    }
    assert off == {}


def test_published_section_lengths_agree_with_the_sum_of_their_legs(table):
    sections = table.dropna(subset=["section"]).groupby("section")
    assert len(sections) >= 5
    off = {
        name: (group["section_km"].iloc[0], group["computed_km"].sum())
        for name, group in sections
        if not analysis.length_check(group["section_km"].iloc[0], group["computed_km"].sum())
    }
    assert off == {}


def test_published_pipeline_lengths_agree_with_computed_ones(layers):
    pipes = layers["pipelines"].dropna(subset=["length_km"])
    assert len(pipes) == 6
    off = {
        pid: (row.length_km, geodesy.length_km(row.geometry))
        for pid, row in pipes.iterrows()
        if not analysis.length_check(row.length_km, geodesy.length_km(row.geometry))
    }
    assert off == {}


@pytest.mark.parametrize(
    ("published", "computed", "ok"),
    [(100, 65, True), (100, 64.9, False), (100, 115, True), (100, 115.1, False)],
)
def test_length_tolerance_bounds(published, computed, ok):
    assert analysis.length_check(published, computed) is ok


def test_km_by_country_sums_to_the_leg_length(table):
    for row in table.itertuples():
        assert sum(row.km_by_country.values()) == pytest.approx(row.computed_km, abs=1.0)


def test_route_stats_add_up(table):
    stats = analysis.route_stats(table)
    assert {s.route for s in stats} == set(table["route"])
    for s in stats:
        legs = table[table["route"] == s.route]
        assert s.legs == len(legs)
        assert s.computed_km == pytest.approx(legs["computed_km"].sum())
        assert sum(s.km_by_status.values()) == pytest.approx(s.computed_km)
        assert sum(s.km_by_mode.values()) == pytest.approx(s.computed_km)
        assert sum(s.km_by_country.values()) == pytest.approx(s.computed_km, abs=0.5 * s.legs)


def test_stats_json_shape(table):
    doc = analysis.stats_json(table)
    assert doc["schema"] == "corridormap.stats/1"
    assert [c["corridor"] for c in doc["corridors"]] == list(catalog.CORRIDORS)
    for c in doc["corridors"]:
        assert set(c) == {
            "corridor",
            "label",
            "computed_km",
            "km_by_status",
            "km_by_mode",
            "km_by_country",
            "routes",
        }
        assert c["computed_km"] == pytest.approx(
            sum(r["computed_km"] for r in c["routes"]), abs=0.5
        )
        for r in c["routes"]:
            assert set(r) == {
                "corridor",
                "route",
                "route_label",
                "legs",
                "computed_km",
                "published_km",
                "km_by_status",
                "km_by_mode",
                "km_by_country",
                "published",
            }
            assert all(item["consistent"] for item in r["published"]), r["published"]
    zangezur = doc["corridors"][0]
    rail = next(r for r in zangezur["routes"] if r["route"] == "ZNG_RAIL")
    published = {i["name"]: i["published_km"] for i in rail["published"]}
    assert published["Horadiz – Aghband"] == 110.4
    assert published["Kars–Iğdır–Aralık–Dilucu railway"] == 224
    # the Zangezur corridor runs through Azerbaijan, Armenia and Türkiye, and not Iran
    assert {"AZE", "ARM", "TUR"} <= set(zangezur["km_by_country"])
    assert "IRN" not in zangezur["km_by_country"]


def test_gas_destinations_over_time(layers):
    gas = layers["gas_destinations"]
    series = analysis.destinations_over_time(gas)
    assert list(series["count"]) == list(range(1, len(gas) + 1))
    assert list(series["date"]) == sorted(series["date"])
    assert series["country"].iloc[0] == "Georgia"
    assert analysis.destinations_on(gas, analysis.GABALA_SUMMIT) == 14
    assert analysis.destinations_on(gas, date(2026, 2, 1)) == 16
    assert analysis.destinations_on(gas, date(2025, 8, 1)) == 13  # Syria came on 2 Aug 2025


def test_published_volumes_are_long_format(layers):
    vols = analysis.volumes(layers["gas_destinations"])
    assert set(vols.columns) == {"country", "iso3", "year", "bcm"}
    turkey = vols[(vols["iso3"] == "TUR") & (vols["year"] == 2024)]
    assert turkey["bcm"].tolist() == [9.9]


def test_ots_membership_timeline():
    timeline = analysis.ots_membership_timeline(load.load_participants())
    last = timeline.iloc[-1]
    assert (last["members"], last["observers"]) == (5, 4)  # 4 observers incl. the ECO


def crossings(layers):
    return {
        spec.key: filters.feature_countries(spec, layers[spec.key], layers["countries"])
        for spec in catalog.LAYERS
        if spec.country_property is None
    }


def test_country_profile_of_azerbaijan(layers, table):
    p = analysis.country_profile("AZE", layers.frames, table, crossings(layers))
    assert (p.ots_status, p.ots_joined) == ("member", "2009-10-03")
    assert len(p.legs) > 10
    assert sum(p.km_by_status.values()) > 500
    assert "GEO" not in p.frames["gas_destinations"]["iso3"].tolist()  # AZE is the supplier
    hosted = set(p.frames["summits"]["city"])
    assert {"Gabala", "Baku", "Shusha"} <= hosted
    assert len(p.frames["annotations"]) >= 5  # Gabala's annotations lie in Azerbaijan


def test_country_profile_of_a_country_with_nothing_on_it(layers, table):
    p = analysis.country_profile("NOR", layers.frames, table, crossings(layers))
    assert p.ots_status == "none"
    assert p.legs.empty
    assert p.km_by_status == {}
    assert all(len(v) == 0 for k, v in p.frames.items() if k != "countries")


def test_outside_bucket_is_only_sea_or_border(table):
    sea = table[table["mode"] == "sea"]
    assert (sea["km_by_country"].map(lambda d: d.get(overlay.OUTSIDE, 0)) > 50).all()


def test_gas_exports_by_year_with_europes_share():
    exports = load.load_gas_exports().set_index("year")
    assert list(exports.index) == [2022, 2023, 2024, 2025]
    assert exports.loc[2025, "total_bcm"] == 25.2
    assert exports.loc[2025, "europe_bcm"] == 12.8
    assert exports.loc[2025, "syria_bcm"] == 0.5
    assert exports.loc[2023, "europe_share"] == pytest.approx(11.8 / 23.8, abs=0.001)
    # the parts never exceed the total
    parts = exports[["europe_bcm", "turkiye_bcm", "georgia_bcm", "syria_bcm"]].fillna(0)
    assert (parts.sum(axis=1) <= exports["total_bcm"] + 1e-9).all()
    assert exports.loc[2024, "confidence"] == "medium"  # the 2024 total is derived


def test_route_to_a_destination_follows_its_pipelines(layers):
    gas, pipes = layers["gas_destinations"], layers["pipelines"]
    to_syria = set(analysis.route_pipelines(gas, pipes, ["SYR"])["pipeline_id"])
    assert "KILIS_ALEPPO" in to_syria
    to_italy = set(analysis.route_pipelines(gas, pipes, ["ITA"])["pipeline_id"])
    assert {"SCP", "TANAP", "TAP"} <= to_italy
    assert "IGB" not in to_italy
    everything = set(analysis.route_pipelines(gas, pipes)["pipeline_id"])
    assert to_syria | to_italy <= everything


@pytest.mark.parametrize(
    ("asof", "shown", "hidden"),
    [
        # BTK's new-built legs from 30 Oct 2017; the Aktau and Kuryk ferries to Alat are treated
        # alike: neither has an opening date in the sources, so both show at every date
        (date(2016, 1, 1), {"MC_NORTH-08", "MC_KURYK-02"}, {"MC_NORTH-15", "MC_NORTH-16"}),
        (date(2017, 10, 30), {"MC_NORTH-15", "MC_NORTH-16", "MC_KURYK-02"}, set()),
        # Rasht-Anzali from 20 Jun 2024; the Rasht-Astara gap is never operational
        (date(2024, 6, 19), set(), {"INSTC_TRANSCASPIAN-02", "INSTC_WEST-11"}),
        (date(2024, 6, 20), {"INSTC_TRANSCASPIAN-02"}, {"INSTC_WEST-11"}),
    ],
)
def test_as_of_dates_on_the_shipped_legs(layers, asof, shown, hidden):
    legs = set(filters.apply(layers.frames, filters.Filters(asof=asof))["corridors"].index)
    assert shown <= legs
    assert not hidden & legs


def _gas_route(layers, iso3):
    f = layers.frames
    return analysis.gas_route(f["gas_destinations"], f["pipelines"], iso3)


def test_gas_route_to_germany_runs_on_from_the_end_of_tap(layers):
    route = _gas_route(layers, "DEU")
    assert set(route.pipelines["pipeline_id"]) == {"SCP", "TANAP", "TAP"}
    assert route.onward is not None
    tap = layers.frames["pipelines"].set_index("pipeline_id").loc["TAP"].geometry
    start, end = route.onward.coords[0], route.onward.coords[-1]
    assert start in list(tap.coords)  # leaves from a point of TAP
    countries = layers.frames["countries"]
    ita = countries.loc["ITA"].geometry
    deu = countries.loc["DEU"].geometry
    from shapely.geometry import Point  # noqa: PLC0415

    assert ita.distance(Point(start)) < 0.1  # TAP's Italian end, not its Greek one
    assert deu.contains(Point(end))
    # the view holds the whole chain: from Sangachal (Azerbaijan) to Germany
    x0, _y0, x1, y1 = route.bounds
    dx0, _dy0, _dx1, _dy1 = deu.bounds
    assert x0 <= dx0 + 0.5
    assert x1 >= 49.4
    assert y1 >= 54.0


@pytest.mark.parametrize("iso3", ["ITA", "GRC", "TUR", "GEO", "BGR", "SYR"])
def test_gas_route_reaching_the_destination_has_no_untraced_end(layers, iso3):
    route = _gas_route(layers, iso3)
    assert len(route.pipelines)
    assert route.onward is None


def test_gas_route_not_stated_draws_nothing(layers):
    route = _gas_route(layers, "SVN")
    assert route.pipelines.empty
    assert route.onward is None
    assert route.bounds is not None  # the destination alone


def test_gas_route_unknown_destination(layers):
    with pytest.raises(KeyError, match="XYZ"):
        _gas_route(layers, "XYZ")


def test_km_by_status_chart_has_its_own_colours_and_a_legend(table):
    from corridormap import charts, style  # noqa: PLC0415

    spec = charts.km_by_status(table).to_dict()
    color = spec["encoding"]["color"]
    assert color["scale"]["range"] == [e.color for e in style.STATUS_STYLES]
    corridor_colors = {e.color for e in style.CORRIDOR_STYLES}
    assert not corridor_colors & set(color["scale"]["range"])  # no status reads as a corridor
    assert color["legend"] is not None
    assert "row" not in spec["encoding"]  # one chart that takes the width it is given
    labels = {r["bar_label"] for rows in spec["datasets"].values() for r in rows}
    assert "Middle Corridor (TITR) · Rail" in labels


def _encoded_fields(spec: dict) -> set[str]:
    """The data fields a Vega-Lite spec's encodings read (aggregated ones included)."""
    fields = set()
    for channel in spec.get("encoding", {}).values():
        for enc in channel if isinstance(channel, list) else [channel]:
            if isinstance(enc, dict) and "field" in enc:
                fields.add(enc["field"])
    return fields


@pytest.mark.parametrize("name", ["km_by_status", "timeline"])
def test_corridor_charts_encode_only_columns_they_have(table, name):
    # a field missing from the data is drawn as one axis row labelled "undefined"
    from corridormap import charts  # noqa: PLC0415

    spec = getattr(charts, name)(table).to_dict()
    rows = [r for rows in spec["datasets"].values() for r in rows]
    assert rows
    columns = set().union(*(r.keys() for r in rows))
    assert _encoded_fields(spec) <= columns
    if name == "timeline":
        labels = {r["corridor_label"] for r in rows}
        assert "Middle Corridor (TITR)" in labels
