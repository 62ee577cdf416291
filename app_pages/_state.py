"""The view's state: what the link says, the session state it seeds, what is selected, where
the map looks, and clicks on the map.

The URL is the source of truth when a session starts; after that the widgets are, and the URL
follows them on every run, so the address bar always reproduces the view.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import streamlit as st

from app_pages import _data, _lang
from corridormap import catalog, formatting, links, mapbuild, style
from corridormap.filters import Filters
from corridormap.i18n import N_, _
from corridormap.links import ViewState

# ---------------------------------------------------------------------------------------------
# State: link -> widgets -> link

_KEYS = {
    "countries": "f_countries",
    "corridor": "f_corridor",
    "route": "f_route",
    "mode": "f_mode",
    "status": "f_status",
    "layers": "f_layers",
}


def _link_query() -> dict[str, list[str]]:
    """The link's parameters, each with every value it carries."""
    return {k: st.query_params.get_all(k) for k in st.query_params}


def seed_from_link() -> None:
    """On a session's first run, put the link's view into the widgets' state."""
    if st.session_state.get("_seeded"):
        return
    state, notices = links.parse(_link_query(), _data.vocabulary())
    f = state.filters
    ss = st.session_state
    for name, key in _KEYS.items():
        ss[key] = list(getattr(f, name))
    ss["f_asof_on"] = f.asof is not None
    ss["f_asof"] = f.asof or min(_data.asof_max(), date(2025, 10, 7))
    ss["f_basemap"] = state.basemap
    ss["selected"] = state.select
    ss["view"] = (state.lat, state.lon, state.zoom)
    if state.select and state.lat is None:
        select(state.select, _data.layers().frames)  # a link to a feature opens on it
    ss["link_notices"] = notices  # (named in the language of each run that shows them)
    ss["_seeded"] = True
    if state.lat is not None and state.lon is not None:  # for the page's own map
        zoom = state.zoom if state.zoom is not None else style.DEFAULT_ZOOM
        ss[_LINK_VIEW_KEY] = (True, mapbuild.MapView((state.lat, state.lon), zoom))


def hold_view() -> None:
    """Where the user moved the explorer's map becomes the view the page asks for: a change
    that draws the map again (another language) keeps it there."""
    seen = seen_view(EXPLORER_MAP_KEY)
    if seen is not None:
        st.session_state["view"] = (round(seen.lat, 4), round(seen.lon, 4), seen.zoom)


def current_state() -> ViewState:
    """The view as the widgets hold it now."""
    ss = st.session_state
    f = Filters(
        countries=tuple(ss.get("f_countries", ())),
        corridor=tuple(ss.get("f_corridor", ())),
        route=tuple(ss.get("f_route", ())),
        mode=tuple(ss.get("f_mode", ())),
        status=tuple(ss.get("f_status", ())),
        asof=ss.get("f_asof") if ss.get("f_asof_on") else None,
        layers=tuple(
            k for k in catalog.layer_keys() if k in ss.get("f_layers", catalog.layer_keys())
        ),
    )
    lat, lon, zoom = ss.get("view", (None, None, None))
    seen = seen_view()
    if seen is not None:
        lat, lon, zoom = seen.lat, seen.lon, seen.zoom
    basemap = ss.get("f_basemap", "bundled")
    return ViewState(f, ss.get("selected"), lat, lon, zoom, basemap, _lang.link_value())


def sync_link(state: ViewState) -> None:
    """Write the view into the address bar (only what differs from the defaults)."""
    params = links.to_params(state)
    # a page's own parameters (the presentation page's briefing and scene) stay in the link
    params |= {k: str(st.query_params[k]) for k in links.PAGE_PARAMS if k in st.query_params}
    current = {k: st.query_params.get(k) for k in st.query_params}
    if current != params:
        st.query_params.from_dict(params)


def link_notices() -> None:
    """Values dropped from the link this session was opened with, named one by one."""
    notices = st.session_state.get("link_notices") or []
    if notices:
        st.warning(
            _("Some link parameters could not be used and were dropped:")
            + "\n\n"
            # the values from the link, escaped
            + "\n".join(f"- {formatting.md_escape(str(n))}" for n in notices),
            icon=":material/link_off:",
        )


# ---------------------------------------------------------------------------------------------
# Selection and the map view


def parse_key(key: str | None) -> tuple[str, str] | None:
    if not key or ":" not in key:
        return None
    layer, _, fid = key.partition(":")
    return layer, fid


def selected_feature(frames: dict[str, Any]) -> tuple[str, str] | None:
    sel = parse_key(st.session_state.get("selected"))
    if sel is None or sel[0] not in frames or sel[1] not in frames[sel[0]].index:
        return None
    return sel


def select(key: str, frames: dict[str, Any], *, move: bool = True) -> None:
    """Select a feature (``layer:id``); with ``move``, zoom the map to it."""
    sel = parse_key(key)
    if sel is None or sel[0] not in frames or sel[1] not in frames[sel[0]].index:
        return
    st.session_state["selected"] = key
    if move:
        geom = frames[sel[0]].loc[sel[1]].geometry
        (lat, lon), zoom = formatting.focus(geom)
        st.session_state["view"] = (round(lat, 4), round(lon, 4), zoom)


#: The explorer map's key (st_folium's).
EXPLORER_MAP_KEY = "explorer_map"
#: What a live map returns for the view (streamlit-folium's ``returned_objects``).
VIEW_OBJECTS = ["center", "zoom", "bounds"]
#: Session state (readable by other pages, e.g. to capture a view): where the user moved a
#: live map, a ``mapbuild.SeenView`` under ``"view"``, with its map's key under ``"map"``.
SEEN_KEY = "view_seen"
#: Session state: each live map's frame size (CSS px) as it last reported it, by map key.
FRAME_KEY = "map_frame_px"
#: Session state: by map key, the view last asked for and the map's first report of it.
_SETTLED_KEY = "_view_settled"
#: Session state: the last view report taken from each live map, by map key.
_REPORTS_KEY = "_view_reports"
#: Session state: the key of the live map drawn in this run (``new_run`` forgets it).
_DRAWN_KEY = "_view_map"


def new_run() -> None:
    """A run starts: no map is drawn yet, so the link carries no moved view until one is.
    (The view of the link a session opened with is for its first run's map alone.)"""
    ss = st.session_state
    ss.pop(_DRAWN_KEY, None)
    pending = ss.get(_LINK_VIEW_KEY)
    if pending is not None:
        if pending[0]:
            ss[_LINK_VIEW_KEY] = (False, pending[1])
        else:
            del ss[_LINK_VIEW_KEY]


#: Session state: the view of the link the session opened with, for its first run's map.
_LINK_VIEW_KEY = "_link_view"
#: Session state: the map that took the link's view, what it showed then, and the view.
_LINKED_KEY = "_linked_view"


def linked_view(key: str, showing: Any) -> mapbuild.MapView | None:
    """The view a page's map ``key`` opens at from the link (``lat``/``lon``/``zoom``): the
    link's, if the session opened on this page with one, for as long as the map shows the
    same thing (``showing``: its route, filters...); None: the page frames the map itself."""
    ss = st.session_state
    pending = ss.pop(_LINK_VIEW_KEY, None)
    if pending is not None:
        ss[_LINKED_KEY] = (key, showing, pending[1])
    held = ss.get(_LINKED_KEY)
    if held is None or held[0] != key or held[1] != showing:
        return None
    view: mapbuild.MapView = held[2]
    return view


def seen_view(key: str | None = None) -> mapbuild.SeenView | None:
    """Where the user moved the map ``key`` (default: the map drawn in this run), if they did."""
    seen = st.session_state.get(SEEN_KEY)
    wanted = key or st.session_state.get(_DRAWN_KEY)
    if not isinstance(seen, dict) or wanted is None or seen.get("map") != wanted:
        return None
    view = seen.get("view")
    return view if isinstance(view, mapbuild.SeenView) else None


def frame_px(key: str) -> tuple[float, float] | None:
    """The live map ``key``'s frame size (CSS px), once it has reported its view."""
    size = (st.session_state.get(FRAME_KEY) or {}).get(key)
    return (float(size[0]), float(size[1])) if size and min(size) > 0 else None


def take_view(result: dict[str, Any] | None, key: str, asked: tuple[Any, float]) -> None:
    """What a live map reported of its view: its frame size, and, when the user moved it, that
    view, for the link and the exports (``seen_view``).

    The first report after the page asks for a view (``asked``: centre, zoom) is the map's own
    rendering of it: the map may have kept it inside the land's frame (``LandFrame``), so it
    counts as where the page put the map, not as a move. A later report of another view is
    the user's move; back at the asked (or first) view, the moved one is gone. Only a new
    report counts (a page that asks for a new view hears of it on the next one)."""
    ss = st.session_state
    ss[_DRAWN_KEY] = key
    seen = mapbuild.seen_view(result)
    reports = ss.setdefault(_REPORTS_KEY, {})
    if seen is None or reports.get(key) == seen:
        return
    reports[key] = seen
    ss[FRAME_KEY] = {**(ss.get(FRAME_KEY) or {}), key: seen.frame_px}
    center, zoom = asked
    if not mapbuild.moved_from(seen, style.DEFAULT_CENTER, style.DEFAULT_ZOOM) and (
        mapbuild.moved_from(seen, center, zoom)
    ):
        return  # the map as built, before it went to the asked view: not yet a rendering
    wanted = (round(float(center[0]), 4), round(float(center[1]), 4), float(zoom))
    settled = ss.setdefault(_SETTLED_KEY, {})
    if settled.get(key, (None,))[0] != wanted:
        settled[key] = (wanted, seen)  # the map's rendering of the asked view
    first = settled[key][1]
    if mapbuild.moved_from(seen, center, zoom) and mapbuild.moved_from(
        seen, (first.lat, first.lon), first.zoom
    ):
        ss[SEEN_KEY] = {"map": key, "view": seen}
    elif (ss.get(SEEN_KEY) or {}).get("map") == key:
        del ss[SEEN_KEY]


#: The explorer map's size at 1440x900 with the sidebar open (its column is about 640 px
#: wide, 620 high): a fitted view aims a little small rather than cut a country off.
EXPLORER_MAP_PX = (620.0, 600.0)


def map_view(state: ViewState, frames: dict[str, Any]) -> tuple[list[float], float]:
    """Where the explorer's map looks now: where the user moved it (as the map reported), else
    where the page asks it to look (``asked_view``). Exports and captured scenes use this."""
    seen = seen_view(EXPLORER_MAP_KEY)
    if seen is not None:
        return [seen.lat, seen.lon], seen.zoom
    return asked_view(state, frames)


def export_view(state: ViewState, frames: dict[str, Any]) -> mapbuild.MapView:
    """The explorer's view for an export: where the user moved the map, with the box they saw
    (an export frames that box exactly), else where the page asks the map to look."""
    seen = seen_view(EXPLORER_MAP_KEY)
    if seen is not None:
        return seen.map_view()
    center, zoom = asked_view(state, frames)
    return mapbuild.MapView((float(center[0]), float(center[1])), float(zoom))


def asked_view(state: ViewState, frames: dict[str, Any]) -> tuple[list[float], float]:
    """Where the page asks the explorer's map to look: the link's view (or a selected
    feature's), else the chosen countries fitted, else all the features fitted (as far as the
    bundled land's frame lets the map zoom out). Choosing countries in the sidebar therefore
    moves the map to them.

    The user's own moves are not asked back (``take_view`` keeps them apart): the map's
    arguments stay the same while it is panned, so a pan's rerun sends the map nothing."""
    lat, lon, zoom = st.session_state.get("view", (None, None, None))
    if lat is not None and lon is not None:
        return [lat, lon], zoom if zoom is not None else style.DEFAULT_ZOOM
    # (Not the frame's reported size: a fit that changed once the map reported it would move
    # the map under a user who had already started moving it.)
    size = EXPLORER_MAP_PX
    countries = frames.get(catalog.COUNTRIES.key)
    if state.filters.countries and countries is not None:
        chosen = countries[countries.index.isin(state.filters.countries)]
        bounds = mapbuild.largest_part_bounds(chosen.geometry)
        if bounds is not None:
            view = mapbuild.fit_bounds(bounds, size_px=size)
            return list(view.center), view.zoom
    content = {k: v for k, v in frames.items() if k != catalog.COUNTRIES.key}
    bounds = mapbuild.content_bounds(content)
    view = mapbuild.MapView() if bounds is None else mapbuild.fit_bounds(bounds, size_px=size)
    return list(view.center), zoom if zoom is not None else view.zoom


def take_click(result: dict[str, Any] | None, frames: dict[str, Any]) -> None:
    """A click on a feature selects it (without moving the map)."""
    drawing = (result or {}).get("last_active_drawing") or {}
    props = drawing.get("properties") or {}
    layer, fid = props.get("layer"), props.get("id")
    if not (isinstance(layer, str) and isinstance(fid, str)):
        return
    key = f"{layer}:{fid}"
    if key == st.session_state.get("_last_click"):
        return
    st.session_state["_last_click"] = key
    if key != st.session_state.get("selected"):
        select(key, frames, move=False)
        st.rerun()


# ---------------------------------------------------------------------------------------------
# The Routes page: link -> widgets -> link

#: The Routes page's widgets by what they hold.
ROUTE_KEYS = {
    "origin": "r_from",
    "destination": "r_to",
    "avoid": "r_avoid",
    "modes": "r_modes",
    "alternatives": "r_alt",
    "compare": "r_compare",
}
#: The choices of the Routes page's "when" control.
WHEN_NEWEST, WHEN_DATE, WHEN_PLANNED = N_("Newest date"), N_("On a date"), N_("Planned")
#: A route shown when the link names none.
DEFAULT_ROUTE = ("xian", "istanbul")


def seed_route_from_link() -> None:
    """On the Routes page's first run in a session, put the link's route into its widgets."""
    if st.session_state.get("_route_seeded"):
        return
    state, notices = links.parse_route(_link_query(), _data.vocabulary())
    ss = st.session_state
    ss["r_from"] = state.origin or DEFAULT_ROUTE[0]
    ss["r_to"] = state.destination or DEFAULT_ROUTE[1]
    ss["r_avoid"] = list(state.avoid)
    ss["r_modes"] = list(state.modes)
    ss["r_alt"] = state.alternatives
    ss["r_compare"] = state.compare
    if isinstance(state.when, date):
        ss["r_when"], ss["r_date"] = WHEN_DATE, state.when
    else:
        ss["r_when"] = WHEN_PLANNED if state.when == links.PLANNED else WHEN_NEWEST
        ss["r_date"] = min(_data.asof_max(), date(2025, 10, 7))
    ss["route_notices"] = notices
    ss["_route_seeded"] = True


def route_state() -> links.RouteState:
    """The route as the Routes page's widgets hold it now."""
    ss = st.session_state
    kind = ss.get("r_when") or WHEN_NEWEST
    when: date | str | None = None
    if kind == WHEN_PLANNED:
        when = links.PLANNED
    elif kind == WHEN_DATE:
        when = ss.get("r_date")
    return links.RouteState(
        origin=ss.get("r_from"),
        destination=ss.get("r_to"),
        when=when,
        avoid=tuple(ss.get("r_avoid", ())),
        modes=tuple(ss.get("r_modes", ())),
        alternatives=int(ss.get("r_alt") or 0),
        compare=bool(ss.get("r_compare")),
    )


def sync_route_link(state: links.RouteState) -> None:
    """Write the route into the address bar (the frame's ``sync_link`` keeps it there)."""
    for key in links.ROUTE_PARAMS:
        if key in st.query_params:
            del st.query_params[key]
    for key, value in links.route_params(state).items():
        st.query_params[key] = value


def route_notices() -> None:
    """Route values dropped from the link this page was opened with, named one by one."""
    notices = st.session_state.get("route_notices") or []
    if notices:
        st.warning(
            _("Some route parameters of the link could not be used and were dropped:")
            + "\n\n"
            + "\n".join(f"- {formatting.md_escape(str(n))}" for n in notices),
            icon=":material/link_off:",
        )
