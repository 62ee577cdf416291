"""The export buttons under the explorer's map: the current view as offline HTML or PNG."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import _data, _state, _user_layers


def export_buttons(state: Any, shown: dict[str, Any]) -> None:
    """Download the current view as an offline HTML map or a PNG (built only when clicked)."""
    from corridormap import export, filters, links  # noqa: PLC0415

    view_now = _state.export_view(state, _user_layers.all_frames())  # where the user looks
    selected = _state.selected_feature(_user_layers.all_frames())
    view = export.ExportView(
        title="corridormap: the map view",
        description=filters.describe(state.filters, _data.names()),
        filters=state.filters,
        shown=shown,
        view=view_now,
        highlights=(selected,) if selected else (),
        link=links.query_string(state),
        specs=tuple(_user_layers.all_specs()),
        register=_data.source_register(),
    )
    frames = _data.layers().frames
    st.caption("Export this view · works offline: every script, font and feature inside")
    a, b, _ = st.columns([1, 1, 4])
    a.download_button(
        "Map (HTML)",
        data=lambda: export.html_view(view, frames),
        file_name="corridormap-view.html",
        mime="text/html",
        key="export_view_html",
        on_click="ignore",
        icon=":material/download:",
    )
    b.download_button(
        "Map (PNG)",
        data=lambda: export.png_view(view, frames),
        file_name="corridormap-view.png",
        mime="image/png",
        key="export_view_png",
        on_click="ignore",
        icon=":material/download:",
    )
