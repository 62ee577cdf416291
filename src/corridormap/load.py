"""Loading with validation: a layer either loads whole or fails with every problem listed.

Validation runs on the parsed GeoJSON (before geopandas), so that every message can name the
feature and the property; the same checks serve the shipped layers and ``corridormap validate``.
Geometries are checked by ``geojson_geometry``, the checker users' uploads go through too.
"""

from __future__ import annotations

import json
import logging
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
from shapely.geometry import shape

from corridormap import catalog, files, geojson_geometry
from corridormap._errors import DataValidationError, Problem
from corridormap.i18n import N_, _

__all__ = [
    "DataValidationError",
    "Layers",
    "Problem",
    "load_all",
    "load_layer",
    "load_participants",
]
from corridormap.catalog import Kind, LayerSpec

logger = logging.getLogger(__name__)

_DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_URL_RE = re.compile(r"^https?://[^\s<>\"']+$")
_CRS84_NAMES = frozenset(
    {
        "urn:ogc:def:crs:OGC:1.3:CRS84",
        "urn:ogc:def:crs:OGC::CRS84",
        "urn:ogc:def:crs:EPSG::4326",
        "EPSG:4326",
    }
)
#: Largest layer file read (the shipped ones are well under 2 MB); ``validate`` on a named file
#: goes through the same bounded read, so a FIFO or /dev/zero named like a layer cannot hang it.
MAX_LAYER_BYTES = 64 * 1024 * 1024
MAX_NESTING = 64  # deeper JSON is refused before parsing (GeoJSON needs at most ~6 levels)


def _kind_problem(kind: Kind, value: Any) -> str | None:  # noqa: PLR0912 - one branch per kind
    """Why ``value`` is not of ``kind``, or None when it is."""
    if kind is Kind.STR:
        return None if isinstance(value, str) and value.strip() else "not a non-empty string"
    if kind is Kind.BOOL:
        return None if isinstance(value, bool) else "not true/false"
    if kind in (Kind.INT, Kind.YEAR):
        ok = isinstance(value, int) and not isinstance(value, bool)
        if ok and kind is Kind.YEAR and not 1900 <= value <= 2100:
            return "not a plausible year"
        return None if ok else "not an integer"
    if kind is Kind.FLOAT:
        ok = isinstance(value, int | float) and not isinstance(value, bool)
        return None if ok and math.isfinite(value) else "not a finite number"
    if kind is Kind.DATE:
        return None if _is_iso_date(value) else "not a date YYYY-MM-DD"
    if kind is Kind.STR_LIST:
        ok = isinstance(value, list) and all(isinstance(v, str) and v for v in value)
        return None if ok else "not a list of strings"
    if kind is Kind.URL_LIST:
        if not isinstance(value, list) or not value:
            return "not a non-empty list of URLs"
        bad = [v for v in value if not (isinstance(v, str) and _URL_RE.match(v))]
        return f"not http(s) URLs: {bad!r}"[:200] if bad else None
    if kind is Kind.YEAR_VALUES:
        if not isinstance(value, dict):
            return "not an object of year -> number"
        for k, v in value.items():
            num_ok = isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
            if not (isinstance(k, str) and k.isdigit() and len(k) == 4 and num_ok):
                return f"bad entry {k!r}: {v!r}"
        return None
    raise AssertionError(f"unhandled kind {kind}")  # pragma: no cover


def _is_iso_date(value: Any) -> bool:
    if not isinstance(value, str) or not _DATE_RE.match(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _short(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def nesting_depth(text: str) -> int:
    """Maximum bracket nesting of a JSON text, ignoring brackets inside strings."""
    depth = deepest = 0
    in_str = escaped = False
    for ch in text:
        if in_str:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_str = False
        elif ch == '"':
            in_str = True
        elif ch in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif ch in "]}":
            depth -= 1
    return deepest


def parse_geojson_bytes(raw: bytes, source: str) -> dict[str, Any]:
    """Decode and parse a GeoJSON document, or raise with a message naming the problem."""
    if not raw.strip():
        raise DataValidationError([Problem(source, _("the file is empty"))])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataValidationError(
            [
                Problem(
                    source,
                    _("not UTF-8 text (byte {n}: {byte})").format(
                        n=exc.start, byte=repr(raw[exc.start : exc.start + 1])
                    ),
                )
            ]
        ) from None
    depth = nesting_depth(text)
    if depth > MAX_NESTING:
        raise DataValidationError(
            [
                Problem(
                    source,
                    _("JSON nested {depth} levels deep (limit {limit})").format(
                        depth=depth, limit=MAX_NESTING
                    ),
                )
            ]
        )

    def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for k, v in pairs:
            if k in seen:
                raise ValueError(_("duplicate key {key}").format(key=repr(k)))
            seen[k] = v
        return seen

    try:
        doc = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise DataValidationError(
            [
                Problem(
                    source,
                    _("invalid JSON at line {line}, column {column}: {error}").format(
                        line=exc.lineno, column=exc.colno, error=exc.msg
                    ),
                )
            ]
        ) from None
    except ValueError as exc:
        raise DataValidationError(
            [Problem(source, _("invalid JSON: {error}").format(error=exc))]
        ) from None
    if not isinstance(doc, dict):
        raise DataValidationError(
            [
                Problem(
                    source,
                    _("top level is not an object"),
                    expected="FeatureCollection",
                    got=type(doc).__name__,
                )
            ]
        )
    return doc


def validate_collection(spec: LayerSpec, doc: Mapping[str, Any], source: str) -> list[Problem]:
    """Every problem in a parsed FeatureCollection against ``spec``."""
    problems: list[Problem] = []
    if doc.get("type") != "FeatureCollection":
        return [
            Problem(
                source,
                "not a FeatureCollection",
                expected="FeatureCollection",
                got=_short(doc.get("type")),
            )
        ]
    crs = doc.get("crs")
    if crs is not None:
        name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
        if name not in _CRS84_NAMES:
            problems.append(
                Problem(
                    source,
                    "unsupported CRS; GeoJSON layers must be EPSG:4326",
                    field="crs",
                    expected="EPSG:4326 / CRS84",
                    got=_short(name),
                )
            )
    features = doc.get("features")
    if not isinstance(features, list):
        return [*problems, Problem(source, "'features' is not a list")]
    if not features:
        problems.append(Problem(source, "the layer has no features"))
    seen_ids: dict[str, int] = {}
    for index, feature in enumerate(features):
        problems.extend(_validate_feature(spec, feature, index, source, seen_ids))
    return problems


def _validate_feature(
    spec: LayerSpec, feature: Any, index: int, source: str, seen_ids: dict[str, int]
) -> list[Problem]:
    if not isinstance(feature, dict) or feature.get("type") != "Feature":
        return [Problem(source, "not a GeoJSON Feature", feature=f"#{index}")]
    props = feature.get("properties")
    if not isinstance(props, dict):
        return [Problem(source, "properties missing or not an object", feature=f"#{index}")]
    fid_value = props.get(spec.id_property)
    fid = str(fid_value) if isinstance(fid_value, str) and fid_value else f"#{index}"
    problems: list[Problem] = []
    if fid in seen_ids:
        problems.append(
            Problem(
                source,
                f"duplicate id (also feature #{seen_ids[fid]})",
                feature=fid,
                field=spec.id_property,
            )
        )
    else:
        seen_ids[fid] = index
    for prop in spec.all_properties:
        if prop.name not in props:
            problems.append(
                Problem(
                    source,
                    "missing property",
                    feature=fid,
                    field=prop.name,
                    expected=prop.kind.value,
                )
            )
            continue
        value = props[prop.name]
        if value is None:
            if not prop.nullable:
                problems.append(
                    Problem(
                        source,
                        "must not be null",
                        feature=fid,
                        field=prop.name,
                        expected=prop.kind.value,
                        got="null",
                    )
                )
            continue
        why = _kind_problem(prop.kind, value)
        if why:
            problems.append(
                Problem(
                    source,
                    why,
                    feature=fid,
                    field=prop.name,
                    expected=prop.kind.value,
                    got=_short(value),
                )
            )
        elif prop.allowed is not None and value not in prop.allowed:
            problems.append(
                Problem(
                    source,
                    "value not allowed",
                    feature=fid,
                    field=prop.name,
                    expected=" | ".join(prop.allowed),
                    got=_short(value),
                )
            )
    problems.extend(_geometry_problems(spec, feature.get("geometry"), fid, source))
    return problems


def _geometry_problems(spec: LayerSpec, geometry: Any, fid: str, source: str) -> list[Problem]:
    if not isinstance(geometry, dict):
        return [
            Problem(
                source,
                "missing geometry",
                feature=fid,
                field="geometry",
                expected=" | ".join(spec.geometry_types),
            )
        ]
    gtype = geometry.get("type")
    if gtype not in spec.geometry_types:
        return [
            Problem(
                source,
                "wrong geometry type",
                feature=fid,
                field="geometry",
                expected=" | ".join(spec.geometry_types),
                got=_short(gtype),
            )
        ]
    parsed = geojson_geometry.parse(geometry)
    geom = parsed.geometry
    why = parsed.problem
    if geom is not None:
        why = geojson_geometry.lonlat_problem(
            geom, "; is the file in a projected CRS instead of EPSG:4326?"
        ) or geojson_geometry.validity_problem(geom)
    if why:
        return [Problem(source, why, feature=fid, field="geometry")]
    return []


def load_layer(spec: LayerSpec, path: Path) -> gpd.GeoDataFrame:
    """Read, validate and return one layer; raise ``DataValidationError`` listing every problem."""
    source = path.name
    raw = files.read_bounded(path, MAX_LAYER_BYTES, N_("a layer file's limit"))
    doc = parse_geojson_bytes(raw, source)
    problems = validate_collection(spec, doc, source)
    if problems:
        raise DataValidationError(problems)
    return to_frame(spec, doc)


def to_frame(spec: LayerSpec, doc: Mapping[str, Any]) -> gpd.GeoDataFrame:
    """A validated FeatureCollection as a GeoDataFrame with the spec's columns, in order."""
    rows = [dict(f["properties"]) for f in doc["features"]]
    geoms = [shape(f["geometry"]) for f in doc["features"]]
    columns = [p.name for p in spec.all_properties]
    gdf = gpd.GeoDataFrame(
        [{c: row.get(c) for c in columns} for row in rows],
        columns=columns,
        geometry=geoms,
        crs="EPSG:4326",
    )
    gdf.index = gdf[spec.id_property].astype(str).to_numpy()
    gdf.index.name = None
    return gdf


@dataclass
class Layers:
    """The shipped layers that loaded, and the errors of those that did not."""

    frames: dict[str, gpd.GeoDataFrame] = field(default_factory=dict)
    errors: dict[str, DataValidationError] = field(default_factory=dict)

    def __getitem__(self, key: str) -> gpd.GeoDataFrame:
        return self.frames[key]

    def __contains__(self, key: object) -> bool:
        return key in self.frames


def load_all(data_dir: Path | None = None, keys: Iterable[str] | None = None) -> Layers:
    """Load every layer (or ``keys``); a broken layer is reported, the others still load."""
    data_dir = data_dir or catalog.default_data_dir()
    result = Layers()
    for key in keys or catalog.layer_keys():
        spec = catalog.get(key)
        try:
            result.frames[key] = load_layer(spec, spec.path(data_dir))
        except DataValidationError as exc:
            logger.warning("layer %s not loaded: %s", key, exc)
            result.errors[key] = exc
    return result


def spec_for_file(path: Path) -> LayerSpec | None:
    """The spec whose file name matches ``path`` (for ``corridormap validate FILE``)."""
    for spec in catalog.LAYERS:
        if path.name == spec.file:
            return spec
    return None


def _read_table(data_dir: Path | None, name: str, columns: Iterable[str]) -> pd.DataFrame:
    """A CSV table from ``layers/`` as strings, or an error naming the file and what is wrong."""
    path = (data_dir or catalog.default_data_dir()) / "layers" / name
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:  # named within the data folder: no server path on screen
        raise DataValidationError([Problem(path.name, f"file not found: layers/{name}")]) from None
    except OSError as exc:
        raise DataValidationError([Problem(path.name, f"cannot read: {exc.strerror}")]) from None
    except (ValueError, pd.errors.ParserError) as exc:
        message = str(exc).replace(str(path.parent), "layers")
        raise DataValidationError([Problem(path.name, f"cannot read CSV: {message}")]) from None
    missing = [Problem(name, "missing column", field=c) for c in columns if c not in frame.columns]
    if missing:
        raise DataValidationError(missing)
    return frame


def _sources_and_dates(
    name: str, rows: Iterable[tuple[str, str, str]], date_field: str = "as_of"
) -> list[Problem]:
    """Problems with (who, source_url JSON, date) rows: URLs must be a JSON list of http(s)."""
    problems = []
    for who, urls, when in rows:
        try:
            parsed = json.loads(urls)
        except ValueError:
            parsed = None
        if _kind_problem(Kind.URL_LIST, parsed):
            problems.append(
                Problem(name, "not a JSON list of http(s) URLs", feature=who, field="source_url")
            )
        if not _is_iso_date(when):
            problems.append(
                Problem(name, "not a date YYYY-MM-DD", feature=who, field=date_field, got=when)
            )
    return problems


PARTICIPANTS_FILE = "ots_participants.csv"
_PARTICIPANT_COLUMNS = ("name", "iso3", "kind", "ots_status", "ots_joined", "source_url", "as_of")


def load_participants(data_dir: Path | None = None) -> pd.DataFrame:
    """The OTS members and observers, states and organisations (the ECO has no polygon)."""
    frame = _read_table(data_dir, PARTICIPANTS_FILE, _PARTICIPANT_COLUMNS)
    who = [str(n) or f"row {i}" for i, n in enumerate(frame["name"])]
    problems = [
        Problem(
            PARTICIPANTS_FILE,
            "value not allowed",
            feature=w,
            field="ots_status",
            expected="member | observer",
            got=v,
        )
        for w, v in zip(who, frame["ots_status"], strict=True)
        if v not in ("member", "observer")
    ]
    problems += _sources_and_dates(
        PARTICIPANTS_FILE,
        zip(who, frame["source_url"], frame["ots_joined"], strict=True),
        date_field="ots_joined",
    )
    if problems:
        raise DataValidationError(problems)
    frame["source_url"] = frame["source_url"].map(json.loads)
    return frame.replace({"": None})


SOURCES_FILE = "sources.csv"


def load_source_register(data_dir: Path | None = None) -> dict[str, str]:
    """Source URL -> ISO date of the page, from ``layers/sources.csv`` (undated pages left out).

    A missing or unreadable register gives an empty mapping (``read_source_register`` says
    why, and it is logged): cards then show the feature's ``as_of`` only, which every feature
    carries anyway.
    """
    return read_source_register(data_dir)[0]


def read_source_register(data_dir: Path | None = None) -> tuple[dict[str, str], str | None]:
    """``load_source_register``'s mapping, and what is wrong with the file (None when read)."""
    path = (data_dir or catalog.default_data_dir()) / "layers" / SOURCES_FILE
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except FileNotFoundError:
        problem = "is missing"
    except OSError as exc:
        problem = f"cannot be read: {exc.strerror}"
    except (ValueError, pd.errors.ParserError) as exc:
        problem = f"is not a readable CSV: {str(exc).replace(str(path.parent), 'layers')[:200]}"
    else:
        if {"url", "date"} <= set(frame.columns):
            dates = zip(frame["url"], frame["date"], strict=True)
            return {u: d for u, d in dates if _is_iso_date(d)}, None
        problem = "lacks its url and date columns"
    logger.warning("source register %s %s", path, problem)
    return {}, f"layers/{SOURCES_FILE} {problem}"


GAS_EXPORTS_FILE = "gas_exports.csv"
_GAS_NUMBERS = (
    "total_bcm",
    "europe_bcm",
    "turkiye_bcm",
    "turkiye_tanap_bcm",
    "georgia_bcm",
    "syria_bcm",
    "europe_share",
)
#: The columns of ``layers/gas_exports.csv``, in order (the build writes them).
GAS_EXPORT_COLUMNS = ("year", *_GAS_NUMBERS, "source_url", "as_of", "confidence", "note")


def load_gas_exports(data_dir: Path | None = None) -> pd.DataFrame:
    """Azerbaijan's gas exports by year (NaN where not published), with sources and as_of."""
    out = _read_table(data_dir, GAS_EXPORTS_FILE, ("year", *_GAS_NUMBERS, "source_url", "as_of"))
    problems: list[Problem] = []
    for column in _GAS_NUMBERS:
        numbers = pd.to_numeric(out[column].replace("", None), errors="coerce")
        bad = out[column].ne("") & numbers.isna()
        problems += [
            Problem(GAS_EXPORTS_FILE, "not a number", feature=str(y), field=column, got=v)
            for y, v in zip(out.loc[bad, "year"], out.loc[bad, column], strict=True)
        ]
        out[column] = numbers
    problems += _sources_and_dates(
        GAS_EXPORTS_FILE, zip(out["year"], out["source_url"], out["as_of"], strict=True)
    )
    if problems:
        raise DataValidationError(problems)
    out["year"] = out["year"].astype(int)
    out["source_url"] = out["source_url"].map(json.loads)
    return out


THROUGHPUT_FILE = "throughput.csv"
_THROUGHPUT_NUMBERS = ("mt", "teu")
#: The columns of ``layers/throughput.csv``, in order (the build writes them).
THROUGHPUT_COLUMNS = (
    "corridor",
    "series",
    "year",
    *_THROUGHPUT_NUMBERS,
    "source_url",
    "as_of",
    "confidence",
    "note",
)


def load_throughput(data_dir: Path | None = None) -> pd.DataFrame:
    """What moves on the corridors by year (million tonnes, TEU; NaN where not published),
    one row per corridor, series and year, with sources and as_of."""
    out = _read_table(data_dir, THROUGHPUT_FILE, THROUGHPUT_COLUMNS)
    who = [f"{s} {y}" for s, y in zip(out["series"], out["year"], strict=True)]
    problems: list[Problem] = [
        Problem(THROUGHPUT_FILE, "not a year", feature=w, field="year", got=y)
        for w, y in zip(who, out["year"], strict=True)
        if not (len(y) == 4 and y.isdigit())
    ]
    for column in _THROUGHPUT_NUMBERS:
        numbers = pd.to_numeric(out[column].replace("", None), errors="coerce")
        bad = (out[column].ne("") & numbers.isna()) | (numbers < 0)
        problems += [
            Problem(THROUGHPUT_FILE, "not a number of 0 or more", feature=w, field=column, got=v)
            for w, v, b in zip(who, out[column], bad, strict=True)
            if b
        ]
        out[column] = numbers
    problems += _sources_and_dates(
        THROUGHPUT_FILE, zip(who, out["source_url"], out["as_of"], strict=True)
    )
    if problems:
        raise DataValidationError(problems)
    out["year"] = out["year"].astype(int)
    out["source_url"] = out["source_url"].map(json.loads)
    return out


EXPECTATIONS_FILE = "expectations.csv"


def load_expectations(data_dir: Path | None = None) -> list[dict[str, Any]]:
    """What the sources expect for features, with the day each falls due (``review``).

    Rows as mappings, ``source_url`` parsed; a bad row is an error naming it, like every table.
    """
    from corridormap import review  # noqa: PLC0415 - review imports nothing heavy

    frame = _read_table(data_dir, EXPECTATIONS_FILE, review.EXPECTATION_COLUMNS)
    ids = [str(i) for i in frame["id"]]
    problems = _sources_and_dates(
        EXPECTATIONS_FILE, zip(ids, frame["source_url"], frame["as_of"], strict=True)
    )
    problems += [
        Problem(EXPECTATIONS_FILE, "not a date YYYY-MM-DD", feature=i, field="due", got=d)
        for i, d in zip(ids, frame["due"], strict=True)
        if not _is_iso_date(d)
    ]
    known = set(catalog.layer_keys())
    problems += [
        Problem(EXPECTATIONS_FILE, "unknown layer", feature=i, field="layer", got=k)
        for i, k in zip(ids, frame["layer"], strict=True)
        if k not in known
    ]
    if problems:
        raise DataValidationError(problems)
    rows = [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
    for row in rows:
        row["source_url"] = json.loads(row["source_url"])
    return rows
