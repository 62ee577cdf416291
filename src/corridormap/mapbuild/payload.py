"""The GeoJSON payload: features as the browser receives them, and the layers that draw them.

Coordinates rounded for display, each feature's style, tooltip, rank and label in its
properties (``feature_collection``, ``collection_json``); ``FastGeoJson`` draws such a
collection, ``FetchedGeoJson`` the basemap's land fetched from the app.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from pathlib import Path
from typing import Any, Final

import geopandas as gpd
import shapely

from corridormap import browser, catalog, mapaccess, place_names, style
from corridormap.catalog import LayerSpec
from corridormap.escape import html_text, script_json
from corridormap.mapbuild.styles import Renderer, StyleFn, _land_style, _tooltip_html, renderer

#: Decimals of the coordinates sent to the browser: 4 (about 10 m) for overlays; 3 (about
#: 100 m) for the basemap's land, which is simplified by about 10 km anyway.
DISPLAY_DECIMALS: Final = 4
LAND_DECIMALS: Final = 3


def _quantized(geoms: gpd.GeoSeries, decimals: int) -> list[Any]:
    """Coordinates rounded for display (the data keep their own precision)."""
    grid = 10.0**-decimals
    return list(shapely.set_precision(geoms.values, grid, mode="pointwise"))


def feature_collection(
    spec: LayerSpec,
    gdf: gpd.GeoDataFrame,
    style_fn: StyleFn | None = None,
    decimals: int = DISPLAY_DECIMALS,
    *,
    highlighted: bool = False,
    named: Collection[str] = (),
) -> dict[str, Any]:
    """The GeoJSON sent to the browser: only what the map needs (id, style inputs, tooltip).

    Cards and tables read the full properties server-side, so the browser payload stays small
    and every string in it is escaped once, here.
    """
    drawer = renderer(spec.style_key)
    fn = style_fn or drawer.style_factory(gdf)
    features = []
    for fid, row, geom in zip(
        gdf[spec.id_property],
        gdf.drop(columns="geometry").to_dict("records"),
        _quantized(gdf.geometry, decimals),
        strict=True,
    ):
        # a place's name in the language in force (the data's where the table has none); the
        # data's row still decides what a scene names
        shown = place_names.shown_row(spec, row)
        features.append(
            {
                "type": "Feature",
                "id": str(fid),
                "properties": {
                    "id": str(fid),
                    "layer": spec.key,
                    "tip": _tooltip_html(spec, shown),
                    **({"spoken": mapaccess.place_name(spec, shown)} if drawer.points else {}),
                    "style": fn(row),
                    **_place(spec, drawer, shown, row, highlighted=highlighted, named=named),
                },
                "geometry": geom.__geo_interface__,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _place(
    spec: LayerSpec,
    drawer: Renderer,
    row: Mapping[str, Any],
    data_row: Mapping[str, Any],
    *,
    highlighted: bool,
    named: Collection[str] = (),
) -> dict[str, Any]:
    """A point's plain-text name and rank, for the map's labels and decluttering (the browser
    sets them as text, never as HTML): the name from ``row`` (as shown, in the language in
    force). A place in ``named`` (the places a scene's text names, by the data's name in
    ``data_row``) ranks just below the highlights, so it is always shown and labelled."""
    if drawer.rank is None and not highlighted:
        return {}
    name = (drawer.label(row) if drawer.label else None) or row.get(spec.label_property)
    text = style.map_label(str(name or row.get(spec.id_property)))  # on up to three lines
    rank = style.HIGHLIGHT_RANK if highlighted else (drawer.rank(row) if drawer.rank else 1)
    if not highlighted and named and str(data_row.get(spec.label_property)) in named:
        rank = style.NAMED_RANK
    return {"label": text, "rank": rank}


def collection_json(
    spec: LayerSpec,
    gdf: gpd.GeoDataFrame,
    style_fn: StyleFn | None = None,
    decimals: int = DISPLAY_DECIMALS,
    *,
    highlighted: bool = False,
    named: Collection[str] = (),
) -> str:
    """The browser payload of a layer, serialised once (callers cache it)."""
    return script_json(
        feature_collection(spec, gdf, style_fn, decimals, highlighted=highlighted, named=named)
    )


class FetchedGeoJson(browser.BrowserCall):
    """A GeoJSON layer the map fetches from a URL (served by the app), not carried in its script.

    The basemap's land is most of a map's bytes; carried in the script it would be re-sent on
    every rerun that changes any overlay (streamlit-folium sends the whole script each time).
    Fetched, the browser loads it once and caches it. The layer sits in a feature group added
    synchronously, so streamlit-folium's click handling (bound when the script runs) still sees
    clicks on it through Leaflet's event propagation.
    """

    code = "fetched-geojson.js"
    function = "cmFetchedGeoJson"
    result = True

    def __init__(self, url: str, *, attribution: str | None = None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "FetchedGeoJson"
        self.options = {"url": url, "attribution": html_text(attribution) if attribution else None}

    def arguments(self) -> list[str]:
        return [self.parent_name(), script_json(self.options)]


#: Where the app serves the basemap's land (``static/`` is served at ``/app/static/``),
#: relative to streamlit-folium's iframe so that ``--server.baseUrlPath`` works too.
LAND_STATIC_FILE: Final = "data/land.json"
LAND_URL: Final = "../../app/static/" + LAND_STATIC_FILE


def land_file_problem(path: Path) -> str | None:
    """Why the served land file cannot be the basemap (missing, truncated, not a collection
    of features), or None. The app then carries the land inline and says so."""
    try:
        doc = json.loads(path.read_bytes())
    except FileNotFoundError:
        return f"{path.name} is missing"
    except (OSError, ValueError) as exc:
        return f"{path.name} cannot be read ({str(exc)[:80]})"
    features = doc.get("features") if isinstance(doc, dict) else None
    if not isinstance(features, list) or not features:
        return f"{path.name} holds no land features"
    return None


class FastGeoJson(browser.BrowserCall):
    """A Leaflet GeoJSON layer from pre-serialised data whose features carry their own style.

    Unlike ``folium.GeoJson`` it does not re-serialise the data on every render or repeat each
    feature's style in a lookup table, so reruns are cheap and the payload is sent once per
    feature. Tooltips are the features' pre-escaped ``tip`` HTML.
    """

    code = "fast-geojson.js"
    function = "cmFastGeoJson"
    result = True

    def __init__(
        self, data_json: str, *, name: str, highlight: bool = True, attribution: str | None = None
    ) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "FastGeoJson"
        self.layer_name = name
        self.data_json = data_json
        self.highlight = highlight
        self.attribution = html_text(attribution) if attribution else None

    def arguments(self) -> list[str]:
        options = {"attribution": self.attribution, "highlight": self.highlight}
        return [self.parent_name(), self.data_json, script_json(options)]


def overlay_json(spec: LayerSpec, gdf: gpd.GeoDataFrame) -> str:
    """What ``overlay_groups`` sends for one layer (after the renderer's own selection)."""
    return collection_json(spec, spec.drawn(gdf))


def geojson_layer(
    spec: LayerSpec,
    gdf: gpd.GeoDataFrame,
    *,
    name: str | None = None,
    style_fn: StyleFn | None = None,
    data_json: str | None = None,
    attribution: str | None = None,
    highlighted: bool = False,
    named: Collection[str] = (),
) -> FastGeoJson:
    """One layer, styled from the style module, with escaped tooltips.

    ``data_json``: the layer's ``collection_json``, when the caller has it cached.
    ``highlighted``: the features a view singles out (labelled and kept above all others).
    """
    return FastGeoJson(
        data_json
        if data_json is not None
        else collection_json(spec, gdf, style_fn, highlighted=highlighted, named=named),
        name=name or spec.title,
        highlight=style_fn is None,
        attribution=attribution,
    )


def land_collection_json(land: gpd.GeoDataFrame) -> str:
    """The basemap's land polygons as the browser receives them."""
    return collection_json(catalog.COUNTRIES, land, _land_style, LAND_DECIMALS)
