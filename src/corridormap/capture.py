"""Capture: the view a page shows, as a briefing scene (the YAML interchange mapping).

"Add this view to a briefing" on the Map, Routes, Gas, Country and Corridors pages turns what
the page shows now into a scene: its filters (as the link parameters say them, the as-of date
included), where the map looks, the selected feature as a highlight, and what the page shows
besides the map (a chart, a route). A pure function of the page's state: the app gathers the
state, this module writes the scene, ``briefing.parse_briefing`` checks it like any other.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Final, Literal

from corridormap import briefing, catalog, links
from corridormap.filters import Filters
from corridormap.i18n import N_, gettext

Page = Literal["map", "routes", "gas", "country", "corridors"]
#: The pages a view can be captured from, by what the scene's default title calls them.
PAGES: Final[Mapping[str, str]] = {
    "map": N_("Map"),
    "routes": N_("Route"),
    "gas": N_("Gas exports"),
    "country": N_("Country profile"),
    "corridors": N_("Corridors"),
}
#: What a page shows under its map, as a scene's ``show`` (the Routes page: its route).
PAGE_SHOWS: Final[Mapping[str, str]] = {
    "gas": "chart:destinations",
    "corridors": "chart:km_by_status",
}
#: The longest default title (the store allows 200 characters; a slide wants fewer).
TITLE_LENGTH: Final = 90


@dataclass(frozen=True, slots=True)
class PageView:
    """What a page shows now, as the app's widgets hold it.

    ``center``/``zoom``: where the map looks (None: fit the features shown). ``select``: the
    selected feature (``layer:id``). ``route``: the Routes page's (from, to) node ids, the
    date its route is planned on (None: the planned scenario), the countries it avoids, its
    modes and whether it compares today with planned. ``description``: one line for the view,
    used for the default title and text.
    """

    page: Page
    filters: Filters
    description: str
    center: tuple[float, float] | None = None
    zoom: float | None = None
    select: str | None = None
    route: tuple[str, str] | None = None
    route_asof: date | None = None
    route_avoid: tuple[str, ...] = ()
    route_modes: tuple[str, ...] = ()
    route_compare: bool = False


def _filter_values(f: Filters) -> dict[str, Any]:
    """The filters as a scene's ``filters`` mapping: the link's parameters, lists as lists."""
    params = links.to_params(links.ViewState(f))
    out: dict[str, Any] = {}
    for key in briefing.FILTER_KEYS:
        if key not in params:
            continue
        values = params[key].split(",")
        out[key] = values[0] if len(values) == 1 and key != "layers" else values
    return out


def _view(view: PageView) -> dict[str, Any]:
    if view.center is None or view.zoom is None:
        return {"fit": briefing.FIT_FEATURES}
    lo, hi = links.ZOOM_RANGE
    lat, lon = view.center
    return {
        "center": [round(float(lat), 4), round(float(lon), 4)],
        "zoom": max(lo, min(hi, round(float(view.zoom)))),
    }


def default_title(view: PageView) -> str:
    """A short title for the scene: the page and what it shows."""
    page = gettext(PAGES[view.page])  # in the language in force, as the description is
    text = f"{page}: {view.description}" if view.description else page
    return text if len(text) <= TITLE_LENGTH else text[: TITLE_LENGTH - 1].rstrip() + "…"


def scene(view: PageView, *, title: str = "", text: str = "") -> dict[str, Any]:
    """The scene mapping for ``view`` (title and text default to the view's description)."""
    f = view.filters
    show = PAGE_SHOWS.get(view.page)
    route = _route(view)
    if route is not None:
        keys = (catalog.COUNTRIES.key, catalog.CORRIDOR_LEGS.key, catalog.NODES.key)
        f = Filters(asof=view.route_asof, layers=keys)
    out: dict[str, Any] = {
        "title": title.strip() or default_title(view),
        "text": text.strip() or (view.description or gettext(PAGES[view.page])),
    }
    # a user's own layers live in their session only: a briefing names the shipped ones
    shipped = tuple(k for k in f.layers if k in catalog.layer_keys())
    values = _filter_values(replace(f, layers=shipped))
    if values:
        out["filters"] = values
    out["view"] = _view(view)
    if view.select and view.select.partition(":")[0] in catalog.layer_keys():
        out["highlight"] = [view.select]  # (a feature of a user's own layer: not kept)
    if show is not None:
        out["show"] = show
    if route is not None:
        out["route"] = route
    return out


def _route(view: PageView) -> dict[str, Any] | None:
    """The Routes page's route as a scene's ``route:`` mapping (its options as the page's
    link says them: ``links.parse_route`` reads them back)."""
    if view.page != "routes" or view.route is None:
        return None
    origin, destination = view.route
    out: dict[str, Any] = {
        "from": origin,
        "to": destination,
        "when": view.route_asof.isoformat() if view.route_asof else links.PLANNED,
    }
    if view.route_avoid:
        out["avoid"] = list(view.route_avoid)
    if view.route_modes:
        out["modes"] = list(view.route_modes)
    if view.route_compare:
        out["compare"] = True
    return out


def recapture(old: Mapping[str, Any], view: PageView) -> dict[str, Any]:
    """``old`` with the view of ``view`` (filters, map view, highlight, show): its title and
    text stay."""
    return scene(view, title=str(old.get("title") or ""), text=str(old.get("text") or ""))


def add_scene(document: Mapping[str, Any], new: Mapping[str, Any]) -> dict[str, Any]:
    """A copy of ``document`` with ``new`` as its last scene."""
    scenes = list(document.get("scenes") or [])
    return {**document, "scenes": [*scenes, dict(new)]}


def new_document(title: str, first: Mapping[str, Any], description: str = "") -> dict[str, Any]:
    """A new briefing with one scene."""
    doc: dict[str, Any] = {"title": title.strip()}
    if description.strip():
        doc["description"] = description.strip()
    doc["scenes"] = [dict(first)]
    return doc


def moved(scenes: Sequence[Any], index: int, delta: int) -> list[Any]:
    """``scenes`` with the one at ``index`` moved by ``delta`` places (kept within the list)."""
    out = list(scenes)
    if not 0 <= index < len(out):
        return out
    target = max(0, min(len(out) - 1, index + delta))
    item = out.pop(index)
    out.insert(target, item)
    return out
