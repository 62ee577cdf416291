"""The frame around every page: the shared filter sidebar (bound to the link) and the sources
footer. app.py draws both; the upload panel under the filters is in _user_layers.
"""

from __future__ import annotations

import streamlit as st

from app_pages import _auth, _data, _first, _state, _user_layers
from corridormap import catalog, filters, formatting, mapbuild, style
from corridormap.links import ViewState


def newest_data_note() -> str:
    """Beside an as-of picker: the newest date in the data, so a later date (today) is
    understood as "as far as the data know"."""
    newest = _data.asof_max()
    return (
        f"Newest data: {formatting.date_text(newest)}. A later date, up to today, shows what "
        "was true then as far as the data know."
    )


def sidebar(*, held_back: bool = False) -> ViewState:
    """The shared filter sidebar; returns the view it describes. ``held_back``: the link's
    view is in force, but the filters are drawn only once the map is (``_first.map_first``)."""
    _state.seed_from_link()
    if held_back:
        with st.sidebar:
            st.markdown("### corridormap")
            _auth.sidebar_control()
            _first.held_back("The filters and the upload panel")
        return _state.current_state()
    frames = _data.layers().frames
    names = _data.country_names()
    legs = frames.get(catalog.CORRIDOR_LEGS.key)
    routes = sorted(legs["route"].unique()) if legs is not None else []
    with st.sidebar:
        st.markdown("### corridormap")
        _auth.sidebar_control()
        st.multiselect(
            "Countries",
            sorted(names, key=lambda c: names[c]),
            key="f_countries",
            format_func=lambda c: f"{names.get(c, c)} ({c})",
            help="Shows legs, pipelines and nodes that lie in or cross these countries "
            "(computed from the geometries), and these countries' own records.",
            placeholder="All countries",
            select_all=False,  # typing "Iran" + Enter picks Iran, not every fuzzy match
        )
        st.multiselect(
            "Corridor",
            catalog.CORRIDORS,
            key="f_corridor",
            format_func=lambda v: style.label(style.CORRIDOR_STYLES, v),
            placeholder="All corridors",
            select_all=False,
        )
        st.multiselect(
            "Route",
            routes,
            key="f_route",
            format_func=style.route_label,
            placeholder="All routes",
            select_all=False,
        )
        st.multiselect(
            "Mode",
            catalog.MODES,
            key="f_mode",
            format_func=lambda v: style.MODE_LABELS.get(v, v),
            placeholder="All modes",
            select_all=False,
        )
        dated = bool(st.session_state.get("f_asof_on"))
        st.multiselect(
            "Status",
            catalog.STATUS,
            key="f_status",
            format_func=lambda v: style.label(style.STATUS_STYLES, v),
            placeholder="Operational on the date" if dated else "Any status",
            select_all=False,
            disabled=dated,
            help="Not applied while a date is set: the map then shows what was operational "
            "on that date."
            if dated
            else None,
        )
        st.toggle(
            "Show the map as of a date",
            key="f_asof_on",
            help="Off: everything, including planned and under-construction projects. "
            "On: only what was operational, supplied, joined or held by the date.",
        )
        st.date_input(
            "As of",
            key="f_asof",
            min_value=filters.ASOF_MIN,
            max_value=_data.asof_limit(),  # today too
            disabled=not st.session_state.get("f_asof_on"),
            format="YYYY-MM-DD",
        )
        st.caption(newest_data_note())
        st.multiselect(
            "Layers",
            catalog.layer_keys() + tuple(_user_layers.user_layers()),
            key="f_layers",
            format_func=lambda k: _user_layers.spec(k).title,
            select_all=False,
        )
        st.selectbox(
            "Basemap",
            mapbuild.BASEMAP_KEYS,
            key="f_basemap",
            format_func=lambda k: mapbuild.basemap(k).label,
            help="The bundled basemap works offline; the others need a network.",
        )
    state = _state.current_state()
    _state.sync_link(state)
    return state


# ---------------------------------------------------------------------------------------------
# Footer


def sources_footer() -> None:
    """The sources line under every page, with the newest source date of the features the
    filters show: the same date (the same function) as the exports of the view."""
    f = _state.current_state().filters
    own = _user_layers.user_filtered(f)
    days = [
        _data.newest_source(f),
        formatting.newest_source_date(
            own, _data.source_register(), [s for s in _user_layers.all_specs() if s.key in own]
        ),
    ]
    newest = max((d for d in days if d), default=None)
    st.divider()
    st.caption(
        "Every feature carries its own dated sources: click it for its card. "
        "Basemap: Natural Earth (public domain). Boundary policy: see the README"
        " (Crimea is shown as part of Ukraine; Northern Cyprus and Kosovo separately)."
        + (
            f" Newest source date of the features shown: {formatting.newest_source_text(newest)}."
            if newest
            else ""
        )
    )
