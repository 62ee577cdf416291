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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final

from corridormap import catalog, load, review
from corridormap.build_data.corridors import build_corridors, build_nodes
from corridormap.build_data.countries import (
    CYN_FILE,
    MIN_PART_AREA,
    NE_URL_10M,
    NE_URL_50M,
    OTS_PARTICIPANT_COLUMNS,
    REGION_FILE,
    REGION_FRAME,
    SIMPLIFY_TOLERANCE,
    build_countries,
    ots_participants,
    ots_participants_csv,
)
from corridormap.build_data.expectations import build_expectations, expectations_csv
from corridormap.build_data.gas import (
    GAS_EXPORT_COLUMNS,
    build_gas_destinations,
    build_pipelines,
    gas_exports_csv,
)
from corridormap.build_data.geojson import COORD_DECIMALS, dumps_collection
from corridormap.build_data.place_names import (
    PLACE_NAMES_SOURCE,
    known_places,
    place_names_csv,
)
from corridormap.build_data.sources import REFERENCE_COMPILED, Sources, _read_csv
from corridormap.build_data.summits import build_annotations, build_summits
from corridormap.build_data.throughput import THROUGHPUT_COLUMNS, THROUGHPUT_SOURCE, throughput_csv
from corridormap.place_names import PLACE_NAMES_COLUMNS

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

_PLACE_NAMES_LICENCE = (
    "CLDR exemplar-city names: Unicode License v3 (Unicode CLDR, shipped by Babel). Names "
    "found on pages: facts with attribution to the page named in each row."
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


#: The columns of layers/sources.csv, the source register.
REGISTER_COLUMNS: Final = ("url", "date", "date_precision", "note")


def sources_rows(path: Path) -> list[dict[str, str]]:
    """The source register's rows (url, date, date_precision, note), sorted by URL."""
    rows = [{k: (row.get(k) or "").strip() for k in REGISTER_COLUMNS} for row in _read_csv(path)]
    return sorted(rows, key=lambda r: r["url"])


def source_register_csv(rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(REGISTER_COLUMNS), lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _register(
    data_dir: Path,
    layers: Mapping[str, Sequence[Mapping[str, Any]]],
    table_rows: Sequence[Mapping[str, str]],
) -> bytes:
    """layers/sources.csv: source_dates.csv, plus every URL cited but not listed there."""
    rows = sources_rows(data_dir / "sources" / "source_dates.csv")
    listed = {r["url"] for r in rows}
    cited = {u for feats in layers.values() for f in feats for u in f["properties"]["source_url"]}
    cited |= {u for row in table_rows for u in json.loads(row["source_url"])}
    rows += [
        {"url": u, "date": "", "date_precision": "", "note": "reference page with no date"}
        for u in sorted(cited - listed)
    ]
    return source_register_csv(sorted(rows, key=lambda r: r["url"]))


#: The tables written beside the layers, as layers/<key>.csv: title, description, sources.
_TABLES: Mapping[str, tuple[str, str, tuple[str, ...]]] = {
    "ots_participants": (
        "OTS members and observers",
        "Non-spatial table of OTS members and observers (states and the "
        "Economic Cooperation Organization); countries.geojson's OTS columns derive from it.",
        ("data/sources/curated.yaml (ots_participants)",),
    ),
    "gas_exports": (
        "Azerbaijan's gas exports by year",
        "Total exports, Europe, Türkiye (of which via TANAP), Georgia and "
        "Syria by year, as reported from Ministry of Energy figures; Europe's share "
        "computed. Blank means not published.",
        ("data/sources/gas_exports.csv (from the reference fact sheet, §3.1)",),
    ),
    "throughput": (
        "Throughput by year per corridor",
        "What moves on the corridors where it is published: million tonnes and TEU by year, "
        "one row per corridor, series (a whole route, one railway's containers, one port) "
        "and year, with sources. Series measure different things and are not added up. "
        "Blank means not published.",
        ("data/sources/throughput.csv",),
    ),
    "place_names": (
        "Place names in Turkish, Azerbaijani and Russian",
        "A place's (node's or city's) name in each language where a source gives it: CLDR's "
        "exemplar city of a time zone, or a page in the language (its address and date). A "
        "place with no row for a language keeps the data's name there.",
        ("data/sources/place_names.csv",),
    ),
    "expectations": (
        "Expectations that fall due",
        "What the sources expect for a feature (a start of construction, a summit, an "
        "exercise), the period as they give it and the day it falls due; `corridormap review` "
        "lists those whose day has come.",
        ("data/sources/expectations.yaml",),
    ),
    "sources": (
        "Source register",
        "Every source URL the layers cite, with the date of the page (and "
        "its precision); the app shows each source link with its own date.",
        ("data/sources/source_dates.csv",),
    ),
}


@dataclass
class _Output:
    """The files ``build_all`` has written, in order, and their manifest entries."""

    data_dir: Path
    written: list[Path] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)

    def add(
        self,
        key: str,
        file: str,
        data: bytes,
        *,
        title: str,
        description: str,
        sources: Sequence[str],
        newest_as_of: str,
        count: int,
        geometry_types: Sequence[str] = (),
        properties: Sequence[str],
        licence: str = _LICENCE,
    ) -> None:
        """Write ``data`` to ``data_dir/file`` and describe it in the manifest."""
        path = self.data_dir / file
        path.write_bytes(data)
        self.written.append(path)
        self.entries.append(
            {
                "key": key,
                "file": file,
                "title": title,
                "description": description,
                "sources": list(sources),
                "licence": licence,
                "retrieval_date": REFERENCE_COMPILED,
                "newest_as_of": newest_as_of,
                "sha256": hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
                "feature_count": count,
                "geometry_types": list(geometry_types),
                "properties": list(properties),
            }
        )

    def add_table(
        self,
        key: str,
        data: bytes,
        *,
        newest_as_of: str,
        count: int,
        properties: Sequence[str],
        licence: str = _LICENCE,
    ) -> None:
        title, description, sources = _TABLES[key]
        self.add(
            key,
            f"layers/{key}.csv",
            data,
            title=title,
            description=description,
            sources=sources,
            newest_as_of=newest_as_of,
            count=count,
            properties=properties,
            licence=licence,
        )


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
    out = _Output(data_dir)
    descriptions = _descriptions()
    all_dates = [d for d in src.dates.dates.values() if d]
    for spec in catalog.LAYERS:
        feats = layers[spec.key]
        out.add(
            spec.key,
            f"layers/{spec.file}",
            dumps_collection(feats),
            title=spec.title,
            description=descriptions[spec.key],
            sources=_LAYER_SOURCES[spec.key],
            newest_as_of=max(f["properties"]["as_of"] for f in feats),
            count=len(feats),
            geometry_types=_geom_types(feats),
            properties=[p.name for p in spec.all_properties],
        )
    out.add_table(
        "ots_participants",
        ots_participants_csv(participants),
        newest_as_of=max(r["as_of"] for r in participants),
        count=len(participants),
        properties=OTS_PARTICIPANT_COLUMNS,
    )
    exports, export_rows = gas_exports_csv(data_dir / "sources" / "gas_exports.csv", src.dates)
    out.add_table(
        "gas_exports",
        exports,
        newest_as_of=max(r["as_of"] for r in export_rows),
        count=len(export_rows),
        properties=GAS_EXPORT_COLUMNS,
    )
    volumes, volume_rows = throughput_csv(data_dir / "sources" / THROUGHPUT_SOURCE, src.dates)
    out.add_table(
        "throughput",
        volumes,
        newest_as_of=max(r["as_of"] for r in volume_rows),
        count=len(volume_rows),
        properties=THROUGHPUT_COLUMNS,
    )
    names, name_rows = place_names_csv(
        data_dir / "sources" / PLACE_NAMES_SOURCE, known_places(data_dir / "sources")
    )
    out.add_table(
        "place_names",
        names,
        newest_as_of=max((r["source_date"] for r in name_rows if r["source_date"]), default=""),
        count=len(name_rows),
        properties=PLACE_NAMES_COLUMNS,
        licence=_PLACE_NAMES_LICENCE,
    )
    expectation_rows = build_expectations(src, layers)
    out.add_table(
        "expectations",
        expectations_csv(expectation_rows),
        newest_as_of=max(r["as_of"] for r in expectation_rows),
        count=len(expectation_rows),
        properties=review.EXPECTATION_COLUMNS,
    )
    register = _register(data_dir, layers, [*export_rows, *volume_rows, *expectation_rows])
    out.add_table(
        "sources",
        register,
        newest_as_of=max(all_dates),
        count=register.count(b"\n") - 1,
        properties=REGISTER_COLUMNS,
    )
    written = out.written
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
        "layers": out.entries,
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=2, allow_nan=False) + "\n"
    mpath = data_dir / "manifest.json"
    mpath.write_bytes(text.encode("utf-8"))
    written.append(mpath)
    return written
