"""Users' own layers: this session's registry of them and the sidebar panel that adds them.

They live in this session only (st.session_state), never in a cross-session cache. The
registry (``user_layers``, ``all_specs``, ``spec``, ``all_frames``, ``user_filtered``) is what
the sidebar, the map, the cards and the tables read; the upload panel writes to it.
"""

from __future__ import annotations

import logging
import math
from dataclasses import replace
from typing import Any

import pandas as pd
import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx
from streamlit.runtime.uploaded_file_manager import UploadedFile

from app_pages import _data, _lang, _upload_guard
from corridormap import catalog, filters, formatting, i18n, settings, upload
from corridormap.filters import Filters
from corridormap.i18n import N_, _, gettext

logger = logging.getLogger(__name__)

USER_LAYERS = "user_layers"


def user_layers() -> dict[str, Any]:
    """This session's own layers, ``key -> upload.UserLayer``, in the order they were added."""
    layers_: dict[str, Any] = st.session_state.setdefault(USER_LAYERS, {})
    return layers_


def all_specs() -> tuple[catalog.LayerSpec, ...]:
    """The shipped layers' specs, then this session's own layers'."""
    return catalog.LAYERS + tuple(u.spec for u in user_layers().values())


def spec(key: str) -> catalog.LayerSpec:
    """The spec of a shipped or user layer."""
    for s in all_specs():
        if s.key == key:
            return s
    raise KeyError(f"unknown layer {key!r}")


def layer_title(key: str) -> str:
    """A layer's title as the sidebar shows it: a shipped layer's in the language in force, a
    user's own as they named it."""
    s = spec(key)
    return gettext(s.title) if key in catalog.layer_keys() else s.title


def all_frames() -> dict[str, Any]:
    """Every loaded layer: the shipped ones, then this session's own."""
    return {**_data.layers().frames, **{k: u.gdf for k, u in user_layers().items()}}


def user_filtered(f: Filters) -> dict[str, Any]:
    """This session's visible own layers under ``f`` (country filter: by geometry)."""
    own = user_layers()
    chosen = set(st.session_state.get("f_layers", ()))
    visible = tuple(k for k in own if k in chosen)
    if not visible:
        return {}
    frames = {k: own[k].gdf for k in visible}
    countries = _data.layers().frames.get(catalog.COUNTRIES.key)
    crossed: dict[str, pd.Series] = st.session_state.setdefault("user_crossings", {})
    if f.countries and countries is not None:
        frames[catalog.COUNTRIES.key] = countries
        for k in visible:
            if k not in crossed:
                crossed[k] = filters.feature_countries(own[k].spec, own[k].gdf, countries)
    return filters.apply(
        frames,
        replace(f, layers=visible),
        {k: crossed[k] for k in visible if k in crossed},
        specs=[own[k].spec for k in visible],
    )


def add_user_layer(layer: Any) -> None:
    """Keep a new own layer in this session and switch it on."""
    user_layers()[layer.spec.key] = layer
    st.session_state["user_layer_count"] = st.session_state.get("user_layer_count", 0) + 1
    st.session_state["f_layers"] = [*st.session_state.get("f_layers", ()), layer.spec.key]


def remove_user_layer(key: str) -> None:
    user_layers().pop(key, None)
    st.session_state.get("user_crossings", {}).pop(key, None)
    st.session_state["f_layers"] = [k for k in st.session_state.get("f_layers", ()) if k != key]
    if (st.session_state.get("selected") or "").startswith(f"{key}:"):
        st.session_state["selected"] = None


# ---------------------------------------------------------------------------------------------
# The upload panel


def _take_upload(widget_key: str) -> None:
    """The file picker's callback: read the file (core), keep the layer in this session."""
    ss = st.session_state
    file = ss.get(widget_key)
    if not isinstance(file, UploadedFile):
        # None, or a file read and released already (Streamlit's DeletedFile: the callback
        # can run again for the picker's old value while a run is still under way): nothing
        # new to read. (Reading it was an AttributeError that stopped the app, seen in CI.)
        return
    ss["upload_round"] = ss.get("upload_round", 0) + 1  # a fresh, empty picker next run
    # A callback runs before the script (and its language) does: the problems are named in
    # the session's language.
    if _lang.KEY in ss:
        i18n.set_language(str(ss[_lang.KEY]))
    try:
        layer = upload.read_user_layer(
            file.getvalue(),
            file.name,
            index=ss.get("user_layer_count", 0),
            taken=tuple(user_layers()),
            taken_titles=tuple(layer.spec.title for layer in user_layers().values()),
            settings=settings.load_settings(),
            repair=bool(ss.get("upload_repair", True)),
        )
    except upload.DataValidationError as exc:
        logger.info("%s failed", "_take_upload", exc_info=exc)
        ss["upload_messages"] = [
            (
                "error",
                "**"
                + _("Could not add {name}").format(name=formatting.md_escape(file.name))
                + f"**\n\n{_data.problem_list(exc)}",
            )
        ]
        return
    finally:  # read: its bytes no longer count against this session's and the server's caps
        ctx = get_script_run_ctx()
        if ctx is not None:
            _upload_guard.release(ctx.session_id, file.file_id)
    add_user_layer(layer)
    report = layer.report
    messages = [
        (
            "success",
            "**"
            + _("Added {name}").format(name=formatting.md_escape(layer.spec.title))
            + "**: "
            + formatting.md_escape(report.summary()),
        )
    ]
    notes = [*(str(p) for p in report.dropped), *report.notes]
    if notes:
        shown = "\n".join(f"- {formatting.md_escape(n)}" for n in notes[:20])
        more = "\n- " + _("… and {n} more").format(n=len(notes) - 20) if len(notes) > 20 else ""
        messages.append(("warning", _("Not everything was kept:") + f"\n\n{shown}{more}"))
    ss["upload_messages"] = messages


MOVED_NOTICE = N_(
    "The server that held your session stopped, and your session started again on another. "
    "Layers you had added yourself were kept only there and are gone: add them again."
)


#: The same, short enough for a toast (the upload panel shows the whole notice).
MOVED_TOAST = N_("Your session moved to another server: layers you added yourself are gone.")


def session_moved() -> bool:
    """Whether this session is a reconnection the server could not resume: the browser's
    websocket names the session it had (Streamlit's reconnect), and this server does not hold
    it, because the replica that held it stopped (HAProxy sent the browser to another one) or
    the server restarted. The session's own layers were in the old session, and are gone.
    Decided once per session, on its first run; the user is told with a toast, and in the
    upload panel until they add a layer."""
    ss = st.session_state
    if "session_moved" not in ss:
        ctx = get_script_run_ctx()
        protocols = st.context.headers.get("Sec-Websocket-Protocol") or ""
        entries = [e.strip() for e in protocols.split(",")]
        previous = entries[2] if len(entries) >= 3 else ""
        ss["session_moved"] = bool(ctx is not None and previous and previous != ctx.session_id)
        if ss["session_moved"]:
            st.toast(_(MOVED_TOAST), icon=":material/sync_problem:", duration="long")
    return bool(ss["session_moved"])


def upload_panel() -> None:
    """The sidebar section where users add their own layers (kept in this session only)."""
    ss = st.session_state
    limits = settings.load_settings()
    # Streamlit enforces server.maxUploadSize on its upload route while the body streams in:
    # the users' limit is made the server's (app.py does it first, on every run, before this).
    _upload_guard.set_max_upload_size(limits)
    with st.sidebar:
        st.markdown("**" + _("Add your own layer") + "**")
        if session_moved() and not user_layers():
            st.warning(_(MOVED_NOTICE), icon=":material/sync_problem:")
        st.checkbox(
            _("Repair invalid geometries"),
            value=True,
            key="upload_repair",
            help=_(
                "Fix self-intersections and the like with make_valid (polygons stay "
                "polygons); without it, invalid features are dropped and named."
            ),
        )
        widget_key = f"upload_file_{ss.get('upload_round', 0)}"
        st.file_uploader(
            _("GeoJSON, GeoPackage, zipped Shapefile, KML, or CSV with lat/lon columns"),
            type=list(upload.ACCEPTED),
            key=widget_key,
            on_change=_take_upload,
            args=(widget_key,),
            max_upload_size=max(1, math.ceil(limits.max_mb)),
            help=_(
                "Up to {mb} MB, {features} features and {vertices} vertices. The layer stays in "
                "this browser session only."
            ).format(
                mb=i18n.number_text(limits.max_mb),
                features=i18n.number_text(limits.max_features, decimals=0),
                vertices=i18n.number_text(limits.max_vertices, decimals=0),
            ),
        )
        for level, text in ss.pop("upload_messages", []):
            getattr(st, level)(text)
        for key, layer in list(user_layers().items()):
            text_col, button_col = st.columns([4, 1], vertical_alignment="center")
            summary = formatting.md_escape(layer.report.summary())
            text_col.caption(f"{formatting.md_escape(layer.spec.title)} · {summary}")
            button_col.button(
                "",
                key=f"remove_{key}",
                icon=":material/delete:",
                help=_("Remove this layer"),
                on_click=remove_user_layer,
                args=(key,),
            )
