"""Building a whole map: the lean folium map, the base every map shares, overlay groups,
routes and flows, and ``build_map`` (exports and tests).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from typing import Any, Final

import folium
import geopandas as gpd
import shapely
from branca.element import Figure
from jinja2 import Template

from corridormap import assets, catalog, mapaccess, style
from corridormap.catalog import LayerSpec
from corridormap.elements import FeatureGroup, LayerControl, SinglePass, TileLayer, Verbatim
from corridormap.escape import html_text, script_json
from corridormap.i18n import gettext
from corridormap.mapbuild.basemaps import basemap
from corridormap.mapbuild.controls import (
    Declutter,
    LandFrame,
    TileFallback,
    _AttributionPrefix,
    _Css,
    country_labels,
)
from corridormap.mapbuild.fit import FIT_PADDING_PX, ZOOM_SNAP, FitView, MapView
from corridormap.mapbuild.legend import Legend, legend_html
from corridormap.mapbuild.payload import FetchedGeoJson, geojson_layer
from corridormap.mapbuild.styles import (
    _flow_style,
    _land_style,
    highlight_style,
    renderer,
    route_style,
    status_line_style,
)


def _folium_default(links: list[tuple[str, str]], name: str) -> tuple[str, str]:
    return next((n, u) for n, u in links if n == name)


class LeanMap(folium.Map, SinglePass):
    """A folium map that loads only what the product uses: Leaflet and Font Awesome.

    folium's map also pulls jQuery, Bootstrap (js and css), the Bootstrap 3 glyphicons and
    awesome-markers for its popups and ``folium.Icon``; corridormap draws its markers as
    DivIcons with Font Awesome glyphs and has no popups, so the map's iframe skips about
    400 KB of scripts and styles. The URLs are folium's own (rewritten to the vendored files
    by ``assets.use_offline_assets``).
    """

    # a list, as folium's own are: use_offline_assets rewrites it in place of the class's
    default_js = [_folium_default(folium.folium._default_js, "leaflet")]  # noqa: RUF012
    default_css = [  # noqa: RUF012
        _folium_default(folium.folium._default_css, "leaflet_css"),
        _folium_default(folium.folium._default_css, "awesome_markers_font_css"),
    ]

    def render(self, **kwargs: Any) -> None:  # type: ignore[override]  # as branca's: None
        super().render(**kwargs)  # type: ignore[no-untyped-call]
        _unblock_zoom(self)


#: folium's viewport forbids zooming the page (``maximum-scale=1.0, user-scalable=no``).
_ZOOM_BLOCK = re.compile(r",\s*maximum-scale=[0-9.]+,\s*user-scalable=no")


def _unblock_zoom(m: folium.Map) -> None:
    """Let people zoom the page around a map (WCAG 1.4.4): drop folium's viewport limits."""
    root = m.get_root()
    header = root.header._children.get(m.get_name()) if isinstance(root, Figure) else None
    if isinstance(header, Verbatim):
        header.text = _ZOOM_BLOCK.sub("", header.text)


#: The vendored assets every map loads (folium's link names).
MAP_ASSETS: Final = tuple(n for n, _ in (*LeanMap.default_js, *LeanMap.default_css))


def asset_problems() -> list[str]:
    """What keeps maps from drawing in the browser: vendored files missing or corrupted."""
    return assets.check_files(MAP_ASSETS)


def base_map(
    land: gpd.GeoDataFrame | None,
    *,
    view: MapView = MapView(),
    basemap_key: str = "bundled",
    height: str = "100%",
    land_json: str | None = None,
    land_url: str | None = None,
    title: str = "Map",
    description: str = "",
) -> folium.Map:
    """The stable part of every map: bundled land polygons (or online tiles), CSS, scale bar.

    ``title`` and ``description`` name the map for screen readers (``mapaccess.MapAccess``);
    a map whose overlays change under a stable base says what it shows with
    ``mapaccess.MapDescription`` in an overlay group instead.

    ``land_json``: ``land_collection_json(land)``, when the caller has it cached.
    ``land_url``: fetch the land from this URL instead of carrying it (the app serves
    ``LAND_STATIC_FILE``); exports leave it unset so the file stands alone.

    Offline assets are always in force: no CDN URL reaches the page.
    """
    assets.use_offline_assets(required=(LeanMap,))
    bm = basemap(basemap_key)
    m = LeanMap(
        location=list(view.center),
        zoom_start=view.zoom,  # type: ignore[arg-type]  # folium types it int; Leaflet takes 4.25
        tiles=None,
        control_scale=True,
        min_zoom=2,
        max_zoom=bm.max_zoom if bm.online else 12,
        height=height,
        zoom_snap=ZOOM_SNAP,
    )
    # A child of the map (not of the page's header), so that rendering the map puts the CSS
    # in the header: in the app (streamlit-folium) and in the HTML export alike.
    m.add_child(_Css())
    m.add_child(_AttributionPrefix())
    m.add_child(Declutter(country_labels(land)))
    if not bm.online and land is not None and len(land):
        m.add_child(LandFrame(land.total_bounds))  # the bundled land ends at its frame
    m.add_child(mapaccess.MapAccess(title, description))
    if bm.online and bm.tiles:
        tiles = TileLayer(
            bm.tiles, attr=bm.attribution, name=bm.label, overlay=False, control=False
        )
        tiles.add_to(m)
        m.add_child(TileFallback(tiles, land_url))
    elif land_url is not None:
        FetchedGeoJson(land_url, attribution="Basemap: Natural Earth").add_to(m)
    elif land is not None and len(land):
        geojson_layer(
            catalog.COUNTRIES,
            land,
            name="Countries (Natural Earth)",
            style_fn=_land_style,
            data_json=land_json,
            attribution="Basemap: Natural Earth",
        ).add_to(m)
    return m


class SchematicLine(SinglePass):
    """A line that is no feature of a layer (the untraced end of a gas route), with a
    plain-text tooltip."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        L.polyline({{ this.coords_json }}, {{ this.style_json }})
            .bindTooltip({{ this.tip_json }}, {sticky: true})
            .addTo({{ this._parent.get_name() }});
        {% endmacro %}
        """
    )

    def __init__(self, line: shapely.LineString, line_style: Mapping[str, Any], tip: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "SchematicLine"
        self.coords_json = script_json([[round(y, 4), round(x, 4)] for x, y in line.coords])
        self.style_json = script_json(dict(line_style))
        self.tip_json = script_json(html_text(tip))


def flow_group(
    pipelines: gpd.GeoDataFrame, name: str, onward: shapely.LineString | None = None
) -> FeatureGroup:
    """Pipelines drawn as moving flow lines (the gas route to a destination), and the
    untraced stretch beyond them, dotted, when the route leaves the pipelines short of it."""
    group = FeatureGroup(name=name, show=True)
    if len(pipelines):
        geojson_layer(catalog.PIPELINES, pipelines, name=name, style_fn=_flow_style).add_to(group)
    if onward is not None:
        onward_style = {
            "color": style.FLOW_COLOR,
            "weight": 3,
            "opacity": 0.95,
            "dashArray": style.ONWARD_DASH,
            "lineCap": "round",
        }
        group.add_child(SchematicLine(onward, onward_style, style.ONWARD_LABEL))
    return group


def route_group(
    legs: gpd.GeoDataFrame, places: gpd.GeoDataFrame, name: str, index: int = 0
) -> FeatureGroup:
    """A route drawn over the map: its legs (in the route's colour, dashed by status) and its
    labelled places (ends and transfers), singled out like a highlight. ``index`` 0 is the
    route, 1.. its alternatives."""
    group = FeatureGroup(name=html_text(name), show=True)
    if len(legs):
        geojson_layer(catalog.CORRIDOR_LEGS, legs, name=name, style_fn=route_style(index)).add_to(
            group
        )
    if len(places):
        geojson_layer(
            catalog.NODES,
            places,
            name=name,
            style_fn=highlight_style(catalog.NODES),
            highlighted=True,
        ).add_to(group)
    return group


def route_groups(
    routes: Sequence[tuple[str, gpd.GeoDataFrame, gpd.GeoDataFrame]],
) -> list[FeatureGroup]:
    """Routes as ``(name, legs, places)``, the route first and its alternatives after it: one
    group each, the alternatives drawn first so that the route lies on top."""
    groups = [route_group(legs, places, name, i) for i, (name, legs, places) in enumerate(routes)]
    return groups[1:] + groups[:1]


def overlay_groups(
    frames: Mapping[str, gpd.GeoDataFrame],
    selected: tuple[str, str] | None = None,
    specs: Sequence[LayerSpec] = catalog.LAYERS,
    collections: Mapping[str, str] | None = None,
    named: Collection[str] = (),
    *,
    by_status: bool = False,
) -> list[FeatureGroup]:
    """One feature group per layer in ``frames`` (catalog order), then the selection outline.

    ``collections``: each layer's ``overlay_json`` for these frames, when the caller has them
    cached (the JSON is most of the work of building a group). ``by_status``: corridor legs
    coloured by status rather than by corridor.
    """
    groups = []
    for spec in specs:
        if spec.key not in frames:
            continue
        drawer = renderer(spec.style_key)
        gdf = spec.drawn(frames[spec.key])
        # Leaflet's layer control shows a group's name as HTML: escape it (users name layers).
        title = drawer.group_title or spec.title
        if spec in catalog.LAYERS:  # a shipped layer's name in the language in force
            title = gettext(title)
        group = FeatureGroup(name=html_text(title), show=True)
        if len(gdf):
            if by_status and spec.key == catalog.CORRIDOR_LEGS.key:
                geojson_layer(spec, gdf, style_fn=status_line_style).add_to(group)
            else:
                cached = (collections or {}).get(spec.key)
                geojson_layer(spec, gdf, data_json=cached, named=named).add_to(group)
        groups.append(group)
    if selected is not None:
        layer, fid = selected
        gdf = frames.get(layer)
        chosen = next((s for s in specs if s.key == layer), None)
        if gdf is not None and chosen is not None and fid in gdf.index:
            spec = chosen
            group = FeatureGroup(name="Selected feature", show=True, control=False)
            geojson_layer(
                spec, gdf.loc[[fid]], style_fn=highlight_style(spec), highlighted=True
            ).add_to(group)
            groups.append(group)
    return groups


def build_map(
    frames: Mapping[str, gpd.GeoDataFrame],
    *,
    land: gpd.GeoDataFrame | None = None,
    selected: tuple[str, str] | None = None,
    view: MapView = MapView(),
    basemap_key: str = "bundled",
    height: str = "100%",
    specs: Sequence[LayerSpec] = catalog.LAYERS,
    extra_groups: Sequence[FeatureGroup] = (),
    extra_legend: Sequence[tuple[str, list[str]]] = (),
    land_url: str | None = None,
    by_status: bool = False,
    fit: tuple[float, float, float, float] | None = None,
    legend_collapsed: bool = False,
    title: str = "Map",
    description: str | None = None,
) -> folium.Map:
    """A whole map in one object (for exports and tests): basemap, overlays, legend, control.

    ``extra_legend``: the legend sections of ``extra_groups``. ``by_status``: corridor legs
    coloured by status (the legend says so). ``fit``: bounds the browser fits the map to
    (``view`` is then where it starts, and what a server-side rendering shows).
    ``legend_collapsed``: the legend starts folded whatever the map's size. ``description``
    defaults to the layers it shows (``mapaccess.layers_description``)."""
    if land is None:
        land = frames.get(catalog.COUNTRIES.key)
    if description is None:
        description = mapaccess.layers_description(
            [s.title for s in specs if s.key in frames and len(frames[s.key])]
        )
    m = base_map(
        land,
        view=view,
        basemap_key=basemap_key,
        height=height,
        land_url=land_url,
        title=title,
        description=description,
    )
    for group in [*overlay_groups(frames, selected, specs, by_status=by_status), *extra_groups]:
        group.add_to(m)
    if fit is not None:
        m.add_child(FitView(fit, FIT_PADDING_PX))
    legend = legend_html(
        frames,
        specs=specs,
        extra=extra_legend,
        by_status=by_status,
        collapsed=legend_collapsed,
    )
    if legend:
        m.add_child(Legend(legend))
    LayerControl(collapsed=True, position="topright").add_to(m)
    return m
