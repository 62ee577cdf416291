"""The frame around every page: the shared filter sidebar (bound to the link) and the sources
footer. app.py draws both; the upload panel under the filters is in _user_layers.
"""

from __future__ import annotations

import streamlit as st

from app_pages import _auth, _data, _first, _lang, _state, _user_layers
from corridormap import catalog, filters, formatting, i18n, mapbuild, style
from corridormap.i18n import _
from corridormap.links import ViewState


def newest_data_note() -> str:
    """Beside an as-of picker: the newest date in the data, so a later date (today) is
    understood as "as far as the data know"."""
    newest = _data.asof_max()
    return _(
        "Newest data: {date}. A later date, up to today, shows what was true then as far as "
        "the data know."
    ).format(date=formatting.date_text(newest))


def sidebar(*, held_back: bool = False) -> ViewState:
    """The shared filter sidebar; returns the view it describes. ``held_back``: the link's
    view is in force, but the filters are drawn only once the map is (``_first.map_first``)."""
    _state.seed_from_link()
    if held_back:
        with st.sidebar:
            st.markdown("### corridormap")
            # (no language picker yet: a select box would need more of Streamlit's code than
            # the map does; the language is in force all the same)
            _auth.sidebar_control()
            _first.held_back(_("The filters and the upload panel"))
        return _state.current_state()
    frames = _data.layers().frames
    names = i18n.country_names(_data.country_names())
    legs = frames.get(catalog.CORRIDOR_LEGS.key)
    routes = sorted(legs["route"].unique()) if legs is not None else []
    with st.sidebar:
        st.markdown("### corridormap")
        _lang.picker(then=_state.hold_view)
        _auth.sidebar_control()
        st.multiselect(
            _("Countries"),
            sorted(names, key=lambda c: names[c]),
            key="f_countries",
            format_func=lambda c: f"{names.get(c, c)} ({c})",
            help=_(
                "Shows legs, pipelines and nodes that lie in or cross these countries "
                "(computed from the geometries), and these countries' own records."
            ),
            placeholder=_("All countries"),
            select_all=False,  # typing "Iran" + Enter picks Iran, not every fuzzy match
        )
        st.multiselect(
            _("Corridor"),
            catalog.CORRIDORS,
            key="f_corridor",
            format_func=lambda v: style.label(style.CORRIDOR_STYLES, v),
            placeholder=_("All corridors"),
            select_all=False,
        )
        st.multiselect(
            _("Route"),
            routes,
            key="f_route",
            format_func=style.route_label,
            placeholder=_("All routes"),
            select_all=False,
        )
        st.multiselect(
            _("Mode"),
            catalog.MODES,
            key="f_mode",
            format_func=lambda v: style.code_label("mode", v),
            placeholder=_("All modes"),
            select_all=False,
        )
        dated = bool(st.session_state.get("f_asof_on"))
        st.multiselect(
            _("Status"),
            catalog.STATUS,
            key="f_status",
            format_func=lambda v: style.label(style.STATUS_STYLES, v),
            placeholder=_("Operational on the date") if dated else _("Any status"),
            select_all=False,
            disabled=dated,
            help=_(
                "Not applied while a date is set: the map then shows what was operational "
                "on that date."
            )
            if dated
            else None,
        )
        st.toggle(
            _("Show the map as of a date"),
            key="f_asof_on",
            help=_(
                "Off: everything, including planned and under-construction projects. "
                "On: only what was operational, supplied, joined or held by the date."
            ),
        )
        st.date_input(
            _("As of"),
            key="f_asof",
            min_value=filters.ASOF_MIN,
            max_value=_data.asof_limit(),  # today too
            disabled=not st.session_state.get("f_asof_on"),
            format="YYYY-MM-DD",
        )
        st.caption(newest_data_note())
        st.multiselect(
            _("Layers"),
            catalog.layer_keys() + tuple(_user_layers.user_layers()),
            key="f_layers",
            format_func=_user_layers.layer_title,
            select_all=False,
        )
        st.selectbox(
            _("Basemap"),
            mapbuild.BASEMAP_KEYS,
            key="f_basemap",
            format_func=lambda k: _(mapbuild.basemap(k).label),
            help=_("The bundled basemap works offline; the others need a network."),
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
        _(
            "Every feature carries its own dated sources: click it for its card. "
            "Basemap: Natural Earth (public domain). Boundary policy: see the README"
            " (Crimea is shown as part of Ukraine; Northern Cyprus and Kosovo separately)."
        )
        + (
            " "
            + _("Newest source date of the features shown: {date}.").format(
                date=formatting.newest_source_text(newest)
            )
            if newest
            else ""
        )
    )
