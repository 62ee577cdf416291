"""View fitting: where a map looks and what it shows.

``MapView`` (centre, zoom, the box a live map reported), Web Mercator (``mercator``),
``fit_bounds`` -- the one fit of a lon/lat box into a frame of a size, at the maps' quarter
zoom steps -- with the boxes it fits (``content_bounds``, ``view_box``...), the view a live
map reports (``seen_view``) and ``FitView``, the same fit done in the browser at the map's
real size.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

import folium
import geopandas as gpd

from corridormap import browser, overlay, style
from corridormap.escape import script_json


@dataclass(frozen=True, slots=True)
class MapView:
    center: tuple[float, float] = style.DEFAULT_CENTER
    zoom: float = style.DEFAULT_ZOOM  # quarter steps (the maps' zoomSnap)
    # The lon/lat box (west, south, east, north) the user was looking at, when a live map
    # reported it: an export of the view frames exactly this box, whatever its own size.
    bounds: tuple[float, float, float, float] | None = None


#: Earth's circumference at the equator in Web Mercator metres.
EARTH_M: Final = 2 * math.pi * 6378137.0
#: The map size a fitted view fits into (CSS px): the presentation's map at 1440x900.
FIT_PX: Final = (1000.0, 720.0)
FIT_PADDING_PX: Final = 36.0
ZOOM_SNAP: Final = 0.25


def mercator(lon: float, lat: float) -> tuple[float, float]:
    r = EARTH_M / (2 * math.pi)
    lat = max(-85.0, min(85.0, lat))
    return r * math.radians(lon), r * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def unmercator(x: float, y: float) -> tuple[float, float]:
    r = EARTH_M / (2 * math.pi)
    return math.degrees(x / r), math.degrees(2 * math.atan(math.exp(y / r)) - math.pi / 2)


def metres_per_px(zoom: float) -> float:
    """Web Mercator metres per CSS px at ``zoom`` (Leaflet's 256 px tiles)."""
    return EARTH_M / (256 * 2**zoom)


def zoom_of(mpp: float) -> float:
    """The (fractional) zoom at which a CSS px is ``mpp`` Web Mercator metres."""
    return math.log2(EARTH_M / (256 * mpp))


def box_fit(
    bounds: Sequence[float], size_px: tuple[float, float], padding_px: float = 0.0
) -> tuple[tuple[float, float, float, float], float]:
    """THE fit of a lon/lat box (west, south, east, north) into a frame of ``size_px`` CSS px
    with ``padding_px`` on every side: the box in Web Mercator metres (x0, y0, x1, y1) and the
    metres per px that just hold it. ``fit_bounds`` snaps its zoom to the maps' steps; the
    static maps (``export.static_map.frame_of``) take it as it is; ``FitView`` is the same fit
    done by Leaflet in the browser at the map's real size."""
    x0, y0 = mercator(bounds[0], bounds[1])
    x1, y1 = mercator(bounds[2], bounds[3])
    width = max(size_px[0] - 2 * padding_px, 1.0)
    height = max(size_px[1] - 2 * padding_px, 1.0)
    return (x0, y0, x1, y1), max((x1 - x0) / width, (y1 - y0) / height, 1e-9)


def fit_bounds(
    bounds: tuple[float, float, float, float],
    size_px: tuple[float, float] = FIT_PX,
    padding_px: float = FIT_PADDING_PX,
    zoom_range: tuple[float, float] = (2.0, 11.0),
) -> MapView:
    """The centre and the largest zoom (in quarter steps) that shows ``bounds`` (lon/lat) in a
    map of ``size_px`` with ``padding_px`` on every side."""
    (x0, y0, x1, y1), mpp = box_fit(bounds, size_px, padding_px)
    zoom = math.floor(zoom_of(mpp) / ZOOM_SNAP) * ZOOM_SNAP
    zoom = min(max(zoom, zoom_range[0]), zoom_range[1])
    lon, lat = unmercator((x0 + x1) / 2, (y0 + y1) / 2)
    return MapView((round(lat, 4), round(lon, 4)), zoom)


@dataclass(frozen=True, slots=True)
class SeenView:
    """Where a live map looks, as the browser reported it (streamlit-folium's ``center``,
    ``zoom`` and ``bounds``), and the map's frame size in CSS px, which they imply."""

    lat: float
    lon: float
    zoom: float
    bounds: tuple[float, float, float, float]  # west, south, east, north
    frame_px: tuple[float, float]

    def map_view(self) -> MapView:
        return MapView((self.lat, self.lon), self.zoom, self.bounds)


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    number = float(value)
    return number if math.isfinite(number) else None


def seen_view(value: Mapping[str, Any] | None) -> SeenView | None:
    """The view a live map's value reports (None when it lacks or garbles a part): centre
    rounded as a link writes it, zoom, bounds, and the frame size (the bounds' width and
    height in Web Mercator metres over the metres per pixel of the zoom)."""
    if not isinstance(value, Mapping):
        return None
    center, raw_bounds = value.get("center"), value.get("bounds")
    zoom = _number(value.get("zoom"))
    if not isinstance(center, Mapping) or not isinstance(raw_bounds, Mapping) or zoom is None:
        return None
    sw, ne = raw_bounds.get("_southWest"), raw_bounds.get("_northEast")
    if not isinstance(sw, Mapping) or not isinstance(ne, Mapping):
        return None
    parts = (center, "lat"), (center, "lng"), (sw, "lng"), (sw, "lat"), (ne, "lng"), (ne, "lat")
    numbers = [_number(where.get(name)) for where, name in parts]
    if None in numbers:
        return None
    lat, lon, west, south, east, north = (float(n or 0.0) for n in numbers)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180 and west < east and south < north):
        return None
    x0, y0 = mercator(west, south)
    x1, y1 = mercator(east, north)
    mpp = metres_per_px(zoom)
    return SeenView(
        round(lat, 4),
        round(lon, 4),
        zoom,
        (round(west, 4), round(south, 4), round(east, 4), round(north, 4)),
        (round((x1 - x0) / mpp), round((y1 - y0) / mpp)),
    )


def moved_from(seen: SeenView, center: Sequence[float], zoom: float, px: float = 4.0) -> bool:
    """Whether ``seen`` is another view than the one asked for (``center``, ``zoom``): another
    zoom, or a centre more than ``px`` screen pixels away (the map rounds what it is given)."""
    if abs(seen.zoom - float(zoom)) >= ZOOM_SNAP / 2:
        return True
    ax, ay = mercator(float(center[1]), float(center[0]))
    bx, by = mercator(seen.lon, seen.lat)
    mpp = metres_per_px(seen.zoom)
    return math.hypot(ax - bx, ay - by) / mpp > px


def view_box(
    view: MapView, size_px: tuple[float, float] = FIT_PX
) -> tuple[float, float, float, float]:
    """The lon/lat box (west, south, east, north) a map of ``size_px`` shows at ``view``: what
    an author who chose a centre and zoom saw, to be fitted to a frame of another size."""
    if view.bounds is not None:
        return view.bounds
    lat, lon = view.center
    x, y = mercator(lon, lat)
    mpp = metres_per_px(view.zoom)
    west, south = unmercator(x - size_px[0] / 2 * mpp, y - size_px[1] / 2 * mpp)
    east, north = unmercator(x + size_px[0] / 2 * mpp, y + size_px[1] / 2 * mpp)
    return (round(west, 4), round(south, 4), round(east, 4), round(north, 4))


def union_bounds(
    boxes: Iterable[Sequence[float]],
) -> tuple[float, float, float, float] | None:
    """The bounds (lon/lat) that hold every box ``(x0, y0, x1, y1)``; None when there is none."""
    listed = [tuple(float(v) for v in b) for b in boxes]
    if not listed:
        return None
    return (
        min(b[0] for b in listed),
        min(b[1] for b in listed),
        max(b[2] for b in listed),
        max(b[3] for b in listed),
    )


def largest_part_bounds(geometries: gpd.GeoSeries) -> tuple[float, float, float, float] | None:
    """The bounds of each geometry's largest part, together (Russia's Chukotka, beyond the
    antimeridian, would otherwise stretch a fit round the world)."""
    return union_bounds(
        overlay.largest_part(g).bounds for g in geometries if g is not None and not g.is_empty
    )


def content_bounds(
    frames: Mapping[str, gpd.GeoDataFrame],
) -> tuple[float, float, float, float] | None:
    """The bounds (lon/lat) of every feature in ``frames`` together; None when empty."""
    return union_bounds(gdf.total_bounds for gdf in frames.values() if len(gdf))


class FitView(browser.BrowserCall):
    """Fits the map to bounds (lon/lat) in the browser, at the map's real size: a section's
    map is as wide as the page, which the server does not know. Refitted while the frame
    settles to its size, until someone moves the map. ``legend_px``: room kept free for the
    legend (beside the box or below it), so that it covers none of the fitted features. In a
    feature group it fits the map each time the group is added (``fit_group``)."""

    code = "fit-view.js"
    function = "cmFitView"

    def __init__(
        self, bounds: tuple[float, float, float, float], padding_px: float, legend_px: float = 0
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "FitView"
        self.options = {
            "bounds": [round(float(v), 4) for v in bounds],
            "padding": int(padding_px),
            "legend": int(legend_px),
        }

    def arguments(self) -> list[str]:
        return [self.parent_name(), script_json(self.options)]


def fit_group(
    bounds: tuple[float, float, float, float], padding_px: float = 24, legend_px: float = 270
) -> folium.FeatureGroup:
    """A feature group that fits a live map to ``bounds`` at its real size when the page adds
    it (the presentation's scenes), keeping the legend's room free."""
    group = folium.FeatureGroup(name="fit", control=False)
    group.add_child(FitView(bounds, padding_px, legend_px))
    return group


def route_view(
    routes: Sequence[tuple[str, gpd.GeoDataFrame, gpd.GeoDataFrame]],
    size_px: tuple[float, float] = FIT_PX,
) -> MapView:
    """The view that shows every leg of these routes (the default view when there is none)."""
    bounds = content_bounds({str(i): legs for i, (_, legs, _) in enumerate(routes)})
    return MapView() if bounds is None else fit_bounds(bounds, size_px=size_px)
