"""Build the shipped layers from ``data/sources`` (and nothing outside the repository).

``build_all(data_dir)`` reads ``data_dir/"sources"`` and writes the seven GeoJSON layers, the
``ots_participants.csv`` table and ``manifest.json``. The output is byte-identical on every run
(and on another machine with the same shapely/GEOS): the JSON is written here, with the
catalog's property order, fixed rounding, sorted features and no timestamps.

``extract_region_sources`` is the one-off step that made the Natural Earth region subset in
``data/sources`` from the reference copies; the build itself never calls it.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import itertools
import json
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Final

import shapely
import yaml
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, box, mapping, shape
from shapely.geometry.base import BaseGeometry

from corridormap import catalog, load
from corridormap.catalog import LayerSpec

# --------------------------------------------------------------------------------------------
# Parameters (all recorded in the manifest)

#: lon/lat frame the country polygons are clipped to: Europe through Central Asia, with
#: the Middle East, South Asia down to Mumbai and western China.
REGION_FRAME: tuple[float, float, float, float] = (-12.0, 5.0, 112.0, 72.0)
#: tolerance (degrees) of the coverage simplification of the country polygons.
SIMPLIFY_TOLERANCE = 0.1
#: polygon parts (islands) smaller than this (square degrees, ~ 30 km² at 40°N) are dropped,
#: except a country's largest part, which is always kept.
MIN_PART_AREA = 0.02
#: decimals of shipped point and line coordinates (~1 m).
COORD_DECIMALS = 5
GRID = 10.0**-COORD_DECIMALS
#: decimals of the simplified country polygons (~11 m; far below the simplification tolerance).
POLYGON_DECIMALS = 4
POLYGON_GRID = 10.0**-POLYGON_DECIMALS
#: the date the reference material was copied into this repository (retrieval/compilation).
REFERENCE_COMPILED = "2026-11-28"
#: Natural Earth release date of the 1:10m admin-0 v5.1.1 files (VERSION.txt in the zip).
NE_10M_DATE = "2022-05-09"
NE_URL_10M = (
    "https://www.naturalearthdata.com/downloads/10m-cultural-vectors/10m-admin-0-countries/"
)
NE_URL_POV = "https://www.naturalearthdata.com/blog/admin-0-countries-point-of-views/"
NE_URL_50M = (
    "https://www.naturalearthdata.com/downloads/50m-cultural-vectors/50m-admin-0-countries-2/"
)
UN_CRIMEA_URL = "https://digitallibrary.un.org/record/767565"

REGION_FILE = "ne_10m_admin_0_countries_deu_region.geojson.gz"
CYN_FILE = "ne_50m_admin_0_cyn.geojson"

CORRIDOR_ROUTE_ORDER = (
    "ZNG_RAIL",
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

#: Display names where Natural Earth's short NAME is abbreviated or outdated.
NAME_OVERRIDES = {
    "TUR": "Türkiye",
    "BIH": "Bosnia and Herzegovina",
    "CAF": "Central African Republic",
    "SDS": "South Sudan",
    "SAH": "Western Sahara",
    "FRO": "Faroe Islands",
    "COD": "Democratic Republic of the Congo",
}
#: Notes on boundary choices, by the code shipped as iso3.
COUNTRY_NOTES = {
    "UKR": "includes Crimea (UN General Assembly resolution 68/262; also the position of "
    "Türkiye and Azerbaijan); Natural Earth Germany point of view",
    "AZE": "includes the Nakhchivan Autonomous Republic (exclave) and Karabakh",
    "CYP": "Republic of Cyprus without the north, which is drawn separately (Northern Cyprus)",
    "CYN": "the 'Turkish Republic of Northern Cyprus', an OTS observer recognised only by "
    "Türkiye; CYN is Natural Earth's code (no ISO 3166 code); polygon = the 1:10m Cyprus "
    "polygon cut by the 1:50m Northern Cyprus polygon of Natural Earth 4.0.0",
    "KOS": "Kosovo: KOS is Natural Earth's code; Kosovo has no ISO 3166-1 code",
    "ESB": "Dhekelia, a UK Sovereign Base Area on Cyprus; Natural Earth code",
    "WSB": "Akrotiri, a UK Sovereign Base Area on Cyprus; Natural Earth code",
    "BRT": "Bir Tawil, claimed by neither Egypt nor Sudan; Natural Earth code",
    "SYR": "the Golan Heights are assigned to no country in Natural Earth's Germany point of "
    "view and are left blank",
    "RUS": "without Crimea (see Ukraine); clipped to the map frame",
    "CHN": "clipped to the map frame",
}


class BuildError(ValueError):
    """Raised when the sources are inconsistent (missing dates, unknown nodes, ...)."""


# --------------------------------------------------------------------------------------------
# Small helpers


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def _read_yaml(path: Path) -> Any:
    with path.open(encoding="utf-8") as f:
        return yaml.safe_load(f)


def _r(x: float, decimals: int = COORD_DECIMALS) -> float:
    """Round a coordinate, never returning -0.0."""
    v = round(float(x), decimals)
    return 0.0 if v == 0 else v


def _coords(obj: Any, decimals: int) -> Any:
    """Nested tuples of floats from ``mapping()`` to nested lists of rounded floats."""
    if isinstance(obj, tuple | list) and obj and isinstance(obj[0], int | float):
        return [_r(obj[0], decimals), _r(obj[1], decimals)]
    return [_coords(o, decimals) for o in obj]


def geometry_json(geom: BaseGeometry, decimals: int = COORD_DECIMALS) -> dict[str, Any]:
    """GeoJSON geometry dict with rounded coordinates (RFC 7946 ring orientation)."""
    if isinstance(geom, Polygon | MultiPolygon):
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    m = mapping(geom)
    return {"type": m["type"], "coordinates": _coords(m["coordinates"], decimals)}


def dumps_collection(features: Sequence[Mapping[str, Any]]) -> bytes:
    """A FeatureCollection as UTF-8 bytes: one feature per line, compact, newline at end."""
    lines = [
        json.dumps(f, ensure_ascii=False, separators=(",", ":"), allow_nan=False) for f in features
    ]
    body = ",\n".join(lines)
    return ('{"type":"FeatureCollection","features":[\n' + body + "\n]}\n").encode("utf-8")


def _feature(spec: LayerSpec, props: Mapping[str, Any], geom: BaseGeometry) -> dict[str, Any]:
    """A feature with properties in the catalog's order; unknown or missing keys are errors."""
    names = [p.name for p in spec.all_properties]
    if set(props) != set(names):
        extra = sorted(set(props) - set(names))
        missing = sorted(set(names) - set(props))
        raise BuildError(f"{spec.key}: property mismatch; extra={extra} missing={missing}")
    return {
        "type": "Feature",
        "properties": {n: props[n] for n in names},
        "geometry": geometry_json(
            geom, POLYGON_DECIMALS if isinstance(geom, Polygon | MultiPolygon) else COORD_DECIMALS
        ),
    }


@dataclass(frozen=True, slots=True)
class SourceDates:
    """URL -> ISO date (None for undated pages), from source_dates.csv."""

    dates: Mapping[str, str | None]

    @classmethod
    def load(cls, path: Path) -> SourceDates:
        out: dict[str, str | None] = {}
        for row in _read_csv(path):
            url = row["url"].strip()
            out[url] = row["date"].strip() or None
        return cls(out)

    def as_of(self, urls: Iterable[str], fallback: str | None = None) -> str:
        """The newest date among ``urls``; every URL must be listed in source_dates.csv."""
        found: list[str] = []
        for url in urls:
            if url not in self.dates:
                raise BuildError(f"source URL not in source_dates.csv: {url}")
            d = self.dates[url]
            if d is not None:
                found.append(d)
        if found:
            return max(found)
        if fallback is not None:
            return fallback
        raise BuildError(f"no dated source among {list(urls)}")

    def as_of_and_note(self, urls: Sequence[str], note: str | None) -> tuple[str, str | None]:
        """as_of, falling back (with a note saying so) when every source is undated."""
        if any(self.dates.get(u) for u in urls):
            return self.as_of(urls), note
        self.as_of(urls, fallback=REFERENCE_COMPILED)  # checks that every URL is listed
        extra = f"sources undated; as_of is the date of the reference copy ({REFERENCE_COMPILED})"
        return REFERENCE_COMPILED, _join_note(note, extra)


def _unique(items: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for i in items:
        if i:
            seen.setdefault(i, None)
    return list(seen)


def _urls(text: str) -> list[str]:
    """The http(s) URLs in a reference-CSV cell (which may list several, with remarks)."""
    return [u.rstrip(".,;)") for u in re.findall(r"https?://[^\s;,]+", text)]


def _join_note(*parts: str | None) -> str | None:
    text = "; ".join(p for p in parts if p)
    return text or None


def _polygonal(geom: BaseGeometry) -> BaseGeometry:
    """The polygonal part of ``make_valid(geom)`` (drops stray lines and points)."""
    geom = shapely.make_valid(geom)
    if isinstance(geom, Polygon | MultiPolygon):
        return geom
    polys: list[Polygon] = []
    for part in getattr(geom, "geoms", []):
        if isinstance(part, Polygon):
            polys.append(part)
        elif isinstance(part, MultiPolygon):
            polys.extend(part.geoms)
    return MultiPolygon(polys) if len(polys) != 1 else polys[0]


def _drop_small_parts(
    geom: BaseGeometry, min_area: float, others: Sequence[BaseGeometry] = ()
) -> BaseGeometry:
    """Drop parts smaller than ``min_area`` that touch no other geometry (islands only).

    The largest part always stays; small parts touching a neighbour (enclaves and exclaves
    such as Karki or Artsvashen) stay too, since dropping them would leave a hole.
    """
    if not isinstance(geom, MultiPolygon):
        return geom
    parts = sorted(geom.geoms, key=lambda p: p.area, reverse=True)
    kept = [parts[0]]
    for p in parts[1:]:
        if p.area >= min_area or any(p.intersects(o) for o in others):
            kept.append(p)
    return kept[0] if len(kept) == 1 else MultiPolygon(kept)


# --------------------------------------------------------------------------------------------
# One-off extraction of the Natural Earth region subset (documented in data/sources/README.md)


def extract_region_sources(reference_dir: Path, sources_dir: Path) -> list[Path]:
    """Make the Natural Earth inputs in ``sources_dir`` from the reference copies.

    Reads ``naturalearth/ne_10m_admin_0_countries_deu.zip`` (NE 5.1.1, Germany point of view),
    keeps the countries that intersect REGION_FRAME, clips them to it, snaps to a 1e-5° grid
    and writes them as gzipped GeoJSON; and writes the NE 4.0.0 1:50m Northern Cyprus polygon.
    Deterministic: same input, same bytes.
    """
    import pyogrio  # noqa: PLC0415 - only this one-off step needs it

    ne = reference_dir / "naturalearth"
    zpath = ne / "ne_10m_admin_0_countries_deu.zip"
    with zipfile.ZipFile(zpath) as zf:
        shp = next(n for n in zf.namelist() if n.endswith(".shp"))
    table = pyogrio.read_dataframe(f"/vsizip/{zpath}/{shp}", encoding="UTF-8")
    frame = box(*REGION_FRAME)
    keep = ["ADM0_A3", "ISO_A3_EH", "NAME", "NAME_LONG", "TYPE", "SOVEREIGNT"]
    feats: list[dict[str, Any]] = []
    for row in table.itertuples(index=False):
        geom = row.geometry
        if geom is None or not geom.intersects(frame):
            continue
        clipped = _polygonal(shapely.set_precision(geom.intersection(frame), GRID))
        if clipped.is_empty:
            continue
        props = {k: str(getattr(row, k)) for k in keep}
        feats.append({"type": "Feature", "properties": props, "geometry": geometry_json(clipped)})
    feats.sort(key=lambda f: f["properties"]["ADM0_A3"])
    region = sources_dir / REGION_FILE
    region.write_bytes(gzip.compress(dumps_collection(feats), compresslevel=9, mtime=0))

    c50 = json.loads((ne / "ne_50m_admin_0_countries.geojson").read_text(encoding="utf-8"))
    cyn = [f for f in c50["features"] if f["properties"].get("ADM0_A3") == "CYN"]
    if len(cyn) != 1:
        raise BuildError("expected exactly one CYN feature in the 1:50m countries")
    cyn_feat = {
        "type": "Feature",
        "properties": {"ADM0_A3": "CYN", "NAME": cyn[0]["properties"]["NAME"]},
        "geometry": geometry_json(shape(cyn[0]["geometry"])),
    }
    cyn_path = sources_dir / CYN_FILE
    cyn_path.write_bytes(dumps_collection([cyn_feat]))
    return [region, cyn_path]


# --------------------------------------------------------------------------------------------
# Inputs


@dataclass(frozen=True, slots=True)
class Sources:
    """Everything the build reads, parsed once."""

    dir: Path
    dates: SourceDates
    curated: Mapping[str, Any]
    annotations: Sequence[Mapping[str, Any]]
    waypoints: Sequence[Mapping[str, str]]
    coord_quality: Mapping[tuple[str, str], Mapping[str, str]]
    nodes: Sequence[Mapping[str, str]]
    places: Mapping[str, Mapping[str, str]]

    @classmethod
    def load(cls, sources_dir: Path) -> Sources:
        ref = sources_dir / "reference"
        quality = {
            (r["feature_id"], r["seq"]): r for r in _read_csv(ref / "waypoints_coord_quality.csv")
        }
        return cls(
            dir=sources_dir,
            dates=SourceDates.load(sources_dir / "source_dates.csv"),
            curated=_read_yaml(sources_dir / "curated.yaml"),
            annotations=_read_yaml(sources_dir / "annotations.yaml")["annotations"],
            waypoints=_read_csv(ref / "waypoints.csv"),
            coord_quality=quality,
            nodes=_read_csv(sources_dir / "nodes.csv"),
            places={r["place_id"]: r for r in _read_csv(sources_dir / "places.csv")},
        )


# --------------------------------------------------------------------------------------------
# Countries


def load_region_countries(sources_dir: Path) -> list[tuple[str, str, BaseGeometry]]:
    """(iso3, NE name, geometry) for the region, with Northern Cyprus cut out of Cyprus."""
    raw = gzip.decompress((sources_dir / REGION_FILE).read_bytes())
    doc = json.loads(raw.decode("utf-8"))
    cyn_doc = json.loads((sources_dir / CYN_FILE).read_text(encoding="utf-8"))
    cyn50 = _polygonal(shape(cyn_doc["features"][0]["geometry"]))
    out: list[tuple[str, str, BaseGeometry]] = []
    for f in doc["features"]:
        p = f["properties"]
        code = p["ISO_A3_EH"] if p["ISO_A3_EH"] not in ("-99", "") else p["ADM0_A3"]
        geom = _polygonal(shape(f["geometry"]))
        if code == "CYP":
            # both from one overlay of the same inputs, so the Green Line edge is shared exactly
            north = _polygonal(geom.intersection(cyn50))
            south = _polygonal(geom.difference(cyn50))
            out.append(("CYN", "Northern Cyprus", north))
            geom = south
        out.append((code, p["NAME"], geom))
    out.sort(key=lambda t: t[0])
    codes = [c for c, _, _ in out]
    if len(set(codes)) != len(codes):
        raise BuildError("duplicate country codes in the region subset")
    return out


def simplify_countries(
    countries: Sequence[tuple[str, str, BaseGeometry]],
    tolerance: float = SIMPLIFY_TOLERANCE,
    min_part_area: float = MIN_PART_AREA,
) -> dict[str, BaseGeometry]:
    """Coverage-simplify (shared borders stay shared), drop tiny islands, snap to the grid."""
    geoms = shapely.coverage_simplify(
        [g for _, _, g in countries], tolerance, simplify_boundary=True
    )
    tree = shapely.STRtree(geoms)
    out: dict[str, BaseGeometry] = {}
    for i, ((code, _, _), g) in enumerate(zip(countries, geoms, strict=True)):
        near = [geoms[j] for j in tree.query(g) if j != i]
        g2 = _drop_small_parts(_polygonal(g), min_part_area, near)
        g3 = _polygonal(shapely.set_precision(g2, POLYGON_GRID))
        if g3.is_empty:
            raise BuildError(f"{code}: empty after simplification")
        out[code] = g3
    return out


def ots_participants(src: Sources) -> list[dict[str, Any]]:
    """The OTS members and observers (states and one organization), with as_of."""
    rows: list[dict[str, Any]] = []
    for p in src.curated["ots_participants"]:
        rows.append(
            {
                "name": p["name"],
                "iso3": p["iso3"],
                "kind": p["kind"],
                "ots_status": p["ots_status"],
                "ots_joined": p["ots_joined"],
                "source_url": list(p["source_url"]),
                "as_of": src.dates.as_of(p["source_url"]),
                "confidence": p["confidence"],
                "note": p["note"],
            }
        )
    return rows


def ots_participants_csv(rows: Sequence[Mapping[str, Any]]) -> bytes:
    buf = io.StringIO()
    cols = ["name", "iso3", "kind", "ots_status", "ots_joined", "source_url", "as_of"]
    cols += ["confidence", "note"]
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(cols)
    for r in rows:
        w.writerow(
            [
                json.dumps(r[c], ensure_ascii=False) if c == "source_url" else (r[c] or "")
                for c in cols
            ]
        )
    return buf.getvalue().encode("utf-8")


def build_countries(
    src: Sources, participants: Sequence[Mapping[str, Any]]
) -> tuple[list[dict[str, Any]], dict[str, BaseGeometry], dict[str, str]]:
    """countries.geojson features, plus the simplified geometries and names by iso3."""
    region = load_region_countries(src.dir)
    geoms = simplify_countries(region)
    by_iso = {p["iso3"]: p for p in participants if p["iso3"]}
    ne_sources = [NE_URL_10M, NE_URL_POV]
    feats: list[dict[str, Any]] = []
    names: dict[str, str] = {}
    for code, ne_name, _ in region:
        name = NAME_OVERRIDES.get(code, ne_name)
        names[code] = name
        part = by_iso.get(code)
        urls = list(ne_sources)
        if code == "CYN":
            urls.append(NE_URL_50M)
        if code == "UKR":
            urls.append(UN_CRIMEA_URL)
        as_of = NE_10M_DATE
        note = COUNTRY_NOTES.get(code)
        confidence = None
        if part is not None:
            urls += part["source_url"]
            as_of = max(as_of, part["as_of"])
            if part["confidence"]:
                confidence = part["confidence"]
                note = _join_note(note, part["note"])
        props = {
            "iso3": code,
            "name": name,
            "ots_status": part["ots_status"] if part else "none",
            "ots_joined": part["ots_joined"] if part else None,
            "source_url": _unique(urls),
            "as_of": as_of,
            "confidence": confidence,
            "note": note,
        }
        feats.append(_feature(catalog.COUNTRIES, props, geoms[code]))
    missing = set(by_iso) - set(names)
    if missing:
        raise BuildError(f"OTS participants without a polygon: {sorted(missing)}")
    return feats, geoms, names


# --------------------------------------------------------------------------------------------
# Corridors and nodes


def _wp_key(row: Mapping[str, str]) -> str:
    return f"{row['lat']},{row['lon']}"


def _routes(src: Sources, pipelines: bool) -> dict[str, list[Mapping[str, str]]]:
    out: dict[str, list[Mapping[str, str]]] = {}
    for row in src.waypoints:
        if (row["layer"] == "gas_pipeline") != pipelines:
            continue
        out.setdefault(row["feature_id"], []).append(row)
    for rows in out.values():
        rows.sort(key=lambda r: int(r["seq"]))
    return out


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


def node_table(src: Sources) -> dict[str, Node]:
    """Waypoint key ('lat,lon' as in waypoints.csv) -> node."""
    out: dict[str, Node] = {}
    for n in src.nodes:
        lat, lon = (float(v) for v in n["waypoint"].split(","))
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


def _num(v: Any) -> float | None:
    return None if v is None else float(v)


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
        urls = _unique(u for r in used for u in _urls(r["source_url"]))
        lat, lon = (float(v) for v in key.split(","))
        props = {
            "node_id": n["node_id"],
            "name": n["name"],
            "kind": n["kind"],
            "iso3": n["iso3"],
            "corridors": _unique(r["layer"] for r in corridor_rows),
            "routes": _unique(r["feature_id"] for r in corridor_rows),
            "coord_quality": _coord_quality(q["coord_quality"]),
            "coord_source": q["coord_source"] or None,
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


# --------------------------------------------------------------------------------------------
# Pipelines and gas destinations


def build_pipelines(src: Sources) -> list[dict[str, Any]]:
    routes = _routes(src, pipelines=True)
    feats: list[dict[str, Any]] = []
    for p in src.curated["pipelines"]:
        rows = routes[p["pipeline_id"]]
        drop = int(p.get("drop_last_vertices", 0))
        rows = rows[: len(rows) - drop] if drop else rows
        pts = [(_r(float(r["lon"])), _r(float(r["lat"]))) for r in rows]
        urls = _unique([*p["source_url"], *(u for r in rows for u in _urls(r["source_url"]))])
        props = {
            "pipeline_id": p["pipeline_id"],
            "name": p["name"],
            "capacity_bcm_y": _num(p["capacity_bcm_y"]),
            "length_km": _num(p["length_km"]),
            "opened": p["opened"],
            "status": p["status"],
            "from_iso3": rows[0]["country_iso3"],
            "to_iso3": rows[-1]["country_iso3"],
            "geometry_quality": "schematic",
            "source_url": urls,
            "as_of": "",
            "confidence": p["confidence"],
            "note": p["note"],
        }
        props["as_of"], props["note"] = src.dates.as_of_and_note(urls, p["note"])
        feats.append(_feature(catalog.PIPELINES, props, LineString(pts)))
    feats.sort(key=lambda f: f["properties"]["pipeline_id"])
    return feats


def build_gas_destinations(
    src: Sources, geoms: Mapping[str, BaseGeometry], pipeline_ids: set[str]
) -> list[dict[str, Any]]:
    feats: list[dict[str, Any]] = []
    for g in src.curated["gas_destinations"]:
        bad = set(g["route"]) - pipeline_ids
        if bad:
            raise BuildError(f"{g['iso3']}: unknown pipelines {sorted(bad)}")
        date.fromisoformat(g["supply_start"])
        vol = g["volume_bcm"]
        props = {
            "iso3": g["iso3"],
            "name": g["name"],
            "order_of_entry": int(g["order_of_entry"]),
            "supply_start": g["supply_start"],
            "supply_start_precision": g["supply_start_precision"],
            "route": list(g["route"]),
            "route_text": g["route_text"],
            "volume_bcm": {str(k): float(v) for k, v in vol.items()} if vol else None,
            "source_url": list(g["source_url"]),
            "as_of": "",
            "confidence": g["confidence"],
            "note": g["note"],
        }
        props["as_of"], props["note"] = src.dates.as_of_and_note(g["source_url"], g["note"])
        feats.append(_feature(catalog.GAS_DESTINATIONS, props, geoms[g["iso3"]]))
    feats.sort(key=lambda f: f["properties"]["order_of_entry"])
    return feats


# --------------------------------------------------------------------------------------------
# Summits and annotations


def _place_point(src: Sources, place_id: str) -> tuple[Point, Mapping[str, str]]:
    p = src.places[place_id]
    return Point(_r(float(p["lon"])), _r(float(p["lat"]))), p


def build_summits(src: Sources) -> list[dict[str, Any]]:
    feats: list[dict[str, Any]] = []
    for s in src.curated["summits"]:
        pt, place = _place_point(src, s["place"])
        coord_url = place["coord_source"]
        urls = _unique([*s["source_url"], *([coord_url] if coord_url.startswith("http") else [])])
        props = {
            "summit_id": s["summit_id"],
            "title": s["title"],
            "kind": s["kind"],
            "number": s["number"],
            "city": place["name"],
            "iso3": place["iso3"],
            "date": s["date"],
            "date_text": s["date_text"],
            "held": bool(s["held"]),
            "virtual": bool(s["virtual"]),
            "theme": s["theme"],
            "outcomes": s["outcomes"],
            "source_url": urls,
            "as_of": "",
            "confidence": s["confidence"],
            "note": s["note"],
        }
        props["as_of"], props["note"] = src.dates.as_of_and_note(s["source_url"], s["note"])
        feats.append(_feature(catalog.SUMMITS, props, pt))
    feats.sort(key=lambda f: (f["properties"]["date"] or "9999", f["properties"]["summit_id"]))
    return feats


def build_annotations(src: Sources) -> list[dict[str, Any]]:
    feats: list[dict[str, Any]] = []
    for a in src.annotations:
        pt, place = _place_point(src, a["place"])
        props = {
            "annotation_id": a["annotation_id"],
            "title": a["title"],
            "body": " ".join(str(a["body"]).split()),
            "topic": a["topic"],
            "date": a["date"],
            "place": place["name"],
            "source_url": list(a["source_url"]),
            "as_of": "",
            "confidence": a["confidence"],
            "note": a["note"],
        }
        props["as_of"], props["note"] = src.dates.as_of_and_note(a["source_url"], a["note"])
        feats.append(_feature(catalog.ANNOTATIONS, props, pt))
    feats.sort(key=lambda f: f["properties"]["annotation_id"])
    return feats


# --------------------------------------------------------------------------------------------
# Manifest and entry point

_LAYER_SOURCES: Mapping[str, tuple[str, ...]] = {
    "countries": (
        f"Natural Earth 5.1.1 1:10m admin-0 countries, Germany point of view ({NE_URL_10M}), "
        f"subset in data/sources/{REGION_FILE}",
        f"Natural Earth 4.0.0 1:50m admin-0 countries, Northern Cyprus polygon ({NE_URL_50M}), "
        f"in data/sources/{CYN_FILE}",
        "OTS membership: data/sources/curated.yaml (ots_participants), per-feature source_url",
    ),
    "corridors": (
        "data/sources/reference/waypoints.csv (route, mode, status and source of each leg)",
        "data/sources/nodes.csv; data/sources/curated.yaml (legs: dates, lengths, sea vertices)",
        "GeoNames (https://www.geonames.org/) and published points for the coordinates, "
        "see data/sources/reference/waypoints_coord_quality.csv",
    ),
    "nodes": (
        "data/sources/nodes.csv (curation: kind, iso3, border flags)",
        "data/sources/reference/waypoints.csv and waypoints_coord_quality.csv",
        "GeoNames (https://www.geonames.org/) and published points",
    ),
    "pipelines": (
        "data/sources/reference/waypoints.csv (gas_pipeline rows: town points along the route)",
        "data/sources/curated.yaml (pipelines: capacity, length, opening)",
    ),
    "gas_destinations": (
        "data/sources/curated.yaml (gas_destinations), from reference/gas_destinations.csv",
        "geometry: the simplified polygons of countries.geojson",
    ),
    "summits": (
        "data/sources/curated.yaml (summits), from reference/ots_summits.csv and facts.md §1.3",
        "data/sources/places.csv (GeoNames city points)",
    ),
    "annotations": (
        "data/sources/annotations.yaml (hand-authored from reference/facts.md §2)",
        "data/sources/places.csv (anchor points)",
    ),
}

_LICENCE = (
    "Natural Earth: public domain. GeoNames coordinates: CC BY 4.0 (attribution: GeoNames). "
    "Compiled facts: corridormap project data with per-feature source URLs."
)


def _descriptions() -> dict[str, str]:
    w, s, e, n = REGION_FRAME
    return {
        "countries": (
            f"{catalog.COUNTRIES.description} Clipped to the frame lon {w}..{e}, lat {s}..{n}; "
            f"coverage-simplified (shapely coverage_simplify, tolerance {SIMPLIFY_TOLERANCE}°), "
            f"islands under {MIN_PART_AREA} sq. degrees dropped; Crimea in Ukraine, Kosovo and "
            "Northern Cyprus separate, Nakhchivan part of Azerbaijan."
        ),
        "corridors": catalog.CORRIDOR_LEGS.description
        + " Schematic straight lines; long sea legs have a few sea vertices.",
        "nodes": catalog.NODES.description,
        "pipelines": catalog.PIPELINES.description,
        "gas_destinations": catalog.GAS_DESTINATIONS.description,
        "summits": catalog.SUMMITS.description,
        "annotations": catalog.ANNOTATIONS.description,
    }


def _geom_types(features: Sequence[Mapping[str, Any]]) -> list[str]:
    return sorted({f["geometry"]["type"] for f in features})


GAS_EXPORT_COLUMNS: Final = load.GAS_EXPORT_COLUMNS


def gas_exports_csv(path: Path, dates: SourceDates) -> tuple[bytes, list[dict[str, str]]]:
    """layers/gas_exports.csv: Azerbaijan's gas exports by year (totals and main buyers) with
    Europe's share computed, sources and as_of. Blank means not published."""
    rows = []
    for raw in _read_csv(path):
        urls = [u.strip() for u in raw["source_url"].split("|") if u.strip()]
        if not urls:
            raise BuildError(f"gas_exports.csv {raw['year']}: no source_url")
        total, europe = float(raw["total_bcm"]), float(raw["europe_bcm"])
        as_of, note = dates.as_of_and_note(urls, raw["note"] or None)
        rows.append(
            {
                **{k: raw[k].strip() for k in GAS_EXPORT_COLUMNS[:7]},
                "europe_share": f"{europe / total:.3f}",
                "source_url": json.dumps(urls),
                "as_of": as_of,
                "confidence": raw["confidence"].strip(),
                "note": note or "",
            }
        )
    rows.sort(key=lambda r: r["year"])
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(GAS_EXPORT_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8"), rows


def write_land_display(data_dir: Path, static_dir: Path) -> Path:
    """static/data/land.json: the countries layer as the browser draws the basemap."""
    from corridormap import mapbuild  # noqa: PLC0415 - only this step needs the map code

    land = load.load_layer(catalog.COUNTRIES, catalog.COUNTRIES.path(data_dir))
    path = static_dir / mapbuild.LAND_STATIC_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(mapbuild.land_collection_json(land) + "\n", encoding="utf-8")
    return path


def sources_rows(path: Path) -> list[dict[str, str]]:
    """The source register's rows (url, date, date_precision, note), sorted by URL."""
    rows = [
        {k: (row.get(k) or "").strip() for k in ("url", "date", "date_precision", "note")}
        for row in _read_csv(path)
    ]
    return sorted(rows, key=lambda r: r["url"])


def source_register_csv(rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(
        buf, fieldnames=["url", "date", "date_precision", "note"], lineterminator="\n"
    )
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def build_all(data_dir: Path, static_dir: Path | None = None) -> list[Path]:
    """Build every layer from ``data_dir/'sources'``; returns the files written.

    With ``static_dir`` (the app's ``static/``), also write the basemap's land as the map
    fetches it (``mapbuild.LAND_STATIC_FILE``), derived from the countries layer just built.
    """
    src = Sources.load(data_dir / "sources")
    layers_dir = data_dir / "layers"
    layers_dir.mkdir(parents=True, exist_ok=True)

    participants = ots_participants(src)
    countries, geoms, _ = build_countries(src, participants)
    pipelines = build_pipelines(src)
    pipeline_ids = {f["properties"]["pipeline_id"] for f in pipelines}
    layers: dict[str, list[dict[str, Any]]] = {
        "countries": countries,
        "gas_destinations": build_gas_destinations(src, geoms, pipeline_ids),
        "pipelines": pipelines,
        "corridors": build_corridors(src),
        "nodes": build_nodes(src),
        "summits": build_summits(src),
        "annotations": build_annotations(src),
    }
    written: list[Path] = []
    entries: list[dict[str, Any]] = []
    descriptions = _descriptions()
    all_dates = [d for d in src.dates.dates.values() if d]
    for spec in catalog.LAYERS:
        feats = layers[spec.key]
        data = dumps_collection(feats)
        path = spec.path(data_dir)
        path.write_bytes(data)
        written.append(path)
        as_ofs = [f["properties"]["as_of"] for f in feats]
        entries.append(
            {
                "key": spec.key,
                "file": f"layers/{spec.file}",
                "title": spec.title,
                "description": descriptions[spec.key],
                "sources": list(_LAYER_SOURCES[spec.key]),
                "licence": _LICENCE,
                "retrieval_date": REFERENCE_COMPILED,
                "newest_as_of": max(as_ofs),
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
                "feature_count": len(feats),
                "geometry_types": _geom_types(feats),
                "properties": [p.name for p in spec.all_properties],
            }
        )
    table = ots_participants_csv(participants)
    table_path = layers_dir / "ots_participants.csv"
    table_path.write_bytes(table)
    written.append(table_path)
    entries.append(
        {
            "key": "ots_participants",
            "file": "layers/ots_participants.csv",
            "title": "OTS members and observers",
            "description": "Non-spatial table of OTS members and observers (states and the "
            "Economic Cooperation Organization); countries.geojson's OTS columns derive from it.",
            "sources": ["data/sources/curated.yaml (ots_participants)"],
            "licence": _LICENCE,
            "retrieval_date": REFERENCE_COMPILED,
            "newest_as_of": max(r["as_of"] for r in participants),
            "sha256": hashlib.sha256(table).hexdigest(),
            "bytes": len(table),
            "feature_count": len(participants),
            "geometry_types": [],
            "properties": [
                "name",
                "iso3",
                "kind",
                "ots_status",
                "ots_joined",
                "source_url",
                "as_of",
                "confidence",
                "note",
            ],
        }
    )
    exports, export_rows = gas_exports_csv(data_dir / "sources" / "gas_exports.csv", src.dates)
    exports_path = layers_dir / "gas_exports.csv"
    exports_path.write_bytes(exports)
    written.append(exports_path)
    entries.append(
        {
            "key": "gas_exports",
            "file": "layers/gas_exports.csv",
            "title": "Azerbaijan's gas exports by year",
            "description": "Total exports, Europe, Türkiye (of which via TANAP), Georgia and "
            "Syria by year, as reported from Ministry of Energy figures; Europe's share "
            "computed. Blank means not published.",
            "sources": ["data/sources/gas_exports.csv (from the reference fact sheet, §3.1)"],
            "licence": _LICENCE,
            "retrieval_date": REFERENCE_COMPILED,
            "newest_as_of": max(r["as_of"] for r in export_rows),
            "sha256": hashlib.sha256(exports).hexdigest(),
            "bytes": len(exports),
            "feature_count": len(export_rows),
            "geometry_types": [],
            "properties": list(GAS_EXPORT_COLUMNS),
        }
    )
    rows = sources_rows(data_dir / "sources" / "source_dates.csv")
    listed = {r["url"] for r in rows}
    cited = {u for feats in layers.values() for f in feats for u in f["properties"]["source_url"]}
    cited |= {u for row in export_rows for u in json.loads(row["source_url"])}
    rows += [
        {"url": u, "date": "", "date_precision": "", "note": "reference page with no date"}
        for u in sorted(cited - listed)
    ]
    register = source_register_csv(sorted(rows, key=lambda r: r["url"]))
    register_path = layers_dir / "sources.csv"
    register_path.write_bytes(register)
    written.append(register_path)
    entries.append(
        {
            "key": "sources",
            "file": "layers/sources.csv",
            "title": "Source register",
            "description": "Every source URL the layers cite, with the date of the page (and "
            "its precision); the app shows each source link with its own date.",
            "sources": ["data/sources/source_dates.csv"],
            "licence": _LICENCE,
            "retrieval_date": REFERENCE_COMPILED,
            "newest_as_of": max(all_dates),
            "sha256": hashlib.sha256(register).hexdigest(),
            "bytes": len(register),
            "feature_count": register.count(b"\n") - 1,
            "geometry_types": [],
            "properties": ["url", "date", "date_precision", "note"],
        }
    )
    if static_dir is not None:
        written.append(write_land_display(data_dir, static_dir))
    manifest = {
        "generator": "corridormap.build_data.build_all",
        "crs": "EPSG:4326",
        "coordinate_decimals": COORD_DECIMALS,
        "reference": {
            "retrieval_date": REFERENCE_COMPILED,
            "retrieval_note": "date the researched reference material was copied into this "
            "repository; it was compiled from stored copies of public pages whose newest dated "
            f"source is {max(all_dates)}",
            "newest_dated_source": max(all_dates),
        },
        "parameters": {
            "region_frame": list(REGION_FRAME),
            "simplify_tolerance_deg": SIMPLIFY_TOLERANCE,
            "min_part_area_sq_deg": MIN_PART_AREA,
        },
        "layers": entries,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    mpath = data_dir / "manifest.json"
    mpath.write_bytes(text.encode("utf-8"))
    written.append(mpath)
    return written


def main(argv: Sequence[str] | None = None) -> int:  # pragma: no cover - thin wrapper
    """``python -m corridormap.build_data [DATA_DIR]``."""
    import sys  # noqa: PLC0415

    args = list(sys.argv[1:] if argv is None else argv)
    data_dir = Path(args[0]) if args else catalog.default_data_dir()
    for p in build_all(data_dir):
        sys.stdout.write(f"{p}\n")
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())


__all__ = [
    "BuildError",
    "build_all",
    "build_annotations",
    "build_corridors",
    "build_countries",
    "build_gas_destinations",
    "build_nodes",
    "build_pipelines",
    "build_summits",
    "dumps_collection",
    "extract_region_sources",
    "geometry_json",
    "load_region_countries",
    "simplify_countries",
]
