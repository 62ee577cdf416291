"""Answers to briefers' questions, computed from the layers: how long, where, since when.

Lengths are geodesic (``geodesy``); "km in each country" comes from overlaying each leg with
the country polygons. Corridor lines are schematic (straight between waypoints), so computed
lengths run shorter than published track lengths: see ``LENGTH_TOLERANCE``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

import geopandas as gpd
import pandas as pd
import shapely
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from corridormap import catalog, filters, geodesy, overlay, style

#: The 12th OTS Summit, Gabala.
GABALA_SUMMIT: Final = date(2025, 10, 7)
#: How far a computed (schematic) length may fall from a published one and still agree.
#: Schematic lines run straight between waypoints while track and pipe follow terrain: the
#: detour index of railways is typically 1.2-1.5, so a computed length is often 65-85 % of the
#: published one (Rasht-Anzali: 67 %). A computed length can exceed the published one only
#: where the waypoints are town points off the line (the TRIPP section is drawn through Meghri
#: and Ordubad, 112 %; Kilis-Aleppo ends at city centres, 108 %). Hence: at most 35 % shorter,
#: at most 15 % longer.
LENGTH_TOLERANCE: Final = (0.35, 0.15)  # (shorter by at most, longer by at most)


def leg_table(legs: gpd.GeoDataFrame, countries: gpd.GeoDataFrame) -> pd.DataFrame:
    """One row per leg: the published facts and the computed geodesic length and crossings."""
    rows = []
    ends = filters.end_countries(catalog.CORRIDOR_LEGS, legs)
    for (_, leg), geom, end in zip(legs.iterrows(), legs.geometry, ends, strict=True):
        crossed = overlay.km_by_country(geom, countries, end)
        rows.append(
            {
                "segment_id": leg["segment_id"],
                "corridor": leg["corridor"],
                "route": leg["route"],
                "seq": int(leg["seq"]),
                "name": leg["name"],
                "mode": leg["mode"],
                "status": leg["status"],
                "opened": leg["opened"],
                "expected": leg["expected"],
                "published_km": leg["length_km"],
                "section": leg["section"],
                "section_km": leg["section_length_km"],
                "computed_km": round(geodesy.length_km(geom), 1),
                "countries": [c for c in crossed if c != overlay.OUTSIDE],
                "km_by_country": crossed,
            }
        )
    frame = pd.DataFrame(rows, columns=list(LEG_COLUMNS))
    if frame.empty:
        return frame
    return frame.sort_values(["corridor", "route", "seq"]).reset_index(drop=True)


#: The columns of ``leg_table`` (also of an empty one, when the corridor layer is missing).
LEG_COLUMNS: Final = (
    "segment_id",
    "corridor",
    "route",
    "seq",
    "name",
    "mode",
    "status",
    "opened",
    "expected",
    "published_km",
    "section",
    "section_km",
    "computed_km",
    "countries",
    "km_by_country",
)


def empty_leg_table() -> pd.DataFrame:
    """The leg table of no legs (a page whose corridor layer could not be loaded)."""
    return pd.DataFrame(columns=list(LEG_COLUMNS))


@dataclass
class RouteStats:
    corridor: str
    route: str
    legs: int = 0
    computed_km: float = 0.0
    published_km: float | None = None  # sum over legs with a published length, when all have
    km_by_status: dict[str, float] = field(default_factory=dict)
    km_by_mode: dict[str, float] = field(default_factory=dict)
    km_by_country: dict[str, float] = field(default_factory=dict)
    # Every published length on the route: a leg's own, or a named multi-leg section's.
    published: list[dict[str, Any]] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        return {
            "corridor": self.corridor,
            "route": self.route,
            "route_label": style.route_label(self.route),
            "legs": self.legs,
            "computed_km": round(self.computed_km, 1),
            "published_km": None if self.published_km is None else round(self.published_km, 1),
            "km_by_status": _rounded(self.km_by_status),
            "km_by_mode": _rounded(self.km_by_mode),
            "km_by_country": _rounded(self.km_by_country),
            "published": self.published,
        }


def _rounded(d: dict[str, float]) -> dict[str, float]:
    return {k: round(v, 1) for k, v in sorted(d.items(), key=lambda kv: -kv[1])}


def _add(target: dict[str, float], key: str, value: float) -> None:
    target[key] = target.get(key, 0.0) + value


def route_stats(table: pd.DataFrame) -> list[RouteStats]:
    """Per corridor and route: computed km, published km, km by status, mode and country."""
    by_route: dict[tuple[str, str], RouteStats] = {}
    published: dict[tuple[str, str], list[float | None]] = defaultdict(list)
    for row in table.to_dict("records"):
        key = (str(row["corridor"]), str(row["route"]))
        stats = by_route.setdefault(key, RouteStats(*key))
        km = float(row["computed_km"])
        stats.legs += 1
        stats.computed_km += km
        _add(stats.km_by_status, str(row["status"]), km)
        _add(stats.km_by_mode, str(row["mode"]), km)
        for iso, part in dict(row["km_by_country"]).items():
            _add(stats.km_by_country, iso, float(part))
        value = row["published_km"]
        published[key].append(None if value is None or pd.isna(value) else float(value))
    for key, stats in by_route.items():
        values = published[key]
        if values and all(v is not None for v in values):
            stats.published_km = sum(v for v in values if v is not None)
        stats.published = published_lengths(table[table["route"] == key[1]])
    order = {c: i for i, c in enumerate(catalog.CORRIDORS)}
    return sorted(by_route.values(), key=lambda s: (order.get(s.corridor, 99), s.route))


def published_lengths(legs: pd.DataFrame) -> list[dict[str, Any]]:
    """Published lengths on these legs beside the computed ones, with the agreement check."""
    out: list[dict[str, Any]] = []
    for row in legs.to_dict("records"):
        value = row["published_km"]
        if value is not None and not pd.isna(value):
            out.append(
                {
                    "name": row["name"],
                    "published_km": float(value),
                    "computed_km": round(float(row["computed_km"]), 1),
                }
            )
    named = legs.dropna(subset=["section"])
    for section, group in named.groupby("section", sort=True):
        out.append(
            {
                "name": str(section),
                "published_km": float(group["section_km"].iloc[0]),
                "computed_km": round(float(group["computed_km"].sum()), 1),
                "legs_drawn": len(group),
            }
        )
    for item in out:
        item["consistent"] = length_check(item["published_km"], item["computed_km"])
    return out


def stats_json(table: pd.DataFrame) -> dict[str, Any]:
    """The `corridormap stats --format json` document (keys documented in the README)."""
    routes = route_stats(table)
    corridors: dict[str, dict[str, Any]] = {}
    for r in routes:
        c = corridors.setdefault(
            r.corridor,
            {
                "corridor": r.corridor,
                "label": style.label(style.CORRIDOR_STYLES, r.corridor),
                "computed_km": 0.0,
                "km_by_status": {},
                "km_by_mode": {},
                "km_by_country": {},
                "routes": [],
            },
        )
        c["computed_km"] = round(c["computed_km"] + r.computed_km, 1)
        for name in ("km_by_status", "km_by_mode", "km_by_country"):
            for k, v in getattr(r, name).items():
                _add(c[name], k, v)
        c["routes"].append(r.as_json())
    for c in corridors.values():
        for name in ("km_by_status", "km_by_mode", "km_by_country"):
            c[name] = _rounded(c[name])
    return {
        "schema": "corridormap.stats/1",
        "length_method": "geodesic on WGS84 (pyproj.Geod) along schematic lines",
        "corridors": list(corridors.values()),
    }


def length_check(published_km: float, computed_km: float) -> bool:
    """Whether a schematic computed length is consistent with a published one."""
    shorter, longer = LENGTH_TOLERANCE
    eps = 1e-9 * max(1.0, published_km)  # the bounds are inclusive despite float rounding
    return published_km * (1 - shorter) - eps <= computed_km <= published_km * (1 + longer) + eps


# ---------------------------------------------------------------------------------------------
# Gas


def destinations_over_time(gas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Cumulative count of destination countries at each supply start."""
    starts = sorted(
        (date.fromisoformat(str(s)), str(n))
        for s, n in zip(gas["supply_start"], gas["name"], strict=True)
    )
    rows = [{"date": d, "count": i + 1, "country": name} for i, (d, name) in enumerate(starts)]
    return pd.DataFrame(rows, columns=["date", "count", "country"])


def destinations_on(gas: gpd.GeoDataFrame, day: date) -> int:
    return sum(date.fromisoformat(str(s)) <= day for s in gas["supply_start"])


def volumes(gas: gpd.GeoDataFrame) -> pd.DataFrame:
    """Published volumes by year and destination (long format; unpublished ones absent)."""
    rows = []
    for name, iso, vols in zip(gas["name"], gas["iso3"], gas["volume_bcm"], strict=True):
        for year, bcm in dict(vols or {}).items():
            rows.append({"country": name, "iso3": iso, "year": int(year), "bcm": float(bcm)})
    return pd.DataFrame(rows, columns=["country", "iso3", "year", "bcm"])


def supply_start_years(gas: gpd.GeoDataFrame) -> dict[str, int]:
    """Each destination's first year of supply (ISO3 -> year), where the data give a date."""
    starts = pd.to_datetime(gas["supply_start"], errors="coerce")
    return {
        str(iso): int(when.year)
        for iso, when in zip(gas["iso3"], starts, strict=True)
        if not pd.isna(when)
    }


def volume_gaps(vols: pd.DataFrame, since: Mapping[str, int] | None = None) -> pd.DataFrame:
    """Every destination and year of ``volumes`` (long format) from the destination's first
    year of supply (``since``, ISO3 -> year; ``supply_start_years``), with ``bcm`` missing
    (NaN) where no volume is published for that pair: a chart shows the gap as a gap, not as
    a drop. A year before supply began is no gap (there was nothing to publish)."""
    if vols.empty:
        return vols.assign(published=pd.Series(dtype=bool))
    starts = since or {}
    names = vols.drop_duplicates("country").set_index("country")["iso3"]
    years = range(int(vols["year"].min()), int(vols["year"].max()) + 1)
    grid = pd.DataFrame(
        [(c, names[c], y) for c in names.index for y in years if y >= starts.get(str(names[c]), y)],
        columns=["country", "iso3", "year"],
    )
    out = grid.merge(vols, on=["country", "iso3", "year"], how="left")
    return out.assign(published=out["bcm"].notna())


def unpublished(gaps: pd.DataFrame) -> list[str]:
    """The destinations and years ``volume_gaps`` found without a figure, in words
    ("Italy 2025"), in the order of the table."""
    missing = gaps[~gaps["published"]]
    return [f"{c} {y}" for c, y in zip(missing["country"], missing["year"], strict=True)]


def route_pipelines(
    gas: gpd.GeoDataFrame, pipelines: gpd.GeoDataFrame, iso3s: Iterable[str] | None = None
) -> gpd.GeoDataFrame:
    """The pipelines on the routes to these destinations (all destinations when None)."""
    chosen = gas if iso3s is None else gas[gas["iso3"].isin(set(iso3s))]
    ids = {pid for route in chosen["route"] for pid in (route or ())}
    return pipelines[pipelines["pipeline_id"].isin(ids)]


@dataclass(frozen=True, slots=True)
class GasRoute:
    """How Azerbaijani gas reaches one destination, as far as the data trace it."""

    iso3: str
    pipelines: gpd.GeoDataFrame  # the pipelines named on the route, in the data's order
    #: From the last pipeline's end to the destination, when the route leaves the pipelines
    #: before reaching the country (TAP ends in Italy; gas for Germany goes on through grids
    #: the sources do not trace): a schematic straight line, drawn and labelled as such.
    onward: LineString | None
    bounds: tuple[float, float, float, float] | None  # the route and the destination


#: A pipeline within this distance (degrees, about 10 km) of a destination reaches it.
_REACHES_DEG: Final = 0.1


def gas_route(gas: gpd.GeoDataFrame, pipelines: gpd.GeoDataFrame, iso3: str) -> GasRoute:
    """The route to destination ``iso3``: its pipelines, the untraced onward stretch if any,
    and the bounds that show it whole. A destination with no pipelines named has neither."""
    row = gas[gas["iso3"] == iso3]
    if row.empty:
        raise KeyError(f"no gas destination {iso3!r}")
    dest = row.iloc[0]
    ids = list(dest["route"] or ())
    on_route = route_pipelines(row, pipelines)
    shape = dest.geometry
    if on_route.empty or shape is None or shape.is_empty:
        return GasRoute(iso3, on_route, None, None if shape is None else _bounds([shape]))
    onward = None
    if not any(g.distance(shape) <= _REACHES_DEG for g in on_route.geometry):
        last_id = [i for i in ids if i in set(on_route["pipeline_id"])][-1]
        last = on_route.set_index("pipeline_id").loc[last_id].geometry
        target = overlay.largest_part(shape).representative_point()
        ends = [Point(c) for part in getattr(last, "geoms", [last]) for c in part.coords]
        start = min(ends, key=target.distance)
        onward = LineString([start, target])
    shapes = [*on_route.geometry, overlay.largest_part(shape), *([onward] if onward else [])]
    return GasRoute(iso3, on_route, onward, _bounds(shapes))


def _bounds(shapes: Iterable[BaseGeometry]) -> tuple[float, float, float, float]:
    x0, y0, x1, y1 = shapely.GeometryCollection([*shapes]).bounds
    return (x0, y0, x1, y1)


def ots_membership_timeline(participants: pd.DataFrame) -> pd.DataFrame:
    """Members and observers by joining date, with running counts of each."""
    frame = participants.copy()
    frame["ots_joined"] = pd.to_datetime(frame["ots_joined"])
    frame = frame.sort_values("ots_joined").reset_index(drop=True)
    frame["members"] = (frame["ots_status"] == "member").cumsum()
    frame["observers"] = (frame["ots_status"] == "observer").cumsum()
    return frame


def countries_of(table: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """The legs that cross ``iso3``, with the km inside it."""
    if table.empty:
        return table
    mask = table["km_by_country"].map(lambda d: iso3 in d)
    sub = table[mask].copy()
    sub["km_in_country"] = sub["km_by_country"].map(lambda d: d[iso3])
    return sub


def summarise_km(values: Iterable[tuple[str, float]]) -> dict[str, float]:
    out: dict[str, float] = {}
    for k, v in values:
        _add(out, k, v)
    return _rounded(out)


@dataclass
class CountryProfile:
    """Everything the country page shows for one country."""

    iso3: str
    name: str
    ots_status: str
    ots_joined: str | None
    legs: pd.DataFrame  # leg_table rows crossing the country, with km_in_country
    km_by_status: dict[str, float]
    frames: dict[str, gpd.GeoDataFrame]  # the features of each layer that concern the country


def country_profile(
    iso3: str,
    frames: dict[str, gpd.GeoDataFrame],
    table: pd.DataFrame,
    crossings: dict[str, pd.Series],
) -> CountryProfile:
    """The country's OTS record, legs and km, nodes, gas, summits hosted and annotations.

    Features without an ISO3 property concern the country when they lie in or cross it
    (``crossings``, computed from geometry); annotations also when they name it.
    """
    countries = frames[catalog.COUNTRIES.key]
    row = countries.loc[iso3]
    name = str(row["name"])
    legs = countries_of(table, iso3)
    km = summarise_km(zip(legs["status"], legs["km_in_country"], strict=True)) if len(legs) else {}
    concerned: dict[str, gpd.GeoDataFrame] = {catalog.COUNTRIES.key: countries.loc[[iso3]]}
    for spec in catalog.LAYERS:
        gdf = frames.get(spec.key)
        if gdf is None or spec.key == catalog.COUNTRIES.key:
            continue
        if spec.country_property is not None:
            mask = gdf[spec.country_property].eq(iso3)
        else:
            crossed = crossings.get(spec.key, pd.Series([()] * len(gdf), index=gdf.index))
            mask = crossed.reindex(gdf.index).map(lambda isos: iso3 in (isos or ()))
            if "body" in gdf.columns:
                mask |= (gdf["title"] + " " + gdf["body"]).str.contains(name, regex=False)
        concerned[spec.key] = gdf[mask.astype(bool)]
    return CountryProfile(
        iso3=iso3,
        name=name,
        ots_status=str(row["ots_status"]),
        ots_joined=None if pd.isna(row["ots_joined"]) else str(row["ots_joined"]),
        legs=legs,
        km_by_status=km,
        frames=concerned,
    )


# ---------------------------------------------------------------------------------------------
# Throughput: how much moves, where it is published

#: The measures of ``layers/throughput.csv``: column -> unit as people read it.
THROUGHPUT_MEASURES: Final = {"mt": "million tonnes", "teu": "TEU"}


def throughput_long(frame: pd.DataFrame, corridors: Iterable[str] = ()) -> pd.DataFrame:
    """``load.load_throughput`` as one row per corridor, series, year and measure (``mt`` or
    ``teu``) with its value; unpublished values are left out, never drawn as zero. With
    ``corridors`` (the corridor filter), only their rows. Series are kept apart: they measure
    different things (a whole route, one railway's containers, one port)."""
    wanted = set(corridors)
    rows = frame[frame["corridor"].isin(wanted)] if wanted else frame
    long = rows.melt(
        id_vars=["corridor", "series", "year", "as_of", "confidence", "note"],
        value_vars=list(THROUGHPUT_MEASURES),
        var_name="measure",
        value_name="value",
    ).dropna(subset=["value"])
    long = long.assign(
        corridor_label=long["corridor"].map(lambda c: style.label(style.CORRIDOR_STYLES, c)),
        unit=long["measure"].map(THROUGHPUT_MEASURES),
    )
    order = {e.value: i for i, e in enumerate(style.CORRIDOR_STYLES)}
    long = long.assign(_order=long["corridor"].map(order)).sort_values(
        ["_order", "series", "measure", "year"], kind="stable"
    )
    return long.drop(columns="_order").reset_index(drop=True)


def throughput_sources(frame: pd.DataFrame, corridors: Iterable[str] = ()) -> list[str]:
    """The sources of the throughput rows shown (the corridor filter), each once, in order."""
    wanted = set(corridors)
    rows = frame[frame["corridor"].isin(wanted)] if wanted else frame
    seen: dict[str, None] = {}
    for urls in rows["source_url"]:
        for u in urls:
            seen.setdefault(str(u), None)
    return list(seen)
