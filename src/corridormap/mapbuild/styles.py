"""How features look: a layer's properties as a Leaflet style, driven by ``corridormap.style``.

Each layer is drawn by the ``Renderer`` registered for its ``style_key`` (``renderer``); the
registry, not a chain of if/elif on layer names, decides how a layer looks. Also the styles of
routes, flow lines and highlights.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Final

import geopandas as gpd

from corridormap import catalog, style
from corridormap.catalog import LayerSpec
from corridormap.escape import html_text
from corridormap.i18n import N_, gettext, ordinal


def _tooltip_html(spec: LayerSpec, props: Mapping[str, Any]) -> str:
    """An escaped one-line tooltip: the feature's label plus its layer title (a shipped
    layer's in the language in force, a user's as they gave it)."""
    name = html_text(str(props.get(spec.label_property) or props.get(spec.id_property)))
    title = gettext(spec.title) if spec in catalog.LAYERS else spec.title
    return f"<b>{name}</b><br><span style='color:#555'>{html_text(title)}</span>"


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


def _summit_label(props: Mapping[str, Any]) -> str | None:
    """A summit by its city, year and number ("Gabala 2025 (12th)", the number as the language
    in force writes an ordinal): one city hosted two summits, so the year and the number say
    which one a label is."""
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
    "countries": Renderer(lambda _gdf: _country_style, group_title=N_("OTS members and observers")),
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


def _flow_style(_props: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "color": style.FLOW_COLOR,
        "weight": 4,
        "opacity": 0.95,
        "dashArray": style.FLOW_DASH,
        "className": "cm-flow",
    }


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


def highlight_style(spec: LayerSpec, weight: float = 5) -> StyleFn:
    """How a singled-out feature is drawn: a ring around a point, an outline on a line or
    area (the live selection at ``weight`` 5, an export's highlights at 6)."""
    points = renderer(spec.style_key).points

    def _style(_props: Mapping[str, Any]) -> dict[str, Any]:
        if points:
            return {"html": "<div class='cm-pin cm-selected'></div>"}
        return {"color": style.HIGHLIGHT, "weight": weight, "fillOpacity": 0.0, "opacity": 0.9}

    return _style
