"""The HTML export: a view's overlays as folium groups, and the self-contained page.

The page is the folium map of ``mapbuild`` with every script, stylesheet, font and the data
inlined (``selfcontained.inline_html``), beside a panel with the title, caption, legend and
sources (``templates/export-panel.html``, filled in by ``corridormap.fragments``); it opens
from ``file://`` with no network request. A briefing is one map whose scenes
are switched by ``static/scene-switcher.js`` (``_SceneSwitcher``); the page's style is
``static/export-page.css``. ``map_groups`` also serves the app's live
presentation map.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Final
from urllib.parse import urlsplit

import folium
import geopandas as gpd
from branca.element import Figure

from corridormap import (
    assets,
    briefing,
    browser,
    catalog,
    fragments,
    i18n,
    mapbuild,
    selfcontained,
)
from corridormap.elements import FeatureGroup, LayerControl, Verbatim
from corridormap.escape import html_text, is_web_url, script_json
from corridormap.export.views import (
    ExportView,
    SourceRef,
    _as_of_text,
    made_text,
    md_to_html,
    named_places,
    newest_source,
    scene_counter,
    sources,
)
from corridormap.i18n import _
from corridormap.mapbuild import MapView

# ---------------------------------------------------------------------------------------------
# The live map's overlays, for the app and the HTML export


def map_groups(
    view: ExportView, frames: Mapping[str, gpd.GeoDataFrame] | None = None
) -> list[FeatureGroup]:
    """The overlays of a view: one group per layer, then one outlining the highlights. The
    places the view's text names are always shown and labelled."""
    groups = mapbuild.overlay_groups(view.shown, None, view.specs, named=named_places(view))
    if view.highlights:
        group = FeatureGroup(name=_("Highlighted"), show=True, control=False)
        for layer, fid in view.highlights:
            source = view.shown if fid in view.shown.get(layer, _EMPTY).index else frames or {}
            spec = next((s for s in view.specs if s.key == layer), None)
            if spec is None or layer not in source or fid not in source[layer].index:
                continue
            mapbuild.geojson_layer(
                spec,
                source[layer].loc[[fid]],
                style_fn=mapbuild.highlight_style(spec, weight=6),
                highlighted=True,
            ).add_to(group)
        groups.append(group)
    return [*groups, *mapbuild.route_groups(view.routes)]


_EMPTY: Final = gpd.GeoDataFrame()


# ---------------------------------------------------------------------------------------------
# The HTML page


def _shown_url(url: str, limit: int = 80) -> str:
    parts = urlsplit(url)
    text = (parts.netloc + parts.path).rstrip("/")
    return text if len(text) <= limit else text[: limit - 1] + "…"


#: The panel's template (templates/export-panel.html): its macros fill the panel in.
_PANEL: Final = "export-panel.html"


def _source_rows(refs: Sequence[SourceRef]) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for r in refs:
        meta = _("as of {date}").format(date=_as_of_text(r.as_of))
        meta += f" · {', '.join(r.layers)} ({i18n.number_text(r.features, 0)})"
        link = is_web_url(r.url)  # a user's javascript:, data: or relative URL: text, never a link
        rows.append(
            {
                "link": link,
                "url": r.url,
                "shown": _shown_url(r.url) if link else "",
                "said": "" if link else _("{url} (not a web address)").format(url=r.url),
                "meta": meta,
            }
        )
    return rows


def _sources_html(refs: Sequence[SourceRef]) -> str:
    """The list of sources under a scene (links only for http(s) addresses)."""
    listed: str = fragments.macro(_PANEL, "sources")(_source_rows(refs), _("No feature is shown."))
    return listed


def _scene(view: ExportView) -> dict[str, object]:
    """What the panel says of one view, for the template: the text written in Markdown and the
    legend as the HTML their code made, everything else as text."""
    return {
        "title": view.title,
        "text": fragments.made_html(md_to_html(view.text)) if view.text else "",
        "description": view.description,
        "legend": fragments.made_html(mapbuild.legend_html(view.shown, specs=view.specs)),
        "sources_heading": _("Sources of the features shown"),
        "sources": _sources_html(sources(view)),
        "counts": json.dumps(view.counts(), sort_keys=True),
    }


def _footer(views: Sequence[ExportView]) -> str:
    return _(
        "corridormap export · newest source date {date} · {made} · basemap: Natural Earth "
        "(public domain). Corridor and pipeline lines are schematic."
    ).format(date=newest_source(views), made=made_text())


#: The export's Content-Security-Policy: its own inline scripts, styles, data: images and
#: fonts; no request to anywhere (the page is opened from file:// in an air-gapped room).
CSP: Final = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "img-src data:; font-src data:; connect-src 'none'; base-uri 'none'; form-action 'none'"
)


def _page(m: folium.Map, panel: str, title: str) -> str:
    root = m.get_root()
    assert isinstance(root, Figure)
    # the export is self-contained: nothing may load from, connect or submit to elsewhere
    root.header.add_child(
        Verbatim(f'<meta http-equiv="Content-Security-Policy" content="{CSP}">'), name="cm_csp"
    )
    root.header.add_child(Verbatim(fragments.macro(_PANEL, "title")(title)), name="cm_title")
    root.header.add_child(Verbatim(browser.style_element("export-page.css")), name="cm_page_css")
    root.html.add_child(Verbatim(panel), name="cm_panel")
    lang = html_text(i18n.current())  # the page's language: the one it is written in
    page = root.render().replace("<html>", f'<html lang="{lang}">', 1)
    return selfcontained.inline_html(page, assets.static_root())


def view_map(view: ExportView, frames: Mapping[str, gpd.GeoDataFrame]) -> folium.Map:
    """The map of one view's HTML export (before the page around it)."""
    land = frames.get(catalog.COUNTRIES.key)
    m = mapbuild.base_map(land, view=view.view)
    if view.view.bounds is not None:  # the box the user looked at, in a window of any size
        m.add_child(mapbuild.FitView(view.view.bounds, padding_px=0))
    for group in map_groups(view, frames):
        group.add_to(m)
    # The legend is in the panel beside the map (one legend, as in the app).
    LayerControl(collapsed=True, position="topright").add_to(m)
    return m


def html_view(view: ExportView, frames: Mapping[str, gpd.GeoDataFrame]) -> str:
    """One view as a self-contained HTML page: map, legend, caption, description, sources."""
    m = view_map(view, frames)
    panel = fragments.macro(_PANEL, "view_panel")(_scene(view), _footer([view]))
    return _page(m, panel, f"{view.title} · corridormap")


class _SceneSwitcher(browser.BrowserCall):
    """Plain JS: show one scene's overlays and caption at a time (buttons, list, arrow keys)."""

    code = "scene-switcher.js"
    function = "cmSceneSwitcher"

    def __init__(self, groups: Sequence[FeatureGroup], scenes: list[dict[str, object]]) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._name = "SceneSwitcher"
        self.groups = list(groups)
        self.scenes = scenes

    def arguments(self) -> list[str]:
        groups = "[" + ", ".join(g.get_name() for g in self.groups) + "]"
        return [self.parent_name(), groups, script_json(self.scenes)]


def briefing_map(views: Sequence[ExportView], frames: Mapping[str, gpd.GeoDataFrame]) -> folium.Map:
    """The one map of a briefing's HTML export: each scene's overlays in a group of its own."""
    land = frames.get(catalog.COUNTRIES.key)
    first = views[0].view if views else MapView()
    m = mapbuild.base_map(land, view=first)
    groups: list[FeatureGroup] = []
    entries: list[dict[str, object]] = []
    for view in views:
        scene_group = FeatureGroup(name=view.title, show=False, control=False)
        for group in map_groups(view, frames):
            group.add_to(scene_group)
        scene_group.add_to(m)
        groups.append(scene_group)
        entries.append(
            {
                "center": [float(c) for c in view.view.center],
                "zoom": float(view.view.zoom),
                "counter": scene_counter(len(entries) + 1, len(views)),
            }
        )
    m.add_child(_SceneSwitcher(groups, entries))
    return m


def html_briefing(
    b: briefing.Briefing,
    views: Sequence[ExportView],
    frames: Mapping[str, gpd.GeoDataFrame],
) -> str:
    """A whole briefing as one self-contained HTML page: one map, a scene at a time."""
    m = briefing_map(views, frames)
    words = {"previous": _("Previous"), "next": _("Next"), "scene": _("Scene")}
    description = fragments.made_html(md_to_html(b.description)) if b.description else ""
    panel = fragments.macro(_PANEL, "briefing_panel")(
        b.title, description, words, [_scene(v) for v in views], _footer(views)
    )
    return _page(m, panel, f"{b.title} · corridormap")
