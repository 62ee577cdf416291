"""What every reader of an upload shares: the state of reading one file (``_Context``: its
name, format, settings, CRS, and what was dropped, repaired and noted), the features as read
(``_Table``), and the small checks and texts each format uses (count, UTF-8, CRS, geometry)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from pyproj import CRS
from pyproj.exceptions import CRSError, ProjError
from shapely.geometry.base import BaseGeometry

from corridormap import gdalread, geojson_geometry
from corridormap._errors import DataValidationError, Problem, count
from corridormap.i18n import _
from corridormap.settings import Settings


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


def _check_count(n: int, ctx: _Context) -> None:
    if n > ctx.settings.max_features:
        raise ctx.fail(
            _("{n} features; the limit is {limit}").format(
                n=count(n), limit=count(ctx.settings.max_features)
            ),
        )


def _decode(raw: bytes, ctx: _Context) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ctx.fail(
            _("not UTF-8 text (byte {n}: {byte})").format(
                n=exc.start, byte=repr(raw[exc.start : exc.start + 1])
            )
        ) from None


def _parse_geometry(geometry: Any, label: str, ctx: _Context) -> tuple[BaseGeometry | None, int]:
    """The feature's geometry (``geojson_geometry.parse``) and its vertex count, or (None, n)
    after recording why it was dropped; too many vertices in one feature refuses the file."""
    try:
        parsed = geojson_geometry.parse(geometry, max_vertices=ctx.settings.max_vertices)
    except geojson_geometry.VertexLimitError as exc:
        raise ctx.fail(str(exc), feature=label, field="geometry") from None
    if parsed.problem is not None:
        ctx.drop(label, parsed.problem)
    if parsed.mixed_dimensions:
        ctx.mixed_dimensions += 1  # 2D and 3D positions in one geometry: read as 2D
    return parsed.geometry, parsed.vertices


def _declare_crs(text: str, ctx: _Context) -> None:
    """The file's CRS (a name, an EPSG code or WKT): known, and one a map can be drawn from."""
    try:
        gdalread.check_crs_text(text, _("the file"))
        parsed = CRS.from_user_input(text)
    except gdalread.GdalReadError as exc:
        raise ctx.fail(str(exc), field="crs") from None
    except (CRSError, ProjError, ValueError, TypeError):
        raise ctx.fail(_("unknown CRS"), field="crs", got=_short(text)) from None
    if parsed.is_geocentric or not (parsed.is_geographic or parsed.is_projected):
        epsg = parsed.to_epsg()
        named = f"{parsed.name!r}" + (f" (EPSG:{epsg})" if epsg else "")
        message = (
            _(
                "the CRS {name} is geocentric (x, y, z from the earth's centre): its coordinates "
                "cannot be placed on a map"
            )
            if parsed.is_geocentric
            else _(
                "the CRS {name} is neither geographic nor projected: its coordinates cannot be "
                "placed on a map"
            )
        )
        raise ctx.fail(message.format(name=named), field="crs")
    ctx.crs_declared = True
    ctx.crs_obj = parsed
    epsg = parsed.to_epsg()
    ctx.crs = f"EPSG:{epsg}" if epsg else parsed.name  # the summary names it


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


def _short(value: Any) -> str:
    text = repr(value) if isinstance(value, str) else _text(value) or "null"
    return text if len(text) <= 80 else text[:77] + "..."
