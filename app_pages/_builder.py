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
from corridormap import briefing, capture, filters, formatting, i18n, links, store, style
from corridormap._errors import DataValidationError
from corridormap.i18n import _

logger = logging.getLogger(__name__)

LAST_VIEW = _briefings.LAST_VIEW
_EPOCH = "draft_epoch"


def when(t: datetime) -> str:
    """A time as a briefer reads it, in the language: 4 Dec 2026, 15:13 UTC."""
    return _("{date}, {time} UTC").format(date=i18n.date_text(t.date()), time=f"{t:%H:%M}")


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
    _briefings.speak()
    sync(d, d["id"])
    d["doc"]["scenes"] = capture.moved(d["doc"]["scenes"], index, delta)
    _bump(d)


def _remove(d: dict[str, Any], index: int) -> None:
    _briefings.speak()
    sync(d, d["id"])
    scenes = list(d["doc"]["scenes"])
    del scenes[index]
    d["doc"]["scenes"] = scenes
    _bump(d)


def _recapture(d: dict[str, Any], index: int) -> None:
    _briefings.speak()
    view = st.session_state.get(LAST_VIEW)
    if isinstance(view, capture.PageView):
        sync(d, d["id"])
        scenes = list(d["doc"]["scenes"])
        scenes[index] = capture.recapture(_mapping(scenes[index]), view)
        d["doc"]["scenes"] = scenes
        _bump(d)


def _feature(ref: Any) -> str:
    """A highlight (``layer:id``) by the feature's name, when the layers know it."""
    layer, _sep, fid = str(ref).partition(":")
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
    name = ends
    if network is not None and pair is not None:
        name = f"{network.places[pair[0]].name} → {network.places[pair[1]].name}"
    parts = [_("the route {name}").format(name=name)]
    opts = options or {}
    when_ = opts.get("when")
    if when_:
        parts.append(_when(str(when_)))
    avoid, modes = opts.get("avoid"), opts.get("modes")
    if isinstance(avoid, list) and avoid:
        parts.append(_("avoiding {countries}").format(countries=", ".join(map(str, avoid))))
    if isinstance(modes, list) and modes:
        names = ", ".join(style.code_label("mode", str(m)).lower() for m in modes)
        parts.append(_("by {modes}").format(modes=names))
    if opts.get("compare") is True:
        parts.append(_("today vs planned"))
    return ", ".join(parts)


def _when(value: str) -> str:
    """A route's date (``YYYY-MM-DD``) in the language, or its planned network."""
    if value == "planned":
        return _("planned")
    try:
        return i18n.date_text(datetime.strptime(value, "%Y-%m-%d").date())
    except ValueError:
        return value


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
        parts.append(
            _("the map on {lat}, {lon} at zoom {zoom}").format(
                lat=lat, lon=lon, zoom=view.get("zoom")
            )
        )
    else:
        parts.append(_("the map fitted to what it shows"))
    if scene.get("highlight"):
        features = ", ".join(_feature(h) for h in scene["highlight"])
        parts.append(_("highlight: {features}").format(features=features))
    show = scene.get("show")
    if isinstance(show, str):
        shown = briefing.SHOW.get(show)
        parts.append(_(shown) if shown else _route(show))
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
        _("Up"),
        key=f"ed_{id_}_{gen}_s{index}_up",
        icon=":material/arrow_upward:",
        on_click=_move,
        args=(d, index, -1),
        disabled=index == 0,
        width="stretch",
    )
    down.button(
        _("Down"),
        key=f"ed_{id_}_{gen}_s{index}_down",
        icon=":material/arrow_downward:",
        on_click=_move,
        args=(d, index, 1),
        disabled=index == total - 1,
        width="stretch",
    )
    again.button(
        _("Re-capture"),
        key=f"ed_{id_}_{gen}_s{index}_again",
        icon=":material/center_focus_strong:",
        on_click=_recapture,
        args=(d, index),
        disabled=not isinstance(last, capture.PageView),
        help=(
            _("Give this scene the view last shown: {view}").format(view=last.description)
            if isinstance(last, capture.PageView)
            else _(
                "Open the Map, Routes, Gas, Country or Corridors page first: the view it "
                "shows is the one taken."
            )
        ),
        width="stretch",
    )
    drop.button(
        _("Remove"),
        key=f"ed_{id_}_{gen}_s{index}_remove",
        icon=":material/delete:",
        on_click=_remove,
        args=(d, index),
        disabled=total <= 1,
        help=_("A briefing keeps at least one scene.") if total <= 1 else None,
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
        head.markdown(
            "**" + _("Scene {number} of {total}").format(number=index + 1, total=total) + "**"
        )
        if editable:
            with buttons.container(key=f"{_briefings.BAR}scene_{id_}_{gen}_{index}"):
                _controls(d, index, total, id_=id_)
        edit_col, preview_col = st.columns([1, 1], gap="medium")
        with edit_col:
            title = st.text_input(
                _("Title"),
                value=str(scene.get("title") or ""),
                key=f"ed_{id_}_{gen}_s{index}_title",
                max_chars=store.MAX_TITLE,
                disabled=not editable,
            )
            text = st.text_area(
                _("Text"),
                value=str(scene.get("text") or ""),
                key=f"ed_{id_}_{gen}_s{index}_text",
                height=150,
                disabled=not editable,
                help=_(
                    "Markdown: **bold**, *italic*, line breaks. Links, images and HTML are "
                    "shown as text."
                ),
            )
        if editable:
            scenes[index] = {**scene, "title": title, "text": text}
        with preview_col:
            st.caption(_("Preview"))
            st.markdown(f"#### {formatting.md_escape(title)}" if title.strip() else "#### …")
            st.markdown(formatting.md_body(text))
            st.caption(formatting.md_escape(_what_it_shows(scene)))


# ---------------------------------------------------------------------------------------------
# Saving, and a save that came second


def save(who: store.Principal, saved: store.SavedBriefing, d: dict[str, Any], msg: str) -> None:
    """Validate the draft and save it as a new revision; a conflict is kept in the draft."""
    checked = _briefings.validated(d["doc"], saved.id)
    if isinstance(checked, DataValidationError):
        _briefings.problems(checked, _("Not saved: the briefing has problems"))
        return
    try:
        new = _briefings.the_store().save(
            who, saved.id, d["doc"], expected_version=d["version"], message=msg or _("saved")
        )
    except store.Conflict as exc:
        d["conflict"] = exc.current
        st.rerun()
    except store.StoreError as exc:
        logger.warning("%s failed", "save", exc_info=exc)
        st.error(
            _("Not saved: {error}").format(error=formatting.md_escape(str(exc))),
            icon=":material/error:",
        )
        return
    drop_draft(saved.id)
    st.session_state["builder_notice"] = _("Saved as revision {number}.").format(
        number=new.revision
    )
    st.rerun()


def _first_saver(who: store.Principal, current: store.SavedBriefing) -> str:
    try:
        revisions = _briefings.the_store().revisions(who, current.id)
    except store.StoreError as exc:
        logger.warning("%s failed", "_first_saver", exc_info=exc)
        return _("Someone")
    return _briefings.person(revisions[0].author_name) if revisions else _("Someone")


def conflict(who: store.Principal, saved: store.SavedBriefing, d: dict[str, Any]) -> None:
    """Someone saved first: say who and when, and offer merge, a copy or discard."""
    theirs: store.SavedBriefing = d["conflict"]
    by = _first_saver(who, theirs)
    st.warning(
        _(
            "**{name} saved this briefing first** (revision {number}, {date}) while you were "
            "editing it. Your changes are not saved yet: merge them into theirs, save yours as "
            "a copy, or discard yours."
        ).format(name=formatting.md_escape(by), number=theirs.revision, date=when(theirs.updated)),
        icon=":material/sync_problem:",
    )
    merge_col, copy_col, drop_col, _space = st.columns([1, 1.3, 1, 2])
    if merge_col.button(_("Merge"), key="conflict_merge", icon=":material/merge:", type="primary"):
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
    if copy_col.button(_("Save mine as a copy"), key="conflict_copy", icon=":material/file_copy:"):
        doc = dict(d["doc"])
        doc["title"] = _copy_title(str(doc.get("title") or ""))
        try:
            new = _briefings.the_store().create(who, doc, message=_("a copy of an unsaved edit"))
        except store.StoreError as exc:
            logger.warning("%s failed", "conflict", exc_info=exc)
            st.error(_("Not saved: {error}").format(error=formatting.md_escape(str(exc))))
            return
        drop_draft(saved.id)
        st.session_state["builder_notice"] = _("Your version was saved as a copy.")
        st.query_params["saved"] = new.id
        st.rerun()
    if drop_col.button(_("Discard mine"), key="conflict_discard", icon=":material/undo:"):
        drop_draft(saved.id)
        st.rerun()


def _copy_title(title: str) -> str:
    mine = _("{title} (my copy)")
    return mine.format(title=title[: store.MAX_TITLE - len(mine.format(title=""))])


def clashes(d: dict[str, Any]) -> None:
    """What a merge could not take from both sides (theirs kept), until the next save."""
    if "clashes" not in d:
        return
    lines = d["clashes"]
    left = (
        _("Check it and save.")
        if d["doc"] != d["base"]
        else _("Nothing of yours is left to save: the briefing is as they saved it.")
    )
    if lines:
        st.info(
            _("Merged. Where you both changed the same thing, their version was kept:")
            + "\n\n"
            + "\n".join(f"- {formatting.md_escape(line)}" for line in lines)
            + f"\n\n{left}",
            icon=":material/merge:",
        )
    else:
        st.info(_("Merged: your changes and theirs did not overlap.") + f" {left}")


# ---------------------------------------------------------------------------------------------
# Revisions


def revisions(who: store.Principal, saved: store.SavedBriefing, *, editable: bool) -> None:
    """The revisions, newest first; one compared with the current version, or restored."""
    s = _briefings.the_store()
    try:
        items = s.revisions(who, saved.id)
    except store.StoreError as exc:
        logger.warning("%s failed", "revisions", exc_info=exc)
        st.error(
            _("The revisions could not be read: {error}").format(
                error=formatting.md_escape(str(exc))
            )
        )
        return
    rows = [
        {
            _("Revision"): r.number,
            _("Saved"): when(r.created),
            _("By"): _briefings.person(r.author_name),
            _("What"): r.message,
            _("Title"): r.title,
            _("Scenes"): r.scenes,
        }
        for r in items
    ]
    st.dataframe(rows, hide_index=True, width="stretch", placeholder=formatting.MISSING)
    older = [r.number for r in items if r.number != saved.revision]
    if not older:
        st.caption(_("Only one revision so far."))
        return
    pick = st.selectbox(
        _("Compare a revision with the current one"),
        older,
        format_func=lambda n: _("Revision {number}").format(number=n),
        key=f"rev_pick_{saved.id}",
    )
    old = s.revision(who, saved.id, int(pick))
    lines = store.diff_documents(
        old,
        saved.document,
        old_name=_("revision {number}").format(number=pick),
        new_name=_("revision {number}").format(number=saved.revision),
    )
    st.code("\n".join(lines) or _("(no difference)"), language="diff")
    if editable and st.button(
        _("Restore revision {number}").format(number=pick),
        key=f"rev_restore_{saved.id}",
        icon=":material/history:",
    ):
        try:
            new = s.restore_revision(who, saved.id, int(pick), expected_version=saved.version)
        except store.StoreError as exc:
            logger.warning("%s failed", "revisions", exc_info=exc)
            st.error(_("Not restored: {error}").format(error=formatting.md_escape(str(exc))))
            return
        drop_draft(saved.id)
        st.session_state["builder_notice"] = _("Revision {old} restored as revision {new}.").format(
            old=pick, new=new.revision
        )
        st.rerun()
