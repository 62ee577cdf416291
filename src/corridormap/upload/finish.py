"""From features as read to a layer: reprojected to EPSG:4326 (features outside their CRS's
area of use dropped), each geometry checked by ``geojson_geometry`` (drawable, valid; invalid
ones repaired when asked, within ``corridormap.repair``'s budget), then the property columns
(``columns``) and the GeoDataFrame indexed by feature id."""

from __future__ import annotations

from typing import Any, Final

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError, ProjError
from shapely.geometry.base import BaseGeometry

from corridormap import geojson_geometry, repair
from corridormap._errors import DataValidationError, Problem, count
from corridormap.catalog import PropertySpec
from corridormap.geojson_geometry import GEOMETRY_TYPES
from corridormap.i18n import _
from corridormap.upload._context import _Context, _Table
from corridormap.upload.columns import (
    _COMMON,
    _column_names,
    _common_values,
    _id_column,
    _kind_and_values,
    _label_column,
)

_FAMILY: Final = {"Point": 0, "LineString": 1, "Polygon": 2}


def _finish(
    table: _Table, ctx: _Context
) -> tuple[gpd.GeoDataFrame, tuple[PropertySpec, ...], str, str]:
    s = ctx.settings
    if ctx.mixed_dimensions:
        ctx.notes.append(
            _("{n} feature(s) mix 2D and 3D positions; read as 2D").format(n=ctx.mixed_dimensions)
        )
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
            _(
                "coordinates outside the lon/lat range (e.g. feature {feature}); the file "
                "declares no CRS: is it in a projected CRS? Save it as EPSG:4326 or with its CRS"
            ).format(feature=out_of_range[0]),
        )
        raise DataValidationError([head, *ctx.dropped])
    if not keep:
        problems = ctx.dropped or [Problem(ctx.source, _("the layer has no features"))]
        if ctx.dropped:
            problems = [Problem(ctx.source, _("no feature could be read")), *problems]
        raise DataValidationError(problems)
    vertices = int(shapely.get_num_coordinates(np.array(geoms, dtype=object)).sum())
    if vertices > s.max_vertices:
        raise ctx.fail(
            _("{n} vertices; the limit is {limit}").format(
                n=count(vertices), limit=count(s.max_vertices)
            )
        )
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
        raise ctx.fail(
            _("cannot reproject from {crs} to EPSG:4326: {error}").format(
                crs=ctx.crs, error=str(exc)[:120]
            )
        ) from None
    dropped: set[int] = set()
    area = _area_of_use(parsed)
    for i, (before, after, lonlat) in enumerate(zip(series, back, out, strict=True)):
        if before is None or after is None or lonlat is None:
            continue
        if area is not None and not shapely.box(*area).contains(lonlat):
            ctx.drop(
                labels[i],
                _(
                    "lies outside the area where {crs} is defined ({west}..{east}°E, "
                    "{south}..{north}°N, with a margin): is the CRS right?"
                ).format(
                    crs=ctx.crs,
                    west=f"{area[0]:g}",
                    east=f"{area[2]:g}",
                    south=f"{area[1]:g}",
                    north=f"{area[3]:g}",
                ),
            )
            dropped.add(i)
            continue
        a = shapely.get_coordinates(before)
        b = shapely.get_coordinates(after)
        if a.shape != b.shape or not np.allclose(a, b, rtol=1e-6, atol=1.0, equal_nan=False):
            ctx.drop(
                labels[i],
                _("coordinates outside what {crs} can represent (e.g. {x}, {y})").format(
                    crs=ctx.crs, x=f"{a[0][0]:g}", y=f"{a[0][1]:g}"
                ),
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
        ctx.drop(label, _("missing geometry"))
        return None
    if geom.geom_type not in GEOMETRY_TYPES:
        ctx.drop(label, _("{type} is not supported").format(type=geom.geom_type))
        return None
    n = int(shapely.get_num_coordinates(geom))
    if n > s.max_vertices:
        raise ctx.fail(
            _("{n} vertices in one feature; the limit is {limit}").format(
                n=count(n), limit=count(s.max_vertices)
            ),
            feature=label,
            field="geometry",
        )
    geom = shapely.force_2d(geom)
    hint = "" if ctx.crs_declared else _("; is the file in a projected CRS?")
    problem = geojson_geometry.lonlat_problem(geom, hint)
    if problem is not None:
        if geojson_geometry.outside_lonlat(geom) is not None:
            out_of_range.append(label)
        ctx.drop(label, problem)
        return None
    if not geom.is_valid:
        reason = shapely.is_valid_reason(geom)
        if not ctx.repair:
            ctx.drop(
                label,
                _(
                    "invalid geometry: {reason} (fix it in the file, or read it with repair: "
                    "the 'repair' box in the app, --repair on the command line)"
                ).format(reason=reason),
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
                _("invalid geometry that cannot be repaired: {reason}").format(reason=reason)
                + (f"; {problem}" if problem else ""),
            )
            dropped.add(n)
            continue
        geoms[n] = kept
        ctx.repairs.append(
            Problem(
                ctx.source,
                _("invalid geometry repaired ({reason})").format(reason=reason),
                feature=label,
            )
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
