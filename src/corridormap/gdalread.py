"""Reading users' GeoPackages, shapefiles and KML through GDAL, and nothing else.

GDAL guesses a file's format from its content and follows what the file says: a ``.kml`` that
is really a VRT, or a "shapefile" whose ``.shp`` is one, opens ``/etc/passwd``, the process's
environment or a ``/vsicurl/`` URL, and hands the content back as features. So:

* **One driver per declared format.** Files are opened with GDAL's allowed-drivers list
  (Fiona's ``enabled_drivers``): a ``.kml`` only by the KML driver, a zipped shapefile only by
  ESRI Shapefile, a ``.gpkg`` only by GPKG. GDAL never picks.
* **The format is checked before GDAL sees the file**: SQLite header and GeoPackage
  application id; shapefile magic numbers; KML as XML whose first element is ``<kml>``, with no
  DTD (no entities, so no external entity or entity bomb) and numeric coordinates.
* **Limits before the expensive work**: a shapefile's records and vertices are counted from
  its record headers, a GeoPackage's rows are counted in SQLite (and must match what the file's
  own metadata says); features are then read one at a time and the limits enforced as they come.
* **Nothing leaves the machine**: network file systems and readdir probes are off for every
  read (``GDAL_OPTIONS``), and the paths GDAL sees are always our own temporary files.

Failures raise ``GdalReadError`` with a message that names no server path.
"""

from __future__ import annotations

import logging
import re
import sqlite3
import struct
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final
from xml.etree import ElementTree

from corridormap._errors import count
from corridormap.i18n import _

logger = logging.getLogger(__name__)

#: GDAL configuration in force while a user's file is read.
GDAL_OPTIONS: Final = {
    # /vsicurl/, /vsis3/ and the other network file systems only open files with these
    # extensions: none exists, so none opens.
    "CPL_VSIL_CURL_ALLOWED_EXTENSIONS": ".corridormap-no-network",
    "GDAL_HTTP_TIMEOUT": "1",
    "GDAL_HTTP_MAX_RETRY": "0",
    # GDAL does not list the folder to look for side-car files it was not given.
    "GDAL_DISABLE_READDIR_ON_OPEN": "EMPTY_DIR",
    "GDAL_VRT_ENABLE_PYTHON": "NO",
    "OGR_SQLITE_ALLOW_EXTERNAL_ACCESS": "NO",
    "PROJ_NETWORK": "OFF",
}

#: Declared format -> the one GDAL driver allowed to open it.
DRIVERS: Final = {"GeoPackage": "GPKG", "zipped Shapefile": "ESRI Shapefile", "KML": "KML"}


class GdalReadError(ValueError):
    """A user's file that is not what it says, is over a limit, or that GDAL cannot read."""


@dataclass(frozen=True, slots=True)
class Limits:
    features: int
    vertices: int
    columns: int
    value_chars: int = 1_000_000  # longest text (or bytes) in one property value


@dataclass
class Read:
    """Features as GDAL gave them: property rows, GeoJSON-like geometries, the CRS as WKT."""

    rows: list[dict[str, Any]]
    geometries: list[dict[str, Any] | None]
    crs_wkt: str | None


# ---------------------------------------------------------------------------------------------
# Format checks, before GDAL


_GPKG_IDS: Final = (b"GPKG", b"GP10", b"GP11")
_SHP_MAGIC: Final = 9994
_DBF_VERSIONS: Final = frozenset({0x02, 0x03, 0x04, 0x05, 0x30, 0x31, 0x32, 0x43, 0x83, 0x8B, 0xF5})
_XML_PROLOG: Final = re.compile(
    r"\A(?:\ufeff)?\s*(?:<\?xml[^>]*\?>\s*)?(?:<!--.*?-->\s*)*<(?:[\w.-]+:)?kml[\s>/]",
    re.DOTALL,
)
_KML_COORDS: Final = re.compile(
    r"<(?:[\w.-]+:)?coordinates\b[^>]*>(.*?)</(?:[\w.-]+:)?coordinates\s*>", re.DOTALL
)
#: What in a KML would pull content from elsewhere (which the KML driver does not follow, so
#: the layer would silently lack it): network links, XInclude, and file: or absolute-path hrefs.
_KML_OUTSIDE: Final = re.compile(
    r"<(?:[\w.-]+:)?NetworkLink\b|<(?:[\w.-]+:)?include\b"
    r"|<(?:[\w.-]+:)?(?:href|styleUrl)\b[^>]*>\s*(?:file:|/|[A-Za-z]:\\)",
    re.I,
)
_NUMBER: Final = re.compile(r"[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?")


_EXTERNAL: Final = re.compile(
    # a grid other than PROJ's built-in @null (which Web Mercator's WKT names), a grid-shift
    # step, a URL or a GDAL virtual file system path; any file PROJ would open
    r"(?:nadgrids|geoidgrids)\s*=\s*(?!@null\b)|[hv]gridshift|\b(?:https?|ftp|file):|/vsi"
    # a WKT2 parameter file, a PROJ init file (+init=/etc/passwd:x) or a proj= pipeline file
    r"|\bPARAMETERFILE\s*\[|(?:^|[\s+])init\s*=|\bproj\s*=\s*[./]",
    re.I,
)


def check_crs_text(text: str, where: str) -> None:
    """A CRS definition that refers to no grid, file or URL (PROJ would try to load it)."""
    match = _EXTERNAL.search(text)
    if match:
        raise GdalReadError(
            _(
                "the CRS definition in {where} refers to an external grid or file ({found}...); "
                "give the CRS by its EPSG code"
            ).format(where=where, found=match.group(0))
        )


def check_gpkg(path: Path, limits: Limits) -> None:
    """A real GeoPackage, with honest counts within the limits (read with SQLite, read-only)."""
    with path.open("rb") as fh:
        head = fh.read(100)
    if not head.startswith(b"SQLite format 3\x00"):
        raise GdalReadError(_("not a GeoPackage (no SQLite header)"))
    if head[68:72] not in _GPKG_IDS:
        raise GdalReadError(
            _("an SQLite database, not a GeoPackage (no GeoPackage application id)")
        )
    for table, rows, declared in _gpkg_tables(path):
        if rows > limits.features:
            raise GdalReadError(
                _("{n} features in {table}; the limit is {limit}").format(
                    n=count(rows), table=repr(table), limit=count(limits.features)
                )
            )
        if declared is not None and declared != rows:
            raise GdalReadError(
                _("the GeoPackage says {table} holds {declared} features but it holds {n}").format(
                    table=repr(table), declared=count(declared), n=count(rows)
                )
            )


def _gpkg_tables(path: Path) -> list[tuple[str, int, int | None]]:
    """(table, rows, feature count the file declares) for each feature table."""
    uri = path.resolve().as_uri() + "?mode=ro&immutable=1"
    steps = 0

    def _budget() -> int:  # abort any query that runs long (a hostile view or huge table)
        nonlocal steps
        steps += 1
        return int(steps > 20_000)

    try:
        con = sqlite3.connect(uri, uri=True)
    except sqlite3.Error as exc:
        raise GdalReadError(_("cannot open the GeoPackage: {error}").format(error=exc)) from None
    try:
        con.set_progress_handler(_budget, 1000)
        con.execute("PRAGMA query_only = 1")
        tables = [
            str(r[0])
            for r in con.execute(
                "SELECT table_name FROM gpkg_contents WHERE data_type = 'features'"
            )
        ]
        kinds = dict(con.execute("SELECT name, type FROM sqlite_master"))
        for (name,) in con.execute(
            "SELECT name FROM sqlite_master WHERE sql LIKE '%load_extension%' "
            "OR sql LIKE '%VirtualOGR%'"
        ):
            raise GdalReadError(
                _("{name} in the GeoPackage loads code (load_extension)").format(name=repr(name))
            )
        for (definition,) in con.execute(
            "SELECT definition FROM gpkg_spatial_ref_sys WHERE srs_id IN "
            "(SELECT srs_id FROM gpkg_geometry_columns)"
        ):
            check_crs_text(str(definition), "gpkg_spatial_ref_sys")
        declared: dict[str, int] = {}
        if "gpkg_ogr_contents" in kinds:
            declared = {
                str(n): int(c)
                for n, c in con.execute("SELECT table_name, feature_count FROM gpkg_ogr_contents")
                if c is not None
            }
        out = []
        for table in tables:
            if kinds.get(table) != "table":
                raise GdalReadError(
                    _("feature table {table} is a {kind}").format(
                        table=repr(table), kind=kinds.get(table, "missing")
                    )
                )
            quoted = '"' + table.replace('"', '""') + '"'
            _check_columns(con, table, quoted)
            (rows,) = con.execute(f"SELECT count(*) FROM {quoted}").fetchone()  # noqa: S608
            out.append((table, int(rows), declared.get(table)))
    except sqlite3.Error as exc:
        raise GdalReadError(
            _("not a readable GeoPackage: {error}").format(error=str(exc)[:120])
        ) from None
    finally:
        con.close()
    return out


def _check_columns(con: sqlite3.Connection, table: str, quoted: str) -> None:
    """No generated or hidden column in a feature table: GDAL would evaluate a generated
    column's expression for every row (``printf('%.*c', 200000000, 'x')`` is 200 MB a row),
    and a hidden one is data the table does not show."""
    for row in con.execute(f"PRAGMA table_xinfo({quoted})"):
        name, hidden = str(row[1]), int(row[6] or 0)
        if hidden:
            message = (
                _(
                    "column {name} of {table} is a generated column (its values come from an "
                    "SQL expression, not the file); save the layer without it"
                )
                if hidden in (2, 3)
                else _(
                    "column {name} of {table} is a hidden column (its values come from an SQL "
                    "expression, not the file); save the layer without it"
                )
            )
            raise GdalReadError(message.format(name=_short_name(name), table=repr(table)))


def _short_name(name: str) -> str:
    return repr(name if len(name) <= 60 else name[:57] + "...")


def check_shapefile(folder: Path, limits: Limits) -> None:
    """``layer.shp``/``.shx``/``.dbf`` in ``folder`` are a shapefile within the limits.

    Records and vertices are counted from the record headers, so a file over the limits is
    refused before GDAL decodes a coordinate.
    """
    shp = (folder / "layer.shp").read_bytes()
    shx = (folder / "layer.shx").read_bytes()
    dbf = (folder / "layer.dbf").read_bytes()
    for name, data in (("layer.shp", shp), ("layer.shx", shx)):
        if len(data) < 100 or struct.unpack(">i", data[:4])[0] != _SHP_MAGIC:
            raise GdalReadError(
                _("the {part} file is not a shapefile (no shapefile header)").format(part=name[-4:])
            )
    if not dbf or dbf[0] not in _DBF_VERSIONS:
        raise GdalReadError(_("the .dbf file is not a dBASE table"))
    prj = folder / "layer.prj"
    if prj.is_file():
        check_crs_text(prj.read_text(encoding="latin-1"), _("the .prj file"))
    header_type = struct.unpack("<i", shp[32:36])[0]
    records, vertices = 0, 0
    pos = 100
    while pos < len(shp):
        if pos + 12 > len(shp):
            raise GdalReadError(_("the .shp file is truncated (at byte {n})").format(n=count(pos)))
        length = struct.unpack(">i", shp[pos + 4 : pos + 8])[0] * 2
        content = shp[pos + 8 : pos + 8 + length]
        if length < 4 or len(content) < length:
            raise GdalReadError(
                _("the .shp file is truncated or corrupt (record {n})").format(n=records + 1)
            )
        record_type = struct.unpack("<i", content[:4])[0]
        if record_type not in (0, header_type):
            raise GdalReadError(
                _(
                    "record {n} of the .shp file is of shape type {type}; the file's header says "
                    "{header}"
                ).format(n=records + 1, type=record_type, header=header_type)
            )
        vertices += _shp_vertices(content)
        records += 1
        if records > limits.features:
            raise GdalReadError(_too_many_features(limits))
        if vertices > limits.vertices:
            raise GdalReadError(
                _(
                    "more than {limit} vertices (at record {n}); simplify the file or raise the "
                    "limit"
                ).format(limit=count(limits.vertices), n=records)
            )
        pos += 8 + length


def _shp_vertices(content: bytes) -> int:
    shape_type = struct.unpack("<i", content[:4])[0]
    if shape_type == 0:
        return 0
    if shape_type in (1, 11, 21):
        return 1
    if shape_type in (8, 18, 28) and len(content) >= 40:
        return int(struct.unpack("<i", content[36:40])[0])
    if shape_type in (3, 5, 13, 15, 23, 25, 31) and len(content) >= 44:
        return int(struct.unpack("<i", content[40:44])[0])
    raise GdalReadError(_("unknown shape type {type} in the .shp file").format(type=shape_type))


def _too_many_features(limits: Limits) -> str:
    return _("more than {limit} features; the limit is that").format(limit=count(limits.features))


def check_kml(text: str) -> None:
    """KML: well-formed XML whose root is ``<kml>``, without a DTD, with numeric coordinates."""
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise GdalReadError(_("KML with a DTD (<!DOCTYPE>/<!ENTITY>) is refused"))
    if not _XML_PROLOG.match(text):
        raise GdalReadError(_("not KML (the first element is not <kml>)"))
    try:
        # No DTD (refused above): no entities to expand, nothing external to load.
        ElementTree.fromstring(text)  # noqa: S314
    except ElementTree.ParseError as exc:
        raise GdalReadError(
            _("the KML is not well-formed XML ({error})").format(error=exc)
        ) from None
    reference = _KML_OUTSIDE.search(text)
    if reference:
        raise GdalReadError(
            _(
                "the KML refers to content outside the file ({found}); only self-contained KML "
                "is read"
            ).format(found=reference.group(0)[:60])
        )
    for n, match in enumerate(_KML_COORDS.finditer(text), start=1):
        for token in match.group(1).split():
            parts = token.split(",")
            if not 2 <= len(parts) <= 3 or not all(_NUMBER.fullmatch(p) for p in parts):
                shown = token if len(token) <= 40 else token[:37] + "..."
                raise GdalReadError(
                    _(
                        "coordinates {value} in <coordinates> block {n} are not "
                        "longitude,latitude[,altitude] numbers"
                    ).format(value=repr(shown), n=n)
                )


# ---------------------------------------------------------------------------------------------
# Reading


def read(path: Path, declared: str, limits: Limits) -> Read:
    """Every feature of the one layer in ``path``, opened only by the declared format's driver."""
    import fiona  # noqa: PLC0415 - GDAL only when a user's binary file is read
    from fiona._err import CPLE_BaseError  # noqa: PLC0415
    from fiona.errors import FionaError  # noqa: PLC0415

    try:
        with fiona.Env(**GDAL_OPTIONS):
            return _read(path, DRIVERS[declared], limits)
    except RecursionError:
        raise GdalReadError(_("cannot read the file: it is nested too deeply")) from None
    except (
        FionaError,
        CPLE_BaseError,  # GDAL's own errors (a broken rtree, an unknown SQL function...)
        OSError,
        ValueError,  # UnicodeDecodeError included (names that are not UTF-8)
        RuntimeError,
        KeyError,
        SystemError,  # fiona raises it on some corrupt GeoPackages
    ) as exc:
        if isinstance(exc, GdalReadError):
            raise
        logger.info("GDAL could not read a %s", declared, exc_info=exc)
        message = " ".join(str(exc).replace(str(path.parent), "").split())[:200]
        raise GdalReadError(_("cannot read the file: {error}").format(error=message)) from None


#: Most layers looked at in one file (a KML folder is a layer).
MAX_LAYERS: Final = 50


def _open(path: Path, driver: str, layer: int | None = None) -> Any:
    """``fiona.open`` with GDAL's allowed drivers set to ``driver`` alone.

    (Never ``fiona.listlayers``: it opens the file with whatever driver GDAL picks.)
    """
    import fiona  # noqa: PLC0415

    return fiona.open(path, layer=layer, enabled_drivers=[driver], allow_unsupported_drivers=True)


def _feature_layers(path: Path, driver: str) -> list[tuple[int | None, str]]:
    """(selector, name) of each layer that holds features: the first is ``None`` (fiona's
    default), the others their index."""
    found = []
    for index in range(MAX_LAYERS):
        selector = None if index == 0 else index
        try:
            src = _open(path, driver, selector)
        except ValueError:  # fiona's "Null layer": there is no layer with that index
            break
        with src:
            if src.schema.get("geometry") not in (None, "None") and len(src):
                found.append((selector, str(src.name)))
    return found


def _read(path: Path, driver: str, limits: Limits) -> Read:
    layers = _feature_layers(path, driver)
    if not layers:
        raise GdalReadError(_("no layer with features in the file"))
    if len(layers) > 1:
        names = repr(", ".join(name for _, name in layers[:10]))
        raise GdalReadError(
            _("{n} layers in the file ({names}); upload one layer per file").format(
                n=len(layers), names=names
            )
        )
    with _open(path, driver, layers[0][0]) as src:
        columns = list(src.schema.get("properties", {}))
        if len(columns) > limits.columns:
            raise GdalReadError(
                _("{n} columns; the limit is {limit}").format(n=len(columns), limit=limits.columns)
            )
        crs_wkt = src.crs.to_wkt() if src.crs else None
        rows, geometries = _features(src, limits)
        return Read(rows, geometries, crs_wkt or None)


def _features(src: Any, limits: Limits) -> tuple[list[dict[str, Any]], list[Any]]:
    rows: list[dict[str, Any]] = []
    geometries: list[dict[str, Any] | None] = []
    vertices = 0
    declared = str(src.schema.get("geometry") or "Unknown").removeprefix("3D ")
    for feature in src:
        if len(rows) >= limits.features:
            raise GdalReadError(_too_many_features(limits))
        geometry = feature.geometry
        if geometry is not None:
            geometry = geometry.__geo_interface__
            kind = str(geometry.get("type"))
            if declared not in ("Unknown", "Any", "Geometry") and kind.removeprefix(
                "Multi"
            ) != declared.removeprefix("Multi"):
                raise GdalReadError(
                    _(
                        "the layer declares {declared} geometries but feature #{n} is a {kind}"
                    ).format(declared=declared, n=len(rows), kind=kind)
                )
            vertices += _count(geometry.get("coordinates"), geometry.get("geometries"))
            if vertices > limits.vertices:
                raise GdalReadError(
                    _(
                        "more than {limit} vertices (at feature {feature}); simplify the file or "
                        "raise the limit"
                    ).format(limit=count(limits.vertices), feature=f"#{len(rows)}")
                )
        props = dict(feature.properties)
        for key, value in props.items():
            if isinstance(value, str | bytes) and len(value) > limits.value_chars:
                raise GdalReadError(
                    _(
                        "the value of {name} in feature #{n} is {length} characters long; the "
                        "limit is {limit}"
                    ).format(
                        name=_short_name(str(key)),
                        n=len(rows),
                        length=count(len(value)),
                        limit=count(limits.value_chars),
                    )
                )
        rows.append(props)
        geometries.append(geometry)
    return rows, geometries


def _count(coords: Any, parts: Any = None) -> int:
    if parts:
        return sum(_count(p.get("coordinates"), p.get("geometries")) for p in parts)
    if isinstance(coords, tuple | list):
        if coords and isinstance(coords[0], int | float):
            return 1
        return sum(_count(c) for c in coords)
    return 0
