"""The explorer: every layer on one map, a legend that filters, search, a card, a linked table."""

from __future__ import annotations

import streamlit as st
from streamlit_folium import st_folium

from app_pages import (
    _a11y,
    _capture,
    _cards,
    _data,
    _exports,
    _first,
    _legend,
    _maps,
    _search,
    _state,
    _tables,
    _user_layers,
)
from corridormap import filters, mapaccess, mapbuild
from corridormap.i18n import _

state = _state.current_state()
frames = _user_layers.all_frames()  # the shipped layers and this session's own
mine = _user_layers.user_filtered(state.filters)  # this session's own layers, filtered
shown = {**_data.filtered(state.filters), **mine}

heading = filters.describe(state.filters, _data.names())
st.markdown(f"#### {heading}")
_state.link_notices()
_capture.from_map(state, heading)
_data.show_layer_errors()
# The side column (search, legend, card) comes first for the keyboard and screen readers and
# is drawn on the right (_a11y.SIDE_FIRST).
side_col, map_col = st.container(key=_a11y.SIDE_FIRST).columns([1.15, 3], gap="medium")

first = _first.map_first()  # this run draws the map and holds the rest back
with side_col:
    if first:
        _first.held_back(_("Search, the legend and the feature card"))
    else:
        _search.search_box()
        _legend.legend_filters()

selected = _state.selected_feature(frames)
center, zoom = _state.asked_view(state, frames)  # the user's own moves are not asked back

with map_col:
    drawable = _maps.can_draw()
if drawable:
    base = _maps.base_map(state.basemap)
    groups = mapbuild.overlay_groups(
        shown,
        selected,
        specs=_user_layers.all_specs(),
        collections=_data.overlay_json(state.filters),
    )
    groups.append(mapaccess.description_group(heading))
    groups.append(mapbuild.report_drawn_group())  # for _first: reruns the page when drawn
    # The shipped layers' legend is the one beside the map; users' layers have theirs on it.
    if mine:
        groups.append(mapbuild.legend_group(mine, specs=_user_layers.all_specs()))
    with map_col:
        result = st_folium(
            base,
            key=_state.EXPLORER_MAP_KEY,
            height=620,
            use_container_width=True,
            feature_group_to_add=groups,
            layer_control=mapbuild.LayerControl(collapsed=True, position="topright"),
            center=center,
            zoom=zoom,
            returned_objects=["last_active_drawing", *_state.VIEW_OBJECTS],
        )
    _state.take_view(result, _state.EXPLORER_MAP_KEY, (center, zoom))  # link, exports
    _state.take_click(result, frames)
    if state.basemap != "bundled":
        _maps.online_basemap_note()

if not first:
    with side_col:
        _cards.detail_card(frames, selected)  # a click that changed it has rerun the page
    _cards.counts(shown)  # under the map, which comes first on a phone
    st.markdown("##### " + _("What the map shows"))
    _tables.tables(shown, key="explorer")
    _exports.export_buttons(state, shown)
    _legend.status_definitions()
