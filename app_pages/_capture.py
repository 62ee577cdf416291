""" "Add this view to a briefing": one control the Map, Routes, Gas, Country and Corridors
pages call with one line. It turns the page's current view into a scene (``capture.scene``,
a pure function) and saves it as the last scene of one of your briefings, or of a new one.

Adding a scene to someone's newer version loses nothing: when the store says another save
came first (``Conflict``), the scene is added to what is stored now and saved again.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from app_pages import _auth, _briefings, _data, _first, _state
from corridormap import capture, catalog, formatting, routing, store
from corridormap._errors import DataValidationError
from corridormap.filters import Filters
from corridormap.i18n import _

logger = logging.getLogger(__name__)

_NEW = ""  # the "new briefing" choice
_RETRIES = 3


def _target_label(summaries: dict[str, str], choice: str) -> str:
    return _("A new briefing") if choice == _NEW else summaries.get(choice, choice)


def _save(who: store.Principal, target: str, scene: dict[str, Any], new_title: str) -> str:
    """Add ``scene`` to briefing ``target`` (or a new one): its id. Raises ``StoreError`` or
    ``DataValidationError`` with what is wrong."""
    s = _briefings.the_store()
    if target == _NEW:
        doc = capture.new_document(new_title or "My briefing", scene)
        problem = _briefings.validated(doc, "new")
        if isinstance(problem, DataValidationError):
            raise problem
        return s.create(who, doc, message="created from a captured view").id
    saved = s.get(who, target)
    for _attempt in range(_RETRIES):
        doc = capture.add_scene(saved.document, scene)
        problem = _briefings.validated(doc, saved.id)
        if isinstance(problem, DataValidationError):
            raise problem
        try:
            return s.save(
                who, saved.id, doc, expected_version=saved.version, message="added a scene"
            ).id
        except store.Conflict as exc:  # someone saved first: add the scene to theirs
            saved = exc.current
    raise store.StoreError(_("The briefing kept changing while the scene was added: try again."))


def add_view(view: capture.PageView, *, key: str, note: str = "") -> None:
    """The control: a popover to pick a briefing (or name a new one), a title and a text.
    ``note``: what of the view a scene does not keep (our own words, not data)."""
    who = _briefings.actor()
    st.session_state[_briefings.LAST_VIEW] = view
    with st.popover(
        _("Add this view to a briefing"), icon=":material/playlist_add:", key=f"cap_{key}"
    ):
        if who is None:
            _auth.sign_in_prompt(_("save views to your briefings"))
            return
        try:
            summaries = {
                b.id: b.title for b in _briefings.the_store().list(who) if b.role != "reader"
            }
        except store.StoreError as exc:
            logger.warning("%s failed", "add_view", exc_info=exc)
            st.error(
                _("The briefings could not be read: {error}").format(
                    error=formatting.md_escape(str(exc))
                )
            )
            return
        target = st.selectbox(
            _("Briefing"),
            [_NEW, *summaries],
            format_func=lambda c: _target_label(summaries, c),
            key=f"cap_{key}_target",
        )
        new_title = ""
        if target == _NEW:
            new_title = st.text_input(
                _("New briefing's title"),
                key=f"cap_{key}_new",
                max_chars=200,
                placeholder=_("My briefing"),
            )
        title = st.text_input(
            _("Scene title"),
            key=f"cap_{key}_title",
            max_chars=200,
            placeholder=capture.default_title(view),
            help=_("Empty: a description of the view."),
        )
        text = st.text_area(
            _("Text (optional)"),
            key=f"cap_{key}_text",
            height=90,
            help=_("Markdown: **bold**, *italic*, lists and links (http and https)."),
        )
        if note:
            st.caption(note)
        if st.button(_("Add the scene"), key=f"cap_{key}_add", type="primary"):
            scene = capture.scene(view, title=title, text=text)
            try:
                saved_id = _save(who, target, scene, new_title.strip())
            except DataValidationError as exc:
                logger.info("%s failed", "add_view", exc_info=exc)
                _briefings.problems(exc, _("The scene could not be added"))
            except store.StoreError as exc:
                logger.warning("%s failed", "add_view", exc_info=exc)
                st.error(
                    _("The scene could not be added: {error}").format(
                        error=formatting.md_escape(str(exc))
                    )
                )
            else:
                st.session_state[f"cap_{key}_done"] = saved_id
                for field in ("title", "text", "new"):
                    st.session_state.pop(f"cap_{key}_{field}", None)
                st.rerun()
        done = st.session_state.get(f"cap_{key}_done")
        if done:
            st.success(_("Added to the briefing."), icon=":material/check:")
            st.page_link(
                _briefings.PAGE,
                label=_("Open it in Briefings"),
                icon=":material/edit_note:",
                query_params={"saved": done},
            )


# ---------------------------------------------------------------------------------------------
# One line for each page: what that page shows, as a PageView


def _selected() -> str | None:
    key = _state.parse_key(st.session_state.get("selected"))
    return f"{key[0]}:{key[1]}" if key else None


def from_map(state: Any, description: str) -> None:
    """The explorer's view: filters, where the map looks, the selected feature.

    The control's slot is there in every run, the map-first one included: an element that
    appears before the map in a later run would move the map in the page, and Streamlit would
    replace its frame (the map drawn twice)."""
    slot = st.container()
    if _first.map_first():
        return  # the first run draws the map only
    center, zoom = _state.map_view(state, _data.layers().frames)
    view = capture.PageView(
        "map",
        state.filters,
        description,
        center=(float(center[0]), float(center[1])),
        zoom=float(zoom),
        select=_selected(),
    )
    own = [k for k in state.filters.layers if k not in catalog.layer_keys()]
    note = (
        _("Your own layers stay in this session: the scene shows the shipped ones.") if own else ""
    )
    with slot:
        add_view(view, key="map", note=note)


def from_routes(plan: routing.Plan, description: str) -> None:
    """The Routes page's route: its ends, its date (none: the planned scenario), the
    countries it avoids, its modes, and today vs planned."""
    q = plan.query
    view = capture.PageView(
        "routes",
        Filters(),
        description,
        route=(q.origin, q.destination),
        route_asof=plan.asof,
        route_avoid=tuple(q.avoid),
        route_modes=tuple(q.modes),
        route_compare=_state.route_state().compare,
    )
    add_view(view, key="routes")


def from_page(page: capture.Page, f: Filters, description: str, select: str | None) -> None:
    """The Gas, Country and Corridors pages: their filters, fitted, with their selection."""
    add_view(capture.PageView(page, f, description, select=select), key=page)
