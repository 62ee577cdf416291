"""Briefings in the app: who acts, the store, the shipped and the saved briefings validated,
and the exports of a briefing (shared by the Briefings and the presentation pages).

A saved briefing is a document (the YAML interchange mapping) in the store; it is validated
with the rules and messages of a YAML file (``briefing.parse_document``) each time it is shown.
Its key is the store's id (random, URL- and file-name-safe): links and download file names use
the id, never the title.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import streamlit as st

from app_pages import _auth, _data, _exports, _lang
from corridormap import briefing, export, formatting, i18n, store
from corridormap._errors import DataValidationError
from corridormap.i18n import _

#: The Briefings page (a link target of the capture control and the presentation page).
PAGE = "app_pages/briefings.py"
PRESENT_PAGE = "app_pages/present.py"
#: The session key of the last view a page offered to capture (a scene's re-capture takes it).
LAST_VIEW = "cap_last_view"


def speak() -> None:
    """At the start of a widget's callback that keeps a message or writes text: the session's
    language in force for it (a callback runs before app.py puts it in force for the run)."""
    _lang.apply()


def actor() -> store.Principal | None:
    """Who acts: the signed-in user, the local user without sign-in, None when sign-in is
    configured and nobody is signed in."""
    return _auth.current_principal()


#: The key prefix of a row of buttons that stays a row on a phone (``BAR_CSS``).
BAR = "bar_"
#: Rows of buttons (a scene's, a briefing's) stay rows on a phone, where Streamlit would stack
#: every column: four full-width buttons per scene made the editor four screens long.
BAR_CSS = (
    "<style>@media (max-width: 640px) {"
    " [class*='st-key-bar_'] [data-testid='stHorizontalBlock'] { flex-wrap: nowrap !important;"
    " gap: 0.35rem !important; }"
    " [class*='st-key-bar_'] [data-testid='stColumn'] { min-width: 0 !important;"
    " width: auto !important; flex: 1 1 auto !important; }"
    " [class*='st-key-bar_'] button, [class*='st-key-bar_'] a { padding-left: 0.3rem !important;"
    " padding-right: 0.3rem !important; }"
    " [class*='st-key-bar_'] p { font-size: 0.8rem !important; } }</style>"
)
#: Who reads a shared link when nobody is signed in (the token alone grants reading).
GUEST = store.GUEST  # not signed in, holding a shared link


def person(name: str) -> str:
    """A person's name as the store gives it; the local user's, which is the product's own
    words ("You (local mode)"), in the language."""
    return _("You (local mode)") if name == store.LOCAL.name else name


def the_store() -> store.Store:
    return _data.store()


# ---------------------------------------------------------------------------------------------
# Shipped briefings (data/briefings/*.yaml): read-only


@st.cache_data(show_spinner=False, max_entries=32)
def _load(
    path: str, mtime: float, folder: str, lang: str
) -> briefing.Briefing | DataValidationError:
    # cache keys: a file edited or another data folder reloads; the problems (and the
    # scenes' notes of what is left out) are worded in the language they are read in
    del mtime, folder
    with i18n.language(lang):
        try:
            return briefing.load_briefing(Path(path), _data.vocabulary())
        except DataValidationError as exc:
            return exc


def shipped() -> dict[str, briefing.Briefing | DataValidationError]:
    """The shipped briefings by key, each loaded or the error that stopped it (its problems in
    the language in force)."""
    files = briefing.list_briefings(briefing.briefings_dir(Path(_data.data_dir())))
    lang = i18n.current()
    return {k: _load(str(p), p.stat().st_mtime, _data.data_dir(), lang) for k, p in files.items()}


def shipped_document(key: str) -> dict[str, Any] | None:
    """A shipped briefing's YAML as a document (to duplicate it into the store)."""
    path = briefing.list_briefings(briefing.briefings_dir(Path(_data.data_dir()))).get(key)
    if path is None:
        return None
    return briefing.read_document(path)


# ---------------------------------------------------------------------------------------------
# Saved briefings


def validated(doc: Mapping[str, Any], key: str) -> briefing.Briefing | DataValidationError:
    """A saved document as a briefing, or every problem it has (the YAML file's messages)."""
    try:
        return briefing.parse_document(doc, _data.vocabulary(), key)
    except DataValidationError as exc:
        return exc


def problems(err: DataValidationError, what: str) -> None:
    """A validation error as one message listing every problem (every text escaped)."""
    st.error(f"{what}:\n\n{_data.problem_list(err)}", icon=":material/error:")


# ---------------------------------------------------------------------------------------------
# Exports: the same for a shipped and a saved briefing


def downloads(b: briefing.Briefing, view: export.ExportView, frames: Any, *, key: str) -> None:
    """The HTML, PDF and PowerPoint packs of ``b`` and a PNG of its scene ``view`` (built
    when clicked).
    The file names are the briefing's key (a file stem or the store's id), never its title."""
    vocab = _data.vocabulary()

    def views() -> list[export.ExportView]:
        return export.briefing_views(
            frames, b, vocab, crossings=_data.crossings(), network=_data.network()
        )

    stem = b.key
    # one row that wraps, each button as wide as its label (columns cut the labels short)
    row = st.container(horizontal=True, wrap=True, key=f"{key}_downloads")
    _exports.download(row, _("Briefing (HTML, offline)"),
                      lambda: export.html_briefing(b, views(), frames), f"{stem}.html",
                      f"{key}_html")  # fmt: skip
    _exports.download(row, _("Briefing pack (PDF)"),
                      lambda: export.pdf_briefing(b, views(), frames), f"{stem}.pdf",
                      f"{key}_pdf")  # fmt: skip
    _exports.download(row, _("Slides (PowerPoint)"),
                      lambda: export.pptx_briefing(b, views(), frames), f"{stem}.pptx",
                      f"{key}_pptx")  # fmt: skip
    _exports.download(row, _("This scene (PNG)"), lambda: export.png_view(view, frames),
                      f"{stem}-scene-{view.link.rpartition('=')[2]}.png", f"{key}_png")  # fmt: skip


def scene_export_view(b: briefing.Briefing, scene: briefing.Scene) -> export.ExportView:
    """One scene of ``b`` as the presentation page draws and exports it."""
    return export.scene_view(
        _data.layers().frames,
        b,
        scene,
        _data.vocabulary(),
        crossings=_data.crossings(),
        network=_data.network(),
    )


def label(title: str) -> str:
    """A briefing's title for a widget label (markdown-escaped: it is user text)."""
    return formatting.md_escape(title)
