"""Exports that work offline: a self-contained interactive HTML, a PNG, a PDF briefing pack.

Every export is built from one or more ``ExportView`` (the features shown, the filters and
their English description, the map view, the caption, the highlights), so the app, the CLI and
the tests make the same files. Colours, dashes and labels come from ``style`` (through the
same renderers the live map uses); nothing here imports streamlit.

* HTML: the folium map of ``mapbuild`` with every script, stylesheet, font and the data inlined
  (``assets.inline_html``); it opens from ``file://`` with no network request. A briefing is one
  map whose scenes are switched by a few lines of plain JS.
* PNG: matplotlib on the server (Agg, DejaVu Sans), in Web Mercator like the live map.
* PDF: matplotlib's ``PdfPages`` with TrueType text (extractable): a title page, a page per
  scene, a sources appendix.
"""

from __future__ import annotations

import io
import json
import math
import re
import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any, Final, Literal
from urllib.parse import urlsplit

import folium
import geopandas as gpd
from branca.element import Figure
from jinja2 import Template

from corridormap import assets, briefing, catalog, filters, links, mapbuild, style
from corridormap.catalog import LayerSpec
from corridormap.elements import FeatureGroup, LayerControl, SinglePass, Verbatim
from corridormap.escape import html_text, is_web_url
from corridormap.filters import Filters
from corridormap.mapbuild import MapView

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure as MplFigure

FORMATS: Final = ("html", "png", "pdf")
#: PNG size in inches: 1500 x 900 px at 150 dpi, 3000 x 1800 px at 300 dpi.
PNG_SIZE_IN: Final = (10.0, 6.0)
PDF_PAGE_IN: Final = (11.69, 8.27)  # A4 landscape
FONT: Final = "DejaVu Sans"
#: CSS pixels per inch of the PNG's map, so that a zoom level shows about what the app shows.
_PX_PER_IN: Final = 120.0
_EARTH_M: Final = 2 * math.pi * 6378137.0
_FIT_PX: Final = (760.0, 480.0)  # the viewport "fit: features" fits into


# ---------------------------------------------------------------------------------------------
# What an export shows


@dataclass(frozen=True, slots=True)
class SourceRef:
    """One source URL of the features shown: its newest as-of date and what cites it."""

    url: str
    as_of: str  # YYYY-MM-DD, the newest as_of of the features citing it
    layers: tuple[str, ...]  # layer titles
    features: int


@dataclass(frozen=True)
class ExportView:
    """One map to export: the features shown, how to frame them, and what to say about them."""

    title: str
    description: str  # filters.describe(...)
    filters: Filters
    shown: Mapping[str, gpd.GeoDataFrame]
    view: MapView
    text: str = ""  # short markdown (**bold**, *italic*)
    highlights: tuple[tuple[str, str], ...] = ()
    link: str = ""  # the query string that reproduces the view in the app
    specs: Sequence[LayerSpec] = field(default=catalog.LAYERS)

    def counts(self) -> dict[str, int]:
        """Features drawn per layer (countries: the OTS states the overlay draws)."""
        return {key: len(drawn(self.specs, key, gdf)) for key, gdf in self.shown.items()}


def drawn(specs: Sequence[LayerSpec], key: str, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The features of a layer the map draws (the renderer may draw a subset)."""
    spec = next((s for s in specs if s.key == key), None)
    if spec is None:
        return gdf
    drawer = mapbuild.renderer(spec.style_key)
    return drawer.draws(gdf) if drawer.draws is not None else gdf


def names_of(frames: Mapping[str, gpd.GeoDataFrame]) -> filters.Names:
    countries = frames.get(catalog.COUNTRIES.key)
    if countries is None:
        return filters.Names()
    return filters.Names(dict(zip(countries["iso3"], countries["name"], strict=True)))


def vocabulary(frames: Mapping[str, gpd.GeoDataFrame]) -> links.Vocabulary:
    return links.Vocabulary.from_frames(frames, mapbuild.BASEMAP_KEYS, filters.latest_date(frames))


def _highlighted(
    frames: Mapping[str, gpd.GeoDataFrame], highlights: Iterable[tuple[str, str]]
) -> list[gpd.GeoDataFrame]:
    return [
        frames[layer].loc[[fid]]
        for layer, fid in highlights
        if layer in frames and fid in frames[layer].index
    ]


def fit_view(
    shown: Mapping[str, gpd.GeoDataFrame],
    highlights: Sequence[tuple[str, str]] = (),
    frames: Mapping[str, gpd.GeoDataFrame] | None = None,
) -> MapView:
    """A centre and the largest zoom that shows the features (not the country basemap)."""
    parts = [gdf for key, gdf in shown.items() if key != catalog.COUNTRIES.key and len(gdf)]
    parts += _highlighted(frames or shown, highlights)
    bounds = [gdf.total_bounds for gdf in parts]
    if not bounds:
        return MapView()
    minx = min(b[0] for b in bounds)
    miny = min(b[1] for b in bounds)
    maxx = max(b[2] for b in bounds)
    maxy = max(b[3] for b in bounds)
    x0, y0 = _merc(minx, miny)
    x1, y1 = _merc(maxx, maxy)
    lo, hi = links.ZOOM_RANGE
    zoom = lo
    for z in range(hi, lo - 1, -1):
        mpp = _EARTH_M / (256 * 2**z)
        if (x1 - x0) / mpp <= _FIT_PX[0] and (y1 - y0) / mpp <= _FIT_PX[1]:
            zoom = z
            break
    lon, lat = _unmerc((x0 + x1) / 2, (y0 + y1) / 2)
    return MapView((round(lat, 4), round(lon, 4)), zoom)


def _merc(lon: float, lat: float) -> tuple[float, float]:
    r = _EARTH_M / (2 * math.pi)
    lat = max(-85.0, min(85.0, lat))
    return r * math.radians(lon), r * math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def _unmerc(x: float, y: float) -> tuple[float, float]:
    r = _EARTH_M / (2 * math.pi)
    return math.degrees(x / r), math.degrees(2 * math.atan(math.exp(y / r)) - math.pi / 2)


def make_view(
    frames: Mapping[str, gpd.GeoDataFrame],
    f: Filters,
    *,
    title: str | None = None,
    text: str = "",
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    fit: bool = False,
    highlights: Sequence[tuple[str, str]] = (),
    crossings: Mapping[str, Any] | None = None,
    link: str = "",
    specs: Sequence[LayerSpec] = catalog.LAYERS,
) -> ExportView:
    """The view of ``frames`` under ``f``; framed by centre/zoom, by the features, or default."""
    shown = filters.apply(frames, f, crossings, specs)
    description = filters.describe(f, names_of(frames))
    if fit:
        view = fit_view(shown, highlights, frames)
    else:
        view = MapView(
            center if center is not None else style.DEFAULT_CENTER,
            zoom if zoom is not None else style.DEFAULT_ZOOM,
        )
    return ExportView(
        title=title or description,
        description=description,
        filters=f,
        shown=shown,
        view=view,
        text=text,
        highlights=tuple(highlights),
        link=link,
        specs=specs,
    )


def state_view(
    frames: Mapping[str, gpd.GeoDataFrame],
    state: links.ViewState,
    *,
    crossings: Mapping[str, Any] | None = None,
    title: str | None = None,
) -> ExportView:
    """The view a link (or the explorer) describes; the selected feature is highlighted."""
    sel = state.select.partition(":") if state.select else None
    highlights = [(sel[0], sel[2])] if sel else []
    center = (state.lat, state.lon) if state.lat is not None and state.lon is not None else None
    return make_view(
        frames,
        state.filters,
        title=title,
        center=center,
        zoom=state.zoom,
        highlights=highlights,
        crossings=crossings,
        link=links.query_string(state),
    )


def scene_view(
    frames: Mapping[str, gpd.GeoDataFrame],
    b: briefing.Briefing,
    scene: briefing.Scene,
    vocab: links.Vocabulary,
    *,
    crossings: Mapping[str, Any] | None = None,
) -> ExportView:
    """One scene of a briefing as an export view."""
    return make_view(
        frames,
        briefing.scene_filters(scene, vocab),
        title=scene.title,
        text=scene.text,
        center=scene.view.center,
        zoom=scene.view.zoom,
        fit=scene.view.fit,
        highlights=scene.highlights,
        crossings=crossings,
        link=briefing.scene_query(b, scene),
    )


def briefing_views(
    frames: Mapping[str, gpd.GeoDataFrame],
    b: briefing.Briefing,
    vocab: links.Vocabulary | None = None,
    *,
    crossings: Mapping[str, Any] | None = None,
) -> list[ExportView]:
    vocab = vocab or vocabulary(frames)
    return [scene_view(frames, b, s, vocab, crossings=crossings) for s in b.scenes]


def sources(view: ExportView) -> list[SourceRef]:
    """Every source URL of the features drawn, with its newest as-of date, in layer order."""
    found: dict[str, dict[str, Any]] = {}
    for spec in view.specs:
        gdf = view.shown.get(spec.key)
        if gdf is None or "source_url" not in gdf.columns or "as_of" not in gdf.columns:
            continue
        gdf = drawn(view.specs, spec.key, gdf)
        for urls, as_of in zip(gdf["source_url"], gdf["as_of"], strict=True):
            for url in urls or ():
                entry = found.setdefault(str(url), {"as_of": "", "layers": [], "n": 0})
                entry["as_of"] = max(entry["as_of"], str(as_of or ""))
                if spec.title not in entry["layers"]:
                    entry["layers"].append(spec.title)
                entry["n"] += 1
    return [SourceRef(url, e["as_of"], tuple(e["layers"]), e["n"]) for url, e in found.items()]


def newest_source(views: Iterable[ExportView]) -> str:
    dates = [s.as_of for v in views for s in sources(v) if s.as_of]
    return filters.format_date(date.fromisoformat(max(dates))) if dates else "–"


def _shown_url(url: str, limit: int = 80) -> str:
    parts = urlsplit(url)
    text = (parts.netloc + parts.path).rstrip("/")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _url_text(url: str) -> str:
    """A source URL as printed text (PDF): said plainly when it is not a web address."""
    return url if is_web_url(url) else f"{url} (not a web address)"


def _as_of_text(value: str) -> str:
    return filters.format_date(date.fromisoformat(value)) if value else "–"


# ---------------------------------------------------------------------------------------------
# Markdown-lite: **bold** and *italic* only


_BOLD = re.compile(r"\*\*(.+?)\*\*")
_ITALIC = re.compile(r"(?<![*\w])\*(?!\s)(.+?)(?<!\s)\*(?![*\w])")


def md_to_html(text: str) -> str:
    """Escaped HTML with **bold** and *italic* kept (nothing else is interpreted)."""
    out = html_text(text)
    out = _BOLD.sub(r"<b>\1</b>", out)
    return _ITALIC.sub(r"<i>\1</i>", out)


def md_to_plain(text: str) -> str:
    return _ITALIC.sub(r"\1", _BOLD.sub(r"\1", text))


# ---------------------------------------------------------------------------------------------
# The live map's overlays, for the app and the HTML export


def _highlight_style(points: bool) -> mapbuild.StyleFn:
    def _style(_props: Mapping[str, Any]) -> dict[str, Any]:
        if points:
            return {"html": "<div class='cm-pin cm-selected'></div>"}
        return {"color": style.HIGHLIGHT, "weight": 6, "fillOpacity": 0.0, "opacity": 0.9}

    return _style


def map_groups(
    view: ExportView, frames: Mapping[str, gpd.GeoDataFrame] | None = None
) -> list[FeatureGroup]:
    """The overlays of a view: one group per layer, then one outlining the highlights."""
    groups = mapbuild.overlay_groups(view.shown, None, view.specs)
    if view.highlights:
        group = FeatureGroup(name="Highlighted", show=True, control=False)
        for layer, fid in view.highlights:
            source = view.shown if fid in view.shown.get(layer, _EMPTY).index else frames or {}
            spec = next((s for s in view.specs if s.key == layer), None)
            if spec is None or layer not in source or fid not in source[layer].index:
                continue
            points = mapbuild.renderer(spec.style_key).points
            mapbuild.geojson_layer(
                spec, source[layer].loc[[fid]], style_fn=_highlight_style(points)
            ).add_to(group)
        groups.append(group)
    return groups


_EMPTY: Final = gpd.GeoDataFrame()


# ---------------------------------------------------------------------------------------------
# HTML


_PAGE_CSS: Final = f"""
html, body {{ height: 100%; margin: 0; }}
body {{ font: 14px/1.45 {style.FONT_STACK}; color: {style.TEXT}; }}
.folium-map {{ position: absolute !important; left: 0; top: 0; bottom: 0;
  width: 64% !important; height: 100% !important; }}
.cm-panel {{ position: absolute; right: 0; top: 0; bottom: 0; width: 36%; overflow-y: auto;
  box-sizing: border-box; padding: 14px 18px; background: #fff;
  border-left: 1px solid #ddd; }}
.cm-panel h1 {{ font-size: 19px; margin: 0 0 6px; }}
.cm-panel h2 {{ font-size: 16px; margin: 10px 0 4px; }}
.cm-panel h3 {{ font-size: 13px; margin: 14px 0 4px; text-transform: uppercase;
  letter-spacing: .04em; color: #555; }}
.cm-desc {{ color: #444; font-style: italic; margin: 6px 0; }}
.cm-sources {{ font-size: 12px; padding-left: 20px; }}
.cm-sources li {{ margin-bottom: 3px; overflow-wrap: anywhere; }}
.cm-sources .cm-meta {{ color: #666; }}
.cm-nav {{ display: flex; gap: 6px; align-items: center; margin: 8px 0; flex-wrap: wrap; }}
.cm-nav button, .cm-nav select {{ font: inherit; padding: 3px 8px; }}
.cm-progress {{ height: 4px; background: #eee; border-radius: 2px; margin: 4px 0 10px; }}
.cm-progress > div {{ height: 4px; background: {style.OKABE_ITO["blue"]}; border-radius: 2px; }}
.cm-panel .cm-legend {{ max-width: none; box-shadow: none; border: 1px solid #ddd; }}
.cm-foot {{ font-size: 11px; color: #666; margin-top: 14px; }}
@media (max-width: 800px) {{
  .folium-map {{ position: relative !important; width: 100% !important;
    height: 60vh !important; }}
  .cm-panel {{ position: static; width: auto; border-left: none; }}
}}
"""


def _sources_html(refs: Sequence[SourceRef]) -> str:
    if not refs:
        return "<p class='cm-meta'>No feature is shown.</p>"
    items = []
    for r in refs:
        meta = f"as of {_as_of_text(r.as_of)} · {', '.join(r.layers)} ({r.features})"
        if is_web_url(r.url):
            ref = (
                f"<a href='{html_text(r.url)}' rel='noreferrer noopener'>"
                f"{html_text(_shown_url(r.url))}</a>"
            )
        else:  # a user's javascript:, data: or relative URL: text, never a link
            ref = f"<span class='cm-nolink'>{html_text(r.url)} (not a web address)</span>"
        items.append(f"<li>{ref} <span class='cm-meta'>{html_text(meta)}</span></li>")
    return f"<ol class='cm-sources'>{''.join(items)}</ol>"


def _counts_attr(view: ExportView) -> str:
    return html_text(json.dumps(view.counts(), sort_keys=True))


def _scene_html(view: ExportView, *, heading: str = "h2") -> str:
    text = f"<p>{md_to_html(view.text)}</p>" if view.text else ""
    return (
        f"<{heading}>{html_text(view.title)}</{heading}>"
        f"{text}<p class='cm-desc'>{html_text(view.description)}</p>"
        f"{mapbuild.legend_html(view.shown, specs=view.specs)}"
        f"<h3>Sources of the features shown</h3>{_sources_html(sources(view))}"
    )


def _footer(views: Sequence[ExportView]) -> str:
    return (
        "<p class='cm-foot'>corridormap export · "
        f"made {html_text(filters.format_date(date.today()))} · newest source used "
        f"{html_text(newest_source(views))} · basemap: Natural Earth (public domain). "
        "Corridor and pipeline lines are schematic.</p>"
    )


def _page(m: folium.Map, panel: str) -> str:
    root = m.get_root()
    assert isinstance(root, Figure)
    root.header.add_child(Verbatim(f"<style>{_PAGE_CSS}</style>"), name="cm_page_css")
    root.html.add_child(Verbatim(panel), name="cm_panel")
    return assets.inline_html(root.render(), assets.static_root())


def view_map(view: ExportView, frames: Mapping[str, gpd.GeoDataFrame]) -> folium.Map:
    """The map of one view's HTML export (before the page around it)."""
    land = frames.get(catalog.COUNTRIES.key)
    m = mapbuild.base_map(land, view=view.view)
    for group in map_groups(view, frames):
        group.add_to(m)
    m.add_child(mapbuild.Legend(mapbuild.legend_html(view.shown, specs=view.specs)))
    LayerControl(collapsed=True, position="topright").add_to(m)
    return m


def html_view(view: ExportView, frames: Mapping[str, gpd.GeoDataFrame]) -> str:
    """One view as a self-contained HTML page: map, legend, caption, description, sources."""
    m = view_map(view, frames)
    panel = (
        f"<aside class='cm-panel' data-counts='{_counts_attr(view)}'>"
        f"{_scene_html(view, heading='h1')}{_footer([view])}</aside>"
    )
    return _page(m, panel)


class _SceneSwitcher(SinglePass):
    """Plain JS: show one scene's overlays and caption at a time (buttons, list, arrow keys)."""

    _template = Template(
        """
        {% macro script(this, kwargs) %}
        (function() {
            var map = {{ this._parent.get_name() }};
            var scenes = [{% for s in this.scenes %}
                {group: {{ s.group }}, center: {{ s.center }}, zoom: {{ s.zoom }}},{% endfor %}
            ];
            var current = -1;
            function show(i) {
                i = Math.max(0, Math.min(scenes.length - 1, i));
                scenes.forEach(function(s, j) {
                    if (j !== i && map.hasLayer(s.group)) { map.removeLayer(s.group); }
                });
                if (!map.hasLayer(scenes[i].group)) { scenes[i].group.addTo(map); }
                map.setView(scenes[i].center, scenes[i].zoom);
                document.querySelectorAll('.cm-scene').forEach(function(el, j) {
                    el.hidden = (j !== i);
                });
                document.getElementById('cm-counter').textContent =
                    'Scene ' + (i + 1) + ' of ' + scenes.length;
                document.getElementById('cm-bar').style.width =
                    (100 * (i + 1) / scenes.length) + '%';
                document.getElementById('cm-select').value = String(i);
                document.body.setAttribute('data-scene', String(i + 1));
                current = i;
            }
            document.getElementById('cm-prev').onclick = function() { show(current - 1); };
            document.getElementById('cm-next').onclick = function() { show(current + 1); };
            document.getElementById('cm-select').onchange = function(e) {
                show(parseInt(e.target.value, 10));
            };
            document.addEventListener('keydown', function(e) {
                var tag = (e.target && e.target.tagName) || '';
                if (tag === 'SELECT' || tag === 'INPUT' || tag === 'TEXTAREA') { return; }
                if (e.key === 'ArrowRight') { show(current + 1); }
                if (e.key === 'ArrowLeft') { show(current - 1); }
            });
            var start = parseInt((location.hash.match(/scene=(\\d+)/) || [0, 1])[1], 10) - 1;
            show(isNaN(start) ? 0 : start);
        })();
        {% endmacro %}
        """
    )

    def __init__(self, scenes: list[dict[str, str]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "SceneSwitcher"
        self.scenes = scenes


def briefing_map(views: Sequence[ExportView], frames: Mapping[str, gpd.GeoDataFrame]) -> folium.Map:
    """The one map of a briefing's HTML export: each scene's overlays in a group of its own."""
    land = frames.get(catalog.COUNTRIES.key)
    first = views[0].view if views else MapView()
    m = mapbuild.base_map(land, view=first)
    entries = []
    for view in views:
        scene_group = FeatureGroup(name=view.title, show=False, control=False)
        for group in map_groups(view, frames):
            group.add_to(scene_group)
        scene_group.add_to(m)
        entries.append(
            {
                "group": scene_group.get_name(),
                "center": json.dumps([float(c) for c in view.view.center]),
                "zoom": str(int(view.view.zoom)),
            }
        )
    m.add_child(_SceneSwitcher(entries))
    return m


def html_briefing(
    b: briefing.Briefing,
    views: Sequence[ExportView],
    frames: Mapping[str, gpd.GeoDataFrame],
) -> str:
    """A whole briefing as one self-contained HTML page: one map, a scene at a time."""
    m = briefing_map(views, frames)
    options = "".join(
        f"<option value='{i}'>{i + 1}. {html_text(v.title)}</option>" for i, v in enumerate(views)
    )
    sections = "".join(
        f"<section class='cm-scene' data-scene='{i + 1}' data-counts='{_counts_attr(v)}'"
        f"{' hidden' if i else ''}>{_scene_html(v)}</section>"
        for i, v in enumerate(views)
    )
    description = f"<p>{md_to_html(b.description)}</p>" if b.description else ""
    panel = (
        f"<aside class='cm-panel'><h1>{html_text(b.title)}</h1>{description}"
        "<div class='cm-nav'><button id='cm-prev' type='button'>◀ Previous</button>"
        "<button id='cm-next' type='button'>Next ▶</button>"
        f"<select id='cm-select' aria-label='Scene'>{options}</select>"
        "<span id='cm-counter'></span></div>"
        "<div class='cm-progress'><div id='cm-bar'></div></div>"
        f"{sections}{_footer(views)}</aside>"
    )
    return _page(m, panel)


# ---------------------------------------------------------------------------------------------
# Static maps (matplotlib): PNG and PDF


def mpl_dashes(
    dash: str | None, linewidth: float
) -> tuple[float, tuple[float, ...]] | Literal["solid"]:
    """A Leaflet ``dashArray`` ("10 7", in CSS px) as a matplotlib line style.

    matplotlib scales dash lengths by the line width (``lines.scale_dashes``), Leaflet does
    not; the pattern is converted to points (0.75 pt per px) and divided by the width.
    """
    if not dash:
        return "solid"
    try:
        values = [float(v) for v in re.split(r"[\s,]+", dash.strip()) if v]
    except ValueError:
        return "solid"
    if not values or any(v < 0 for v in values) or not any(values):
        return "solid"
    if len(values) % 2:
        values = values * 2
    width = max(linewidth, 0.1)
    return (0.0, tuple(v * 0.75 / width for v in values))


_PIPELINE_LABEL: Final = "Pipeline (width: capacity)"
_GAS_EDGE: Final = "#7f2704"
_PIN_COLOR = re.compile(r"background:\s*(#[0-9a-fA-F]{3,8})")


def _rgba(color: str | None, alpha: float = 1.0) -> tuple[float, float, float, float]:
    from matplotlib.colors import to_rgba  # noqa: PLC0415 - matplotlib only when exporting

    return to_rgba(color or style.TEXT, alpha)


def _view_extent(view: MapView, width_in: float, height_in: float) -> tuple[float, ...]:
    lat, lon = view.center
    x, y = _merc(lon, lat)
    mpp = _EARTH_M / (256 * 2**view.zoom)
    half_w = width_in * _PX_PER_IN / 2 * mpp
    half_h = height_in * _PX_PER_IN / 2 * mpp
    return x - half_w, x + half_w, y - half_h, y + half_h


def _draw_layer(ax: Axes, spec: LayerSpec, gdf: gpd.GeoDataFrame, z: int) -> None:
    from matplotlib.lines import Line2D  # noqa: PLC0415

    drawer = mapbuild.renderer(spec.style_key)
    if drawer.draws is not None:
        gdf = drawer.draws(gdf)
    if not len(gdf):
        return
    fn = drawer.style_factory(gdf)
    rows = gdf.drop(columns="geometry").to_dict("records")
    merc = gdf.to_crs(3857)
    for row, geom in zip(rows, merc.geometry, strict=True):
        st = fn(row)
        _draw_geom(ax, geom, st, z, Line2D)


def _draw_geom(ax: Axes, geom: Any, st: Mapping[str, Any], z: int, line_cls: Any) -> None:
    gtype = geom.geom_type
    if gtype in ("Polygon", "MultiPolygon"):
        polys = [geom] if gtype == "Polygon" else list(geom.geoms)
        for poly in polys:
            xs, ys = poly.exterior.xy
            ax.fill(
                xs,
                ys,
                facecolor=_rgba(st.get("fillColor"), float(st.get("fillOpacity", 0.5))),
                edgecolor=_rgba(st.get("color"), float(st.get("opacity", 1.0))),
                linewidth=float(st.get("weight", 1.0)) * 0.75,
                zorder=z,
            )
    elif gtype in ("LineString", "MultiLineString"):
        lines = [geom] if gtype == "LineString" else list(geom.geoms)
        width = float(st.get("weight", 2.0)) * 0.75
        for line in lines:
            xs, ys = line.xy
            ax.add_line(
                line_cls(
                    xs,
                    ys,
                    color=_rgba(st.get("color"), float(st.get("opacity", 1.0))),
                    linewidth=width,
                    linestyle=mpl_dashes(st.get("dashArray"), width),
                    dash_capstyle="round",
                    solid_capstyle="round",
                    zorder=z,
                )
            )
    elif gtype == "Point":
        match = _PIN_COLOR.search(str(st.get("html", "")))
        color = match.group(1) if match else st.get("color")
        ax.scatter(
            [geom.x],
            [geom.y],
            s=26,
            color=_rgba(color),
            edgecolors="white",
            linewidths=1.0,
            zorder=z + 20,
        )


def _draw_highlights(ax: Axes, view: ExportView, frames: Mapping[str, gpd.GeoDataFrame]) -> None:
    for gdf in _highlighted(frames, view.highlights):
        merc = gdf.to_crs(3857)
        for geom in merc.geometry:
            if geom.geom_type == "Point":
                ax.scatter(
                    [geom.x],
                    [geom.y],
                    s=150,
                    facecolors="none",
                    edgecolors=style.HIGHLIGHT,
                    linewidths=2.0,
                    zorder=60,
                )
            elif geom.geom_type.endswith("Polygon"):
                gpd.GeoSeries([geom]).boundary.plot(
                    ax=ax, color=style.HIGHLIGHT, linewidth=2.2, zorder=55
                )
            else:
                gpd.GeoSeries([geom]).plot(
                    ax=ax, color=style.HIGHLIGHT, linewidth=3.0, zorder=55, alpha=0.55
                )


def draw_map(
    ax: Axes, view: ExportView, frames: Mapping[str, gpd.GeoDataFrame], size_in: tuple[float, float]
) -> None:
    """The view on a matplotlib axes in Web Mercator: land, overlays, highlights."""
    ax.set_facecolor(style.SEA)
    x0, x1, y0, y1 = _view_extent(view.view, *size_in)
    land = frames.get(catalog.COUNTRIES.key)
    if land is not None and len(land):
        land_m = land.to_crs(3857)
        land_m.plot(
            ax=ax, facecolor=style.LAND, edgecolor=style.LAND_BORDER, linewidth=0.4, zorder=1
        )
    for z, spec in enumerate(view.specs, start=2):
        gdf = view.shown.get(spec.key)
        if gdf is not None:
            _draw_layer(ax, spec, gdf, z * 2)
    _draw_highlights(ax, view, frames)
    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_xlabel("")
    ax.set_ylabel("")
    for side in ax.spines.values():
        side.set_edgecolor("#999999")
        side.set_linewidth(0.6)


def _legend_items(style_key: str) -> list[tuple[str, list[tuple[Any, str]]]]:
    from matplotlib.lines import Line2D  # noqa: PLC0415
    from matplotlib.patches import Patch  # noqa: PLC0415

    def line(color: str, dash: str | None = None, width: float = 2.2) -> Line2D:
        return Line2D([], [], color=color, linewidth=width, linestyle=mpl_dashes(dash, width))

    def dot(color: str) -> Line2D:
        return Line2D(
            [], [], marker="o", linestyle="none", markersize=6, color=color, markeredgecolor="w"
        )

    status = ("Status", [(line(style.TEXT, e.dash, 1.5), e.label) for e in style.STATUS_STYLES])
    table: dict[str, list[tuple[str, list[tuple[Any, str]]]]] = {
        "countries": [
            (
                "Organization of Turkic States",
                [
                    (Patch(facecolor=_rgba(e.color, style.OTS_FILL_OPACITY[e.value])), e.label)
                    for e in style.OTS_STYLES
                    if e.value != "none"
                ],
            )
        ],
        "corridors": [
            ("Corridors", [(line(e.color), e.label) for e in style.CORRIDOR_STYLES]),
            status,
        ],
        "pipelines": [
            (
                "Gas pipelines",
                [(line(style.PIPELINE_COLOR, None, 3), "Pipeline (width: capacity)")],
            ),
            status,
        ],
        "gas_destinations": [
            (
                "Azerbaijani gas destinations",
                [
                    (Patch(facecolor=e.color, edgecolor="#7f2704"), e.label)
                    for e in style.GAS_PERIODS
                ],
            )
        ],
        "nodes": [("Nodes", [(dot(e.color), e.label) for e in style.NODE_STYLES])],
        "summits": [("OTS summits", [(dot(e.color), e.label) for e in style.SUMMIT_STYLES])],
        "annotations": [("Gabala 2025", [(dot(e.color), e.label) for e in style.TOPIC_STYLES])],
    }
    return table.get(style_key, [])


def draw_legend(ax: Axes, view: ExportView) -> None:
    from matplotlib.lines import Line2D  # noqa: PLC0415

    handles: list[Any] = []
    labels: list[str] = []
    headings: set[int] = set()
    done: set[str] = set()
    for spec in view.specs:
        if spec.key not in view.shown:
            continue
        for title, rows in _legend_items(spec.style_key):
            if title in done:
                continue
            done.add(title)
            headings.add(len(labels))
            handles.append(Line2D([], [], linestyle="none"))
            labels.append(title)
            for handle, label in rows:
                handles.append(handle)
                labels.append(label)
    if view.highlights:
        headings.add(len(labels))
        handles.append(Line2D([], [], linestyle="none"))
        labels.append("Highlighted")
        handles.append(Line2D([], [], color=style.HIGHLIGHT, linewidth=3, alpha=0.55))
        labels.append("Feature named in the text")
    ax.axis("off")
    if not handles:
        return
    legend = ax.legend(
        handles,
        labels,
        loc="upper left",
        frameon=False,
        fontsize=7,
        handlelength=2.6,
        borderaxespad=0,
        labelspacing=0.45,
    )
    for i, text in enumerate(legend.get_texts()):
        text.set_parse_math(False)
        if i in headings:
            text.set_fontweight("bold")


def _rc() -> Any:
    import matplotlib as mpl  # noqa: PLC0415

    return mpl.rc_context(
        {
            "font.family": FONT,
            "pdf.fonttype": 42,  # TrueType: text stays text, extractable
            "ps.fonttype": 42,
            "svg.fonttype": "none",
            "path.simplify": True,
        }
    )


def _figure(size: tuple[float, float], dpi: int) -> MplFigure:
    from matplotlib.figure import Figure as _MplFigure  # noqa: PLC0415

    return _MplFigure(figsize=size, dpi=dpi, facecolor="white")


def _wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.fill(p, width) for p in text.split("\n"))


def _source_line(view: ExportView, limit: int = 8) -> str:
    refs = sources(view)
    hosts = list(
        dict.fromkeys(
            urlsplit(r.url).netloc.removeprefix("www.") for r in refs if is_web_url(r.url)
        )
    )
    shown = ", ".join(hosts[:limit]) + (
        f" and {len(hosts) - limit} more" if len(hosts) > limit else ""
    )
    newest = _as_of_text(max((r.as_of for r in refs), default=""))
    return (
        f"Sources: {len(refs)} dated references ({shown or 'none'}); newest {newest}. "
        "Basemap: Natural Earth. Lines are schematic."
    )


def png_view(view: ExportView, frames: Mapping[str, gpd.GeoDataFrame], dpi: int = 150) -> bytes:
    """The view as a PNG of ``PNG_SIZE_IN`` inches at ``dpi``: map, title, legend, description,
    source line and date."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415

    if not 30 <= dpi <= 600:
        raise ValueError(f"dpi must be between 30 and 600, got {dpi}")
    w, h = PNG_SIZE_IN
    with _rc():
        fig = _figure(PNG_SIZE_IN, dpi)
        FigureCanvasAgg(fig)
        fig.text(0.015, 0.965, view.title, fontsize=13, fontweight="bold", va="top",
                 parse_math=False)  # fmt: skip
        fig.text(0.015, 0.915, _wrap(view.description, 150), fontsize=8, va="top",
                 style="italic", color="#444444", parse_math=False)  # fmt: skip
        map_rect = (0.015, 0.09, 0.74, 0.79)
        ax = fig.add_axes(map_rect)
        draw_map(ax, view, frames, (w * map_rect[2], h * map_rect[3]))
        legend_ax = fig.add_axes((0.77, 0.09, 0.22, 0.79))
        draw_legend(legend_ax, view)
        footer = f"{_source_line(view)}\ncorridormap · made {filters.format_date(date.today())}"
        fig.text(0.015, 0.075, _wrap(footer, 180), fontsize=6.5, va="top",
                 color="#444444", parse_math=False, linespacing=1.5)  # fmt: skip
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=dpi, facecolor="white")
    return buf.getvalue()


# -- PDF -----------------------------------------------------------------------------------------


def _text_lines(fig: MplFigure, x: float, y: float, lines: Sequence[str], size: float,
                **kw: Any) -> float:  # fmt: skip
    """Write lines top-down from ``y`` (figure fraction); return the y below the last."""
    step = size * 1.35 / 72 / PDF_PAGE_IN[1]
    for line in lines:
        fig.text(x, y, line, fontsize=size, va="top", parse_math=False, **kw)
        y -= step
    return y


def _source_lines(refs: Sequence[SourceRef], width: int) -> list[str]:
    out = []
    for r in refs:
        out.extend(
            textwrap.wrap(
                f"• {_url_text(r.url)} — as of {_as_of_text(r.as_of)} ({', '.join(r.layers)})",
                width,
                subsequent_indent="   ",
                break_long_words=True,
            )
        )
    return out


def _title_page(b: briefing.Briefing, views: Sequence[ExportView]) -> MplFigure:
    fig = _figure(PDF_PAGE_IN, 100)
    y = _text_lines(fig, 0.08, 0.82, textwrap.wrap(b.title, 60), 24, fontweight="bold")
    if b.description:
        y = _text_lines(fig, 0.08, y - 0.03, textwrap.wrap(md_to_plain(b.description), 100), 12)
    y = _text_lines(fig, 0.08, y - 0.04, ["Scenes"], 13, fontweight="bold")
    lines = [f"{i}. {v.title}" for i, v in enumerate(views, start=1)]
    y = _text_lines(fig, 0.1, y - 0.01, lines, 11)
    _text_lines(
        fig,
        0.08,
        0.1,
        [
            f"corridormap briefing pack · made {filters.format_date(date.today())} · "
            f"newest source used {newest_source(views)}",
            "Every feature carries dated sources: each page lists those of its map; "
            "the appendix lists them all.",
        ],
        9,
        color="#444444",
    )
    return fig


_SOURCE_ROWS: Final = 17  # lines per column of the sources band under a scene's map


def _scene_page(
    view: ExportView, number: int, total: int, frames: Mapping[str, gpd.GeoDataFrame]
) -> MplFigure:
    w, h = PDF_PAGE_IN
    fig = _figure(PDF_PAGE_IN, 100)
    _text_lines(fig, 0.03, 0.97, [f"Scene {number} of {total}"], 9, color="#666666")
    _text_lines(fig, 0.03, 0.945, textwrap.wrap(view.title, 90)[:2], 16, fontweight="bold")
    map_rect = (0.03, 0.3, 0.58, 0.58)
    ax = fig.add_axes(map_rect)
    draw_map(ax, view, frames, (w * map_rect[2], h * map_rect[3]))
    x = 0.635
    y = _text_lines(fig, x, 0.88, textwrap.wrap(md_to_plain(view.text), 58), 9.5)
    y = _text_lines(
        fig, x, y - 0.01, textwrap.wrap(view.description, 68), 8, style="italic", color="#444444"
    )
    legend_ax = fig.add_axes((x, 0.3, 0.34, max(0.05, y - 0.32)))
    draw_legend(legend_ax, view)
    refs = sources(view)
    columns: list[list[str]] = [[], []]
    included = 0
    for ref in refs:
        ref_lines = _source_lines([ref], 118)
        col = columns[0] if len(columns[0]) + len(ref_lines) <= _SOURCE_ROWS else columns[1]
        if len(col) + len(ref_lines) > _SOURCE_ROWS:
            break
        col.extend(ref_lines)
        included += 1
    sy = _text_lines(
        fig, 0.03, 0.27, [f"Sources of the features on this map ({len(refs)})"], 8,
        fontweight="bold",
    )  # fmt: skip
    for cx, col in zip((0.03, 0.5), columns, strict=True):
        _text_lines(fig, cx, sy, col, 5.5, color="#333333")
    footer = f"{view.link} · basemap: Natural Earth · corridor and pipeline lines are schematic"
    if included < len(refs):
        footer = f"… and {len(refs) - included} more sources: see the appendix. " + footer
    _text_lines(fig, 0.03, 0.03, [footer], 7, color="#666666")
    return fig


_APPENDIX_LINES: Final = 64


def appendix_refs(views: Sequence[ExportView]) -> list[tuple[SourceRef, tuple[int, ...]]]:
    """Every source of every scene, once, with the scenes that cite it."""
    merged: dict[str, tuple[SourceRef, list[int]]] = {}
    for number, view in enumerate(views, start=1):
        for ref in sources(view):
            if ref.url in merged:
                old, scenes = merged[ref.url]
                layers = tuple(dict.fromkeys(old.layers + ref.layers))
                merged[ref.url] = (
                    SourceRef(ref.url, max(old.as_of, ref.as_of), layers, old.features),
                    scenes if number in scenes else [*scenes, number],
                )
            else:
                merged[ref.url] = (ref, [number])
    return [(ref, tuple(scenes)) for ref, scenes in merged.values()]


def _appendix_pages(views: Sequence[ExportView]) -> list[MplFigure]:
    lines: list[str] = []
    for ref, scenes in appendix_refs(views):
        label = "scene" if len(scenes) == 1 else "scenes"
        lines.extend(
            textwrap.wrap(
                f"• {_url_text(ref.url)} — as of {_as_of_text(ref.as_of)}; {label} "
                f"{', '.join(map(str, scenes))}",
                150,
                subsequent_indent="   ",
                break_long_words=True,
            )
        )
    chunks = [lines[i : i + _APPENDIX_LINES] for i in range(0, len(lines), _APPENDIX_LINES)]
    pages = []
    for i, chunk in enumerate(chunks or [["No sources."]], start=1):
        fig = _figure(PDF_PAGE_IN, 100)
        head = f"Sources appendix ({i} of {max(1, len(chunks))})"
        y = _text_lines(fig, 0.05, 0.95, [head], 14, fontweight="bold")
        _text_lines(fig, 0.05, y - 0.01, chunk, 6, color="#222222")
        pages.append(fig)
    return pages


def pdf_briefing(
    b: briefing.Briefing,
    views: Sequence[ExportView],
    frames: Mapping[str, gpd.GeoDataFrame],
) -> bytes:
    """The briefing pack: a title page, a page per scene, a sources appendix (real text)."""
    from matplotlib.backends.backend_pdf import PdfPages  # noqa: PLC0415

    buf = io.BytesIO()
    with _rc(), PdfPages(buf, metadata={"Title": b.title, "Creator": "corridormap"}) as pdf:
        pdf.savefig(_title_page(b, views))
        for number, view in enumerate(views, start=1):
            pdf.savefig(_scene_page(view, number, len(views), frames))
        for page in _appendix_pages(views):
            pdf.savefig(page)
    return buf.getvalue()


def png_briefing(
    views: Sequence[ExportView], frames: Mapping[str, gpd.GeoDataFrame], dpi: int = 150
) -> bytes:
    """The first scene of a briefing as a PNG (a PNG holds one picture)."""
    if not views:
        raise ValueError("the briefing has no scenes")
    return png_view(views[0], frames, dpi)
