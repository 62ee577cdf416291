"""The countries layer and the OTS participants table, from the Natural Earth subset.

Also ``extract_region_sources``, the one-off step that made the Natural Earth region subset in
``data/sources`` from the reference copies; the build itself never calls it.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Final

import shapely
from shapely.geometry import MultiPolygon, Polygon, box, shape
from shapely.geometry.base import BaseGeometry

from corridormap import catalog
from corridormap.build_data.geojson import (
    GRID,
    POLYGON_GRID,
    _feature,
    dumps_collection,
    geometry_json,
)
from corridormap.build_data.sources import BuildError, Sources, _join_note, _unique

# Parameters (recorded in the manifest)

#: lon/lat frame the country polygons are clipped to: Europe through Central Asia, with
#: the Middle East, South Asia down to Mumbai and western China.
REGION_FRAME: tuple[float, float, float, float] = (-12.0, 5.0, 112.0, 72.0)
#: tolerance (degrees) of the coverage simplification of the country polygons.
SIMPLIFY_TOLERANCE = 0.1
#: polygon parts (islands) smaller than this (square degrees, ~ 30 km² at 40°N) are dropped,
#: except a country's largest part, which is always kept.
MIN_PART_AREA = 0.02


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


#: The columns of layers/ots_participants.csv.
OTS_PARTICIPANT_COLUMNS: Final = (
    "name",
    "iso3",
    "kind",
    "ots_status",
    "ots_joined",
    "source_url",
    "as_of",
    "confidence",
    "note",
)


def ots_participants_csv(rows: Sequence[Mapping[str, Any]]) -> bytes:
    buf = io.StringIO()
    cols = OTS_PARTICIPANT_COLUMNS
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
