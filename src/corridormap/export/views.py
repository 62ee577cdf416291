"""What an export shows: ``ExportView`` and how views are made, framed and cited.

A view holds the features shown, the filters and their description (in the language in force
when the view is made), the map view, the caption and the highlights; every format (``html``,
``png``, ``pdf``) renders views, so the app, the CLI and the tests make the same files. Every
format speaks the language in force when it is built (``i18n.language``). Also here: the
sources a view cites (with their as-of dates), the link vocabulary of a set of layers, and the
markdown-lite (**bold**, *italic*) of captions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

import geopandas as gpd

from corridormap import (
    briefing,
    catalog,
    filters,
    formatting,
    i18n,
    links,
    load,
    mapbuild,
    routing,
    style,
)
from corridormap.catalog import LayerSpec
from corridormap.escape import html_text
from corridormap.filters import Filters
from corridormap.i18n import _
from corridormap.mapbuild import MapView


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
    # Source URL -> the page's date (``load.load_source_register``); None: the register of
    # the default data folder, read when an export states its newest source date.
    register: Mapping[str, str] | None = None
    # A scene's route (``show: route:FROM-TO``): (name, legs, places) of the route, drawn over
    # the overlays; its totals (or why there is none) follow the description.
    routes: tuple[tuple[str, gpd.GeoDataFrame, gpd.GeoDataFrame], ...] = ()
    # A briefing's scene: framed on what it draws, within what its author saw (``scene_box``);
    # any other view keeps its centre and zoom.
    scene: bool = False

    def counts(self) -> dict[str, int]:
        """Features drawn per layer (countries: the OTS states the overlay draws)."""
        return {key: len(drawn(self.specs, key, gdf)) for key, gdf in self.shown.items()}


def drawn(specs: Sequence[LayerSpec], key: str, gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The features of a layer the map draws (``LayerSpec.drawn``; all for an unknown key)."""
    spec = next((s for s in specs if s.key == key), None)
    return gdf if spec is None else spec.drawn(gdf)


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
    parts = {key: gdf for key, gdf in shown.items() if key != catalog.COUNTRIES.key}
    parts |= {f"highlight {i}": g for i, g in enumerate(_highlighted(frames or shown, highlights))}
    bounds = mapbuild.content_bounds(parts)
    return MapView() if bounds is None else mapbuild.fit_bounds(bounds)


def story_box(
    view: ExportView, frames: Mapping[str, gpd.GeoDataFrame] | None = None
) -> tuple[float, float, float, float] | None:
    """The box of a scene's story's ends alone: the routes drawn, the highlights, and the
    corridor legs when the scene picks a corridor or a route (None when there are none)."""
    parts: dict[str, gpd.GeoDataFrame] = {
        f"route {i}": legs for i, (_, legs, _) in enumerate(view.routes)
    }
    marked = _highlighted(frames or view.shown, view.highlights)
    parts |= {f"highlight {i}": g for i, g in enumerate(marked)}
    legs = view.shown.get(catalog.CORRIDOR_LEGS.key)
    if legs is not None and (view.filters.corridor or view.filters.route):
        parts["legs"] = legs
    return mapbuild.content_bounds({k: g for k, g in parts.items() if len(g)})


def content_box(
    view: ExportView, frames: Mapping[str, gpd.GeoDataFrame] | None = None
) -> tuple[float, float, float, float] | None:
    """The box of what a scene draws over the basemap: its layers' features (not the
    countries' fill), its highlights and its routes (None when it draws none)."""
    parts = {k: g for k, g in view.shown.items() if k != catalog.COUNTRIES.key and len(g)}
    marked = _highlighted(frames or view.shown, view.highlights)
    parts |= {f"highlight {i}": g for i, g in enumerate(marked)}
    parts |= {f"route {i}": legs for i, (_, legs, _) in enumerate(view.routes) if len(legs)}
    return mapbuild.content_bounds(parts)


def _overlap(
    a: tuple[float, float, float, float], b: tuple[float, float, float, float]
) -> tuple[float, float, float, float] | None:
    west, south, east, north = max(a[0], b[0]), max(a[1], b[1]), min(a[2], b[2]), min(a[3], b[3])
    return (west, south, east, north) if west < east and south < north else None


def scene_box(
    view: ExportView, frames: Mapping[str, gpd.GeoDataFrame] | None = None
) -> tuple[float, float, float, float]:
    """The box (lon/lat) a scene's map must hold at any frame size. What its author saw (its
    centre and zoom in the reference frame, ``mapbuild.FIT_PX``, or its fitted features) is
    the most it shows; within that, it frames what the scene draws (so a wide frame does not
    fill with unrelated land), with the story's ends added: the routes drawn, the highlights,
    and the corridor legs when the scene picks a corridor or a route (so the Middle Corridor
    keeps Xi'an in frame)."""
    seen = mapbuild.view_box(view.view)
    drawn = content_box(view, frames) if view.scene else None
    box = (_overlap(seen, drawn) if drawn is not None else None) or seen
    found = story_box(view, frames)
    joined = mapbuild.union_bounds([box, found] if found is not None else [box])
    return joined if joined is not None else box


def make_view(
    frames: Mapping[str, gpd.GeoDataFrame],
    f: Filters,
    *,
    title: str | None = None,
    text: str = "",
    center: tuple[float, float] | None = None,
    zoom: float | None = None,
    fit: bool = False,
    highlights: Sequence[tuple[str, str]] = (),
    crossings: Mapping[str, Any] | None = None,
    link: str = "",
    specs: Sequence[LayerSpec] = catalog.LAYERS,
    register: Mapping[str, str] | None = None,
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
        register=register,
    )


def state_view(
    frames: Mapping[str, gpd.GeoDataFrame],
    state: links.ViewState,
    *,
    crossings: Mapping[str, Any] | None = None,
    title: str | None = None,
    own: Sequence[tuple[LayerSpec, gpd.GeoDataFrame]] = (),
    register: Mapping[str, str] | None = None,
) -> ExportView:
    """The view a link (or the explorer) describes; the selected feature is highlighted.

    ``own``: users' layers (``upload.UserLayer.pair``) shown on top of the link's layers.
    """
    sel = state.select.partition(":") if state.select else None
    highlights = [(sel[0], sel[2])] if sel else []
    center = (state.lat, state.lon) if state.lat is not None and state.lon is not None else None
    f = state.filters
    if own:
        frames = {**frames, **{spec.key: gdf for spec, gdf in own}}
        f = replace(f, layers=(*f.layers, *(spec.key for spec, _ in own)))
    return make_view(
        frames,
        f,
        title=title,
        center=center,
        zoom=state.zoom,
        highlights=highlights,
        crossings=crossings,
        link=links.query_string(state),
        specs=(*catalog.LAYERS, *(spec for spec, _ in own)),
        register=register,
    )


def scene_view(
    frames: Mapping[str, gpd.GeoDataFrame],
    b: briefing.Briefing,
    scene: briefing.Scene,
    vocab: links.Vocabulary,
    *,
    crossings: Mapping[str, Any] | None = None,
    register: Mapping[str, str] | None = None,
    network: routing.Network | None = None,
) -> ExportView:
    """One scene of a briefing as an export view (with its route, when it shows one;
    ``network``: the route planner's network, when the caller has it)."""
    view = make_view(
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
        register=register,
    )
    view = replace(view, scene=True)
    return _with_route(view, frames, briefing.scene_route(scene, vocab), network, scene.route)


def _with_route(
    view: ExportView,
    frames: Mapping[str, gpd.GeoDataFrame],
    pair: tuple[str, str] | None,
    network: routing.Network | None,
    options: links.RouteState | None = None,
) -> ExportView:
    needed = (catalog.CORRIDOR_LEGS.key, catalog.NODES.key, catalog.COUNTRIES.key)
    if pair is None or (network is None and any(k not in frames for k in needed)):
        return view
    network = network or routing.build_network(frames)
    if any(end not in network.places for end in pair):
        return view
    if options is None:
        plan = routing.scene_plan(network, *pair, view.filters.asof)
        said = _("Route: {summary}").format(summary=plan_line(network, plan))
        return replace(
            view,
            description=f"{view.description}. {said}",
            routes=tuple(routing.map_routes(network, routing.plan_routes(plan))),
        )
    # A scene's route: mapping: its own date (else the scene's, else planned), avoid, modes.
    when = options.when or view.filters.asof or routing.PLANNED
    query = routing.Query(pair[0], pair[1], when, avoid=options.avoid, modes=options.modes)
    if options.compare:
        today, planned = routing.today_and_planned(network, query)
        said = _("Today: {today}. Planned: {planned}").format(
            today=plan_line(network, today),
            planned=plan_line(network, planned),
        )
        drawn = routing.compared_routes(network, today, planned)
    else:
        plan = routing.plan(network, query)
        said = _("Route: {summary}").format(summary=plan_line(network, plan))
        drawn = routing.map_routes(network, routing.plan_routes(plan))
    if options.avoid or options.modes:
        said += ". " + avoiding_and_modes(network, options.avoid, options.modes)
    return replace(view, description=f"{view.description}. {said}", routes=tuple(drawn))


def plan_line(network: routing.Network, p: routing.Plan) -> str:
    """One line for a plan in the language in force: in English the route planner's own line
    (``routing.plan_summary``, as the CLI prints it); in another language the route's length and
    facts as the Routes page words them, or why there is none."""
    if i18n.current() == i18n.DEFAULT:
        return routing.plan_summary(network, p)
    a, b = network.places[p.query.origin].name, network.places[p.query.destination].name
    if p.route is None:
        return _("{a} → {b}, {scenario}: no route ({reason})").format(
            a=a, b=b, scenario=p.scenario, reason=p.reason
        )
    return _("{a} → {b}, {scenario}: {km} km; {facts}").format(
        a=a,
        b=b,
        scenario=p.scenario,
        km=i18n.number_text(p.route.km, 0),  # as the planner's own line counts it
        facts=routing.route_facts(network, p.route),
    )


def avoiding_and_modes(network: routing.Network, avoid: Sequence[str], modes: Sequence[str]) -> str:
    """The countries a route avoids and the modes it may use, in words of the language
    ("Avoiding Georgia (GEO). Modes: rail, sea"); empty when it has neither."""
    said = []
    if avoid:
        countries = ", ".join(network.country(c) for c in avoid)
        said.append(_("Avoiding {countries}").format(countries=countries))
    if modes:
        words = ", ".join(_(style.MODE_WORDS[m]) if m in style.MODE_WORDS else m for m in modes)
        said.append(_("Modes: {modes}").format(modes=words))
    return ". ".join(said)


def layer_title(spec: LayerSpec) -> str:
    """A layer's title in the language in force (a user's layer keeps the title it has)."""
    return _(spec.title) if spec in catalog.LAYERS else spec.title


def briefing_views(
    frames: Mapping[str, gpd.GeoDataFrame],
    b: briefing.Briefing,
    vocab: links.Vocabulary | None = None,
    *,
    crossings: Mapping[str, Any] | None = None,
    register: Mapping[str, str] | None = None,
    network: routing.Network | None = None,
) -> list[ExportView]:
    vocab = vocab or vocabulary(frames)
    return [
        scene_view(frames, b, s, vocab, crossings=crossings, register=register, network=network)
        for s in b.scenes
    ]


def sources(view: ExportView) -> list[SourceRef]:
    """Every source URL of the features drawn, with its newest as-of date, in layer order."""
    found: dict[str, dict[str, Any]] = {}
    for spec in view.specs:
        gdf = view.shown.get(spec.key)
        if gdf is None or "source_url" not in gdf.columns:
            continue
        gdf = drawn(view.specs, spec.key, gdf)
        dates = gdf["as_of"] if "as_of" in gdf.columns else [None] * len(gdf)  # users' files
        for urls, as_of in zip(gdf["source_url"], dates, strict=True):
            for url in urls or ():
                entry = found.setdefault(str(url), {"as_of": "", "layers": [], "n": 0})
                entry["as_of"] = max(entry["as_of"], str(as_of or ""))
                title = layer_title(spec)
                if title not in entry["layers"]:
                    entry["layers"].append(title)
                entry["n"] += 1
    return [SourceRef(url, e["as_of"], tuple(e["layers"]), e["n"]) for url, e in found.items()]


def newest_source(views: Iterable[ExportView]) -> str:
    """The newest source date of what the views show, as people read it ("–": none dated).

    The same function as the app's footer (``formatting.newest_source_date``): sources dated by
    the source register, never by the date a reference copy was made.
    """
    days = [
        formatting.newest_source_date(
            v.shown, v.register if v.register is not None else _default_register(), v.specs
        )
        for v in views
    ]
    return formatting.newest_source_text(max((d for d in days if d), default=None))


def _default_register() -> Mapping[str, str]:
    return load.load_source_register()


def made_text() -> str:
    """The date the export file is made, labelled as such (not a date of the data)."""
    return _("file made {date}").format(date=filters.format_date(date.today()))


def scene_counter(number: int, total: int) -> str:
    """ "Scene 2 of 5", in the language in force (the packs' and the HTML's counter)."""
    return _("Scene {number} of {total}").format(
        number=i18n.number_text(number, 0), total=i18n.number_text(total, 0)
    )


def _as_of_text(value: str) -> str:
    return filters.format_date(date.fromisoformat(value)) if value else "–"


# ---------------------------------------------------------------------------------------------
# Markdown-lite: **bold** and *italic* only


_BOLD = formatting._BOLD
_ITALIC = formatting._ITALIC


def md_to_html(text: str) -> str:
    """Escaped HTML with **bold** and *italic* kept (nothing else is interpreted)."""
    out = html_text(text)
    out = _BOLD.sub(r"<b>\1</b>", out)
    return _ITALIC.sub(r"<i>\1</i>", out)


def md_to_plain(text: str) -> str:
    return formatting.md_plain(text)


def named_places(view: ExportView) -> frozenset[str]:
    """The names of the points shown that the view's text names (a scene that talks about
    Meghri and Kars labels Meghri and Kars)."""
    if not view.text:
        return frozenset()
    text = md_to_plain(view.text)
    found: set[str] = set()
    for spec in view.specs:
        gdf = view.shown.get(spec.key)
        if gdf is None or not len(gdf) or spec.label_property not in gdf.columns:
            continue
        if not mapbuild.renderer(spec.style_key).points:
            continue
        for name in gdf[spec.label_property].dropna().astype(str):
            if re.search(rf"(?<!\w){re.escape(name)}(?!\w)", text):
                found.add(name)
    return frozenset(found | corridor_ends(view))


def corridor_ends(view: ExportView) -> set[str]:
    """When a view picks a corridor or a route: the names of the two nodes at its ends, along
    its longer axis (the Middle Corridor's Xi'an and Burgas, the North–South corridor's
    northern end and Mumbai), so that the story's ends are named on every map of it."""
    nodes = view.shown.get(catalog.NODES.key)
    if not (view.filters.corridor or view.filters.route) or nodes is None or len(nodes) < 2:
        return set()
    xs, ys = nodes.geometry.x, nodes.geometry.y
    wide = (xs.max() - xs.min()) * math.cos(math.radians(float(ys.mean()))) >= ys.max() - ys.min()
    axis = xs if wide else ys
    names = nodes[catalog.NODES.label_property]
    return {str(names[axis.idxmin()]), str(names[axis.idxmax()])}
