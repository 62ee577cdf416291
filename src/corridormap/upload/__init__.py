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

The package, by concern: this module (the entry point, the report, the layer's key and title),
``geojson``, ``csvfile`` and ``gdal`` (one reader per format, GDAL's for GeoPackage, zipped
Shapefile and KML), ``finish`` (reprojection, the drawable and valid checks, repair),
``columns`` (property columns, id and label) and ``_context`` (what the readers share).
Every geometry is checked by ``corridormap.geojson_geometry``, as the shipped layers are.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any, Final

import geopandas as gpd
import shapely

from corridormap import catalog, files
from corridormap._errors import DataValidationError, Problem, count, fixed, limit
from corridormap.catalog import LayerSpec
from corridormap.geojson_geometry import GEOMETRY_TYPES
from corridormap.i18n import N_, _, gettext, ngettext
from corridormap.settings import Settings
from corridormap.upload._context import _Context, _Table
from corridormap.upload.columns import ID_PROPERTY, LABEL_NAMES
from corridormap.upload.csvfile import LAT_NAMES, LON_NAMES, _read_csv
from corridormap.upload.finish import _finish
from corridormap.upload.gdal import _read_gpkg, _read_kml, _read_zip
from corridormap.upload.geojson import _read_geojson

logger = logging.getLogger(__name__)

__all__ = [
    "ACCEPTED",
    "FORMATS",
    "GEOMETRY_TYPES",
    "ID_PROPERTY",
    "LABEL_NAMES",
    "LAT_NAMES",
    "LON_NAMES",
    "USER_PREFIX",
    "DataValidationError",
    "Problem",
    "UploadReport",
    "UserLayer",
    "read_user_file",
    "read_user_layer",
    "slug",
]

USER_PREFIX: Final = "user_"
FORMATS: Final = {
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".gpkg": "GeoPackage",
    ".zip": N_("zipped Shapefile"),  # (a key too: named in the language where shown)
    ".kml": "KML",
    ".csv": "CSV",
}
#: What the file picker accepts (extensions without the dot).
ACCEPTED: Final = tuple(ext.lstrip(".") for ext in FORMATS)
_MAX_TITLE: Final = 80
_READERS: Final[dict[str, Callable[[bytes, _Context], _Table]]] = {
    ".geojson": _read_geojson,
    ".json": _read_geojson,
    ".csv": _read_csv,
    ".gpkg": _read_gpkg,
    ".kml": _read_kml,
    ".zip": _read_zip,
}


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
        text = ngettext(
            "{n} feature, {vertices} vertices, from {format} in {crs}",
            "{n} features, {vertices} vertices, from {format} in {crs}",
            self.features,
        ).format(
            n=count(self.features),
            vertices=count(self.vertices),
            format=gettext(self.format),
            crs=self.crs,
        )
        if self.crs != "EPSG:4326":
            text += " " + _("(reprojected to EPSG:4326)")
        if self.repaired:
            text += "; " + ngettext(
                "{n} invalid geometry repaired", "{n} invalid geometries repaired", self.repaired
            ).format(n=self.repaired)
        if self.dropped:
            n = len(self.dropped)
            text += "; " + ngettext("{n} feature dropped", "{n} features dropped", n).format(n=n)
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
                    _(
                        "this session already holds {n} own layers; the limit is {limit}: "
                        "remove one first"
                    ).format(n=len(taken), limit=settings.max_layers),
                )
            ]
        )
    if not isinstance(raw, bytes | bytearray):
        raise DataValidationError([Problem(source, _("the upload is not a file's bytes"))])
    raw = bytes(raw)
    if len(raw) > settings.max_bytes:
        raise DataValidationError(
            [
                Problem(
                    source,
                    _("the file is {size} MB; the limit is {limit} MB").format(
                        size=fixed(len(raw) / 1048576), limit=limit(settings.max_mb)
                    ),
                )
            ]
        )
    if not raw.strip():
        raise DataValidationError([Problem(source, _("the file is empty"))])
    ext = PurePath(source).suffix.lower()
    if ext not in FORMATS:
        raise DataValidationError(
            [
                Problem(
                    source,
                    _("unsupported file type"),
                    expected=", ".join(FORMATS),
                    got=repr(ext or _("no extension")),
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
        logger.warning("upload %r nested too deeply", source, exc_info=True)
        raise DataValidationError([Problem(source, _("the file is nested too deeply"))]) from None
    except MemoryError:
        logger.warning("upload %r too large to read", source, exc_info=True)
        raise DataValidationError([Problem(source, _("the file is too large to read"))]) from None
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
    raw = files.read_bounded(path, settings.max_bytes, N_("the upload limit"))
    return read_user_layer(raw, path.name, **kwargs)


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
