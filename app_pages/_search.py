"""The search box over every named feature, and its cached index of the shipped layers."""

from __future__ import annotations

import streamlit as st

from app_pages import _data, _state, _user_layers
from corridormap import formatting
from corridormap.i18n import _


def search_box() -> None:
    """Search every named feature; a chosen hit is selected and the map moves to it.

    The choice is taken in the widget's callback, which runs before the page: the view the
    page then reads is already the chosen feature's (read before, the map would land on the
    previous result).
    """
    own = _user_layers.user_layers()
    hits = _index(_data.data_dir()) + formatting.search_index(
        {k: u.gdf for k, u in own.items()}, [u.spec for u in own.values()]
    )
    labels = {h.key: h.label for h in hits}
    st.selectbox(
        _("Search"),
        list(labels),
        index=None,
        key="search",
        format_func=lambda k: labels[k],
        placeholder=_("Search legs, nodes, pipelines, countries, summits…"),
        label_visibility="collapsed",
        on_change=_take_search,
    )


def _take_search() -> None:
    choice = st.session_state.get("search")
    if choice:
        _state.select(str(choice), _user_layers.all_frames())


@st.cache_resource(show_spinner=False)
def _index(folder: str) -> tuple[formatting.SearchHit, ...]:
    del folder  # the cache key: the index of that folder's layers
    return formatting.search_index(_data.layers().frames)
