"""GeoJSON as shipped: rounded coordinates, RFC 7946 rings, the catalog's property order.

One feature per line, compact, no timestamps: the same sources give the same bytes.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import shapely
from shapely.geometry import MultiPolygon, Polygon, mapping
from shapely.geometry.base import BaseGeometry

from corridormap.build_data.sources import BuildError
from corridormap.catalog import LayerSpec

#: decimals of shipped point and line coordinates (~1 m).
COORD_DECIMALS = 5
GRID = 10.0**-COORD_DECIMALS
#: decimals of the simplified country polygons (~11 m; far below the simplification tolerance).
POLYGON_DECIMALS = 4
POLYGON_GRID = 10.0**-POLYGON_DECIMALS


def _r(x: float, decimals: int = COORD_DECIMALS) -> float:
    """Round a coordinate, never returning -0.0."""
    v = round(float(x), decimals)
    return 0.0 if v == 0 else v


def _coords(obj: Any, decimals: int) -> Any:
    """Nested tuples of floats from ``mapping()`` to nested lists of rounded floats."""
    if isinstance(obj, tuple | list) and obj and isinstance(obj[0], int | float):
        return [_r(obj[0], decimals), _r(obj[1], decimals)]
    return [_coords(o, decimals) for o in obj]


def geometry_json(geom: BaseGeometry, decimals: int = COORD_DECIMALS) -> dict[str, Any]:
    """GeoJSON geometry dict with rounded coordinates (RFC 7946 ring orientation)."""
    if isinstance(geom, Polygon | MultiPolygon):
        geom = shapely.orient_polygons(geom, exterior_cw=False)
    m = mapping(geom)
    return {"type": m["type"], "coordinates": _coords(m["coordinates"], decimals)}


def dumps_collection(features: Sequence[Mapping[str, Any]]) -> bytes:
    """A FeatureCollection as UTF-8 bytes: one feature per line, compact, newline at end."""
    lines = [
        json.dumps(f, ensure_ascii=False, separators=(",", ":"), allow_nan=False) for f in features
    ]
    body = ",\n".join(lines)
    return ('{"type":"FeatureCollection","features":[\n' + body + "\n]}\n").encode("utf-8")


def _feature(spec: LayerSpec, props: Mapping[str, Any], geom: BaseGeometry) -> dict[str, Any]:
    """A feature with properties in the catalog's order; unknown or missing keys are errors."""
    names = [p.name for p in spec.all_properties]
    if set(props) != set(names):
        extra = sorted(set(props) - set(names))
        missing = sorted(set(names) - set(props))
        raise BuildError(f"{spec.key}: property mismatch; extra={extra} missing={missing}")
    return {
        "type": "Feature",
        "properties": {n: props[n] for n in names},
        "geometry": geometry_json(
            geom, POLYGON_DECIMALS if isinstance(geom, Polygon | MultiPolygon) else COORD_DECIMALS
        ),
    }
