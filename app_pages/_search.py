"""The search box over every named feature, and its cached index of the shipped layers."""

from __future__ import annotations

from typing import Any

import streamlit as st

from app_pages import _data, _user_layers
from corridormap import present


def search_box(frames: dict[str, Any]) -> str | None:
    """Search every named feature; returns ``layer:id`` of a newly chosen hit."""
    del frames  # the shipped layers' index is cached per data folder
    own = _user_layers.user_layers()
    hits = _index(_data.data_dir()) + present.search_index(
        {k: u.gdf for k, u in own.items()}, [u.spec for u in own.values()]
    )
    labels = {h.key: h.label for h in hits}
    choice = st.selectbox(
        "Search",
        list(labels),
        index=None,
        key="search",
        format_func=lambda k: labels[k],
        placeholder="Search legs, nodes, pipelines, countries, summits…",
        label_visibility="collapsed",
    )
    if choice and choice != st.session_state.get("_last_search"):
        st.session_state["_last_search"] = choice
        return str(choice)
    return None


@st.cache_resource(show_spinner=False)
def _index(folder: str) -> tuple[present.SearchHit, ...]:
    del folder  # the cache key: the index of that folder's layers
    return present.search_index(_data.layers().frames)
