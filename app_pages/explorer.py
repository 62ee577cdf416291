"""The explorer: every layer on one map, a legend that filters, search, a card, a linked table."""

from __future__ import annotations

import folium
import streamlit as st
from streamlit_folium import st_folium

from app_pages import _common, _widgets
from corridormap import filters, mapbuild

state = _common.current_state()
frames = _common.all_frames()  # the shipped layers and this session's own
shown = {**_common.filtered(state.filters), **_common.user_filtered(state.filters)}

st.markdown(f"#### {filters.describe(state.filters, _common.names())}")
_common.link_notices()
_common.show_layer_errors()
_widgets.counts(shown)

map_col, side_col = st.columns([3, 1.15], gap="medium")

with side_col:
    hit = _widgets.search_box(frames)
    if hit is not None:
        _common.select(hit, frames)
    _widgets.legend_filters()

selected = _common.selected_feature(frames)
center, zoom = _common.map_view(state, frames)

with map_col:
    base = _common.base_map(state.basemap)
    groups = mapbuild.overlay_groups(
        shown,
        selected,
        specs=_common.all_specs(),
        collections=_common.overlay_json(state.filters),
    )
    result = st_folium(
        base,
        key="explorer_map",
        height=620,
        use_container_width=True,
        feature_group_to_add=groups,
        layer_control=folium.LayerControl(collapsed=True, position="topright"),
        center=center,
        zoom=zoom,
        returned_objects=["last_active_drawing"],
    )
    _common.take_click(result, frames)

with side_col:
    _widgets.detail_card(frames, _common.selected_feature(frames))

st.markdown("##### What the map shows")
_widgets.tables(shown, key="explorer")
_widgets.export_buttons(state, shown)
_widgets.status_definitions()
