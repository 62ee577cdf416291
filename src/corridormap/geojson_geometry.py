"""The one GeoJSON geometry checker, shared by the shipped layers (``load``) and users' files
(``upload``, GeoJSON and what GDAL reads).

``parse`` takes a GeoJSON geometry object as parsed (anything: a file can hold any JSON there)
and returns a ``Parsed``: the shapely geometry, or the problem that stops it, and the vertex
count. It checks the type, that the coordinates are arrays of positions (2 to 4 numbers, x and
y finite), nested as deep as the type says, and that every polygon ring is closed with at least
four positions: shapely would close an open ring and accept a three-position one without a
word, and a file that says so little about its shape is refused rather than guessed at.

``lonlat_problem`` and ``validity_problem`` are the checks made once a geometry is in
EPSG:4326 (after reprojection, for an upload): inside the lon/lat range, and valid.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from corridormap._errors import count
from corridormap.i18n import _

#: The geometry types a layer can hold (a GeometryCollection is refused: split it).
GEOMETRY_TYPES: Final = (
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
)
#: How deep the positions sit in each type's coordinates.
DEPTHS: Final = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
_MAX_DEPTH: Final = 8


class VertexLimitError(ValueError):
    """One geometry holds more vertices than allowed (the caller refuses the whole file)."""

    def __init__(self, vertices: int, limit: int) -> None:
        super().__init__(
            _("{n} vertices in one feature; the limit is {limit}").format(
                n=count(vertices), limit=count(limit)
            )
        )
        self.vertices = vertices
        self.limit = limit


@dataclass(frozen=True, slots=True)
class Parsed:
    """A geometry as read: the shapely shape, or the problem that stops it (never both)."""

    geometry: BaseGeometry | None
    problem: str | None
    vertices: int = 0
    mixed_dimensions: bool = False  # 2D and 3D positions in one geometry: read as 2D


def short(value: Any) -> str:
    """A value as JSON text for a message, cut at 80 characters."""
    try:
        text = repr(value) if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def parse(geometry: Any, *, max_vertices: int | None = None) -> Parsed:
    """Check a GeoJSON geometry object and make it a shapely geometry (2D).

    Raises ``VertexLimitError`` when it holds more than ``max_vertices`` positions; every other
    problem is returned, named, in ``Parsed.problem``.
    """
    if geometry is None:
        return Parsed(None, _("missing geometry (null)"))
    if not isinstance(geometry, dict):
        return Parsed(
            None, _("geometry is not an object (got {type})").format(type=type(geometry).__name__)
        )
    gtype = geometry.get("type")
    if gtype == "GeometryCollection":
        return Parsed(None, _("GeometryCollection is not supported; split it into features"))
    if gtype not in GEOMETRY_TYPES:
        return Parsed(None, _("unknown geometry type {type}").format(type=short(gtype)))
    coords = _lists(geometry.get("coordinates"))
    if coords is None:
        return Parsed(None, _("geometry has no coordinates"))
    try:
        positions = list(_positions(coords))
    except ValueError as exc:
        return Parsed(None, _("malformed coordinates: {error}").format(error=exc))
    n = len(positions)
    if not n:
        return Parsed(None, _("empty geometry (no coordinates)"))
    if max_vertices is not None and n > max_vertices:
        raise VertexLimitError(n, max_vertices)
    problem = _position_problem(positions)
    if problem:
        return Parsed(None, problem, n)
    flat = _xy(coords)
    problem = _shape_problem(str(gtype), flat)
    if problem:
        return Parsed(None, problem, n)
    try:
        geom = shape({"type": gtype, "coordinates": flat})
    except (ValueError, TypeError, AttributeError, IndexError, KeyError) as exc:
        return Parsed(None, _("malformed geometry: {error}").format(error=str(exc)[:120]), n)
    except shapely.errors.ShapelyError as exc:
        return Parsed(None, _("malformed geometry: {error}").format(error=str(exc)[:120]), n)
    return Parsed(geom, None, n, len({len(p) for p in positions}) > 1)


def lonlat_problem(geom: BaseGeometry, hint: str = "") -> str | None:
    """Why a geometry in EPSG:4326 cannot be drawn: empty, a non-finite coordinate, or one
    outside the lon/lat range (``hint`` is added to that message); None when it can."""
    if geom.is_empty:
        return _("empty geometry")
    if not np.isfinite(shapely.get_coordinates(geom)).all():
        return _("non-finite coordinate (NaN or infinity)")
    bad = outside_lonlat(geom)
    if bad is not None:
        where = _("coordinate ({x}, {y}) is outside lon/lat range")
        return where.format(x=f"{bad[0]:g}", y=f"{bad[1]:g}") + hint
    return None


def outside_lonlat(geom: BaseGeometry) -> tuple[float, float] | None:
    """The first (x, y) of a geometry outside the lon/lat range, or None."""
    coords = shapely.get_coordinates(geom)
    outside = (np.abs(coords[:, 0]) > 180) | (np.abs(coords[:, 1]) > 90)
    if not outside.any():
        return None
    x, y = coords[outside][0]
    return float(x), float(y)


def validity_problem(geom: BaseGeometry) -> str | None:
    """``invalid geometry: <shapely's reason>``, or None for a valid geometry."""
    if geom.is_valid:
        return None
    return _("invalid geometry: {reason}").format(reason=shapely.is_valid_reason(geom))


def _lists(coords: Any) -> Any:
    """Coordinates as nested lists (GDAL gives tuples); anything else unchanged."""
    if isinstance(coords, tuple | list):
        if coords and isinstance(coords[0], int | float):
            return list(coords)
        return [_lists(c) for c in coords]
    return coords


def _positions(coords: Any, depth: int = 0) -> Iterable[Any]:
    if depth > _MAX_DEPTH:
        raise ValueError(_("coordinates nested too deeply"))
    if isinstance(coords, list) and coords and not isinstance(coords[0], list):
        yield coords
    elif isinstance(coords, list):
        for c in coords:
            yield from _positions(c, depth + 1)
    else:
        raise ValueError(
            _("coordinates are not arrays (got {type})").format(type=type(coords).__name__)
        )


def _position_problem(positions: list[Any]) -> str | None:
    for pos in positions:
        if not (2 <= len(pos) <= 4) or not all(
            isinstance(c, int | float) and not isinstance(c, bool) for c in pos
        ):
            return _("bad position {position}").format(position=short(pos))
        if not all(finite(c) for c in pos[:2]):
            return _("non-finite coordinate (or too large a number) {position}").format(
                position=short(pos)
            )
    return None


def finite(value: float) -> bool:
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


def _leaf_depths(coords: Any, depth: int = 0) -> set[int]:
    """How deep the positions sit in a coordinates array (one value when it is regular)."""
    if coords and not isinstance(coords[0], list):
        return {depth}
    if not coords:
        return {depth + 1}  # an empty part: as deep as a position would be
    return set().union(*(_leaf_depths(c, depth + 1) for c in coords))


def _shape_problem(gtype: str, coords: Any) -> str | None:
    """Why the coordinates cannot be a ``gtype`` (nesting; polygon rings closed, at least 4
    positions), or None."""
    depths = _leaf_depths(coords)
    if depths != {DEPTHS[gtype]}:
        got = ", ".join(map(str, sorted(depths)))
        return _("coordinates nested {got} deep; a {type} has {n} levels").format(
            got=got, type=gtype, n=DEPTHS[gtype]
        )
    if gtype not in ("Polygon", "MultiPolygon"):
        return None
    polygons = [coords] if gtype == "Polygon" else coords
    for p, rings in enumerate(polygons, start=1):
        for r, ring in enumerate(rings, start=1):
            where = (
                _("ring {r} of polygon {p}").format(r=r, p=p)
                if gtype == "MultiPolygon"
                else _("ring {r}").format(r=r)
            )
            if len(ring) < 4:
                return _("{ring} has {n} positions; a closed ring needs at least 4").format(
                    ring=where, n=len(ring)
                )
            if ring[0] != ring[-1]:
                return _("{ring} is not closed (its last position differs from its first)").format(
                    ring=where
                )
    return None
