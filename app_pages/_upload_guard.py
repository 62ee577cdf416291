"""Caps on the bytes Streamlit's upload route holds: per file, per session and per server.

Streamlit keeps every file PUT to ``/_stcore/upload_file/<session>/<file>`` in memory until its
session ends; by itself it caps only each file (``server.maxUploadSize``), so 25 uploads of
19 MB held 475 MB. :func:`install` (called at the top of every run of ``app.py``, and before
the server starts by ``deploy/serve.py``) makes ``server.maxUploadSize`` the users' file limit
and wraps the runtime's uploaded-file manager so that a file that would take a session over
``session_mb`` or the server over ``server_mb`` is refused with HTTP 413 before it is kept.
:func:`release` drops a file's bytes once the upload panel has read it.

A refusal runs in the server's upload route, outside any script run, so no language is in
force there: it is said in the session's language, which each run records here
(:func:`remember_language`: the picker's or the link's choice), else in the language the
browser asks for (``Accept-Language``, negotiated as the app's first run does), English by
default.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import Any

from starlette.exceptions import HTTPException
from streamlit import config as st_config
from streamlit import runtime

from corridormap import i18n, settings
from corridormap._errors import fixed, limit
from corridormap.i18n import _

_lock = threading.Lock()
_languages_lock = threading.Lock()
_MARK = "_corridormap_capped"
#: Each live session's language, as its last run put it in force (session id -> code).
_languages: dict[str, str] = {}
#: Past this many remembered sessions, those that have ended are forgotten.
_PRUNE_AT = 256


def server_max_mb(limits: settings.Settings) -> int:
    """``server.maxUploadSize`` (whole MB) for the users' file limit."""
    return max(1, math.ceil(limits.max_mb))


def set_max_upload_size(limits: settings.Settings | None = None) -> None:
    """``server.maxUploadSize`` follows the users' file limit (Streamlit's default is 200)."""
    mb = server_max_mb(limits or settings.load_settings())
    if st_config.get_option("server.maxUploadSize") != mb:
        st_config.set_option("server.maxUploadSize", mb)


def _held(manager: Any, session_id: str) -> tuple[int, int]:
    """(bytes this session holds, bytes the server holds) in Streamlit's memory manager."""
    storage = manager.file_storage.get(session_id) or {}
    session = sum(len(f.data) for f in storage.values())
    server = sum(len(f.data) for s in list(manager.file_storage.values()) for f in s.values())
    return session, server


def accept_language(session_id: str) -> str | None:
    """The ``Accept-Language`` the session's browser sent when it connected: Streamlit hands
    the file manager the upload's bytes, not its request, and it is the same browser."""
    if not runtime.exists():
        return None
    client = runtime.get_instance().get_client(session_id)
    headers = getattr(getattr(client, "client_context", None), "headers", None) or ()
    values = [str(v) for k, v in headers if str(k).lower() == "accept-language"]
    return values[0] if values else None


def _session_exists(session_id: str) -> bool:
    return runtime.exists() and runtime.get_instance().get_client(session_id) is not None


def remember_language(session_id: str, code: str) -> None:
    """Record the language a session's run put in force, for the upload route's refusals;
    sessions that have ended are forgotten once many are remembered."""
    with _languages_lock:
        _languages[session_id] = code
        if len(_languages) > _PRUNE_AT:
            for gone in [s for s in _languages if not _session_exists(s)]:
                del _languages[gone]


def session_language(session_id: str) -> str:
    """The session's language: the one its runs put in force, else its browser's."""
    with _languages_lock:
        code = _languages.get(session_id)
    return code or i18n.negotiate(accept_language(session_id))


def cap_manager(
    manager: Any,
    limits_of: Any = settings.load_settings,
    language_of: Callable[[str], str] = session_language,
) -> None:
    """Wrap ``manager.add_file`` with the session and server caps (once per manager); a
    refusal is said in ``language_of(session_id)``."""
    if getattr(manager, _MARK, False):
        return
    original = manager.add_file

    def add_file(session_id: str, file: Any) -> None:
        limits = limits_of()
        with _lock:
            session, server = _held(manager, session_id)
            size = len(file.data)
            over_session = session + size > limits.session_bytes
            over_server = server + size > limits.server_bytes
            if not (over_session or over_server):
                original(session_id=session_id, file=file)
                return
        with i18n.language(language_of(session_id)):
            if over_session:
                detail = _(
                    "this session already holds {held} MB of uploads; the limit is {limit} MB"
                ).format(held=fixed(session / 1048576, 0), limit=limit(limits.session_mb))
            else:
                detail = _("the server holds too many uploads just now; try again shortly")
        raise HTTPException(status_code=413, detail=detail)

    manager.add_file = add_file
    setattr(manager, _MARK, True)


def install() -> None:
    """``server.maxUploadSize`` and the per-session/per-server caps, once the runtime exists."""
    set_max_upload_size()
    if runtime.exists():
        manager = runtime.get_instance().uploaded_file_mgr
        if hasattr(manager, "file_storage"):
            cap_manager(manager)


def release(session_id: str, file_id: str) -> None:
    """Forget an uploaded file's bytes (the panel has read it)."""
    if runtime.exists():
        runtime.get_instance().uploaded_file_mgr.remove_file(session_id, file_id)
