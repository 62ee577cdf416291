"""Countries crossed and km per country: the rule on hand-made shapes and on the shipped data."""

from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import LineString, Point, box

from corridormap import analysis, catalog, filters, geodesy, load, overlay


@pytest.fixture(scope="module")
def squares() -> gpd.GeoDataFrame:
    # Three 1-degree squares on the equator: AAA [0,1], BBB [1,2], CCC [2,3].
    return gpd.GeoDataFrame(
        {"iso3": ["AAA", "BBB", "CCC"]},
        geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
        crs="EPSG:4326",
    )


def test_km_by_country_on_a_known_line(squares):
    # Along the equator-ish latitude 0.5: 1 degree of longitude is 111.3 km on WGS84.
    line = LineString([(0.5, 0.5), (2.5, 0.5)])
    km = overlay.km_by_country(line, squares)
    one_degree = geodesy.distance_km(0.5, 0.0, 0.5, 1.0)
    assert one_degree == pytest.approx(111.3, abs=0.1)
    assert km == pytest.approx(
        {"AAA": one_degree / 2, "BBB": one_degree, "CCC": one_degree / 2}, abs=0.2
    )
    assert sum(km.values()) == pytest.approx(geodesy.length_km(line), abs=0.2)


def test_a_short_graze_through_a_neighbour_does_not_count(squares):
    # From AAA to AAA, dipping 0.05 degrees (~5.6 km) into BBB.
    line = LineString([(0.5, 0.5), (1.05, 0.5), (0.5, 0.6)])
    km = overlay.km_by_country(line, squares)
    assert "BBB" not in km
    assert km[overlay.OUTSIDE] == pytest.approx(2 * 0.05 * 111.3, rel=0.05)
    assert overlay.feature_countries(line, squares) == ("AAA",)


def test_named_ends_count_even_for_a_short_border_leg(squares):
    line = LineString([(0.99, 0.5), (1.01, 0.5)])  # ~2 km across the AAA/BBB border
    assert overlay.feature_countries(line, squares) == ("AAA", "BBB")
    assert overlay.feature_countries(line, squares, ends=("BBB",)) == ("BBB",)


def test_points_take_the_nearest_country_within_the_tolerance(squares):
    assert overlay.point_country(Point(3.03, 0.5), squares) == "CCC"
    assert overlay.point_country(Point(3.2, 0.5), squares) is None


def test_polygons_count_for_overlapped_countries_not_touching_ones(squares):
    assert overlay.feature_countries(box(0.2, 0.2, 0.8, 0.8), squares) == ("AAA",)
    assert overlay.feature_countries(box(0.5, 0.2, 1.5, 0.8), squares) == ("AAA", "BBB")


@pytest.fixture(scope="module")
def shipped() -> load.Layers:
    return load.load_all()


def countries_of(shipped: load.Layers, segment: str) -> tuple[str, ...]:
    crossed = filters.feature_countries(
        catalog.CORRIDOR_LEGS, shipped["corridors"], shipped["countries"]
    )
    return crossed[segment]


@pytest.mark.parametrize(
    ("segment", "expected"),
    [
        # The Zangezur legs along the Araz stay out of Iran, though the simplified border
        # puts Julfa and Aghband on the Iranian bank.
        ("ZNG_RAIL-01", ("AZE",)),
        ("ZNG_RAIL-02", ("ARM", "AZE")),
        ("ZNG_RAIL-04", ("AZE",)),
        ("ZNG_RAIL-05", ("AZE",)),
        # Kyzylorda-Beyneu runs in Kazakhstan, not through Uzbekistan
        ("MC_NORTH-06", ("KAZ",)),
        # BTK's border leg counts for both countries
        ("MC_NORTH-16", ("GEO", "TUR")),
    ],
)
def test_shipped_legs_cross_the_right_countries(shipped, segment, expected):
    assert countries_of(shipped, segment) == expected


def test_no_shipped_leg_counts_for_a_country_neither_end_is_in(shipped):
    legs = shipped["corridors"]
    table = analysis.leg_table(legs, shipped["countries"])
    surprises = {
        row.segment_id: [
            c
            for c in row.countries
            if c not in {legs.loc[row.segment_id, "from_iso3"], legs.loc[row.segment_id, "to_iso3"]}
        ]
        for row in table.itertuples()
    }
    # No leg runs through a third country today; a new one must be checked and listed here.
    assert {k: v for k, v in surprises.items() if v} == {}
