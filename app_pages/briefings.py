"""Briefings: your briefings, those shared with you and the shipped ones; make, edit, present
and export them. ``?saved=<id>`` opens one in the editor."""

from __future__ import annotations

import streamlit as st

from app_pages import _briefings, _library

st.markdown("#### Briefings")
notice = st.session_state.pop("builder_notice", None)
if notice:
    st.success(notice, icon=":material/check:")

who = _briefings.actor()
opened = st.query_params.get("saved")
if opened and who is not None:
    _library.editor(who, opened, share=st.query_params.get("share"))
    st.stop()

st.caption(
    "Build a briefing from the views you find: on the Map, Routes, Gas exports, Country and "
    "Corridors pages, **Add this view to a briefing** saves what the page shows as a scene."
)
if who is None:
    st.info("Sign in to make and edit your own briefings.", icon=":material/login:")
else:
    _library.new_and_import(who)
    _library.undo_delete(who)
    _library.mine(who)
    _library.trash(who)
_library.shipped(who)
