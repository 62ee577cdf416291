"""Map building: folium maps from layers, with offline assets and a bundled basemap.

Everything here is plain Python returning folium objects, so it is tested on the rendered HTML
without a browser. Each layer is drawn by the renderer registered for its ``style_key``; the
registry, not a chain of if/elif on layer names, decides how a layer looks.

The elements' browser code lives in real files (``corridormap/static``: one ``.js`` per
element, ``map.css``); each element is an ``assets.BrowserCall`` that inlines its file and
calls its function with the element's options as JSON, so data never becomes code.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

import folium
import geopandas as gpd
import shapely
import xyzservices.providers as xyz
from branca.element import Figure
from jinja2 import Template

from corridormap import assets, catalog, mapaccess, overlay, style
from corridormap.catalog import LayerSpec
from corridormap.elements import FeatureGroup, LayerControl, SinglePass, TileLayer, Verbatim
from corridormap.escape import html_text, script_json

# ---------------------------------------------------------------------------------------------
# Basemaps


@dataclass(frozen=True, slots=True)
class Basemap:
    key: str
    label: str
    online: bool
    tiles: str | None = None
    attribution: str | None = None
    max_zoom: int = 18


#: Environment variable holding a CARTO API key (CARTO's tiles need one since 2026).
CARTO_KEY_ENV: Final = "CORRIDORMAP_CARTO_API_KEY"


def _xyz(key: str, label: str, provider: Any, token_env: str | None = None) -> Basemap | None:
    """An online basemap from xyzservices; None when it needs a token that is not set."""
    kwargs = {}
    if provider.requires_token():
        token = os.environ.get(token_env or "")
        if not token:
            return None
        kwargs["apikey"] = token
    return Basemap(
        key=key,
        label=label,
        online=True,
        tiles=provider.build_url(**kwargs),
        attribution=provider.html_attribution,
        max_zoom=int(provider.get("max_zoom", 18)),
    )


def _available(*maps: Basemap | None) -> tuple[Basemap, ...]:
    return tuple(m for m in maps if m is not None)


BASEMAPS: Final[tuple[Basemap, ...]] = _available(
    Basemap("bundled", "Bundled (offline, Natural Earth)", online=False),
    _xyz("osm", "OpenStreetMap (online)", xyz.OpenStreetMap.Mapnik),
    _xyz("positron", "CartoDB Positron (online)", xyz.CartoDB.Positron, CARTO_KEY_ENV),
    _xyz("imagery", "Esri World Imagery (online)", xyz.Esri.WorldImagery),
)
BASEMAP_KEYS: Final = tuple(b.key for b in BASEMAPS)


def basemap(key: str) -> Basemap:
    for b in BASEMAPS:
        if b.key == key:
            return b
    raise KeyError(f"unknown basemap {key!r}; known: {', '.join(BASEMAP_KEYS)}")


# ---------------------------------------------------------------------------------------------
# Feature styling (properties -> Leaflet style), driven by the style module


def _tooltip_html(spec: LayerSpec, props: Mapping[str, Any]) -> str:
    """An escaped one-line tooltip: the feature's label plus its layer title."""
    name = html_text(str(props.get(spec.label_property) or props.get(spec.id_property)))
    return f"<b>{name}</b><br><span style='color:#555'>{html_text(spec.title)}</span>"


def _country_style(props: Mapping[str, Any]) -> dict[str, Any]:
    status = str(props.get("ots_status", "none"))
    ots = style.entry(style.OTS_STYLES, status)
    return {
        "fillColor": ots.color,
        "fillOpacity": style.OTS_FILL_OPACITY[status],
        "color": style.LAND_BORDER,
        "weight": 0.6,
    }


def _line_style(props: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "color": style.corridor_color(str(props["corridor"])),
        "weight": style.MODE_WEIGHTS[str(props["mode"])],
        "dashArray": style.status_dash(str(props["status"])),
        "opacity": 0.95,
        "lineCap": "round",
    }


def status_line_style(props: Mapping[str, Any]) -> dict[str, Any]:
    """A corridor leg coloured by its status (and dashed by it, as everywhere)."""
    status = style.entry(style.STATUS_STYLES, str(props["status"]))
    return {
        "color": status.color,
        "weight": style.MODE_WEIGHTS[str(props["mode"])] + 0.5,
        "dashArray": status.dash,
        "opacity": 0.95,
        "lineCap": "round",
    }


def _gas_style(props: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "fillColor": style.gas_period(str(props["supply_start"])).color,
        "fillOpacity": 0.75,
        "color": "#7f2704",
        "weight": 0.8,
    }


def _icon_html(icon: str, color: str) -> str:
    return (
        f"<div class='cm-pin' style='background:{color}'><i class='fa-solid fa-{icon}'></i></div>"
    )


def _node_style(props: Mapping[str, Any]) -> dict[str, Any]:
    kind = str(props["kind"])
    e = style.entry(style.NODE_STYLES, kind)
    if kind in style.MINOR_NODE_KINDS:  # towns on the line: a dot, so the lines stay readable
        return {"html": f"<div class='cm-pin cm-dot' style='background:{e.color}'></div>"}
    return {"html": _icon_html(e.icon or "circle", e.color)}


def _summit_style(props: Mapping[str, Any]) -> dict[str, Any]:
    e = style.entry(style.SUMMIT_STYLES, str(props["kind"]))
    return {"html": _icon_html(e.icon or "landmark", e.color)}


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th ... 11th, 12th, 13th ... 21st."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _summit_label(props: Mapping[str, Any]) -> str | None:
    """A summit by its city, year and number ("Gabala 2025 (12th)"): one city hosted two
    summits, so the year and the number say which one a label is."""
    city, when, number = props.get("city"), props.get("date"), props.get("number")
    if not city:
        return None
    label = f"{city} {str(when)[:4]}" if isinstance(when, str) and when else str(city)
    if isinstance(number, int | float) and not isinstance(number, bool) and math.isfinite(number):
        label += f" ({ordinal(int(number))})"
    return label


def _annotation_style(props: Mapping[str, Any]) -> dict[str, Any]:
    e = style.entry(style.TOPIC_STYLES, str(props["topic"]))
    return {"html": _icon_html(e.icon or "circle-info", e.color)}


StyleFn = Callable[[Mapping[str, Any]], dict[str, Any]]


def _pipeline_style_factory(gdf: gpd.GeoDataFrame) -> StyleFn:
    caps = [float(c) for c in gdf["capacity_bcm_y"].dropna()] if len(gdf) else []
    lo, hi = (min(caps), max(caps)) if caps else (0.0, 0.0)

    def _style(props: Mapping[str, Any]) -> dict[str, Any]:
        cap = props.get("capacity_bcm_y")
        return {
            "color": style.PIPELINE_COLOR,
            "weight": style.pipeline_weight(None if cap is None else float(cap), lo, hi),
            "dashArray": style.status_dash(str(props["status"])),
            "opacity": 0.9,
        }

    return _style


def _land_style(_props: Mapping[str, Any]) -> dict[str, Any]:
    return {"fillColor": style.LAND, "fillOpacity": 1.0, "color": style.LAND_BORDER, "weight": 0.6}


@dataclass(frozen=True, slots=True)
class Renderer:
    """How one style key is drawn as an overlay."""

    style_factory: Callable[[gpd.GeoDataFrame], StyleFn]
    points: bool = False
    group_title: str | None = None
    # How important a point is for labels and decluttering (``style.NODE_RANK`` etc.).
    rank: Callable[[Mapping[str, Any]], int] | None = None
    # The short name a point is labelled with on the map (default: the layer's label).
    label: Callable[[Mapping[str, Any]], str | None] | None = None


def _user_renderer(style_key: str) -> Renderer:
    """Layers users add: style key ``user:N`` picks the N-th user colour."""
    _, _, index = style_key.partition(":")
    color = style.user_color(int(index) if index.isdigit() else 0)

    def _style(props: Mapping[str, Any]) -> dict[str, Any]:
        del props
        return {
            "color": color,
            "weight": 3,
            "fillColor": color,
            "fillOpacity": 0.3,
            "html": _icon_html("location-dot", color),
        }

    return Renderer(lambda _gdf: _style, points=True, rank=lambda _p: style.USER_RANK)


def renderer(style_key: str) -> Renderer:
    """The renderer registered for a style key (``user:N`` for users' layers)."""
    if style_key.startswith(USER_STYLE_PREFIX):
        return _user_renderer(style_key)
    return _RENDERERS[style_key]


USER_STYLE_PREFIX: Final = "user"

_RENDERERS: Final[dict[str, Renderer]] = {
    "countries": Renderer(lambda _gdf: _country_style, group_title="OTS members and observers"),
    "gas_destinations": Renderer(lambda _gdf: _gas_style),
    "pipelines": Renderer(_pipeline_style_factory),
    "corridors": Renderer(lambda _gdf: _line_style),
    "nodes": Renderer(
        lambda _gdf: _node_style,
        points=True,
        rank=lambda p: style.NODE_RANK.get(str(p.get("kind")), 1),
    ),
    "summits": Renderer(
        lambda _gdf: _summit_style,
        points=True,
        rank=lambda _p: style.SUMMIT_RANK,
        label=_summit_label,
    ),
    "annotations": Renderer(
        lambda _gdf: _annotation_style, points=True, rank=lambda _p: style.ANNOTATION_RANK
    ),
}


# ---------------------------------------------------------------------------------------------
# GeoJSON payload


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
        features.append(
            {
                "type": "Feature",
                "id": str(fid),
                "properties": {
                    "id": str(fid),
                    "layer": spec.key,
                    "tip": _tooltip_html(spec, row),
                    **({"spoken": mapaccess.place_name(spec, row)} if drawer.points else {}),
                    "style": fn(row),
                    **_place(spec, drawer, row, highlighted=highlighted, named=named),
                },
                "geometry": geom.__geo_interface__,
            }
        )
    return {"type": "FeatureCollection", "features": features}


def _place(
    spec: LayerSpec,
    drawer: Renderer,
    row: Mapping[str, Any],
    *,
    highlighted: bool,
    named: Collection[str] = (),
) -> dict[str, Any]:
    """A point's plain-text name and rank, for the map's labels and decluttering (the browser
    sets them as text, never as HTML). A place in ``named`` (the places a scene's text names)
    ranks just below the highlights, so it is always shown and labelled."""
    if drawer.rank is None and not highlighted:
        return {}
    name = (drawer.label(row) if drawer.label else None) or row.get(spec.label_property)
    text = str(name or row.get(spec.id_property))
    if len(text) > _LABEL_MAX:
        text = text[: _LABEL_MAX - 1].rstrip() + "…"
    rank = style.HIGHLIGHT_RANK if highlighted else (drawer.rank(row) if drawer.rank else 1)
    if not highlighted and named and str(row.get(spec.label_property)) in named:
        rank = style.NAMED_RANK
    return {"label": text, "rank": rank}


#: Longest label on the map (the card has the full name). Longer labels (60 characters was
#: tried) pile up where a scene names several places close together: the browser's layout
#: places a named place's label even where it overlaps (tests/browser/test_cartography.py).
_LABEL_MAX: Final = 34


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


class FetchedGeoJson(assets.BrowserCall):
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


class FastGeoJson(assets.BrowserCall):
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


# ---------------------------------------------------------------------------------------------
# Legend and page chrome


#: The maps' CSS beyond ``static/map.css``: the flow lines' animation, which style.py times.
_FLOW_CSS: Final = (
    f"@keyframes cm-flow {{ to {{ stroke-dashoffset: -{style.FLOW_DASH_PERIOD}; }} }}\n"
)


def _swatch(color: str, opacity: float = 1.0) -> str:
    return f"<span class='sw' style='background:{color};opacity:{opacity}'></span>"


def line_swatch_svg(color: str, dash: str | None, weight: float = 3.0) -> str:
    """A short line sample as inline SVG (legend rows, in the map and in the app)."""
    dash_attr = f" stroke-dasharray='{dash}'" if dash else ""
    return (
        "<svg width='34' height='10'><line x1='1' y1='5' x2='33' y2='5' "
        f"stroke='{color}' stroke-width='{weight}'{dash_attr} stroke-linecap='round'/></svg>"
    )


def _present(gdf: gpd.GeoDataFrame | None, column: str) -> Callable[[str], bool]:
    """Whether a value is on the map: any value when the layer's rows are not given."""
    if gdf is None:
        return lambda _value: True
    values = {str(v) for v in gdf[column].dropna()} if column in gdf else set()
    return values.__contains__


def _rows_ots(gdf: gpd.GeoDataFrame | None) -> list[str]:
    shown = _present(gdf, "ots_status")
    return [
        f"{_swatch(e.color, style.OTS_FILL_OPACITY[e.value])}{html_text(e.label)}"
        for e in style.OTS_STYLES
        if e.value != "none" and shown(e.value)
    ]


def _rows_corridors(gdf: gpd.GeoDataFrame | None) -> list[str]:
    shown = _present(gdf, "corridor")
    return [
        f"{line_swatch_svg(e.color, None)}{html_text(e.label)}"
        for e in style.CORRIDOR_STYLES
        if shown(e.value)
    ]


def _rows_status(gdf: gpd.GeoDataFrame | None, *, colored: bool = False) -> list[str]:
    """Status by dash (in the lines' own colours), or by colour and dash on a map whose lines
    are coloured by status."""
    shown = _present(gdf, "status")
    return [
        f"{line_swatch_svg(e.color if colored else style.TEXT, e.dash, 3 if colored else 2)}"
        f"<span title='{html_text(e.definition)}'>{html_text(e.label)}</span>"
        for e in style.STATUS_STYLES
        if shown(e.value)
    ]


def _rows_pipelines(_gdf: gpd.GeoDataFrame | None) -> list[str]:
    return [f"{line_swatch_svg(style.PIPELINE_COLOR, None, 4)}Gas pipeline (width: capacity)"]


def _rows_gas(gdf: gpd.GeoDataFrame | None) -> list[str]:
    periods = (
        None
        if gdf is None
        else {style.gas_period(str(v)).value for v in gdf["supply_start"].dropna()}
    )
    return [
        f"{_swatch(e.color)}{html_text(e.label)}"
        for e in style.GAS_PERIODS
        if periods is None or e.value in periods
    ]


def _rows_icons(
    gdf: gpd.GeoDataFrame | None,
    column: str,
    entries: tuple[style.Entry, ...],
    dots: tuple[str, ...] = (),
) -> list[str]:
    """Legend rows with each entry's icon pin (or a dot, for the kinds in ``dots``)."""
    shown = _present(gdf, column)
    rows = []
    for e in entries:
        if not shown(e.value):
            continue
        if e.value in dots:
            pin = (
                f"<span class='cm-pin' style='background:{e.color};width:8px;height:8px;"
                "margin:0 4px'></span>"
            )
        else:
            pin = (
                f"<span class='cm-pin' style='background:{e.color};width:16px;height:16px;"
                f"font-size:8px'><i class='fa-solid fa-{e.icon}'></i></span>"
            )
        rows.append(pin + html_text(e.label))
    return rows


def flow_legend(
    pipelines: gpd.GeoDataFrame, onward: shapely.LineString | None = None
) -> list[tuple[str, list[str]]]:
    """The legend section of ``flow_group(pipelines, ..., onward)``: the route through the
    pipelines and, when drawn, the stretch to the destination the sources do not trace (none
    when nothing is drawn)."""
    rows = []
    if len(pipelines):
        rows.append(f"{line_swatch_svg(style.FLOW_COLOR, style.FLOW_DASH, 4)}{style.FLOW_LABEL}")
    if onward is not None:
        rows.append(
            f"{line_swatch_svg(style.FLOW_COLOR, style.ONWARD_DASH, 3)}"
            f"{html_text(style.ONWARD_LABEL)}"
        )
    return [("Gas route", rows)] if rows else []


LegendRows = Callable[[gpd.GeoDataFrame | None], list[str]]

#: style_key -> the legend sections (title, rows for the layer's features) it contributes.
_LEGENDS: Final[dict[str, tuple[tuple[str, LegendRows], ...]]] = {
    "countries": (("Organization of Turkic States", _rows_ots),),
    "corridors": (("Corridors", _rows_corridors), ("Status", _rows_status)),
    "pipelines": (("Gas pipelines", _rows_pipelines), ("Status", _rows_status)),
    "gas_destinations": (("Azerbaijani gas destinations", _rows_gas),),
    "nodes": (
        (
            "Nodes",
            lambda g: _rows_icons(g, "kind", style.NODE_STYLES, style.MINOR_NODE_KINDS),
        ),
    ),
    "summits": (("OTS summits", lambda g: _rows_icons(g, "kind", style.SUMMIT_STYLES)),),
    "annotations": (("Gabala 2025", lambda g: _rows_icons(g, "topic", style.TOPIC_STYLES)),),
}

#: The corridor legs' legend when their lines are coloured by status (``by_status``).
_STATUS_LEGEND: Final[tuple[tuple[str, LegendRows], ...]] = (
    ("Status", lambda g: _rows_status(g, colored=True)),
)


def _legend_sections(spec: LayerSpec, by_status: bool) -> tuple[tuple[str, LegendRows], ...]:
    if spec.style_key.startswith(USER_STYLE_PREFIX):
        _, _, index = spec.style_key.partition(":")
        color = style.user_color(int(index) if index.isdigit() else 0)
        return (("Your layers", lambda _g: [f"{_swatch(color)}{html_text(spec.title)}"]),)
    if by_status and spec.key == catalog.CORRIDOR_LEGS.key:
        return _STATUS_LEGEND
    return _LEGENDS[spec.style_key]


def legend_html(
    layers: Mapping[str, gpd.GeoDataFrame] | Iterable[str],
    *,
    collapsed: bool = False,
    specs: Sequence[LayerSpec] = catalog.LAYERS,
    extra: Sequence[tuple[str, list[str]]] = (),
    by_status: bool = False,
) -> str:
    """The legend for the layers on the map, built from the style module (escaped text).

    ``layers``: the frames the map draws (a row for each kind of feature among them; a layer
    with no features has none), or only their keys (every row of those layers). ``extra``:
    sections of further rows (a route drawn on top). ``by_status``: the legs are coloured by
    status. It is a ``<details>`` element: open unless ``collapsed``; the map folds it when
    the map is small.
    """
    frames = layers if isinstance(layers, Mapping) else dict.fromkeys(layers)
    sections: dict[str, list[str]] = {}  # title -> rows; a section shared by layers once
    for spec in specs:
        if spec.key not in frames:
            continue
        gdf = frames[spec.key]
        if gdf is not None:
            gdf = spec.drawn(gdf)
            if not len(gdf):
                continue
        for title, rows in _legend_sections(spec, by_status):
            known = sections.setdefault(title, [])
            known.extend(r for r in rows(gdf) if r not in known)  # one row per user layer
    for title, rows_ in extra:
        sections.setdefault(title, []).extend(rows_)
    parts: list[str] = []
    for title, rows_ in sections.items():
        if not rows_:
            continue
        parts.append(f"<h2>{html_text(title)}</h2>")
        parts.extend(f"<div class='cm-row'>{r}</div>" for r in rows_)
    if not parts:
        return ""
    state = "" if collapsed else " open"
    return (
        f"<details class='cm-legend'{state}><summary>Legend</summary>"
        + "".join(parts)
        + "</details>"
    )


#: A map smaller than this (CSS px, width or height) opens with its legend folded.
LEGEND_FOLD_PX: Final = (700, 500)


class Legend(assets.BrowserCall):
    """A Leaflet control at the bottom right holding pre-escaped legend HTML."""

    code = "legend.js"
    function = "cmLegend"

    def __init__(self, legend: str) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Legend"
        self.options = {"html": legend, "foldPx": list(LEGEND_FOLD_PX)}

    def arguments(self) -> list[str]:
        # JSON-encoded, so that no quote or backslash in the HTML can break the script
        return [self.parent_name(), script_json(self.options)]


class Declutter(assets.BrowserCall):
    """Labels and decluttering, redone after every zoom, pan or change of overlays.

    Point markers are taken from the most important (``rank`` in their properties: a view's
    highlights first, then ports, crossings and summits, then the rest) down; a marker whose
    box would overlap one already kept is hidden, and the one it lost to shows "+N". Kept
    markers are then labelled, by rank and as far as the zoom allows (``style.LABEL_RANKS``),
    at the first of four positions (right, left, above, below) free of other markers and
    labels; country names go last, in the space that is left. Names are set as text, never as
    HTML. The code is ``static/declutter.js`` (its pure parts unit-tested in ``tests/js``).
    """

    code = "declutter.js"
    function = "cmDeclutter"

    def __init__(self, countries: Sequence[tuple[str, float, float, bool]] = ()) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "Declutter"
        self.options = {
            "countries": [list(c) for c in countries],
            "labelRanks": [list(r) for r in style.LABEL_RANKS],
            "countryZoom": int(style.COUNTRY_LABEL_ZOOM),
        }

    def arguments(self) -> list[str]:
        return [self.parent_name(), script_json(self.options)]


def country_labels(land: gpd.GeoDataFrame | None) -> list[tuple[str, float, float, bool]]:
    """(name, lat, lon, large) for each country: a point inside it, larger countries first
    (they are named from ``style.COUNTRY_LABEL_ZOOM``, the others a zoom later)."""
    if land is None or not len(land) or "name" not in land.columns:
        return []
    geoms = land.geometry.to_numpy()
    areas = shapely.area(geoms)  # square degrees: enough to rank by size
    points = shapely.point_on_surface(geoms)
    big = float(sorted(areas)[int(len(areas) * 0.75)])
    names = [str(n) for n in land["name"]]
    order = sorted(range(len(names)), key=lambda i: -areas[i])
    return [
        (names[i], round(points[i].y, 2), round(points[i].x, 2), bool(areas[i] >= big))
        for i in order
    ]


class TileFallback(assets.BrowserCall):
    """When an online basemap's tiles fail (no network), say so on the map and draw the
    bundled land instead, so the map never turns silently blank."""

    code = "tile-fallback.js"
    function = "cmTileFallback"

    def __init__(self, tiles: TileLayer, land_url: str | None) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "TileFallback"
        self.tiles_name = tiles.get_name()
        self.options = {"landUrl": land_url or None}

    def arguments(self) -> list[str]:
        return [self.parent_name(), self.tiles_name, script_json(self.options)]


class ForwardKeys(assets.BrowserCall):
    """Hands the given keys to the page around the map's frame.

    A click on the map moves the keyboard focus into streamlit-folium's iframe, where the
    page's own shortcuts (the presentation's arrow keys) no longer hear a key. The keys are
    re-sent to the parent document (same origin) and kept from the map, which would
    otherwise pan with them.
    """

    code = "forward-keys.js"
    function = "cmForwardKeys"

    def __init__(self, keys: Sequence[str]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "ForwardKeys"
        self.options = {"keys": list(keys)}

    def arguments(self) -> list[str]:
        return [script_json(self.options)]


class _AttributionPrefix(SinglePass):
    """ "Leaflet", plainly: Leaflet 1.9's default prefix carries a national flag, which on a map
    of this subject reads as a statement the product does not make."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        if ({{ this._parent.get_name() }}.attributionControl) {
            {{ this._parent.get_name() }}.attributionControl.setPrefix('Leaflet');
        }
        {% endmacro %}
        """
    )

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "AttributionPrefix"


class _Css(SinglePass):
    """The maps' style sheet (``static/map.css``), in the page's header."""

    _template = Template("{% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}")

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "CorridormapCss"
        self.css = assets.style_element("map.css", extra=_FLOW_CSS)


# ---------------------------------------------------------------------------------------------
# The map


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


def fit_bounds(
    bounds: tuple[float, float, float, float],
    size_px: tuple[float, float] = FIT_PX,
    padding_px: float = FIT_PADDING_PX,
    zoom_range: tuple[float, float] = (2.0, 11.0),
) -> MapView:
    """The centre and the largest zoom (in quarter steps) that shows ``bounds`` (lon/lat) in a
    map of ``size_px`` with ``padding_px`` on every side."""
    x0, y0 = mercator(bounds[0], bounds[1])
    x1, y1 = mercator(bounds[2], bounds[3])
    width = max(size_px[0] - 2 * padding_px, 1.0)
    height = max(size_px[1] - 2 * padding_px, 1.0)
    mpp = max((x1 - x0) / width, (y1 - y0) / height, 1e-9)  # metres per pixel needed
    zoom = math.log2(EARTH_M / (256 * mpp))
    zoom = math.floor(zoom / ZOOM_SNAP) * ZOOM_SNAP
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
    mpp = EARTH_M / (256 * 2**zoom)
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
    mpp = EARTH_M / (256 * 2**seen.zoom)
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
    mpp = EARTH_M / (256 * 2**view.zoom)
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


#: The key ``ReportDrawn`` adds to the map's value in the app (streamlit-folium's return).
DRAWN_KEY: Final = "drawn"


class ReportDrawn(assets.BrowserCall):
    """Tells the page that the map is on screen, once per browser tab: streamlit-folium's
    component value gains ``DRAWN_KEY``, which reruns the page. A page can hold back what it
    draws under and beside the map until then, so the browser spends its first second on
    the map (``app_pages/_first.py``).

    The frame is 0 px high until the page gives it the map's height, which a page still
    loading the code of other elements does late: so the report waits until the frame has its
    height (a resize) and a frame was drawn. A map drawn again in the same tab (the page
    visited again) does not report. Outside streamlit-folium (an HTML export) it does
    nothing."""

    code = "report-drawn.js"
    function = "cmReportDrawn"

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "ReportDrawn"
        self.options = {"key": DRAWN_KEY}

    def arguments(self) -> list[str]:
        return [script_json(self.options)]


def report_drawn_group() -> FeatureGroup:
    """``ReportDrawn`` as a feature group. A live map keeps it in every run: streamlit-folium
    keeps its map (and its frame) while the groups change, but draws the groups again when
    they do, and the same groups in every run let Streamlit send the map once."""
    group = FeatureGroup(name="Report drawn", show=True, control=False)
    group.add_child(ReportDrawn())
    return group


def _flow_style(_props: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "color": style.FLOW_COLOR,
        "weight": 4,
        "opacity": 0.95,
        "dashArray": style.FLOW_DASH,
        "className": "cm-flow",
    }


def legend_group(
    frames: Mapping[str, gpd.GeoDataFrame], specs: Sequence[LayerSpec] = catalog.LAYERS
) -> FeatureGroup:
    """The legend of what ``frames`` show, as a feature group a live map adds and removes
    with its other groups (empty when nothing shows)."""
    group = FeatureGroup(name="Legend", show=True, control=False)
    html = legend_html(frames, specs=specs)
    if html:
        group.add_child(Legend(html))
    return group


class FitView(assets.BrowserCall):
    """Fits the map to bounds (lon/lat) in the browser, at the map's real size: a section's
    map is as wide as the page, which the server does not know. Refitted while the frame
    settles to its size, until someone moves the map."""

    code = "fit-view.js"
    function = "cmFitView"

    def __init__(self, bounds: tuple[float, float, float, float], padding_px: float) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "FitView"
        self.options = {
            "bounds": [round(float(v), 4) for v in bounds],
            "padding": int(padding_px),
        }

    def arguments(self) -> list[str]:
        return [self.parent_name(), script_json(self.options)]


class LandFrame(assets.BrowserCall):
    """Keeps the view inside the bundled land's frame (``bounds``, lon/lat): no zooming out or
    panning past the edge of the land the map carries, whatever the map's size."""

    code = "land-frame.js"
    function = "cmLandFrame"

    def __init__(self, bounds: Sequence[float], min_zoom: float = 2) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "LandFrame"
        self.options = {
            "bounds": [round(float(v), 4) for v in bounds],
            "minZoom": float(min_zoom),
        }

    def arguments(self) -> list[str]:
        return [self.parent_name(), script_json(self.options)]


class FillFrame(assets.BrowserCall):
    """Makes the map as tall as the frame it is drawn in (the presentation sizes the frame
    to the screen with CSS; streamlit-folium gives the map a fixed height)."""

    code = "fill-frame.js"
    function = "cmFillFrame"

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "FillFrame"


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


def route_color(index: int) -> str:
    """The colour of a route (0) or of its n-th alternative (1, 2, ...)."""
    if index == 0:
        return style.ROUTE_COLOR
    return style.ROUTE_ALT_COLORS[(index - 1) % len(style.ROUTE_ALT_COLORS)]


def route_style(index: int) -> StyleFn:
    """How a route (0) or its n-th alternative is drawn, each leg dashed by its status."""
    color = route_color(index)
    weight = style.ROUTE_WEIGHT if index == 0 else style.ROUTE_ALT_WEIGHT

    def _style(props: Mapping[str, Any]) -> dict[str, Any]:
        return {
            "color": color,
            "weight": weight,
            "opacity": style.ROUTE_OPACITY,
            "dashArray": style.status_dash(str(props["status"])),
            "lineCap": "round",
        }

    return _style


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


def route_view(
    routes: Sequence[tuple[str, gpd.GeoDataFrame, gpd.GeoDataFrame]],
    size_px: tuple[float, float] = FIT_PX,
) -> MapView:
    """The view that shows every leg of these routes (the default view when there is none)."""
    bounds = content_bounds({str(i): legs for i, (_, legs, _) in enumerate(routes)})
    return MapView() if bounds is None else fit_bounds(bounds, size_px=size_px)


def land_collection_json(land: gpd.GeoDataFrame) -> str:
    """The basemap's land polygons as the browser receives them."""
    return collection_json(catalog.COUNTRIES, land, _land_style, LAND_DECIMALS)


def highlight_style(spec: LayerSpec, weight: float = 5) -> StyleFn:
    """How a singled-out feature is drawn: a ring around a point, an outline on a line or
    area (the live selection at ``weight`` 5, an export's highlights at 6)."""
    points = renderer(spec.style_key).points

    def _style(_props: Mapping[str, Any]) -> dict[str, Any]:
        if points:
            return {"html": "<div class='cm-pin cm-selected'></div>"}
        return {"color": style.HIGHLIGHT, "weight": weight, "fillOpacity": 0.0, "opacity": 0.9}

    return _style


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
        group = FeatureGroup(name=html_text(drawer.group_title or spec.title), show=True)
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
