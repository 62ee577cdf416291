"""Map building: folium maps from layers, with offline assets and a bundled basemap, by concern.

Everything here is plain Python returning folium objects, so it is tested on the rendered HTML
without a browser. The modules:

* ``basemaps`` -- the bundled land or an online tile layer, by key;
* ``styles`` -- each layer's renderer (its style key's registry), route, flow and highlight styles;
* ``payload`` -- the GeoJSON the browser receives, and the layers that draw it;
* ``legend`` -- the legend's HTML and the legend control;
* ``fit`` -- views: ``MapView``, Web Mercator, the one view fit (``box_fit``: ``fit_bounds``
  snaps it, the static maps take it as it is, ``FitView`` is Leaflet's in the browser), the
  view a live map reports;
* ``controls`` -- labels and decluttering, tile fallback, keys, drawn report, frames, CSS;
* ``build`` -- the lean map, ``base_map``, overlay groups, routes, ``build_map``.

The elements' browser code lives in real files (``corridormap/static``: one ``.js`` per
element, ``map.css``); each element is a ``browser.BrowserCall`` that inlines its file and
calls its function with the element's options as JSON, so data never becomes code. Which rows
a layer draws is the catalog's ``LayerSpec.drawn``. Everything is re-exported here, so
``corridormap.mapbuild.X`` keeps working.
"""

from __future__ import annotations

from corridormap.elements import FeatureGroup, LayerControl, TileLayer
from corridormap.mapbuild.basemaps import (
    BASEMAP_KEYS,
    BASEMAPS,
    CARTO_KEY_ENV,
    Basemap,
    basemap,
)
from corridormap.mapbuild.build import (
    MAP_ASSETS,
    LeanMap,
    SchematicLine,
    asset_problems,
    base_map,
    build_map,
    flow_group,
    overlay_groups,
    route_group,
    route_groups,
)
from corridormap.mapbuild.controls import (
    DRAWN_KEY,
    Declutter,
    FillFrame,
    ForwardKeys,
    LandFrame,
    ReportDrawn,
    TileFallback,
    country_labels,
    report_drawn_group,
)
from corridormap.mapbuild.fit import (
    EARTH_M,
    FIT_PADDING_PX,
    FIT_PX,
    ZOOM_SNAP,
    FitView,
    MapView,
    SeenView,
    box_fit,
    content_bounds,
    fit_bounds,
    fit_group,
    largest_part_bounds,
    mercator,
    metres_per_px,
    moved_from,
    route_view,
    seen_view,
    union_bounds,
    unmercator,
    view_box,
    zoom_of,
)
from corridormap.mapbuild.legend import (
    LEGEND_FOLD_PX,
    Legend,
    LegendRows,
    flow_legend,
    legend_group,
    legend_html,
    line_swatch_svg,
)
from corridormap.mapbuild.payload import (
    DISPLAY_DECIMALS,
    LAND_DECIMALS,
    LAND_STATIC_FILE,
    LAND_URL,
    FastGeoJson,
    FetchedGeoJson,
    collection_json,
    feature_collection,
    geojson_layer,
    land_collection_json,
    land_file_problem,
    overlay_json,
)
from corridormap.mapbuild.styles import (
    USER_STYLE_PREFIX,
    Renderer,
    StyleFn,
    highlight_style,
    renderer,
    route_color,
    route_style,
    status_line_style,
)

__all__ = [
    "BASEMAPS",
    "BASEMAP_KEYS",
    "CARTO_KEY_ENV",
    "DISPLAY_DECIMALS",
    "DRAWN_KEY",
    "EARTH_M",
    "FIT_PADDING_PX",
    "FIT_PX",
    "LAND_DECIMALS",
    "LAND_STATIC_FILE",
    "LAND_URL",
    "LEGEND_FOLD_PX",
    "MAP_ASSETS",
    "USER_STYLE_PREFIX",
    "ZOOM_SNAP",
    "Basemap",
    "Declutter",
    "FastGeoJson",
    "FeatureGroup",
    "FetchedGeoJson",
    "FillFrame",
    "FitView",
    "ForwardKeys",
    "LandFrame",
    "LayerControl",
    "LeanMap",
    "Legend",
    "LegendRows",
    "MapView",
    "Renderer",
    "ReportDrawn",
    "SchematicLine",
    "SeenView",
    "StyleFn",
    "TileFallback",
    "TileLayer",
    "asset_problems",
    "base_map",
    "basemap",
    "box_fit",
    "build_map",
    "collection_json",
    "content_bounds",
    "country_labels",
    "feature_collection",
    "fit_bounds",
    "fit_group",
    "flow_group",
    "flow_legend",
    "geojson_layer",
    "highlight_style",
    "land_collection_json",
    "land_file_problem",
    "largest_part_bounds",
    "legend_group",
    "legend_html",
    "line_swatch_svg",
    "mercator",
    "metres_per_px",
    "moved_from",
    "overlay_groups",
    "overlay_json",
    "renderer",
    "report_drawn_group",
    "route_color",
    "route_group",
    "route_groups",
    "route_style",
    "route_view",
    "seen_view",
    "status_line_style",
    "union_bounds",
    "unmercator",
    "view_box",
    "zoom_of",
]
