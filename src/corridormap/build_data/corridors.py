"""The corridor legs (one line per pair of consecutive waypoints) and their nodes."""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from shapely.geometry import LineString, Point

from corridormap import catalog
from corridormap.build_data.geojson import _feature, _r
from corridormap.build_data.sources import (
    BuildError,
    Sources,
    _join_note,
    _num,
    _routes,
    _unique,
    _urls,
)

CORRIDOR_ROUTE_ORDER = (
    "ZNG_RAIL",
    "ZNG_LINK",
    "MC_NORTH",
    "MC_BLACKSEA_POTI",
    "MC_BLACKSEA_BATUMI",
    "MC_BLACKSEA_ANAKLIA",
    "MC_KURYK",
    "MC_SOUTH",
    "INSTC_WEST",
    "INSTC_TRANSCASPIAN",
    "INSTC_EAST",
)
MODE_MAP = {"rail": "rail", "road": "road", "sea": "sea", "sea_ferry": "sea"}


def _wp_key(row: Mapping[str, str]) -> str:
    return f"{row['lat']},{row['lon']}"


def _coord_quality(text: str) -> str:
    up = text.upper()
    if "APPROX" in up or "PROXY" in up:
        return "approximate"
    if text.startswith("geonames"):
        return "town_point"
    return "published_point"


@dataclass(frozen=True, slots=True)
class Node:
    node_id: str
    name: str
    point: Point
    iso3: str


def _node_latlon(n: Mapping[str, str]) -> tuple[float, float]:
    """Where a node is drawn: its ``point`` column when set (a better-sourced point than the
    reference waypoint, e.g. a port off its city), else the waypoint itself."""
    text = (n.get("point") or "").strip() or n["waypoint"]
    lat, lon = (float(v) for v in text.split(","))
    return lat, lon


def node_table(src: Sources) -> dict[str, Node]:
    """Waypoint key ('lat,lon' as in waypoints.csv) -> node."""
    out: dict[str, Node] = {}
    for n in src.nodes:
        lat, lon = _node_latlon(n)
        out[n["waypoint"]] = Node(n["node_id"], n["name"], Point(_r(lon), _r(lat)), n["iso3"])
    return out


def build_corridors(src: Sources) -> list[dict[str, Any]]:
    """corridors.geojson: one LineString per leg between consecutive waypoints."""
    nodes = node_table(src)
    routes = _routes(src, pipelines=False)
    if set(routes) != set(CORRIDOR_ROUTE_ORDER):
        raise BuildError(f"unexpected routes: {sorted(set(routes) ^ set(CORRIDOR_ROUTE_ORDER))}")
    legs_cfg: Mapping[str, Mapping[int, Mapping[str, Any]]] = src.curated["legs"]
    feats: list[dict[str, Any]] = []
    for route in CORRIDOR_ROUTE_ORDER:
        rows = routes[route]
        for a, b in itertools.pairwise(rows):
            seq = int(a["seq"])
            cfg = legs_cfg.get(route, {}).get(seq, {})
            na, nb = nodes[_wp_key(a)], nodes[_wp_key(b)]
            pts = [na.point.coords[0]]
            pts += [(_r(lon), _r(lat)) for lat, lon in cfg.get("via", [])]
            pts.append(nb.point.coords[0])
            urls = _unique([*_urls(a["source_url"]), *cfg.get("sources", [])])
            mode = MODE_MAP[a["mode_to_next"]]
            status = a["status_to_next"]
            expected = int(a["expected_year"]) if a["expected_year"] else None
            props = {
                "segment_id": f"{route}-{seq:02d}",
                "corridor": a["layer"],
                "route": route,
                "seq": seq,
                "name": f"{na.name} – {nb.name}",
                "from_node": na.node_id,
                "to_node": nb.node_id,
                "from_iso3": na.iso3,
                "to_iso3": nb.iso3,
                "mode": mode,
                "status": status,
                "opened": cfg.get("opened"),
                "expected": expected,
                "length_km": _num(cfg.get("length_km")),
                "section": cfg.get("section"),
                "section_length_km": _num(cfg.get("section_length_km")),
                "geometry_quality": "schematic",
                "source_url": urls,
                "as_of": "",
                "confidence": cfg.get("confidence"),
                "note": cfg.get("note"),
            }
            note = cfg.get("note")
            if (
                status == "operational"
                and cfg.get("opened") is None
                and "opening" not in (note or "")
            ):
                note = _join_note(note, "opening date not in the sources used")
            props["as_of"], props["note"] = src.dates.as_of_and_note(urls, note)
            feats.append(_feature(catalog.CORRIDOR_LEGS, props, LineString(pts)))
    return feats


def build_nodes(src: Sources) -> list[dict[str, Any]]:
    """nodes.geojson: one Point per distinct corridor waypoint (and Sangachal Terminal)."""
    routes = _routes(src, pipelines=False)
    by_key: dict[str, list[Mapping[str, str]]] = {}
    for rows in routes.values():
        for r in rows:
            by_key.setdefault(_wp_key(r), []).append(r)
    pipeline_rows: dict[str, list[Mapping[str, str]]] = {}
    for rows in _routes(src, pipelines=True).values():
        for r in rows:
            pipeline_rows.setdefault(_wp_key(r), []).append(r)
    feats: list[dict[str, Any]] = []
    table = {n["waypoint"]: n for n in src.nodes}
    unknown = set(by_key) - set(table)
    if unknown:
        raise BuildError(f"corridor waypoints without a node in nodes.csv: {sorted(unknown)}")
    ids = [n["node_id"] for n in src.nodes]
    if len(set(ids)) != len(ids):
        raise BuildError("duplicate node_id in nodes.csv")
    for key, n in table.items():
        used = by_key.get(key) or pipeline_rows.get(key)
        if not used:
            raise BuildError(f"node {n['node_id']} matches no waypoint")
        corridor_rows = by_key.get(key, [])
        q = src.coord_quality[(used[0]["feature_id"], used[0]["seq"])]
        extra = [u.strip() for u in (n.get("source_url") or "").split("|") if u.strip()]
        urls = _unique([*(u for r in used for u in _urls(r["source_url"])), *extra])
        lat, lon = _node_latlon(n)
        quality = (n.get("coord_quality") or "").strip() or _coord_quality(q["coord_quality"])
        coord_source = (n.get("coord_source") or "").strip() or q["coord_source"] or None
        props = {
            "node_id": n["node_id"],
            "name": n["name"],
            "kind": n["kind"],
            "iso3": n["iso3"],
            "corridors": _unique(r["layer"] for r in corridor_rows),
            "routes": _unique(r["feature_id"] for r in corridor_rows),
            "coord_quality": quality,
            "coord_source": coord_source,
            "border_point": n["border_point"] == "true",
            "source_url": urls,
            "as_of": "",
            "confidence": n["confidence"] or None,
            "note": n["note"] or None,
        }
        props["as_of"], props["note"] = src.dates.as_of_and_note(urls, n["note"] or None)
        feats.append(_feature(catalog.NODES, props, Point(_r(lon), _r(lat))))
    feats.sort(key=lambda f: f["properties"]["node_id"])
    return feats
