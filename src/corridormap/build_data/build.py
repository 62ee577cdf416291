"""``build_all``: every layer, the tables, the source register and ``manifest.json``.

The manifest records, for each file, its sources, licence, dates, hash, size and properties,
and the build's parameters.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from corridormap import catalog, load
from corridormap.build_data.corridors import build_corridors, build_nodes
from corridormap.build_data.countries import (
    CYN_FILE,
    MIN_PART_AREA,
    NE_URL_10M,
    NE_URL_50M,
    REGION_FILE,
    REGION_FRAME,
    SIMPLIFY_TOLERANCE,
    build_countries,
    ots_participants,
    ots_participants_csv,
)
from corridormap.build_data.gas import (
    GAS_EXPORT_COLUMNS,
    build_gas_destinations,
    build_pipelines,
    gas_exports_csv,
)
from corridormap.build_data.geojson import COORD_DECIMALS, dumps_collection
from corridormap.build_data.sources import REFERENCE_COMPILED, Sources, _read_csv
from corridormap.build_data.summits import build_annotations, build_summits

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
