"""What the presentation page may show: the shipped briefings (``?briefing=<key>``) and the
saved ones this user may read (``?saved=<id>``, with ``&share=<token>`` for a shared link).

Each choice is named ``briefing:<key>`` or ``saved:<id>``; a saved briefing is read from the
store and validated only when it is the one shown.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st

from app_pages import _briefings
from corridormap import briefing, formatting, store
from corridormap._errors import DataValidationError, Problem
from corridormap.i18n import _

logger = logging.getLogger(__name__)

GUEST = _briefings.GUEST

Loaded = briefing.Briefing | DataValidationError


@dataclass(frozen=True)
class Choice:
    label: str
    load: Callable[[], Loaded]
    shipped: bool

    @property
    def item(self) -> Loaded:
        return self.load()


def file_name(name: str, choice: Choice) -> str:
    """What an error calls a briefing: a shipped one's file, a saved one's title."""
    return f"{name.partition(':')[2]}.yaml" if choice.shipped else choice.label


def asked(shipped_key: str | None, saved_id: str | None) -> str | None:
    """The choice the link names (a saved briefing before a shipped one)."""
    if saved_id:
        return f"saved:{saved_id}"
    if shipped_key is not None:
        return f"briefing:{shipped_key}"
    return None


def _saved_loader(who: store.Principal, id_: str, share: str | None) -> Callable[[], Loaded]:
    def load() -> Loaded:
        try:
            saved = _briefings.the_store().get(who, id_, share_token=share)
        except store.StoreError as exc:
            logger.warning("%s failed", "load", exc_info=exc)
            return DataValidationError([Problem(_("this briefing"), str(exc))])
        return _briefings.validated(saved.document, saved.id)

    return load


def _shipped_loader(item: Loaded) -> Callable[[], Loaded]:
    return lambda: item


def choices(saved_id: str | None, share: str | None) -> dict[str, Choice]:
    """Every briefing this user may present, by choice name: the shipped ones, the saved ones
    (newest first), and the one a shared link names."""
    out: dict[str, Choice] = {}
    for key, item in _briefings.shipped().items():
        label = (
            item.title
            if isinstance(item, briefing.Briefing)
            else _("{name} (has errors)").format(name=key)
        )
        out[f"briefing:{key}"] = Choice(label, _shipped_loader(item), True)
    who = _briefings.actor()
    if who is not None:
        try:
            for b in _briefings.the_store().list(who):
                out[f"saved:{b.id}"] = Choice(b.title, _saved_loader(who, b.id, None), False)
        except store.StoreError as exc:  # the shipped briefings still show
            logger.warning("%s failed", "choices", exc_info=exc)
            st.warning(
                _("Your saved briefings could not be read: {error}").format(
                    error=formatting.md_escape(str(exc))
                ),
                icon=":material/error:",
            )
    if saved_id and f"saved:{saved_id}" not in out:
        try:
            saved = _briefings.the_store().get(who or GUEST, saved_id, share_token=share)
        except store.StoreError as exc:
            logger.warning("%s failed", "choices", exc_info=exc)
            saved = None  # the page says the link's briefing is not available
        if saved is not None:
            title = str(saved.document.get("title") or saved.id)
            out[f"saved:{saved.id}"] = Choice(
                _("{title} (shared)").format(title=title),
                _saved_loader(who or GUEST, saved.id, share),
                False,
            )
    return out
