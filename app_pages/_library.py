"""The Briefings page's parts: the lists (yours, shared with you, shipped, the trash), new and
import, delete with undo, and one briefing opened in the editor (``_builder``).

Every title shown is user text: it goes through ``formatting.md_escape`` wherever markdown would
read it; ids (random, from the store) are the only thing put in links and file names.
"""

from __future__ import annotations

import logging
from typing import Any

import streamlit as st

from app_pages import _briefings, _builder, _data, _sharing
from corridormap import briefing, formatting, store
from corridormap._errors import DataValidationError
from corridormap.i18n import N_, _, ngettext

logger = logging.getLogger(__name__)

#: A new briefing's first scene (the whole map, until views are added): its title and text,
#: written in the language of the one who creates it (``first_scene``).
_FIRST_TITLE = N_("Overview")
_FIRST_TEXT = N_("Every corridor and layer. Replace this scene with the views you add.")
#: How a list names someone else's part in a briefing.
_ROLES = {"owner": N_("owner"), "editor": N_("editor"), "reader": N_("reader")}


def first_scene() -> dict[str, Any]:
    """A new briefing's first scene, in the language in force."""
    return {
        "title": _(_FIRST_TITLE),
        "text": _(_FIRST_TEXT),
        "view": {"fit": briefing.FIT_FEATURES},
    }


def _open(id_: str) -> None:
    st.query_params["saved"] = id_


def _close() -> None:
    for key in ("saved", "share"):
        if key in st.query_params:
            del st.query_params[key]


def _notice(text: str) -> None:
    """A line for the next run (markdown: data in it is escaped by the caller)."""
    st.session_state["builder_notice"] = text


def _fail(exc: store.StoreError, what: str) -> None:
    """Keep a failure for the next run: ``what`` is our own text, translated."""
    st.session_state["builder_error"] = f"{what}: {exc}"


def _errors() -> None:
    error = st.session_state.pop("builder_error", None)
    if error:
        st.error(formatting.md_escape(error), icon=":material/error:")


# ---------------------------------------------------------------------------------------------
# New, import


def _create(who: store.Principal) -> None:
    _briefings.speak()
    title = str(st.session_state.get("new_title") or "").strip() or _("My briefing")
    doc = {"title": title, "scenes": [first_scene()]}
    try:
        new = _briefings.the_store().create(who, doc)
    except store.StoreError as exc:
        logger.warning("%s failed", "_create", exc_info=exc)
        _fail(exc, _("Not created"))
        return
    st.session_state["new_title"] = ""
    _open(new.id)


def new_and_import(who: store.Principal) -> None:
    _errors()
    new_col, import_col = st.columns([1, 1], gap="medium")
    with new_col.container(border=True):
        st.text_input(
            _("New briefing"),
            key="new_title",
            max_chars=store.MAX_TITLE,
            placeholder=_("Its title"),
        )
        st.button(
            _("Create"), key="new_create", icon=":material/add:", on_click=_create, args=(who,)
        )
    with import_col.container(border=True):
        upload = st.file_uploader(
            _("Import a YAML briefing"),
            type=["yaml", "yml"],
            key=f"import_{st.session_state.get('import_round', 0)}",
            max_upload_size=max(1, briefing.MAX_BYTES // 1_000_000),
            help=_(
                "The format of data/briefings/*.yaml (see the README); checked like a shipped file."
            ),
        )
        if upload is not None:
            _import(who, upload.name, upload.getvalue())


def _import(who: store.Principal, name: str, raw: bytes) -> None:
    try:
        doc = briefing.import_document(raw, name, _data.vocabulary())
        new = _briefings.the_store().create(who, doc, message=_("imported from a YAML file"))
    except DataValidationError as exc:
        logger.info("%s failed", "_import", exc_info=exc)
        shown = f"**{formatting.md_escape(name)}**"
        _briefings.problems(exc, _("{name} could not be imported").format(name=shown))
        return
    except store.StoreError as exc:
        logger.warning("%s failed", "_import", exc_info=exc)
        st.error(
            _("{name} could not be imported: {error}").format(
                name=f"**{formatting.md_escape(name)}**", error=formatting.md_escape(str(exc))
            )
        )
        return
    st.session_state["import_round"] = st.session_state.get("import_round", 0) + 1
    title = formatting.md_escape(str(new.document.get("title")))
    _notice(_("Imported as “{title}”.").format(title=title))
    _open(new.id)
    st.rerun()


# ---------------------------------------------------------------------------------------------
# The lists


def _duplicate(who: store.Principal, id_: str) -> None:
    _briefings.speak()
    try:
        new = _briefings.the_store().duplicate(who, id_)
    except store.StoreError as exc:
        logger.warning("%s failed", "_duplicate", exc_info=exc)
        _fail(exc, _("Not duplicated"))
        return
    _notice(_("Duplicated: this is your copy."))
    _open(new.id)


def _delete(who: store.Principal, id_: str, title: str) -> None:
    _briefings.speak()
    try:
        _briefings.the_store().delete(who, id_)
    except store.StoreError as exc:
        logger.warning("%s failed", "_delete", exc_info=exc)
        _fail(exc, _("Not deleted"))
        return
    st.session_state["builder_deleted"] = (id_, title)


def _restore(who: store.Principal, id_: str) -> None:
    _briefings.speak()
    try:
        _briefings.the_store().restore(who, id_)
    except store.StoreError as exc:
        logger.warning("%s failed", "_restore", exc_info=exc)
        _fail(exc, _("Not restored"))
        return
    st.session_state.pop("builder_deleted", None)
    _notice(_("Restored from the trash."))


def _purge(who: store.Principal, id_: str) -> None:
    _briefings.speak()
    try:
        _briefings.the_store().purge(who, id_)
    except store.StoreError as exc:
        logger.warning("%s failed", "_purge", exc_info=exc)
        _fail(exc, _("Not deleted"))
        return
    if (st.session_state.get("builder_deleted") or ("",))[0] == id_:
        del st.session_state["builder_deleted"]  # nothing left to undo
    _notice(_("Deleted for good."))


def undo_delete(who: store.Principal) -> None:
    """Right after a delete: what went to the trash, and Undo."""
    deleted = st.session_state.get("builder_deleted")
    if not deleted:
        return
    id_, title = deleted
    text_col, undo_col = st.columns([5, 1], vertical_alignment="center")
    text_col.info(
        _("“{title}” is in the trash.").format(title=formatting.md_escape(title)),
        icon=":material/delete:",
    )
    undo_col.button(
        _("Undo"), key="undo_delete", icon=":material/undo:", on_click=_restore, args=(who, id_)
    )


def _row(who: store.Principal, b: store.BriefingSummary, *, key: str) -> None:
    with st.container(border=True, key=f"{key}_{b.id}"):
        text_col, bar_col = st.columns([1.3, 1.7], vertical_alignment="center")
        buttons = bar_col.container(key=f"{_briefings.BAR}{key}_{b.id}").columns(
            [1.35, 1.1, 1.3, 1.1], vertical_alignment="center"
        )
        about = [
            ngettext("{n} scene", "{n} scenes", b.scenes).format(n=b.scenes),
            _("saved {date}").format(date=_builder.when(b.updated)),
        ]
        if b.role != "owner":
            role = _(_ROLES[b.role]) if b.role in _ROLES else b.role
            name = formatting.md_escape(_briefings.person(b.owner_name))
            about.append(_("by {name} ({role})").format(name=name, role=role))
        text_col.markdown(f"**{formatting.md_escape(b.title)}**  \n" + " · ".join(about))
        buttons[0].button(
            _("Edit"),
            key=f"{key}_edit_{b.id}",
            icon=":material/edit:",
            on_click=_open,
            args=(b.id,),
            width="stretch",
        )
        buttons[1].page_link(
            _briefings.PRESENT_PAGE,
            label=_("Present"),
            icon=":material/slideshow:",
            query_params={"saved": b.id, "scene": "1"},
        )
        buttons[2].button(
            _("Duplicate"),
            key=f"{key}_dup_{b.id}",
            icon=":material/file_copy:",
            on_click=_duplicate,
            args=(who, b.id),
            width="stretch",
        )
        if b.role == "owner":
            buttons[3].button(
                _("Delete"),
                key=f"{key}_del_{b.id}",
                icon=":material/delete:",
                on_click=_delete,
                args=(who, b.id, b.title),
                width="stretch",
            )


def mine(who: store.Principal) -> None:
    try:
        items = _briefings.the_store().list(who)
    except store.StoreError as exc:
        logger.warning("%s failed", "mine", exc_info=exc)
        st.error(
            _("The briefings could not be read: {error}").format(
                error=formatting.md_escape(str(exc))
            )
        )
        return
    own = [b for b in items if b.role == "owner"]
    shared = [b for b in items if b.role != "owner"]
    st.markdown("##### " + _("Your briefings"))
    if not own:
        st.caption(_("None yet: create one above, or add a view from the Map page."))
    for b in own:
        _row(who, b, key="mine")
    if shared:
        st.markdown("##### " + _("Shared with you"))
        for b in shared:
            _row(who, b, key="shared")


def trash(who: store.Principal) -> None:
    try:
        items = _briefings.the_store().trash(who)
    except store.StoreError as exc:
        logger.warning("%s failed", "trash", exc_info=exc)
        st.error(
            _("The trash could not be read: {error}").format(error=formatting.md_escape(str(exc)))
        )
        return
    with st.expander(_("Trash ({count})").format(count=len(items)), icon=":material/delete:"):
        if not items:
            st.caption(_("Empty."))
        for b in items:
            text_col, a, c = st.columns([4, 1, 1.4], vertical_alignment="center")
            deleted = _("deleted, saved {date}").format(date=_builder.when(b.updated))
            text_col.markdown(f"**{formatting.md_escape(b.title)}** · {deleted}")
            a.button(
                _("Restore"),
                key=f"trash_restore_{b.id}",
                icon=":material/restore_from_trash:",
                on_click=_restore,
                args=(who, b.id),
                width="stretch",
            )
            c.button(
                _("Delete for good"),
                key=f"trash_purge_{b.id}",
                icon=":material/delete_forever:",
                on_click=_purge,
                args=(who, b.id),
                width="stretch",
            )


def _duplicate_shipped(who: store.Principal, key: str) -> None:
    _briefings.speak()
    doc = _briefings.shipped_document(key)
    if doc is None:
        return
    try:
        new = _briefings.the_store().create(
            who, doc, message=_("a copy of the shipped {name}").format(name=key)
        )
    except store.StoreError as exc:
        logger.warning("%s failed", "_duplicate_shipped", exc_info=exc)
        _fail(exc, _("Not duplicated"))
        return
    _notice(_("Duplicated: this is your copy, yours to edit."))
    _open(new.id)


def shipped(who: store.Principal | None) -> None:
    st.markdown("##### " + _("Shipped with the app (read-only)"))
    for key, item in _briefings.shipped().items():
        with st.container(border=True, key=f"shipped_{key}"):
            text_col, present_col, dup_col = st.columns([5, 1, 2], vertical_alignment="center")
            if isinstance(item, DataValidationError):
                name = f"**{formatting.md_escape(key)}.yaml**"
                text_col.markdown(_("{name} has errors").format(name=name))
                continue
            n = len(item.scenes)
            scenes = ngettext("{n} scene", "{n} scenes", n).format(n=n)
            path = f"data/briefings/{formatting.md_escape(key)}.yaml"  # (a path: no language)
            text_col.markdown(f"**{formatting.md_escape(item.title)}**  \n{scenes} · {path}")
            present_col.page_link(
                _briefings.PRESENT_PAGE,
                label=_("Present"),
                icon=":material/slideshow:",
                query_params={"briefing": key, "scene": "1"},
            )
            if who is not None:
                dup_col.button(
                    _("Duplicate to edit"),
                    key=f"shipped_dup_{key}",
                    icon=":material/file_copy:",
                    on_click=_duplicate_shipped,
                    args=(who, key),
                    width="stretch",
                )


# ---------------------------------------------------------------------------------------------
# One briefing


def editor(who: store.Principal, id_: str, *, share: str | None) -> None:
    """A saved briefing in the editor (read-only for a reader)."""
    back_col, present_col, _space = st.container(key=f"{_briefings.BAR}top").columns(
        [1.2, 1, 4], vertical_alignment="center"
    )
    back_col.button(
        _("All briefings"), key="editor_back", icon=":material/arrow_back:", on_click=_close
    )
    present_col.page_link(
        _briefings.PRESENT_PAGE,
        label=_("Present"),
        icon=":material/slideshow:",
        query_params=_present_params(id_, share),
    )
    _errors()
    try:
        saved = _briefings.the_store().get(who, id_, share_token=share)
    except store.StoreError as exc:
        logger.warning("%s failed", "editor", exc_info=exc)
        st.error(
            _("This briefing cannot be opened: {error}").format(
                error=formatting.md_escape(str(exc))
            )
        )
        return
    editable = saved.role != "reader"
    d = _builder.draft(saved)
    if editable:
        _builder.sync(d, id_)  # what the fields hold now, before the save bar reads it
    doc = d["doc"]
    gen = d["gen"]
    if d.get("conflict") is not None:
        _builder.conflict(who, saved, d)
    _builder.clashes(d)
    title = st.text_input(
        _("Title"),
        value=str(doc.get("title") or ""),
        key=f"ed_{id_}_{gen}_b_title",
        max_chars=store.MAX_TITLE,
        disabled=not editable,
    )
    description = st.text_area(
        _("Description (optional)"),
        value=str(doc.get("description") or ""),
        key=f"ed_{id_}_{gen}_b_description",
        height=80,
        disabled=not editable,
    )
    if editable:
        doc["title"] = title
        if description.strip():
            doc["description"] = description
        else:
            doc.pop("description", None)
    about = [
        _("Revision {number}, saved {date}").format(
            number=saved.revision, date=_builder.when(saved.updated)
        ),
        _("owner: {name}").format(name=formatting.md_escape(_briefings.person(saved.owner_name))),
    ]
    if not editable:
        about.append(_("you may read it, not edit it"))
    st.caption(" · ".join(about))
    if editable:
        _save_bar(who, saved, d)
    for index in range(len(doc.get("scenes") or [])):
        _builder.scene_editor(d, index, id_=id_, editable=editable)
    _present_and_export(saved, d)
    if editable:
        with st.expander(_("Revisions"), icon=":material/history:"):
            _builder.revisions(who, saved, editable=editable)
    with st.expander(_("Sharing"), icon=":material/share:"):
        _sharing.panel(_briefings.the_store(), saved)


def _present_params(id_: str, share: str | None) -> dict[str, str]:
    """The presentation link of a saved briefing (with the share token it was opened with)."""
    return {"saved": id_, "scene": "1", **({"share": share} if share else {})}


def _save_bar(who: store.Principal, saved: store.SavedBriefing, d: dict[str, Any]) -> None:
    changed = d["doc"] != saved.document or d["version"] != saved.version
    msg_col, bar_col = st.columns([2.5, 1.5], vertical_alignment="bottom")
    save_col, drop_col = bar_col.container(key=f"{_briefings.BAR}save").columns([1, 1.5])
    message = msg_col.text_input(
        _("What changed (optional)"),
        key=f"save_msg_{saved.id}",
        max_chars=200,
        placeholder=_("e.g. reordered the scenes"),
    )
    if save_col.button(
        _("Save"),
        key="editor_save",
        icon=":material/save:",
        type="primary",
        width="stretch",
        disabled=not changed and d.get("conflict") is None,
    ):
        _builder.save(who, saved, d, message.strip())
    if drop_col.button(
        _("Discard changes"),
        key="editor_discard",
        icon=":material/undo:",
        disabled=not changed,
        width="stretch",
    ):
        _builder.drop_draft(saved.id)
        st.rerun()
    if changed:
        st.caption(_("Unsaved changes: Save keeps them as a new revision."))


def _present_and_export(saved: store.SavedBriefing, d: dict[str, Any]) -> None:
    st.markdown("##### " + _("Present and export"))
    if d["doc"] != saved.document:
        st.caption(_("Presenting and exporting take the saved version: save first."))
    checked = _briefings.validated(saved.document, saved.id)
    if isinstance(checked, DataValidationError):
        _briefings.problems(checked, _("The saved version cannot be presented"))
        return
    link_col = yaml_col = st.container(
        horizontal=True, vertical_alignment="center", key="editor_present_row"
    )
    params = _present_params(saved.id, st.query_params.get("share"))
    link_col.page_link(
        _briefings.PRESENT_PAGE,
        label=_("Present"),
        icon=":material/slideshow:",
        query_params=params,
    )
    yaml_col.download_button(
        _("YAML"),
        data=briefing.document_yaml(saved.document),
        file_name=f"{saved.id}.yaml",
        mime="application/yaml",
        key="editor_yaml",
        on_click="ignore",
        icon=":material/download:",
    )
    scenes = {s.number: s for s in checked.scenes}
    number = st.selectbox(
        _("Scene for the PNG"),
        list(scenes),
        format_func=lambda n: f"{n}. {scenes[n].title}",
        key=f"png_scene_{saved.id}",
        width=480,
    )
    view = _briefings.scene_export_view(checked, scenes[int(number)])
    _briefings.downloads(checked, view, _data.layers().frames, key="editor")
