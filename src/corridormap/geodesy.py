"""Geodesic measures on the WGS84 ellipsoid (``pyproj.Geod``), never planar degrees."""

from __future__ import annotations

from typing import Final

import geopandas as gpd
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

WGS84: Final = Geod(ellps="WGS84")


def length_km(geom: BaseGeometry | None) -> float:
    """Geodesic length of a (multi)line in km; 0 for points, polygons' perimeter for polygons."""
    if geom is None or geom.is_empty:
        return 0.0
    return float(WGS84.geometry_length(geom)) / 1000.0


def lengths_km(gdf: gpd.GeoDataFrame) -> list[float]:
    """Geodesic length in km of every feature (EPSG:4326 required)."""
    if gdf.crs is not None and gdf.crs.to_epsg() != 4326:
        raise ValueError(f"geodesic lengths need EPSG:4326 coordinates, got {gdf.crs}")
    return [length_km(g) for g in gdf.geometry]


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance between two points in km."""
    _, _, metres = WGS84.inv(lon1, lat1, lon2, lat2)
    return float(metres) / 1000.0
