"""Briefings: your briefings, those shared with you and the shipped ones; make, edit, present
and export them. ``?saved=<id>`` opens one in the editor."""

from __future__ import annotations

import streamlit as st

from app_pages import _auth, _briefings, _library
from corridormap.i18n import _

st.markdown("#### " + _("Briefings"))
st.markdown(_briefings.BAR_CSS, unsafe_allow_html=True)  # our own CSS, no data
notice = st.session_state.pop("builder_notice", None)
if notice:
    st.success(notice, icon=":material/check:")

who = _briefings.actor()
opened = st.query_params.get("saved")
if opened:  # a shared link opens read-only for someone not signed in
    _library.editor(who or _briefings.GUEST, opened, share=st.query_params.get("share"))
    st.stop()

st.caption(
    _(
        "Build a briefing from the views you find: on the Map, Routes, Gas exports, Country "
        "and Corridors pages, **Add this view to a briefing** saves what the page shows as a "
        "scene."
    )
)
if who is None:
    _auth.sign_in_prompt(_("make and edit your own briefings"))
else:
    _library.new_and_import(who)
    _library.undo_delete(who)
    _library.mine(who)
    _library.trash(who)
_library.shipped(who)
