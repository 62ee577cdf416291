"""The session's language: the link's (``lang=tr``), else the browser's preferred language
when the product speaks it, else English; the picker at the top of the sidebar; the page's
``lang`` attribute. ``apply`` puts it in force (``corridormap.i18n``) before anything is drawn.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from datetime import date

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from app_pages import _upload_guard
from corridormap import browser, escape, i18n, links
from corridormap.i18n import _

#: Session state: the session's language (a code of ``i18n.LANGUAGES``).
KEY = "_lang"
#: The picker's widget key.
_PICKER = "w_lang"


def browser_default() -> str:
    """The language this browser asks for first among those the product speaks."""
    return i18n.negotiate(st.context.headers.get("Accept-Language"), st.context.locale)


def apply() -> str:
    """Put the session's language in force for this run (on the first run: the link's, else
    the browser's), tell the upload route (its refusals speak it too), and return it."""
    ss = st.session_state
    if KEY not in ss:
        query = {"lang": st.query_params.get_all("lang")}
        ss[KEY] = links.parse_lang(query) or browser_default()
    code: str = ss[KEY]
    i18n.set_language(code)
    ctx = get_script_run_ctx()
    if ctx is not None:
        _upload_guard.remember_language(ctx.session_id, code)
    return code


def link_value() -> str | None:
    """The language as the link writes it: none when it is English and this browser's own
    choice too (such a link opens in each reader's language), else its code."""
    code = str(st.session_state.get(KEY, i18n.DEFAULT))
    if code == i18n.DEFAULT and browser_default() == i18n.DEFAULT:
        return None
    return code


#: What a choice widget (select box, multiselect, pills, segmented control) holds: one value
#: or a list of them, as the app's code gave them as options.
_CHOICE_TYPES = (str, int, float, date)


def _is_choice(value: object) -> bool:
    if isinstance(value, bool):  # buttons, check boxes, toggles: nothing to keep
        return False
    if isinstance(value, _CHOICE_TYPES):
        return True
    return (
        isinstance(value, list | tuple)
        and bool(value)  # an empty list is also an empty file uploader's, which refuses it
        and all(isinstance(v, _CHOICE_TYPES) and not isinstance(v, bool) for v in value)
    )


def keep_choices() -> None:
    """Write every widget's choice back into the session state as the value it is.

    Streamlit keeps a select box's or a multiselect's choice by its option's label, and the
    labels are in the session's language: a change of language would otherwise drop every
    filter and every page's choice (the next run finds no option with the old label). Values
    written by the app are taken over by the widgets drawn next, in the new labels."""
    ss = st.session_state
    for key in list(ss.keys()):
        if key in (KEY, _PICKER):
            continue
        value = ss[key]
        if _is_choice(value):
            ss[key] = value


def _chosen(then: Callable[[], None] | None) -> None:
    st.session_state[KEY] = st.session_state[_PICKER]
    keep_choices()
    if then is not None:
        then()


def picker(then: Callable[[], None] | None = None) -> None:
    """The language picker (each language named in itself); ``then`` runs when a language is
    chosen (the frame keeps the map's view with it). The session's language is its default
    (not its state written beforehand: a select box first drawn in a later run, as after the
    map-first run, showed its first option then)."""
    codes = list(i18n.LANGUAGES)
    st.selectbox(
        _("Language"),
        codes,
        index=codes.index(st.session_state.get(KEY, i18n.DEFAULT)),
        key=_PICKER,
        format_func=lambda code: i18n.LANGUAGES[code],
        on_change=_chosen,
        args=(then,),
    )


@contextlib.contextmanager
def page_language(translated: bool, *, say: bool = True) -> Iterator[None]:
    """Around a page's own part: a page whose text is not translated yet runs in English
    throughout, saying so (unless not ``say``), rather than mix English sentences with
    translated words (the frame around it, navigation, sidebar and footer, speaks the
    session's language)."""
    if translated or i18n.current() == i18n.DEFAULT:
        yield
        return
    if say:
        st.caption(_("This page is not translated yet: it is shown in English."))
    with i18n.language(i18n.DEFAULT):
        yield


def streamlit_words() -> dict[str, str]:
    """Streamlit's own words in its file uploader, in the session's language (it writes them
    in English; ``static/uploader-words.js`` puts these in their place, as text)."""
    return {
        "upload": _("Upload"),
        "addFiles": _("Add files"),
        "dropFile": _("Drag and drop a file here"),
        "dropFiles": _("Drag and drop files here"),
        "perFile": _("{size} per file"),
        "tooLarge": _("File must be {size} or smaller."),
        "notAllowed": _("{type} files are not allowed."),
        "tooSmall": _("File size is too small."),
        "onlyOne": _("Only one file is allowed."),
        "unexpected": _("Unexpected error. Please try again."),
    }


def page_attribute() -> None:
    """The page's ``lang`` attribute, for screen readers and the browser's own tools (the code
    is one of ``i18n.LANGUAGES``: never text from the link), and Streamlit's own uploader
    words in the same language (:func:`streamlit_words`, as JSON options of the package's
    browser code; an English page that never spoke another language does nothing)."""
    code = i18n.current()
    words = browser.browser_code("uploader-words.js")
    options = {"words": streamlit_words(), "english": code == i18n.DEFAULT}
    script = (
        "<script>(function () {\n"
        f"document.documentElement.lang = {escape.script_json(code)};\n"
        f"{words}cmUploaderWords({escape.script_json(options)});\n"
        "})();</script>"
    )
    st.html(script, unsafe_allow_javascript=True)
