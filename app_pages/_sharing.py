"""Who else may see a saved briefing: the owner's sharing panel (a read-only link, named
editors by e-mail address) and, for everyone else, a line saying whose it is and what they
may do with it.

Every change goes through the store with the current principal; the store enforces the rules
(only the owner shares; ``Forbidden``/``NotFound`` otherwise). This panel only shows them.
"""

from __future__ import annotations

import logging
import re
from typing import Final
from urllib.parse import urlencode, urlsplit, urlunsplit

import streamlit as st

from app_pages import _auth, _briefings, _lang
from corridormap import formatting, store
from corridormap.i18n import N_, _

logger = logging.getLogger(__name__)

PRESENT_PATH: Final = "present"
BRIEFINGS_PATH: Final = "briefings"
#: A plausible e-mail address (the store checks again, with the same rule's limits).
_EMAIL: Final = re.compile(
    r"^[^@\s,;<>()\[\]\\\"']{1,64}@[^@\s,;<>()\[\]\\\"']{1,255}\.[^@\s.,;]{2,}$"
)
_SPLIT: Final = re.compile(r"[\s,;]+")
_ROLE_TEXT: Final = {
    "owner": N_("You own it."),
    "editor": N_(
        "You may edit and save it (you are a named editor); only its owner may share or delete it."
    ),
    "reader": N_("You may read, present and export it (shared by link), not change it."),
}


def share_link(id: str, token: str, page: str = PRESENT_PATH, base: str | None = None) -> str:
    """The read-only link to saved briefing ``id``: ``<base>/<page>?saved=<id>&share=<token>``.
    ``base`` is the app's address (scheme, host and base path); relative without it."""
    query = urlencode({"saved": id, "share": token})
    return f"{base.rstrip('/')}/{page}?{query}" if base else f"{page}?{query}"


def app_base(page_url: str | None) -> str | None:
    """The app's address from the current page's address (``st.context.url``): its scheme,
    host and path without the last segment (the page), or None for anything but http(s)."""
    if not page_url:
        return None
    parts = urlsplit(page_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    path = parts.path.rsplit("/", 1)[0] if "/" in parts.path else ""
    return urlunsplit((parts.scheme, parts.netloc, path, "", ""))


def parse_emails(text: str) -> tuple[list[str], list[str]]:
    """The e-mail addresses in ``text`` (separated by spaces, commas or semicolons), lower-cased,
    and the pieces that are not addresses."""
    good: list[str] = []
    bad: list[str] = []
    for piece in _SPLIT.split(text.strip()):
        if not piece:
            continue
        email = piece.lower()
        if _EMAIL.match(email) and len(email) <= 320:
            if email not in good:
                good.append(email)
        else:
            bad.append(piece)
    return good, bad


def _note_key(id: str) -> str:
    return f"share_note_{id}"


def _note(id: str, kind: str, text: str) -> None:
    """Keep a message for the next run; ``text`` is markdown made safe by the caller."""
    st.session_state[_note_key(id)] = (kind, text)


def _set_link(the_store: store.Store, id: str) -> None:
    _lang.apply()  # (a callback: it runs before app.py puts the language in force)
    actor = _auth.current_principal()
    if actor is None:
        _note(id, "error", _("Sign in to share this briefing."))
        return
    enabled = bool(st.session_state.get(f"share_link_{id}"))
    try:
        the_store.set_link_sharing(actor, id, enabled)
    except store.StoreError as exc:
        logger.warning("%s failed", "_set_link", exc_info=exc)
        _note(id, "error", formatting.md_escape(str(exc)))
        return
    _note(
        id,
        "success",
        _("Anyone with the link can now read this briefing.")
        if enabled
        else _("Link sharing is off: the old link no longer opens this briefing."),
    )


def _set_editors(the_store: store.Store, id: str, emails: list[str], done: str) -> None:
    actor = _auth.current_principal()
    if actor is None:
        _note(id, "error", _("Sign in to share this briefing."))
        return
    try:
        the_store.set_editors(actor, id, emails)
    except store.StoreError as exc:
        logger.warning("%s failed", "_set_editors", exc_info=exc)
        _note(id, "error", formatting.md_escape(str(exc)))
        return
    _note(id, "success", done)


def _add_editors(the_store: store.Store, id: str, current: tuple[str, ...]) -> None:
    _lang.apply()  # (a callback)
    key = f"share_add_{id}"
    good, bad = parse_emails(str(st.session_state.get(key) or ""))
    if bad:
        shown = ", ".join(_auth.code_span(b) for b in bad[:5])
        _note(id, "error", _("Not an e-mail address: {addresses}").format(addresses=shown))
        return
    if not good:
        _note(id, "error", _("Type the e-mail address of the person who may edit it."))
        return
    actor = _auth.current_principal()
    own = actor.email if actor is not None else None
    new = [e for e in good if e not in current and e != own]
    if not new:
        _note(id, "info", _("Already an editor (or your own address): nothing to add."))
        return
    added = ", ".join(_auth.code_span(e) for e in new)
    _set_editors(the_store, id, [*current, *new], _("Added: {addresses}").format(addresses=added))
    st.session_state[key] = ""


def _remove_editor(the_store: store.Store, id: str, current: tuple[str, ...], email: str) -> None:
    _lang.apply()  # (a callback)
    done = _("Removed: {addresses}").format(addresses=_auth.code_span(email))
    _set_editors(the_store, id, [e for e in current if e != email], done)


def _show_note(id: str) -> None:
    note = st.session_state.pop(_note_key(id), None)
    if not note:
        return
    kind, text = note
    show = {"error": st.error, "success": st.success}.get(kind, st.info)
    show(text)


def panel(the_store: store.Store, saved: store.SavedBriefing) -> None:
    """The sharing panel of ``saved`` for the current principal (its owner: the controls;
    anyone else: whose it is and what they may do)."""
    actor = _auth.current_principal()
    if saved.role != "owner" or actor is None:
        owner = _auth.plain(_briefings.person(saved.owner_name) or _("someone else"))
        role = _ROLE_TEXT.get(saved.role)
        st.caption(
            _("Owned by {name}.").format(name=f"**{owner}**") + (f" {_(role)}" if role else "")
        )
        return
    if actor == store.LOCAL:
        st.caption(
            _(
                "Local mode: this briefing is yours and there is nobody to share it with. "
                "Sharing needs sign-in (`[auth]` in Streamlit's secrets; see the README)."
            )
        )
        return
    id = saved.id
    _show_note(id)
    st.session_state[f"share_link_{id}"] = saved.share_token is not None
    st.toggle(
        _("Share read-only by link"),
        key=f"share_link_{id}",
        on_change=_set_link,
        args=(the_store, id),
        help=_(
            "Anyone with the link can read, present and export this briefing, but not change "
            "it. Turning it off makes the old link stop working."
        ),
    )
    if saved.share_token:
        base = app_base(st.context.url)
        present_link = share_link(id, saved.share_token, PRESENT_PATH, base)
        briefings_link = share_link(id, saved.share_token, BRIEFINGS_PATH, base)
        st.caption(_("Presentation link (read-only):"))
        st.code(present_link, language=None, wrap_lines=True)
        st.caption(_("The same briefing on the Briefings page (read-only, with its exports):"))
        st.code(briefings_link, language=None, wrap_lines=True)

    st.markdown(_("**Editors** (may edit and save; only you share or delete it)"))
    if saved.editors:
        for email in saved.editors:
            a, b = st.columns([4, 1], vertical_alignment="center")
            a.markdown(_auth.code_span(email))
            b.button(
                _("Remove"),
                key=f"share_rm_{id}_{email}",
                on_click=_remove_editor,
                args=(the_store, id, saved.editors, email),
                icon=":material/person_remove:",
            )
    else:
        st.caption(_("No editors: only you can change it."))
    a, b = st.columns([4, 1], vertical_alignment="bottom")
    a.text_input(
        _("Add editors by e-mail address"),
        key=f"share_add_{id}",
        placeholder=_("name@example.org"),
        help=_("The address they sign in with. Separate several with commas."),
    )
    b.button(
        _("Add"),
        key=f"share_add_btn_{id}",
        on_click=_add_editors,
        args=(the_store, id, saved.editors),
        icon=":material/person_add:",
    )
