"""The export buttons under the explorer's map: the current view as offline HTML or PNG; and
``download``, the one way every page offers a file built when clicked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePath
from typing import Any

import streamlit as st

from app_pages import _data, _state, _user_layers
from corridormap import i18n
from corridormap.i18n import _

_MIME = {
    ".html": "text/html",
    ".png": "image/png",
    ".pdf": "application/pdf",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
}


def download(where: Any, label: str, build: Callable[[], Any], file_name: str, key: str) -> None:
    """A download button in ``where`` whose file is built only when clicked, in the session's
    language as the button is drawn (Streamlit may build it later, in another thread, where
    another language is in force); its type follows from ``file_name`` (ours, never a user's
    text)."""
    code = i18n.current()

    def in_language() -> Any:
        with i18n.language(code):
            return build()

    where.download_button(
        label,
        data=in_language,
        file_name=file_name,
        mime=_MIME[PurePath(file_name).suffix],
        key=key,
        on_click="ignore",
        icon=":material/download:",
    )


def export_buttons(state: Any, shown: dict[str, Any]) -> None:
    """Download the current view as an offline HTML map or a PNG (built only when clicked)."""
    from corridormap import export, filters, links  # noqa: PLC0415

    view_now = _state.export_view(state, _user_layers.all_frames())  # where the user looks
    selected = _state.selected_feature(_user_layers.all_frames())
    description = filters.describe(state.filters, _data.names())  # in the session's language
    view = export.ExportView(
        title=_("corridormap: the map view"),
        description=description,
        filters=state.filters,
        shown=shown,
        view=view_now,
        highlights=(selected,) if selected else (),
        link=links.query_string(state),
        specs=tuple(_user_layers.all_specs()),
        register=_data.source_register(),
    )
    frames = _data.layers().frames
    st.caption(_("Export this view · works offline: every script, font and feature inside"))
    a, b, _rest = st.columns([1, 1, 4])
    download(a, _("Map (HTML)"), lambda: export.html_view(view, frames), "corridormap-view.html",
             "export_view_html")  # fmt: skip
    download(b, _("Map (PNG)"), lambda: export.png_view(view, frames), "corridormap-view.png",
             "export_view_png")  # fmt: skip
