"""Users' own layers: read a file (bytes + name), check it, and make it a layer like the others.

``read_user_layer`` is the one entry point, for the app and for ``corridormap validate FILE``.
It reads GeoJSON, GeoPackage, a zipped Shapefile, KML, or CSV with latitude/longitude columns;
reprojects to EPSG:4326; checks sizes (file, zip members, features, vertices, JSON nesting);
drops features it cannot draw, naming each one and why; and returns a ``UserLayer``: a
``LayerSpec`` built for the file (key ``user_<slug>``, style ``user:N``), the GeoDataFrame
indexed by feature id, and a report. Every failure is a ``DataValidationError`` that names the
file, the feature and the problem; nothing else escapes.

Nothing is written under ``data/``: binary formats are read from a private temporary folder
that is removed at once. Strings from the file are kept verbatim; they are escaped wherever
they are shown (tooltips, legend, cards, tables).
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import tempfile
import unicodedata
import zipfile
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path, PurePath
from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError, ProjError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from corridormap import catalog, files, gdalread, load, repair
from corridormap._errors import DataValidationError, Problem
from corridormap.catalog import Kind, LayerSpec, PropertySpec
from corridormap.escape import is_web_url
from corridormap.settings import Settings

USER_PREFIX: Final = "user_"
ID_PROPERTY: Final = "_id"
FORMATS: Final = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".zip": "zipped Shapefile",
    ".kml": "KML",
    ".csv": "CSV",
}
#: What the file picker accepts (extensions without the dot).
ACCEPTED: Final = tuple(ext.lstrip(".") for ext in FORMATS)
GEOMETRY_TYPES: Final = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
)
_FAMILY: Final = {"Point": 0, "LineString": 1, "Polygon": 2}
LAT_NAMES: Final = ("latitude", "lat", "y")
LON_NAMES: Final = ("longitude", "lon", "lng", "long", "x")
LABEL_NAMES: Final = ("name", "title", "label")
_COMMON: Final = {p.name for p in catalog.COMMON_PROPERTIES}
_SHP_PARTS: Final = (".shp", ".shx", ".dbf", ".prj", ".cpg")
_ARCHIVES: Final = frozenset({".zip", ".gz", ".tgz", ".tar", ".7z", ".rar", ".bz2", ".xz", ".kmz"})
_INT_RE: Final = re.compile(r"-?(0|[1-9]\d{0,17})")
_FLOAT_RE: Final = re.compile(r"-?\d+(\.\d+)?([eE][-+]?\d+)?")
_MAX_TITLE: Final = 80
_INT64: Final = (-(2**63), 2**63 - 1)


@dataclass(frozen=True, slots=True)
class UploadReport:
    """What was read: counts, the CRS it came in, what was repaired and what was dropped."""

    source: str
    format: str
    features: int
    vertices: int
    crs: str
    repaired: int = 0
    dropped: tuple[Problem, ...] = ()
    notes: tuple[str, ...] = ()
    repairs: tuple[Problem, ...] = ()  # each repaired feature, named, with what was wrong

    def changes(self) -> list[str]:
        """Every change made in reading, one line each: repaired features by name, then the
        notes (values left empty, links left out, positions read as 2D)."""
        return [str(p) for p in self.repairs] + list(self.notes)

    def summary(self) -> str:
        text = (
            f"{self.features:,} feature{'s' if self.features != 1 else ''}, "
            f"{self.vertices:,} vertices, from {self.format} in {self.crs}"
        )
        if self.crs != "EPSG:4326":
            text += " (reprojected to EPSG:4326)"
        if self.repaired:
            text += f"; {self.repaired} invalid geometr{'ies' if self.repaired != 1 else 'y'} "
            text += "repaired"
        if self.dropped:
            text += f"; {len(self.dropped)} feature{'s' if len(self.dropped) != 1 else ''} dropped"
        return text


@dataclass(frozen=True)
class UserLayer:
    """A user's layer: its spec, its features (indexed by id) and the report on reading it."""

    spec: LayerSpec
    gdf: gpd.GeoDataFrame
    report: UploadReport

    @property
    def pair(self) -> tuple[LayerSpec, gpd.GeoDataFrame]:
        return self.spec, self.gdf


# ---------------------------------------------------------------------------------------------
# Entry point


def read_user_layer(
    raw: bytes,
    filename: str,
    *,
    index: int = 0,
    taken: Collection[str] = (),
    taken_titles: Collection[str] = (),
    settings: Settings | None = None,
    repair: bool = False,
) -> UserLayer:
    """Read a user's file into a layer, or raise ``DataValidationError`` naming every problem.

    ``index`` picks the user colour (style key ``user:<index>``); ``taken`` and
    ``taken_titles`` are the keys and titles of the layers already in this session (the new
    ones avoid them and the shipped layers', so no two layers share a name in the Layers box;
    ``taken`` also counts against ``max_layers``); with ``repair``, invalid geometries are
    fixed with ``make_valid`` instead of dropped.
    """
    settings = settings or Settings()
    source = _display_name(filename)
    if len(taken) >= settings.max_layers:
        raise DataValidationError(
            [
                Problem(
                    source,
                    f"this session already holds {len(taken)} own layers; the limit is "
                    f"{settings.max_layers}: remove one first",
                )
            ]
        )
    if not isinstance(raw, bytes | bytearray):
        raise DataValidationError([Problem(source, "the upload is not a file's bytes")])
    raw = bytes(raw)
    if len(raw) > settings.max_bytes:
        raise DataValidationError(
            [
                Problem(
                    source,
                    f"the file is {len(raw) / 1048576:.1f} MB; the limit is {settings.max_mb:g} MB",
                )
            ]
        )
    if not raw.strip():
        raise DataValidationError([Problem(source, "the file is empty")])
    ext = PurePath(source).suffix.lower()
    if ext not in FORMATS:
        raise DataValidationError(
            [
                Problem(
                    source,
                    "unsupported file type",
                    expected=", ".join(FORMATS),
                    got=repr(ext or "no extension"),
                )
            ]
        )
    ctx = _Context(source=source, format=FORMATS[ext], settings=settings, repair=repair)
    try:
        table = _READERS[ext](raw, ctx)
        gdf, spec_props, id_prop, label_prop = _finish(table, ctx)
    except DataValidationError:
        raise
    except RecursionError:
        raise DataValidationError([Problem(source, "the file is nested too deeply")]) from None
    except MemoryError:
        raise DataValidationError([Problem(source, "the file is too large to read")]) from None
    key = _unique_key(source, taken)
    spec = LayerSpec(
        key=key,
        file=source,
        title=_unique_title(_title(source), taken_titles),
        description=f"Your layer, from {source}: {len(gdf):,} features.",
        geometry_types=tuple(sorted(set(gdf.geometry.geom_type))),
        id_property=id_prop,
        label_property=label_prop,
        properties=spec_props,
        style_key=f"user:{max(0, int(index))}",
        searchable=(label_prop,),
    )
    report = UploadReport(
        source=source,
        format=ctx.format,
        features=len(gdf),
        vertices=int(shapely.get_num_coordinates(gdf.geometry.to_numpy()).sum()),
        crs=ctx.crs,
        repaired=len(ctx.repairs),
        repairs=tuple(ctx.repairs),
        dropped=tuple(ctx.dropped),
        notes=tuple(ctx.notes),
    )
    return UserLayer(spec, gdf, report)


def read_user_file(path: Path, **kwargs: Any) -> UserLayer:
    """``read_user_layer`` on a file on disk (``corridormap validate``, ``export --layer``):
    a regular file no larger than the limit, read with a bounded read."""
    settings = kwargs.get("settings") or Settings()
    raw = files.read_bounded(path, settings.max_bytes, "the upload limit")
    return read_user_layer(raw, path.name, **kwargs)


# ---------------------------------------------------------------------------------------------
# Shared state while reading one file


@dataclass
class _Context:
    source: str
    format: str
    settings: Settings
    repair: bool
    crs: str = "EPSG:4326"
    crs_declared: bool = False
    crs_obj: CRS | None = None
    repairs: list[Problem] = field(default_factory=list)
    mixed_dimensions: int = 0
    dropped: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    to_repair: dict[str, str] = field(default_factory=dict)  # label -> why it is invalid

    def fail(self, problem: str, **kw: Any) -> DataValidationError:
        return DataValidationError([Problem(self.source, problem, **kw)])

    def drop(self, feature: str, problem: str, field_: str | None = "geometry") -> None:
        self.dropped.append(Problem(self.source, problem, feature=feature, field=field_))


@dataclass
class _Table:
    """Features as read: property rows, geometries (None when missing), labels for messages."""

    rows: list[dict[str, Any]]
    geoms: list[BaseGeometry | None]
    labels: list[str]
    ids: list[str] | None = None  # GeoJSON feature ids, when every feature has a unique one


def _display_name(filename: str) -> str:
    name = PurePath(str(filename).replace("\\", "/")).name
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C")
    return name[:200] or "upload"


def _title(source: str) -> str:
    stem = PurePath(source).stem.replace("_", " ").strip() or source
    return stem if len(stem) <= _MAX_TITLE else stem[: _MAX_TITLE - 1] + "…"


def _unique_title(title: str, taken_titles: Collection[str]) -> str:
    used = {t.casefold() for t in taken_titles} | {s.title.casefold() for s in catalog.LAYERS}
    candidate, n = title, 2
    while candidate.casefold() in used:
        candidate, n = f"{title} ({n})", n + 1
    return candidate


def slug(text: str) -> str:
    """Lower-case ASCII letters, digits and underscores (``layer`` when nothing is left)."""
    ascii_ = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    s = re.sub(r"[^a-z0-9]+", "_", ascii_.lower()).strip("_")[:40]
    return s or "layer"


def _unique_key(source: str, taken: Collection[str]) -> str:
    base = USER_PREFIX + slug(PurePath(source).stem)
    used = set(taken) | set(catalog.layer_keys())
    key, n = base, 2
    while key in used:
        key, n = f"{base}_{n}", n + 1
    return key


# ---------------------------------------------------------------------------------------------
# Readers, one per format


def _check_count(n: int, ctx: _Context) -> None:
    if n > ctx.settings.max_features:
        raise ctx.fail(
            f"{n:,} features; the limit is {ctx.settings.max_features:,}",
        )


def _read_geojson(raw: bytes, ctx: _Context) -> _Table:
    limit = ctx.settings.max_nesting
    if limit < load.MAX_NESTING:
        try:
            depth = load.nesting_depth(raw.decode("utf-8-sig"))
        except UnicodeDecodeError:
            depth = 0  # parse_geojson_bytes names the bad byte
        if depth > limit:
            raise ctx.fail(f"JSON nested {depth} levels deep (limit {limit})")
    doc = load.parse_geojson_bytes(raw, ctx.source)
    try:  # "\ud800" is valid JSON but not Unicode text: nothing could show or save it
        json.dumps(doc, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = exc.object[exc.start : exc.end].encode("unicode_escape").decode()
        raise ctx.fail(
            f"a string holds a lone UTF-16 surrogate ({bad}): not Unicode text"
        ) from None
    features = _features_of(doc, ctx)
    _geojson_crs(doc.get("crs"), ctx)
    _check_count(len(features), ctx)
    table = _Table([], [], [])
    ids: list[str] = []
    vertices = 0
    for i, feature in enumerate(features):
        label = _feature_label(feature, i)
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            ctx.drop(label, "not a GeoJSON Feature", None)
            continue
        props = feature.get("properties")
        if props is None:
            props = {}
        if not isinstance(props, dict):
            ctx.drop(label, f"properties is not an object (got {type(props).__name__})", None)
            continue
        geom, n = _geojson_geometry(feature.get("geometry"), label, ctx)
        vertices += n
        if vertices > ctx.settings.max_vertices:
            raise ctx.fail(
                f"more than {ctx.settings.max_vertices:,} vertices (at feature {label}); "
                "simplify the file or raise the limit",
            )
        if geom is None:
            continue
        fid = feature.get("id")
        ids.append(str(fid) if isinstance(fid, str | int) and not isinstance(fid, bool) else "")
        table.rows.append(props)
        table.geoms.append(geom)
        table.labels.append(label)
    if ids and all(ids) and len(set(ids)) == len(ids):
        table.ids = ids
    return table


def _features_of(doc: dict[str, Any], ctx: _Context) -> list[Any]:
    gtype = doc.get("type")
    if gtype == "FeatureCollection":
        features = doc.get("features")
        if not isinstance(features, list):
            raise ctx.fail("'features' is not a list")
        return features
    if gtype == "Feature":
        return [doc]
    if gtype in GEOMETRY_TYPES:
        return [{"type": "Feature", "properties": {}, "geometry": doc}]
    raise ctx.fail(
        "not GeoJSON", expected="FeatureCollection, Feature or geometry", got=_short(gtype)
    )


def _feature_label(feature: Any, index: int) -> str:
    fid = feature.get("id") if isinstance(feature, dict) else None
    if isinstance(fid, str | int) and not isinstance(fid, bool) and str(fid):
        return f"#{index} (id {_short(fid)})"
    return f"#{index}"


def _geojson_crs(crs: Any, ctx: _Context) -> None:
    if crs is None:
        return
    props = crs.get("properties") if isinstance(crs, dict) else None
    name = props.get("name") if isinstance(props, dict) else None
    if not isinstance(name, str):
        raise ctx.fail("unreadable 'crs' member", field="crs", got=_short(crs))
    _declare_crs(name, ctx)


def _declare_crs(text: str, ctx: _Context) -> None:
    """The file's CRS (a name, an EPSG code or WKT): known, and one a map can be drawn from."""
    try:
        gdalread.check_crs_text(text, "the file")
        parsed = CRS.from_user_input(text)
    except gdalread.GdalReadError as exc:
        raise ctx.fail(str(exc), field="crs") from None
    except (CRSError, ProjError, ValueError, TypeError):
        raise ctx.fail("unknown CRS", field="crs", got=_short(text)) from None
    if parsed.is_geocentric or not (parsed.is_geographic or parsed.is_projected):
        epsg = parsed.to_epsg()
        named = f"{parsed.name!r}" + (f" (EPSG:{epsg})" if epsg else "")
        kind = (
            "geocentric (x, y, z from the earth's centre)"
            if parsed.is_geocentric
            else ("neither geographic nor projected")
        )
        raise ctx.fail(
            f"the CRS {named} is {kind}: its coordinates cannot be placed on a map",
            field="crs",
        )
    ctx.crs_declared = True
    ctx.crs_obj = parsed
    epsg = parsed.to_epsg()
    ctx.crs = f"EPSG:{epsg}" if epsg else parsed.name  # the summary names it


def _positions(coords: Any, depth: int = 0) -> Iterable[Any]:
    if depth > 8:
        raise ValueError("coordinates nested too deeply")
    if isinstance(coords, list) and coords and not isinstance(coords[0], list):
        yield coords
    elif isinstance(coords, list):
        for c in coords:
            yield from _positions(c, depth + 1)
    else:
        raise ValueError(f"coordinates are not arrays (got {type(coords).__name__})")


def _position_problem(positions: list[Any]) -> str | None:
    for pos in positions:
        if not (2 <= len(pos) <= 4) or not all(
            isinstance(c, int | float) and not isinstance(c, bool) for c in pos
        ):
            return f"bad position {_short(pos)}"
        if not all(_finite(c) for c in pos[:2]):
            return f"non-finite coordinate (or too large a number) {_short(pos)}"
    return None


def _finite(value: float) -> bool:
    """A finite number that fits a double (a 400-digit integer does not)."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _xy(coords: Any) -> Any:
    """The coordinate arrays with every position cut to (x, y) as floats."""
    if coords and not isinstance(coords[0], list):
        return [float(coords[0]), float(coords[1])]
    return [_xy(c) for c in coords]


_DEPTHS: Final = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}


def _leaf_depths(coords: Any, depth: int = 0) -> set[int]:
    """How deep the positions sit in a coordinates array (one value when it is regular)."""
    if coords and not isinstance(coords[0], list):
        return {depth}
    if not coords:
        return {depth + 1}  # an empty part: as deep as a position would be
    return set().union(*(_leaf_depths(c, depth + 1) for c in coords))


def _shape_problem(gtype: str, coords: Any) -> str | None:
    """Why a polygon's rings cannot be right (GeoJSON: closed, at least 4 positions), or None.

    shapely would close an open ring and accept a 3-position one without a word; a file that
    says so little about its shape is refused rather than guessed at."""
    depths = _leaf_depths(coords)
    if depths != {_DEPTHS[gtype]}:
        got = ", ".join(map(str, sorted(depths)))
        return f"coordinates nested {got} deep; a {gtype} has {_DEPTHS[gtype]} levels"
    if gtype not in ("Polygon", "MultiPolygon"):
        return None
    polygons = [coords] if gtype == "Polygon" else coords
    for p, rings in enumerate(polygons, start=1):
        for r, ring in enumerate(rings, start=1):
            where = f"ring {r}" + (f" of polygon {p}" if gtype == "MultiPolygon" else "")
            if len(ring) < 4:
                return f"{where} has {len(ring)} positions; a closed ring needs at least 4"
            if ring[0] != ring[-1]:
                return f"{where} is not closed (its last position differs from its first)"
    return None


def _geojson_geometry(geometry: Any, label: str, ctx: _Context) -> tuple[BaseGeometry | None, int]:
    """The feature's geometry and its vertex count, or (None, n) after recording the drop."""
    if geometry is None:
        ctx.drop(label, "missing geometry (null)")
        return None, 0
    if not isinstance(geometry, dict):
        ctx.drop(label, f"geometry is not an object (got {type(geometry).__name__})")
        return None, 0
    gtype = geometry.get("type")
    if gtype == "GeometryCollection":
        ctx.drop(label, "GeometryCollection is not supported; split it into features")
        return None, 0
    if gtype not in GEOMETRY_TYPES:
        ctx.drop(label, f"unknown geometry type {_short(gtype)}")
        return None, 0
    if "coordinates" not in geometry:
        ctx.drop(label, "geometry has no coordinates")
        return None, 0
    try:
        positions = list(_positions(geometry["coordinates"]))
    except ValueError as exc:
        ctx.drop(label, f"malformed coordinates: {exc}")
        return None, 0
    n = len(positions)
    if n > ctx.settings.max_vertices:
        raise ctx.fail(
            f"{n:,} vertices in one feature; the limit is {ctx.settings.max_vertices:,}",
            feature=label,
            field="geometry",
        )
    problem = _position_problem(positions)
    flat = {"type": gtype, "coordinates": None if problem else _xy(geometry["coordinates"])}
    problem = problem or _shape_problem(gtype, flat["coordinates"])
    if problem:
        ctx.drop(label, problem)
        return None, n
    if len({len(p) for p in positions}) > 1:
        ctx.mixed_dimensions += 1  # 2D and 3D positions in one geometry: read as 2D
    try:
        geom = shape(flat)
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        ctx.drop(label, f"malformed geometry: {str(exc)[:120]}")
        return None, n
    except shapely.errors.ShapelyError as exc:
        ctx.drop(label, f"malformed geometry: {str(exc)[:120]}")
        return None, n
    return geom, n


def _read_csv(raw: bytes, ctx: _Context) -> _Table:
    text = _decode(raw, ctx)
    first = text.split("\n", 1)[0]
    sep = max((",", ";", "\t"), key=first.count)
    _check_csv_shape(text, first, sep, ctx)
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, keep_default_na=False, sep=sep, skipinitialspace=True
        )
    except (ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise ctx.fail(f"cannot read CSV: {str(exc).strip()[:200]}") from None
    columns = [str(c) for c in frame.columns]
    frame.columns = pd.Index(columns)
    try:
        header = next(csv.reader([first.rstrip("\r")], delimiter=sep), [])
    except csv.Error as exc:
        raise ctx.fail(f"cannot read the CSV header: {exc}") from None
    for names, what in ((LAT_NAMES, "latitude"), (LON_NAMES, "longitude")):
        found = [h.strip() for h in header if h.strip().lower() in names]
        if len(found) > 1:
            raise ctx.fail(
                f"{len(found)} {what} columns ({', '.join(found)}); keep one, so that no "
                "position is read from the wrong column"
            )
    lookup = {c.strip().lower(): c for c in columns}
    lat = next((lookup[n] for n in LAT_NAMES if n in lookup), None)
    lon = next((lookup[n] for n in LON_NAMES if n in lookup), None)
    if lat is None or lon is None:
        raise ctx.fail(
            "no latitude/longitude columns",
            expected=f"columns named {'/'.join(LAT_NAMES)} and {'/'.join(LON_NAMES)}",
            got=_short(", ".join(columns)),
        )
    _check_count(len(frame), ctx)
    others = [c for c in columns if c not in (lat, lon)]
    converted = {c: _csv_column(list(frame[c])) for c in others}
    table = _Table([], [], [])
    for i, (y_raw, x_raw) in enumerate(zip(frame[lat], frame[lon], strict=True)):
        label = f"row {i + 2}"
        y, x = _number(y_raw), _number(x_raw)
        if y is None or x is None:
            which = lat if y is None else lon
            bad = y_raw if y is None else x_raw
            ctx.drop(label, f"{which} {_short(bad)} is not a number", which)
            continue
        table.rows.append({c: converted[c][i] for c in others})
        table.geoms.append(shapely.Point(x, y))
        table.labels.append(label)
    return table


def _check_csv_shape(text: str, first: str, sep: str, ctx: _Context) -> None:
    """The header's column count (counted, not parsed), then each row's field count, before
    the full parse: pandas took 70 s and 2.5 GB on a CSV of a million columns."""
    limit = ctx.settings.max_columns + 2  # the properties, and latitude and longitude
    fields = first.count(sep) + 1  # a separator inside a quoted name counts too: an upper bound
    if fields > limit:
        raise ctx.fail(
            f"the header has {fields:,} columns; the limit is {ctx.settings.max_columns} "
            "properties plus latitude and longitude"
        )
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
        width = len(next(reader, []))
        for row in reader:
            if len(row) > max(width, limit):
                raise ctx.fail(
                    f"row {reader.line_num} has {len(row):,} fields; the header has {width}"
                )
    except csv.Error as exc:
        raise ctx.fail(f"cannot read CSV: {str(exc)[:200]}") from None


def _number(text: Any) -> float | None:
    try:
        value = float(str(text).strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _csv_column(values: list[str]) -> list[Any]:
    """CSV text as ints, floats or strings (empty cells as None)."""
    present = [v.strip() for v in values if v.strip()]
    if present and all(_INT_RE.fullmatch(v) for v in present):
        return [int(v) if v.strip() else None for v in values]
    if present and all(_FLOAT_RE.fullmatch(v) and _finite(float(v)) for v in present):
        return [float(v) if v.strip() else None for v in values]
    return [v if v.strip() else None for v in values]


def _decode(raw: bytes, ctx: _Context) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ctx.fail(
            f"not UTF-8 text (byte {exc.start}: {raw[exc.start : exc.start + 1]!r})"
        ) from None


def _read_gpkg(raw: bytes, ctx: _Context) -> _Table:
    with tempfile.TemporaryDirectory(prefix="corridormap-upload-") as tmp:
        path = Path(tmp) / "upload.gpkg"
        path.write_bytes(raw)
        return _read_with_gdal(path, ctx)


def _read_kml(raw: bytes, ctx: _Context) -> _Table:
    text = _decode(raw, ctx)
    try:
        gdalread.check_kml(text)
    except gdalread.GdalReadError as exc:
        raise ctx.fail(str(exc)) from None
    with tempfile.TemporaryDirectory(prefix="corridormap-upload-") as tmp:
        path = Path(tmp) / "upload.kml"
        path.write_bytes(raw)
        return _read_with_gdal(path, ctx)


def _read_zip(raw: bytes, ctx: _Context) -> _Table:
    s = ctx.settings
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise ctx.fail("not a readable zip archive") from None
    with archive:
        members = [
            i
            for i in archive.infolist()
            if not i.is_dir()
            and not i.filename.startswith("__MACOSX/")
            and not PurePath(i.filename).name.startswith(".")
        ]
        if len(members) > s.max_zip_members:
            raise ctx.fail(f"{len(members)} files in the archive; the limit is {s.max_zip_members}")
        total = sum(i.file_size for i in members)
        if total > s.max_unzipped_bytes:
            raise ctx.fail(
                f"the archive expands to {total / 1048576:,.0f} MB; the limit is "
                f"{s.max_unzipped_mb:g} MB (refused before extracting)"
            )
        for i in members:
            if (i.external_attr >> 16) & 0o170000 == 0o120000:
                raise ctx.fail(f"{_short(i.filename)} is a symbolic link, not a file")
            if PurePath(i.filename).suffix.lower() in _ARCHIVES:
                raise ctx.fail(
                    f"{_short(i.filename)} is an archive inside the archive; zip the "
                    "shapefile's own files"
                )
            ratio = i.file_size / max(i.compress_size, 1)
            if i.file_size > 1_000_000 and ratio > s.max_zip_ratio:
                raise ctx.fail(
                    f"{_short(i.filename)} is compressed {ratio:,.0f}:1; the limit is "
                    f"{s.max_zip_ratio:g}:1 (a zip bomb?) (refused before extracting)"
                )
        shps = [i for i in members if i.filename.lower().endswith(".shp")]
        if not shps:
            found = ", ".join(i.filename for i in members[:10]) or "nothing"
            raise ctx.fail(f"no shapefile (.shp) in the archive (found: {_short(found)})")
        if len(shps) > 1:
            names = ", ".join(i.filename for i in shps[:10])
            raise ctx.fail(
                f"{len(shps)} layers in the archive ({_short(names)}); upload one layer per file"
            )
        stem = shps[0].filename[:-4].lower()
        parts = {
            i.filename[len(stem) :].lower(): i
            for i in members
            if i.filename.lower().startswith(stem) and i.filename[len(stem) :].lower() in _SHP_PARTS
        }
        missing = [p for p in (".shx", ".dbf") if p not in parts]
        if missing:
            raise ctx.fail(f"the shapefile lacks its {' and '.join(missing)} file")
        with tempfile.TemporaryDirectory(prefix="corridormap-upload-") as tmp:
            for ext, info in parts.items():
                # Our own file names (no path from the archive), and never more bytes than the
                # member declared: a lying header cannot expand past the checked total.
                _extract(archive, info, Path(tmp) / f"layer{ext}", ctx)
            return _read_with_gdal(Path(tmp) / "layer.shp", ctx)


def _extract(archive: zipfile.ZipFile, info: zipfile.ZipInfo, dest: Path, ctx: _Context) -> None:
    budget = info.file_size
    try:
        with archive.open(info) as src, dest.open("wb") as out:
            while chunk := src.read(1 << 16):
                budget -= len(chunk)
                if budget < 0:
                    raise ctx.fail(f"{_short(info.filename)} expands past its declared size")
                out.write(chunk)
    except (zipfile.BadZipFile, RuntimeError, NotImplementedError, OSError, EOFError) as exc:
        raise ctx.fail(f"cannot extract {_short(info.filename)}: {str(exc)[:120]}") from None


def _read_with_gdal(path: Path, ctx: _Context) -> _Table:
    """Read the one layer of a GeoPackage, shapefile or KML: checked for its declared format
    first, then opened by that format's GDAL driver only (``gdalread``)."""
    s = ctx.settings
    limits = gdalread.Limits(s.max_features, s.max_vertices, s.max_columns)
    try:
        if ctx.format == "GeoPackage":
            gdalread.check_gpkg(path, limits)
        elif ctx.format == "zipped Shapefile":
            gdalread.check_shapefile(path.parent, limits)
        result = gdalread.read(path, ctx.format, limits)
    except gdalread.GdalReadError as exc:
        raise ctx.fail(str(exc)) from None
    if result.crs_wkt is not None:
        _declare_crs(result.crs_wkt, ctx)
    table = _Table([], [], [])
    for i, (props, geometry) in enumerate(zip(result.rows, result.geometries, strict=True)):
        label = f"#{i}"
        geom: BaseGeometry | None = None
        if geometry is not None:
            problem = _gdal_shape_problem(geometry)
            if problem:
                ctx.drop(label, problem)
                continue
            try:
                geom = shape(geometry)
            except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
                ctx.drop(label, f"malformed geometry: {str(exc)[:120]}")
                continue
        table.rows.append({str(k): _plain(v) for k, v in props.items()})
        table.geoms.append(geom)
        table.labels.append(label)
    return table


def _gdal_shape_problem(geometry: dict[str, Any]) -> str | None:
    """What ``_shape_problem`` says of a geometry GDAL read (rings closed, 4 positions...)."""
    gtype = str(geometry.get("type"))
    if gtype not in GEOMETRY_TYPES:
        return f"{gtype} is not supported"
    coords = _lists(geometry.get("coordinates"))
    if not coords:
        return "empty geometry"
    return _shape_problem(gtype, coords)


def _lists(coords: Any) -> Any:
    """Coordinates as nested lists (GDAL gives tuples)."""
    if isinstance(coords, tuple | list):
        if coords and isinstance(coords[0], int | float):
            return list(coords)
        return [_lists(c) for c in coords]
    return coords


def _plain(value: Any) -> Any:
    """A value from pandas/numpy as plain Python (None for missing)."""
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, pd.Timestamp | datetime | date):
        return value.isoformat()
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, np.ndarray):
        return [_plain(v) for v in value.tolist()]
    return value


_READERS: Final = {
    ".geojson": _read_geojson,
    ".json": _read_geojson,
    ".csv": _read_csv,
    ".gpkg": _read_gpkg,
    ".kml": _read_kml,
    ".zip": _read_zip,
}


# ---------------------------------------------------------------------------------------------
# From features as read to a layer


def _finish(
    table: _Table, ctx: _Context
) -> tuple[gpd.GeoDataFrame, tuple[PropertySpec, ...], str, str]:
    s = ctx.settings
    if ctx.mixed_dimensions:
        ctx.notes.append(f"{ctx.mixed_dimensions} feature(s) mix 2D and 3D positions; read as 2D")
    keep: list[int] = []
    geoms: list[BaseGeometry] = []
    projected, unprojectable = _reproject(list(table.geoms), table.labels, ctx)
    out_of_range: list[str] = []
    for i, geom in enumerate(projected):
        if i in unprojectable:
            continue
        label = table.labels[i]
        checked = _check_geometry(geom, label, ctx, out_of_range)
        if checked is not None:
            keep.append(i)
            geoms.append(checked)
    keep, geoms = _repair(keep, geoms, table.labels, ctx)
    if out_of_range and not keep and not ctx.crs_declared:
        head = Problem(
            ctx.source,
            f"coordinates outside the lon/lat range (e.g. feature {out_of_range[0]}); the file "
            "declares no CRS: is it in a projected CRS? Save it as EPSG:4326 or with its CRS",
        )
        raise DataValidationError([head, *ctx.dropped])
    if not keep:
        problems = ctx.dropped or [Problem(ctx.source, "the layer has no features")]
        if ctx.dropped:
            problems = [Problem(ctx.source, "no feature could be read"), *problems]
        raise DataValidationError(problems)
    vertices = int(shapely.get_num_coordinates(np.array(geoms, dtype=object)).sum())
    if vertices > s.max_vertices:
        raise ctx.fail(f"{vertices:,} vertices; the limit is {s.max_vertices:,}")
    rows = [table.rows[i] for i in keep]
    names = _column_names(rows, ctx)
    columns: dict[str, list[Any]] = {}
    specs: list[PropertySpec] = []
    for original, name in names.items():
        values = [r.get(original) for r in rows]
        if all(v is None for v in values):
            continue  # an empty column (KML carries a dozen) says nothing
        if name in _COMMON:
            columns[name] = _common_values(name, values, ctx)
            continue
        kind, values = _kind_and_values(values)
        columns[name] = values
        specs.append(PropertySpec(name, kind, name or "(unnamed)", nullable=True))
    id_prop = _id_column(columns, specs, table, keep)
    label_prop = _label_column(specs, id_prop)
    frame = pd.DataFrame({k: pd.Series(v, dtype=object) for k, v in columns.items()})
    gdf = gpd.GeoDataFrame(frame, geometry=geoms, crs="EPSG:4326")
    gdf.index = pd.Index([str(v) for v in columns[id_prop]])
    gdf.index.name = None
    return gdf, tuple(specs), id_prop, label_prop


def _reproject(
    geoms: list[BaseGeometry | None], labels: list[str], ctx: _Context
) -> tuple[list[BaseGeometry | None], set[int]]:
    """The geometries in EPSG:4326, and the indices of those dropped because their coordinates
    do not survive the round trip (outside what the CRS can represent, e.g. 1e20 m)."""
    parsed = ctx.crs_obj
    if parsed is None or parsed.equals(CRS.from_epsg(4326), ignore_axis_order=True):
        return geoms, set()
    try:
        series = gpd.GeoSeries(geoms, crs=parsed)
        out = series.to_crs(4326)
        back = out.to_crs(parsed)
    except (CRSError, ProjError, ValueError, shapely.errors.ShapelyError) as exc:
        raise ctx.fail(f"cannot reproject from {ctx.crs} to EPSG:4326: {str(exc)[:120]}") from None
    dropped: set[int] = set()
    area = _area_of_use(parsed)
    for i, (before, after, lonlat) in enumerate(zip(series, back, out, strict=True)):
        if before is None or after is None or lonlat is None:
            continue
        if area is not None and not shapely.box(*area).contains(lonlat):
            ctx.drop(
                labels[i],
                f"lies outside the area where {ctx.crs} is defined "
                f"({area[0]:g}..{area[2]:g}°E, {area[1]:g}..{area[3]:g}°N, with a margin): "
                "is the CRS right?",
            )
            dropped.add(i)
            continue
        a = shapely.get_coordinates(before)
        b = shapely.get_coordinates(after)
        if a.shape != b.shape or not np.allclose(a, b, rtol=1e-6, atol=1.0, equal_nan=False):
            ctx.drop(
                labels[i],
                f"coordinates outside what {ctx.crs} can represent (e.g. {a[0][0]:g}, {a[0][1]:g})",
            )
            dropped.add(i)
    return list(out), dropped


#: Degrees a feature may lie beyond its CRS's area of use (zones are used a little beyond).
_AREA_MARGIN: Final = 10.0


def _area_of_use(crs: CRS) -> tuple[float, float, float, float] | None:
    """The CRS's area of use in lon/lat, widened by ``_AREA_MARGIN`` (None when it has none or
    crosses the antimeridian)."""
    area = crs.area_of_use
    if area is None or area.west > area.east:
        return None
    m = _AREA_MARGIN
    return (
        max(-180.0, area.west - m),
        max(-90.0, area.south - m),
        min(180.0, area.east + m),
        min(90.0, area.north + m),
    )


def _check_geometry(
    geom: BaseGeometry | None, label: str, ctx: _Context, out_of_range: list[str]
) -> BaseGeometry | None:
    s = ctx.settings
    if geom is None:
        ctx.drop(label, "missing geometry")
        return None
    if geom.is_empty:
        ctx.drop(label, "empty geometry")
        return None
    if geom.geom_type not in GEOMETRY_TYPES:
        ctx.drop(label, f"{geom.geom_type} is not supported")
        return None
    n = int(shapely.get_num_coordinates(geom))
    if n > s.max_vertices:
        raise ctx.fail(
            f"{n:,} vertices in one feature; the limit is {s.max_vertices:,}",
            feature=label,
            field="geometry",
        )
    geom = shapely.force_2d(geom)
    coords = shapely.get_coordinates(geom)
    if not np.isfinite(coords).all():
        ctx.drop(label, "non-finite coordinate (NaN or infinity)")
        return None
    lon, lat = coords[:, 0], coords[:, 1]
    if (np.abs(lon) > 180).any() or (np.abs(lat) > 90).any():
        bad = coords[(np.abs(lon) > 180) | (np.abs(lat) > 90)][0]
        out_of_range.append(label)
        hint = "" if ctx.crs_declared else "; is the file in a projected CRS?"
        ctx.drop(label, f"coordinate ({bad[0]:g}, {bad[1]:g}) is outside lon/lat range{hint}")
        return None
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        if not ctx.repair:
            ctx.drop(
                label,
                f"invalid geometry: {reason} (fix it in the file, or read it with repair: "
                "the 'repair' box in the app, --repair on the command line)",
            )
            return None
        ctx.to_repair[label] = reason  # repaired together, in a worker (_repair)
    return geom


def _repair(
    keep: list[int], geoms: list[BaseGeometry], labels: list[str], ctx: _Context
) -> tuple[list[int], list[BaseGeometry]]:
    """Repair the invalid geometries ``_check_geometry`` set aside, within the time budget of
    ``corridormap.repair``; drop, naming them, those it cannot repair."""
    if not ctx.to_repair:
        return keep, geoms
    at = [n for n, i in enumerate(keep) if labels[i] in ctx.to_repair]
    result = repair.make_valid_all([geoms[n] for n in at])
    dropped: set[int] = set()
    for n, fixed, problem in zip(at, result.geometries, result.problems, strict=True):
        label = labels[keep[n]]
        reason = ctx.to_repair[label]
        kept = None if fixed is None else _family_parts(geoms[n], fixed)
        if kept is None:
            ctx.drop(
                label,
                f"invalid geometry that cannot be repaired: {reason}"
                + (f"; {problem}" if problem else ""),
            )
            dropped.add(n)
            continue
        geoms[n] = kept
        ctx.repairs.append(
            Problem(ctx.source, f"invalid geometry repaired ({reason})", feature=label)
        )
    return (
        [i for n, i in enumerate(keep) if n not in dropped],
        [g for n, g in enumerate(geoms) if n not in dropped],
    )


def _family_parts(geom: BaseGeometry, fixed: BaseGeometry) -> BaseGeometry | None:
    """The parts of ``make_valid``'s result of the original's family (polygons stay polygons)."""
    family = _FAMILY[geom.geom_type.removeprefix("Multi")]
    parts = [
        p
        for p in shapely.get_parts(shapely.get_parts(fixed))
        if not p.is_empty and _FAMILY.get(p.geom_type.removeprefix("Multi")) == family
    ]
    if not parts:
        return None
    if len(parts) == 1 and not geom.geom_type.startswith("Multi"):
        return parts[0]
    multi = {0: shapely.MultiPoint, 1: shapely.MultiLineString, 2: shapely.MultiPolygon}[family]
    result = multi(parts)
    return result if result.is_valid else None


def _column_names(rows: Sequence[dict[str, Any]], ctx: _Context) -> dict[str, str]:
    """Each property name in the file -> its column name (``geometry`` and the id renamed)."""
    seen: dict[str, str] = {}
    for row in rows:
        for name in row:
            if name not in seen:
                seen[name] = str(name)
                if len(seen) > ctx.settings.max_columns:
                    raise ctx.fail(
                        f"more than {ctx.settings.max_columns} properties; the limit is "
                        f"{ctx.settings.max_columns}"
                    )
    used: set[str] = set()
    out: dict[str, str] = {}
    for original, name in seen.items():
        col = name
        if col in ("geometry", ID_PROPERTY):
            col = f"{name} (from file)"
        while col in used:
            col += "'"
        used.add(col)
        out[original] = col
    return out


def _kind_and_values(values: list[Any]) -> tuple[Kind, list[Any]]:
    present = [v for v in values if v is not None]
    if any(
        isinstance(v, int) and not isinstance(v, bool) and not _INT64[0] <= v <= _INT64[1]
        for v in present
    ):
        return Kind.STR, [_text(v) for v in values]  # no number type holds it: kept as written
    if present and all(isinstance(v, int) and not isinstance(v, bool) for v in present):
        return Kind.INT, values
    if present and all(isinstance(v, int | float) and not isinstance(v, bool) for v in present):
        return Kind.FLOAT, [None if v is None or not math.isfinite(v) else float(v) for v in values]
    return Kind.STR, [_text(v) for v in values]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, int | float):
        return str(value)
    try:
        return json.dumps(value, ensure_ascii=False, allow_nan=False)[:2000]
    except (TypeError, ValueError):
        return str(value)[:2000]


def _common_values(name: str, values: list[Any], ctx: _Context) -> list[Any]:
    """The file's ``source_url``/``as_of``/``confidence``/``note`` in the shapes cards expect.

    Values that do not fit become null and are counted in the report's notes.
    """
    out: list[Any] = []
    bad = 0
    for v in values:
        if v is None:
            out.append(None)
        elif name == "source_url":  # the one URL policy: http(s) links only
            items = v if isinstance(v, list) else [v]
            urls = [u.strip() for u in items if isinstance(u, str) and is_web_url(u.strip())]
            bad += len(items) - len(urls)
            out.append(urls or None)
        elif name == "as_of":
            ok = isinstance(v, str) and load._is_iso_date(v)
            out.append(v if ok else None)
            bad += not ok
        elif name == "confidence":
            ok = isinstance(v, str) and v in catalog.CONFIDENCE
            out.append(v if ok else None)
            bad += not ok
        else:
            out.append(_text(v))
    if bad:
        what = (
            "are not http(s) web addresses and were left out"
            if name == "source_url"
            else "did not fit and were left empty"
        )
        ctx.notes.append(f"{bad} value(s) of {name!r} {what}")
    return out


def _id_column(
    columns: dict[str, list[Any]], specs: list[PropertySpec], table: _Table, keep: list[int]
) -> str:
    """An existing unique ``id`` property, the GeoJSON feature ids, or a new ``_id``."""
    for p in specs:
        if p.name.lower() in ("id", "fid") and p.kind in (Kind.STR, Kind.INT):
            values = columns[p.name]
            texts = [str(v) for v in values if v is not None and str(v)]
            if len(texts) == len(values) and len(set(texts)) == len(texts):
                return p.name
    if table.ids is not None:
        ids: list[Any] = [table.ids[i] for i in keep]
    else:
        ids = [str(n + 1) for n in range(len(keep))]
    columns[ID_PROPERTY] = ids
    specs.insert(0, PropertySpec(ID_PROPERTY, Kind.STR, "Feature"))
    return ID_PROPERTY


def _label_column(specs: list[PropertySpec], id_prop: str) -> str:
    strings = [p for p in specs if p.kind is Kind.STR and p.name != id_prop]
    for wanted in LABEL_NAMES:
        for p in strings:
            if p.name.strip().lower() == wanted:
                return p.name
    return strings[0].name if strings else id_prop


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else _text(value) or "null"
    return text if len(text) <= 80 else text[:77] + "..."
