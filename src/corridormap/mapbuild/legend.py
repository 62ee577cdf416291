"""The legend: its HTML (pre-escaped, sections by layer and status) and the map control.

``legend_html`` builds it from what the map shows, in the language in force (a user's layer
keeps the name they gave it); ``Legend`` (``static/legend.js``) shows it at the map's bottom
right, folded on a small map.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Final

import geopandas as gpd
import shapely

from corridormap import browser, catalog, fragments, style
from corridormap.catalog import LayerSpec
from corridormap.elements import FeatureGroup
from corridormap.escape import script_json
from corridormap.i18n import N_, gettext
from corridormap.mapbuild.styles import USER_STYLE_PREFIX

#: The legend's template (templates/legend.html): its macros make the samples and the rows.
_TEMPLATE: Final = "legend.html"


def _html(macro: str, *args: object) -> str:
    """What the legend template's ``macro`` makes of ``args`` (escaped HTML)."""
    made: str = fragments.macro(_TEMPLATE, macro)(*args)
    return made


def line_swatch_svg(color: str, dash: str | None, weight: float = 3.0) -> str:
    """A short line sample as inline SVG (legend rows, in the map and in the app)."""
    return _html("line", color, dash, weight)


def _present(gdf: gpd.GeoDataFrame | None, column: str) -> Callable[[str], bool]:
    """Whether a value is on the map: any value when the layer's rows are not given."""
    if gdf is None:
        return lambda _value: True
    values = {str(v) for v in gdf[column].dropna()} if column in gdf else set()
    return values.__contains__


def _rows_ots(gdf: gpd.GeoDataFrame | None) -> list[str]:
    shown = _present(gdf, "ots_status")
    return [
        _html(
            "swatch_row",
            e.color,
            style.OTS_FILL_OPACITY[e.value],
            style.label(style.OTS_STYLES, e.value),
        )
        for e in style.OTS_STYLES
        if e.value != "none" and shown(e.value)
    ]


def _rows_corridors(gdf: gpd.GeoDataFrame | None) -> list[str]:
    shown = _present(gdf, "corridor")
    return [
        _html("line_row", e.color, None, 3.0, style.label(style.CORRIDOR_STYLES, e.value))
        for e in style.CORRIDOR_STYLES
        if shown(e.value)
    ]


def _rows_status(gdf: gpd.GeoDataFrame | None, *, colored: bool = False) -> list[str]:
    """Status by dash (in the lines' own colours), or by colour and dash on a map whose lines
    are coloured by status."""
    shown = _present(gdf, "status")
    return [
        _html(
            "status_row",
            e.color if colored else style.TEXT,
            e.dash,
            3 if colored else 2,
            style.definition(style.STATUS_STYLES, e.value),
            style.label(style.STATUS_STYLES, e.value),
        )
        for e in style.STATUS_STYLES
        if shown(e.value)
    ]


def _rows_pipelines(_gdf: gpd.GeoDataFrame | None) -> list[str]:
    text = gettext("Gas pipeline (width: capacity)")
    return [_html("line_row", style.PIPELINE_COLOR, None, 4, text)]


def _rows_gas(gdf: gpd.GeoDataFrame | None) -> list[str]:
    periods = (
        None
        if gdf is None
        else {style.gas_period(str(v)).value for v in gdf["supply_start"].dropna()}
    )
    return [
        _html("swatch_row", e.color, 1.0, style.label(style.GAS_PERIODS, e.value))
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
        label = style.label(entries, e.value)
        if e.value in dots:
            rows.append(_html("dot_row", e.color, label))
        else:
            rows.append(_html("pin_row", e.color, e.icon, label))
    return rows


def flow_legend(
    pipelines: gpd.GeoDataFrame, onward: shapely.LineString | None = None
) -> list[tuple[str, list[str]]]:
    """The legend section of ``flow_group(pipelines, ..., onward)``: the route through the
    pipelines and, when drawn, the stretch to the destination the sources do not trace (none
    when nothing is drawn)."""
    rows = []
    if len(pipelines):
        rows.append(
            _html("line_row", style.FLOW_COLOR, style.FLOW_DASH, 4, gettext(style.FLOW_LABEL))
        )
    if onward is not None:
        rows.append(
            _html("line_row", style.FLOW_COLOR, style.ONWARD_DASH, 3, gettext(style.ONWARD_LABEL))
        )
    return [(gettext("Gas route"), rows)] if rows else []


LegendRows = Callable[[gpd.GeoDataFrame | None], list[str]]

#: style_key -> the legend sections (title, rows for the layer's features) it contributes.
_LEGENDS: Final[dict[str, tuple[tuple[str, LegendRows], ...]]] = {
    "countries": ((N_("Organization of Turkic States"), _rows_ots),),
    "corridors": ((N_("Corridors"), _rows_corridors), (N_("Status"), _rows_status)),
    "pipelines": ((N_("Gas pipelines"), _rows_pipelines), (N_("Status"), _rows_status)),
    "gas_destinations": ((N_("Azerbaijani gas destinations"), _rows_gas),),
    "nodes": (
        (
            N_("Nodes"),
            lambda g: _rows_icons(g, "kind", style.NODE_STYLES, style.MINOR_NODE_KINDS),
        ),
    ),
    "summits": ((N_("OTS summits"), lambda g: _rows_icons(g, "kind", style.SUMMIT_STYLES)),),
    "annotations": ((N_("Gabala 2025"), lambda g: _rows_icons(g, "topic", style.TOPIC_STYLES)),),
}

#: The corridor legs' legend when their lines are coloured by status (``by_status``).
_STATUS_LEGEND: Final[tuple[tuple[str, LegendRows], ...]] = (
    (N_("Status"), lambda g: _rows_status(g, colored=True)),
)


def _legend_sections(spec: LayerSpec, by_status: bool) -> tuple[tuple[str, LegendRows], ...]:
    if spec.style_key.startswith(USER_STYLE_PREFIX):
        _, _, index = spec.style_key.partition(":")
        color = style.user_color(int(index) if index.isdigit() else 0)
        return ((N_("Your layers"), lambda _g: [_html("swatch_row", color, 1.0, spec.title)]),)
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
            known = sections.setdefault(gettext(title), [])
            known.extend(r for r in rows(gdf) if r not in known)  # one row per user layer
    for title, rows_ in extra:
        sections.setdefault(title, []).extend(rows_)
    # each row is HTML these macros made (or flow_legend's, by the same macros)
    shown = [
        (title, [fragments.made_html(r) for r in rows_])
        for title, rows_ in sections.items()
        if rows_
    ]
    if not shown:
        return ""
    return _html("legend", shown, collapsed, gettext("Legend"))


#: A map smaller than this (CSS px, width or height) opens with its legend folded.
LEGEND_FOLD_PX: Final = (700, 500)


class Legend(browser.BrowserCall):
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
