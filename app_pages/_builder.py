"""The briefing editor of the Briefings page: a saved briefing's title, description and scenes
(title, text with a preview, order, view), saved as a new revision; revisions compared and
restored; a save that came second is told and offered merge, copy or discard.

The draft lives in the session (``st.session_state``) until saved: the store's version it
started from (for the optimistic lock) and the document as edited. Widget keys carry a
generation number that moves when scenes are reordered, removed or re-captured, so that every
field shows its scene's value afresh.
"""

from __future__ import annotations

import copy
import logging
from datetime import datetime
from typing import Any

import streamlit as st

from app_pages import _briefings, _data
from corridormap import briefing, capture, filters, formatting, links, store
from corridormap._errors import DataValidationError

logger = logging.getLogger(__name__)

LAST_VIEW = _briefings.LAST_VIEW
_EPOCH = "draft_epoch"


def when(t: datetime) -> str:
    """A time as a briefer reads it: 4 Dec 2026, 15:13 UTC."""
    return f"{t.day} {t:%b %Y, %H:%M} UTC"


def _key(id_: str) -> str:
    return f"draft_{id_}"


def draft(saved: store.SavedBriefing) -> dict[str, Any]:
    """The session's draft of ``saved``: started from what is stored, kept across reruns
    (and across a newer version stored meanwhile: the save then tells)."""
    d = st.session_state.get(_key(saved.id))
    if d is None:
        d = {
            "id": saved.id,
            "version": saved.version,
            "base": copy.deepcopy(saved.document),
            "doc": copy.deepcopy(saved.document),
            "gen": st.session_state.get(_EPOCH, 0) * 1000,
            "conflict": None,
        }
        st.session_state[_key(saved.id)] = d
    return d


def drop_draft(id_: str) -> None:
    """Forget the draft; the next one's fields start afresh (new widget keys)."""
    st.session_state.pop(_key(id_), None)
    st.session_state[_EPOCH] = st.session_state.get(_EPOCH, 0) + 1


def _bump(d: dict[str, Any]) -> None:
    d["gen"] += 1


def sync(d: dict[str, Any], id_: str) -> None:
    """Take what the fields hold now into the draft (a button's callback runs before the page
    reads its fields again: text typed just before a click is not lost)."""
    ss = st.session_state
    scenes = d["doc"]["scenes"]
    for i in range(len(scenes)):
        for field in ("title", "text"):
            value = ss.get(f"ed_{id_}_{d['gen']}_s{i}_{field}")
            if isinstance(value, str):
                scenes[i] = {**_mapping(scenes[i]), field: value}
    for field in ("title", "description"):
        value = ss.get(f"ed_{id_}_{d['gen']}_b_{field}")
        if isinstance(value, str) and (value.strip() or field == "title"):
            d["doc"][field] = value
        elif isinstance(value, str):
            d["doc"].pop(field, None)  # an empty description is none (as the editor keeps it)


def _mapping(scene: Any) -> dict[str, Any]:
    """A scene as a mapping (a stored one that is not is edited as an empty one; its problem
    is listed until then)."""
    return dict(scene) if isinstance(scene, dict) else {}


def _move(d: dict[str, Any], index: int, delta: int) -> None:
    sync(d, d["id"])
    d["doc"]["scenes"] = capture.moved(d["doc"]["scenes"], index, delta)
    _bump(d)


def _remove(d: dict[str, Any], index: int) -> None:
    sync(d, d["id"])
    scenes = list(d["doc"]["scenes"])
    del scenes[index]
    d["doc"]["scenes"] = scenes
    _bump(d)


def _recapture(d: dict[str, Any], index: int) -> None:
    view = st.session_state.get(LAST_VIEW)
    if isinstance(view, capture.PageView):
        sync(d, d["id"])
        scenes = list(d["doc"]["scenes"])
        scenes[index] = capture.recapture(_mapping(scenes[index]), view)
        d["doc"]["scenes"] = scenes
        _bump(d)


def _feature(ref: Any) -> str:
    """A highlight (``layer:id``) by the feature's name, when the layers know it."""
    layer, _, fid = str(ref).partition(":")
    frame = _data.layers().frames.get(layer)
    if frame is not None and fid in frame.index and "name" in frame.columns:
        return str(frame.loc[fid, "name"])
    return str(ref)


def _route(show: str, options: dict[str, Any] | None = None) -> str:
    """A route (``FROM-TO`` or ``route:FROM-TO``) by its places' names, when the network
    knows them, with a scene's route options (when, avoid, modes, compare)."""
    network = _data.network()
    ends = show.removeprefix(briefing.ROUTE_SHOW)
    pair = None if network is None else links.split_route(ends, frozenset(network.places))
    text = f"the route {ends}"
    if network is not None and pair is not None:
        text = f"the route {network.places[pair[0]].name} → {network.places[pair[1]].name}"
    opts = options or {}
    if opts.get("when"):
        text += f", {opts['when']}"
    for key, word in (("avoid", "avoiding"), ("modes", "by")):
        if isinstance(opts.get(key), list) and opts[key]:
            text += f", {word} " + ", ".join(str(v) for v in opts[key])
    if opts.get("compare") is True:
        text += ", today vs planned"
    return text


def _what_it_shows(scene: dict[str, Any]) -> str:
    """One line for a scene's view (filters, map, what it shows) as plain text."""
    raw = scene.get("filters")
    params = {
        str(k): tuple(str(x) for x in (v if isinstance(v, list) else [v]))
        for k, v in (raw.items() if isinstance(raw, dict) else ())
    }  # as a link would say them: what cannot apply is left out, as in a link
    parsed = briefing.Scene(0, "", "", params)
    f = briefing.scene_filters(parsed, _data.vocabulary())
    parts = [filters.describe(f, _data.names())]
    view = scene.get("view") if isinstance(scene.get("view"), dict) else {}
    center = view.get("center")
    if isinstance(center, list) and len(center) == 2:
        lat, lon = center
        parts.append(f"the map on {lat}, {lon} at zoom {view.get('zoom')}")
    else:
        parts.append("the map fitted to what it shows")
    if scene.get("highlight"):
        parts.append("highlight: " + ", ".join(_feature(h) for h in scene["highlight"]))
    show = scene.get("show")
    if isinstance(show, str):
        parts.append(briefing.SHOW.get(show) or _route(show))
    route = scene.get("route")
    if isinstance(route, dict):
        parts.append(_route(f"{route.get('from')}-{route.get('to')}", route))
    return " · ".join(parts)


def _controls(d: dict[str, Any], index: int, total: int, *, id_: str) -> None:
    """A scene's buttons: up, down, re-capture its view, remove."""
    gen = d["gen"]
    last = st.session_state.get(LAST_VIEW)
    up, down, again, drop = st.columns([1, 1, 1.7, 1.1])
    up.button(
        "Up",
        key=f"ed_{id_}_{gen}_s{index}_up",
        icon=":material/arrow_upward:",
        on_click=_move,
        args=(d, index, -1),
        disabled=index == 0,
        width="stretch",
    )
    down.button(
        "Down",
        key=f"ed_{id_}_{gen}_s{index}_down",
        icon=":material/arrow_downward:",
        on_click=_move,
        args=(d, index, 1),
        disabled=index == total - 1,
        width="stretch",
    )
    again.button(
        "Re-capture",
        key=f"ed_{id_}_{gen}_s{index}_again",
        icon=":material/center_focus_strong:",
        on_click=_recapture,
        args=(d, index),
        disabled=not isinstance(last, capture.PageView),
        help=(
            f"Give this scene the view last shown: {last.description}"
            if isinstance(last, capture.PageView)
            else "Open the Map, Routes, Gas, Country or Corridors page first: the view it "
            "shows is the one taken."
        ),
        width="stretch",
    )
    drop.button(
        "Remove",
        key=f"ed_{id_}_{gen}_s{index}_remove",
        icon=":material/delete:",
        on_click=_remove,
        args=(d, index),
        disabled=total <= 1,
        help="A briefing keeps at least one scene." if total <= 1 else None,
        width="stretch",
    )


def scene_editor(d: dict[str, Any], index: int, *, id_: str, editable: bool) -> None:
    """One scene: its number and buttons; title and text beside the text's preview."""
    scenes = d["doc"]["scenes"]
    scene = _mapping(scenes[index])
    gen = d["gen"]
    total = len(scenes)
    with st.container(border=True, key=f"scene_{id_}_{gen}_{index}"):
        head, buttons = st.columns([1, 2.4], vertical_alignment="center")
        head.markdown(f"**Scene {index + 1} of {total}**")
        if editable:
            with buttons.container(key=f"{_briefings.BAR}scene_{id_}_{gen}_{index}"):
                _controls(d, index, total, id_=id_)
        edit_col, preview_col = st.columns([1, 1], gap="medium")
        with edit_col:
            title = st.text_input(
                "Title",
                value=str(scene.get("title") or ""),
                key=f"ed_{id_}_{gen}_s{index}_title",
                max_chars=store.MAX_TITLE,
                disabled=not editable,
            )
            text = st.text_area(
                "Text",
                value=str(scene.get("text") or ""),
                key=f"ed_{id_}_{gen}_s{index}_text",
                height=150,
                disabled=not editable,
                help="Markdown: **bold**, *italic*, line breaks. Links, images and HTML are "
                "shown as text.",
            )
        if editable:
            scenes[index] = {**scene, "title": title, "text": text}
        with preview_col:
            st.caption("Preview")
            st.markdown(f"#### {formatting.md_escape(title)}" if title.strip() else "#### …")
            st.markdown(formatting.md_body(text))
            st.caption(formatting.md_escape(_what_it_shows(scene)))


# ---------------------------------------------------------------------------------------------
# Saving, and a save that came second


def save(who: store.Principal, saved: store.SavedBriefing, d: dict[str, Any], msg: str) -> None:
    """Validate the draft and save it as a new revision; a conflict is kept in the draft."""
    checked = _briefings.validated(d["doc"], saved.id)
    if isinstance(checked, DataValidationError):
        _briefings.problems(checked, "Not saved: the briefing has problems")
        return
    try:
        new = _briefings.the_store().save(
            who, saved.id, d["doc"], expected_version=d["version"], message=msg or "saved"
        )
    except store.Conflict as exc:
        d["conflict"] = exc.current
        st.rerun()
    except store.StoreError as exc:
        logger.warning("%s failed", "save", exc_info=exc)
        st.error(f"Not saved: {formatting.md_escape(str(exc))}", icon=":material/error:")
        return
    drop_draft(saved.id)
    st.session_state["builder_notice"] = f"Saved as revision {new.revision}."
    st.rerun()


def _first_saver(who: store.Principal, current: store.SavedBriefing) -> str:
    try:
        revisions = _briefings.the_store().revisions(who, current.id)
    except store.StoreError as exc:
        logger.warning("%s failed", "_first_saver", exc_info=exc)
        return "Someone"
    return revisions[0].author_name if revisions else "Someone"


def conflict(who: store.Principal, saved: store.SavedBriefing, d: dict[str, Any]) -> None:
    """Someone saved first: say who and when, and offer merge, a copy or discard."""
    theirs: store.SavedBriefing = d["conflict"]
    by = _first_saver(who, theirs)
    st.warning(
        f"**{formatting.md_escape(by)} saved this briefing first** (revision {theirs.revision}, "
        f"{when(theirs.updated)}) while you were editing it. Your changes are not saved yet: "
        "merge them into theirs, save yours as a copy, or discard yours.",
        icon=":material/sync_problem:",
    )
    merge_col, copy_col, drop_col, _ = st.columns([1, 1.3, 1, 2])
    if merge_col.button("Merge", key="conflict_merge", icon=":material/merge:", type="primary"):
        merged, clashes = store.merge_documents(d["base"], d["doc"], theirs.document)
        st.session_state[_key(saved.id)] = {
            "id": saved.id,
            "version": theirs.version,
            "base": copy.deepcopy(theirs.document),
            "doc": merged,
            "gen": d["gen"] + 1,
            "conflict": None,
            "clashes": clashes,
        }
        st.rerun()
    if copy_col.button("Save mine as a copy", key="conflict_copy", icon=":material/file_copy:"):
        doc = dict(d["doc"])
        doc["title"] = _copy_title(str(doc.get("title") or ""))
        try:
            new = _briefings.the_store().create(who, doc, message="a copy of an unsaved edit")
        except store.StoreError as exc:
            logger.warning("%s failed", "conflict", exc_info=exc)
            st.error(f"Not saved: {formatting.md_escape(str(exc))}")
            return
        drop_draft(saved.id)
        st.session_state["builder_notice"] = "Your version was saved as a copy."
        st.query_params["saved"] = new.id
        st.rerun()
    if drop_col.button("Discard mine", key="conflict_discard", icon=":material/undo:"):
        drop_draft(saved.id)
        st.rerun()


def _copy_title(title: str) -> str:
    suffix = " (my copy)"
    return title[: store.MAX_TITLE - len(suffix)] + suffix


def clashes(d: dict[str, Any]) -> None:
    """What a merge could not take from both sides (theirs kept), until the next save."""
    if "clashes" not in d:
        return
    lines = d["clashes"]
    left = (
        "Check it and save."
        if d["doc"] != d["base"]
        else "Nothing of yours is left to save: the briefing is as they saved it."
    )
    if lines:
        st.info(
            "Merged. Where you both changed the same thing, their version was kept:\n\n"
            + "\n".join(f"- {formatting.md_escape(line)}" for line in lines)
            + f"\n\n{left}",
            icon=":material/merge:",
        )
    else:
        st.info(f"Merged: your changes and theirs did not overlap. {left}")


# ---------------------------------------------------------------------------------------------
# Revisions


def revisions(who: store.Principal, saved: store.SavedBriefing, *, editable: bool) -> None:
    """The revisions, newest first; one compared with the current version, or restored."""
    s = _briefings.the_store()
    try:
        items = s.revisions(who, saved.id)
    except store.StoreError as exc:
        logger.warning("%s failed", "revisions", exc_info=exc)
        st.error(f"The revisions could not be read: {formatting.md_escape(str(exc))}")
        return
    rows = [
        {
            "Revision": r.number,
            "Saved": when(r.created),
            "By": r.author_name,
            "What": r.message,
            "Title": r.title,
            "Scenes": r.scenes,
        }
        for r in items
    ]
    st.dataframe(rows, hide_index=True, width="stretch", placeholder=formatting.MISSING)
    older = [r.number for r in items if r.number != saved.revision]
    if not older:
        st.caption("Only one revision so far.")
        return
    pick = st.selectbox(
        "Compare a revision with the current one",
        older,
        format_func=lambda n: f"Revision {n}",
        key=f"rev_pick_{saved.id}",
    )
    old = s.revision(who, saved.id, int(pick))
    lines = store.diff_documents(
        old, saved.document, old_name=f"revision {pick}", new_name=f"revision {saved.revision}"
    )
    st.code("\n".join(lines) or "(no difference)", language="diff")
    if editable and st.button(
        f"Restore revision {pick}", key=f"rev_restore_{saved.id}", icon=":material/history:"
    ):
        try:
            new = s.restore_revision(who, saved.id, int(pick), expected_version=saved.version)
        except store.StoreError as exc:
            logger.warning("%s failed", "revisions", exc_info=exc)
            st.error(f"Not restored: {formatting.md_escape(str(exc))}")
            return
        drop_draft(saved.id)
        st.session_state["builder_notice"] = f"Revision {pick} restored as revision {new.revision}."
        st.rerun()
