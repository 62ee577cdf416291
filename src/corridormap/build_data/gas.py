"""Azerbaijan's gas: the pipelines, the destination countries and the yearly exports table."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any, Final

from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from corridormap import catalog, load
from corridormap.build_data.geojson import _feature, _r
from corridormap.build_data.sources import (
    BuildError,
    SourceDates,
    Sources,
    _num,
    _read_csv,
    _routes,
    _unique,
    _urls,
)


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
