"""Which countries a feature lies in or crosses, and how many km of a line lie in each.

One rule, used by the country filter, the corridor statistics and the country profile:

* A point belongs to the country it lies in, or failing that to the nearest one within
  ``POINT_TOLERANCE_DEG`` (ports on a simplified coastline, border posts).
* A line belongs to the countries of its two ends and to every other country it runs through
  for at least ``MIN_CROSSING_KM``. The ends' countries come from the data when the layer
  carries them (corridor legs name the countries of their nodes, which are checked against the
  polygons or flagged as border points), else from the point rule. The shipped polygons are
  simplified by about 10 km and the lines are schematic, so a shorter stretch inside a
  neighbour (a leg along the Araz grazing Iran) is drawing error, not geography.
* A polygon belongs to the countries it overlaps.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable
from typing import Final

import geopandas as gpd
from shapely.geometry import Point
from shapely.geometry.base import BaseGeometry

from corridormap import geodesy
from corridormap.i18n import N_

POINT_TOLERANCE_DEG: Final = 0.05  # about 5 km
MIN_CROSSING_KM: Final = 15.0
#: The part of a line in no counted country: open sea, or short stretches along borders.
OUTSIDE: Final = N_("(sea or border zone)")  # translated where it is shown


def largest_part(geom: BaseGeometry) -> BaseGeometry:
    """A geometry's largest part by area (the geometry itself when it has one part): a
    country's mainland, not its islands or Russia's Chukotka beyond the antimeridian."""
    return max(getattr(geom, "geoms", [geom]), key=lambda g: g.area)


def _iso_column(countries: gpd.GeoDataFrame) -> list[str]:
    return [str(v) for v in countries["iso3"]]


def point_country(pt: BaseGeometry, countries: gpd.GeoDataFrame) -> str | None:
    """The ISO3 of the country a point lies in, or the nearest within the tolerance."""
    isos = _iso_column(countries)
    hits = countries.sindex.query(pt, predicate="intersects")
    if len(hits):
        return isos[int(hits[0])]
    with warnings.catch_warnings():
        # The tolerance is meant in degrees; a planar nearest search is what is wanted.
        warnings.filterwarnings("ignore", "Geometry is in a geographic CRS", UserWarning)
        near = countries.sindex.nearest(pt, max_distance=POINT_TOLERANCE_DEG, return_all=False)
    return isos[int(near[1][0])] if near.shape[1] else None


def km_by_country(
    line: BaseGeometry, countries: gpd.GeoDataFrame, ends: Iterable[str] | None = None
) -> dict[str, float]:
    """Geodesic km of a (multi)line in each country it counts for; the rest under OUTSIDE.

    ``ends``: the countries of the line's ends, when the data names them.
    """
    total = geodesy.length_km(line)
    if total == 0.0:
        return {}
    if ends is not None:
        ends = set(ends)
    else:
        ends = set()
        for part in getattr(line, "geoms", [line]):
            for xy in (part.coords[0], part.coords[-1]):
                iso = point_country(Point(xy), countries)
                if iso is not None:
                    ends.add(iso)
    isos = _iso_column(countries)
    out: dict[str, float] = {}
    for i in countries.sindex.query(line, predicate="intersects"):
        iso = isos[int(i)]
        km = geodesy.length_km(line.intersection(countries.geometry.iloc[int(i)]))
        if iso in ends or km >= MIN_CROSSING_KM:
            out[iso] = out.get(iso, 0.0) + km
    for iso in ends - set(out):
        if iso in set(isos):
            out[iso] = 0.0  # an end just outside its (simplified) country still counts
    rest = total - sum(out.values())
    if rest > 0.5:
        out[OUTSIDE] = rest
    return {k: round(v, 1) for k, v in sorted(out.items(), key=lambda kv: -kv[1])}


def feature_countries(
    geom: BaseGeometry, countries: gpd.GeoDataFrame, ends: Iterable[str] | None = None
) -> tuple[str, ...]:
    """The sorted ISO3 codes a feature lies in or crosses, by the rule above."""
    if geom is None or geom.is_empty:
        return ()
    gtype = geom.geom_type
    if gtype in ("Point", "MultiPoint"):
        pts = getattr(geom, "geoms", [geom])
        return tuple(sorted({c for p in pts if (c := point_country(p, countries))}))
    if gtype in ("LineString", "MultiLineString"):
        return tuple(sorted(k for k in km_by_country(geom, countries, ends) if k != OUTSIDE))
    isos = _iso_column(countries)
    hits = countries.sindex.query(geom, predicate="intersects")
    return tuple(
        sorted(
            {
                isos[int(i)]
                for i in hits
                if geom.intersection(countries.geometry.iloc[int(i)]).area > 1e-9
            }
        )
    )
