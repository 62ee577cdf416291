"""The briefing store: saved briefings with revisions, optimistic locking and sharing.

Every save is ONE transaction: a new revision row, then a compare-and-set
``UPDATE briefings ... WHERE id = :id AND version = :expected``. If another save moved the
version first, nothing is written and ``Conflict`` carries what is stored now. A process that
dies mid-save leaves the previous head and every revision as they were (the transaction never
commits). Every value is a bound parameter; no string from a user becomes SQL.
"""

from __future__ import annotations

import builtins
import hmac
import json
import re
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final, Literal

import yaml
from sqlalchemy import Engine, and_, delete, func, insert, or_, select, update
from sqlalchemy.engine import Connection, Row

from corridormap._errors import count
from corridormap.i18n import N_, _
from corridormap.store import _engine
from corridormap.store._engine import StoreError
from corridormap.store.tables import briefings, editors, revisions

Role = Literal["owner", "editor", "reader"]

MAX_SCENES: Final = 100
MAX_TITLE: Final = 200
MAX_EDITORS: Final = 100
_EMAIL: Final = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,255}$")
#: What ``create`` makes: ``secrets.token_hex(8)``.
_ID: Final = re.compile(r"[0-9a-f]{16}")


@dataclass(frozen=True, slots=True)
class Principal:
    """Who acts: ``local`` in local mode; ``<iss>|<sub>`` when signed in through OIDC."""

    id: str
    email: str | None = None
    name: str = ""


LOCAL: Final = Principal("local", None, "You (local mode)")
#: Someone not signed in who opened a shared link: reads what the link gives, makes nothing.
GUEST: Final = Principal("guest", None, "Guest")


@dataclass(frozen=True, slots=True)
class BriefingSummary:
    id: str
    title: str
    scenes: int
    updated: datetime
    owner_name: str
    role: Role
    version: int
    link_shared: bool
    deleted: bool


@dataclass(frozen=True, slots=True)
class SavedBriefing:
    id: str
    document: dict[str, Any]
    version: int
    revision: int
    role: Role
    owner_name: str
    updated: datetime
    share_token: str | None  # only shown to the owner
    editors: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RevisionInfo:
    number: int
    created: datetime
    author_name: str
    message: str
    title: str
    scenes: int


class NotFound(StoreError):  # noqa: N818 - the agreed API's name
    """No such briefing, or not one this principal may see (the same words either way)."""


class Forbidden(StoreError):  # noqa: N818 - the agreed API's name
    """Visible, but this principal may not do this."""


class Conflict(StoreError):  # noqa: N818 - the agreed API's name
    """Someone saved first; ``current`` is what is stored now."""

    def __init__(self, message: str, current: SavedBriefing) -> None:
        super().__init__(message)
        self.current = current


# ---------------------------------------------------------------------------------------------


def _now() -> datetime:
    return datetime.now(UTC)


def _aware(value: datetime) -> datetime:
    # SQLite hands datetimes back without a zone; the store writes UTC only
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _clean(text: str) -> str:
    """A principal's name or id as storable text: PostgreSQL text cannot hold NUL, and no
    database takes a lone surrogate (JSON, e.g. an identity provider's claims, can carry one)."""
    return text.replace("\x00", "\ufffd").encode("utf-8", "replace").decode("utf-8")


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, Mapping):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_has_nul(v) for v in value)
    return False


def check_document(document: Mapping[str, Any]) -> tuple[str, str, int]:
    """``(json_text, title, scene count)`` of a document within the store's limits, or
    ``StoreError`` saying which limit. (The caller validates the content:
    ``briefing.parse_document``.)"""
    from corridormap import briefing  # noqa: PLC0415 - folium only when needed

    if not isinstance(document, Mapping):
        raise StoreError(_("a briefing must be a mapping with a title and scenes"))
    title = document.get("title")
    if not isinstance(title, str) or not title.strip():
        raise StoreError(_("a briefing needs a title"))
    if len(title) > MAX_TITLE:
        raise StoreError(
            _("the title is {n} characters long (at most {limit})").format(
                n=len(title), limit=MAX_TITLE
            )
        )
    scenes = document.get("scenes")
    if not isinstance(scenes, list):
        raise StoreError(_("a briefing's scenes must be a list"))
    if len(scenes) > MAX_SCENES:
        raise StoreError(
            _("the briefing has {n} scenes (at most {limit})").format(
                n=len(scenes), limit=MAX_SCENES
            )
        )
    if _has_nul(document):
        raise StoreError(
            _("the briefing contains a NUL character (U+0000), which cannot be stored")
        )
    try:
        doc_json = json.dumps(dict(document), ensure_ascii=False, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise StoreError(
            _("the briefing holds a value that is not text or a number ({error})").format(error=exc)
        ) from None
    try:
        doc_json.encode("utf-8")
    except UnicodeEncodeError:
        raise StoreError(
            _("the briefing contains text that is not valid Unicode (a lone surrogate)")
        ) from None
    try:
        size = len(briefing.document_yaml(dict(document)).encode("utf-8"))
    except yaml.YAMLError as exc:
        raise StoreError(
            _("the briefing cannot be written as YAML ({error})").format(error=exc)
        ) from None
    if size > briefing.MAX_BYTES:
        raise StoreError(
            _("the briefing is {size} bytes as YAML (at most {limit})").format(
                size=count(size), limit=count(briefing.MAX_BYTES)
            )
        )
    return doc_json, title, len(scenes)


def _normal_emails(emails: Sequence[str]) -> list[str]:
    out: list[str] = []
    for raw in emails:
        email = raw.strip().lower()
        if not email:
            continue
        if len(email) > 320 or not _EMAIL.match(email) or "\x00" in email or _clean(email) != email:
            raise StoreError(_("not an e-mail address: {text}").format(text=repr(raw[:80])))
        if email not in out:
            out.append(email)
    if len(out) > MAX_EDITORS:
        raise StoreError(_("{n} editors (at most {limit})").format(n=len(out), limit=MAX_EDITORS))
    return out


_NOT_FOUND: Final = N_("No such briefing, or it is not shared with you.")


class Store:
    """Saved briefings in one database (SQLite or PostgreSQL); thread-safe, one per process.

    ``on_save``: called inside every save's transaction after the revision row is written and
    before the compare-and-set and commit, with ``(briefing id, revision number)``. For tests
    of crashes mid-save; None in the app.
    """

    def __init__(
        self, engine: Engine, *, on_save: Callable[[str, int], None] | None = None
    ) -> None:
        self.engine = engine
        self.on_save = on_save

    # -- reading --------------------------------------------------------------------------

    def _row(self, conn: Connection, id: str, *, lock: bool = False) -> Row[Any] | None:
        """The briefing's row; None for anything that is not an id this store makes (text
        from a link never reaches the database unless it looks like one)."""
        if not isinstance(id, str) or not _ID.fullmatch(id):
            return None
        query = select(briefings).where(briefings.c.id == id)
        return conn.execute(query.with_for_update() if lock else query).first()

    def _editors(self, conn: Connection, id: str) -> tuple[str, ...]:
        rows = conn.execute(
            select(editors.c.email).where(editors.c.briefing_id == id).order_by(editors.c.email)
        )
        return tuple(r.email for r in rows)

    def _role(
        self,
        conn: Connection,
        actor: Principal,
        row: Row[Any] | None,
        share_token: str | None = None,
        *,
        deleted_ok: bool = False,
    ) -> Role:
        """The actor's role on ``row``, or NotFound (also for a deleted one, unless asked)."""
        if row is None:
            raise NotFound(_(_NOT_FOUND))
        if row.owner_id == _clean(actor.id):
            if row.deleted is not None and not deleted_ok:
                raise NotFound(_(_NOT_FOUND))
            return "owner"
        if row.deleted is not None:
            raise NotFound(_(_NOT_FOUND))
        if actor.email and _clean(actor.email.strip().lower()) in self._editors(conn, row.id):
            return "editor"
        if (
            share_token
            and row.share_token
            and hmac.compare_digest(
                share_token.encode("utf-8", "replace"), row.share_token.encode("utf-8")
            )
        ):
            return "reader"
        raise NotFound(_(_NOT_FOUND))

    def _saved(self, conn: Connection, row: Row[Any], role: Role) -> SavedBriefing:
        return SavedBriefing(
            id=row.id,
            document=json.loads(row.document),
            version=row.version,
            revision=row.revision,
            role=role,
            owner_name=row.owner_name,
            updated=_aware(row.updated),
            share_token=row.share_token if role == "owner" else None,
            editors=self._editors(conn, row.id),
        )

    def _summaries(self, rows: Any, actor: Principal) -> list[BriefingSummary]:
        return [
            BriefingSummary(
                id=r.id,
                title=r.title,
                scenes=r.scenes,
                updated=_aware(r.updated),
                owner_name=r.owner_name,
                role="owner" if r.owner_id == _clean(actor.id) else "editor",
                version=r.version,
                link_shared=r.share_token is not None,
                deleted=r.deleted is not None,
            )
            for r in rows
        ]

    def list(self, actor: Principal) -> list[BriefingSummary]:
        """The actor's own briefings and those naming the actor's e-mail as an editor,
        newest first; not the deleted ones."""
        mine = briefings.c.owner_id == _clean(actor.id)
        if actor.email:
            shared = briefings.c.id.in_(
                select(editors.c.briefing_id).where(
                    editors.c.email == _clean(actor.email.strip().lower())
                )
            )
            who = or_(mine, shared)
        else:
            who = mine
        query = (
            select(briefings)
            .where(and_(who, briefings.c.deleted.is_(None)))
            .order_by(briefings.c.updated.desc(), briefings.c.id)
        )
        with _engine.read(self.engine) as conn:
            return self._summaries(conn.execute(query), actor)

    def trash(self, actor: Principal) -> builtins.list[BriefingSummary]:
        """The actor's own deleted briefings, most recently deleted first."""
        query = (
            select(briefings)
            .where(and_(briefings.c.owner_id == _clean(actor.id), briefings.c.deleted.is_not(None)))
            .order_by(briefings.c.deleted.desc(), briefings.c.id)
        )
        with _engine.read(self.engine) as conn:
            return self._summaries(conn.execute(query), actor)

    def get(
        self,
        actor: Principal,
        id: str,
        *,
        share_token: str | None = None,
    ) -> SavedBriefing:
        with _engine.read(self.engine) as conn:
            row = self._row(conn, id)
            role = self._role(conn, actor, row, share_token)
            assert row is not None
            return self._saved(conn, row, role)

    def revisions(self, actor: Principal, id: str) -> builtins.list[RevisionInfo]:
        """Every revision, newest first (owner and editors)."""
        with _engine.read(self.engine) as conn:
            self._role(conn, actor, self._row(conn, id))
            rows = conn.execute(
                select(
                    revisions.c.number,
                    revisions.c.created,
                    revisions.c.author_name,
                    revisions.c.message,
                    revisions.c.title,
                    revisions.c.scenes,
                )
                .where(revisions.c.briefing_id == id)
                .order_by(revisions.c.number.desc())
            )
            return [
                RevisionInfo(
                    r.number, _aware(r.created), r.author_name, r.message, r.title, r.scenes
                )
                for r in rows
            ]

    def revision(self, actor: Principal, id: str, number: int) -> dict[str, Any]:
        with _engine.read(self.engine) as conn:
            self._role(conn, actor, self._row(conn, id))
            doc = conn.execute(
                select(revisions.c.document).where(
                    and_(revisions.c.briefing_id == id, revisions.c.number == int(number))
                )
            ).scalar()
        if doc is None:
            raise NotFound(_("This briefing has no revision {number}.").format(number=int(number)))
        result: dict[str, Any] = json.loads(doc)
        return result

    # -- writing --------------------------------------------------------------------------

    def _add_revision(
        self,
        conn: Connection,
        *,
        id: str,
        number: int,
        actor: Principal,
        message: str,
        doc_json: str,
        title: str,
        scenes: int,
        now: datetime,
    ) -> None:
        conn.execute(
            insert(revisions).values(
                briefing_id=id,
                number=number,
                created=now,
                author_id=_clean(actor.id),
                author_name=_clean(actor.name or actor.email or actor.id),
                message=_clean(message)[:500],
                title=title,
                scenes=scenes,
                document=doc_json,
            )
        )

    def create(
        self, actor: Principal, document: Mapping[str, Any], *, message: str = "created"
    ) -> SavedBriefing:
        if actor.id == GUEST.id:
            raise Forbidden(_("Sign in to make briefings."))
        doc_json, title, scenes = check_document(document)
        now = _now()
        id_ = secrets.token_hex(8)
        with _engine.write(self.engine) as conn:
            conn.execute(
                insert(briefings).values(
                    id=id_,
                    owner_id=_clean(actor.id),
                    owner_name=_clean(actor.name or actor.email or actor.id),
                    title=title,
                    scenes=scenes,
                    document=doc_json,
                    version=1,
                    revision=1,
                    share_token=None,
                    created=now,
                    updated=now,
                    deleted=None,
                )
            )
            self._add_revision(
                conn,
                id=id_,
                number=1,
                actor=actor,
                message=message,
                doc_json=doc_json,
                title=title,
                scenes=scenes,
                now=now,
            )
            row = self._row(conn, id_)
            assert row is not None
            return self._saved(conn, row, "owner")

    def save(
        self,
        actor: Principal,
        id: str,
        document: Mapping[str, Any],
        *,
        expected_version: int,
        message: str = "saved",
    ) -> SavedBriefing:
        """Save a new head: one transaction writes the revision row and compare-and-sets the
        version. ``Conflict`` (nothing written) if the version is no longer ``expected``."""
        doc_json, title, scenes = check_document(document)
        now = _now()
        with _engine.write(self.engine) as conn:
            # FOR UPDATE: on PostgreSQL a second saver waits here, then reads the moved version
            row = self._row(conn, id, lock=True)
            role = self._role(conn, actor, row)
            assert row is not None
            if role == "reader":
                raise Forbidden(_("You may read this briefing but not change it."))
            if row.version != expected_version:
                author = conn.execute(
                    select(revisions.c.author_name).where(
                        and_(revisions.c.briefing_id == id, revisions.c.number == row.revision)
                    )
                ).scalar()
                said = (
                    _(
                        "{author} saved this briefing in the meantime (revision {revision}); "
                        "your save did not overwrite it."
                    )
                    if author
                    else _(
                        "Someone saved this briefing in the meantime (revision {revision}); "
                        "your save did not overwrite it."
                    )
                )
                raise Conflict(
                    said.format(author=author, revision=row.revision),
                    self._saved(conn, row, role),
                )
            number = row.revision + 1
            self._add_revision(
                conn,
                id=id,
                number=number,
                actor=actor,
                message=message,
                doc_json=doc_json,
                title=title,
                scenes=scenes,
                now=now,
            )
            if self.on_save is not None:
                self.on_save(id, number)
            done = conn.execute(
                update(briefings)
                .where(and_(briefings.c.id == id, briefings.c.version == expected_version))
                .values(
                    title=title,
                    scenes=scenes,
                    document=doc_json,
                    version=briefings.c.version + 1,
                    revision=number,
                    updated=now,
                )
            )
            if done.rowcount != 1:  # pragma: no cover - the row lock makes this unreachable
                raise StoreError(_("The briefing changed during the save; try again."))
            head = self._row(conn, id)
            assert head is not None
            return self._saved(conn, head, role)

    def restore_revision(
        self,
        actor: Principal,
        id: str,
        number: int,
        *,
        expected_version: int,
    ) -> SavedBriefing:
        """Make revision ``number`` the head again, as a NEW revision (nothing is lost)."""
        document = self.revision(actor, id, number)
        return self.save(
            actor,
            id,
            document,
            expected_version=expected_version,
            message=f"restored revision {int(number)}",
        )

    def duplicate(
        self,
        actor: Principal,
        id: str,
        *,
        share_token: str | None = None,
        title: str | None = None,
    ) -> SavedBriefing:
        """A copy owned by ``actor`` of a briefing the actor may read."""
        source = self.get(actor, id, share_token=share_token)
        document = dict(source.document)
        if title is None:
            base = str(document.get("title", ""))
            title = (base[: MAX_TITLE - 7] + " (copy)") if base else "Copy"
        document["title"] = title
        return self.create(actor, document, message="duplicated")

    def _owned(
        self,
        conn: Connection,
        actor: Principal,
        id: str,
        *,
        deleted_ok: bool = False,
    ) -> Row[Any]:
        row = self._row(conn, id, lock=True)
        role = self._role(conn, actor, row, deleted_ok=deleted_ok)
        if role != "owner":
            raise Forbidden(_("Only the briefing's owner may do this."))
        assert row is not None
        return row

    def delete(self, actor: Principal, id: str) -> None:
        """Move to the owner's trash (``restore`` brings it back)."""
        with _engine.write(self.engine) as conn:
            self._owned(conn, actor, id)
            conn.execute(update(briefings).where(briefings.c.id == id).values(deleted=_now()))

    def restore(self, actor: Principal, id: str) -> SavedBriefing:
        """Take a briefing out of the trash."""
        with _engine.write(self.engine) as conn:
            self._owned(conn, actor, id, deleted_ok=True)
            conn.execute(update(briefings).where(briefings.c.id == id).values(deleted=None))
            row = self._row(conn, id)
            assert row is not None
            return self._saved(conn, row, "owner")

    def purge(self, actor: Principal, id: str) -> None:
        """Delete for good, with every revision; only from the trash."""
        with _engine.write(self.engine) as conn:
            row = self._owned(conn, actor, id, deleted_ok=True)
            if row.deleted is None:
                raise Forbidden(_("Move the briefing to the trash before deleting it for good."))
            conn.execute(delete(revisions).where(revisions.c.briefing_id == id))
            conn.execute(delete(editors).where(editors.c.briefing_id == id))
            conn.execute(delete(briefings).where(briefings.c.id == id))

    def set_link_sharing(self, actor: Principal, id: str, enabled: bool) -> str | None:
        """Turn read-only link sharing on (a new token if there was none) or off (the old
        link stops working). Returns the token, or None."""
        with _engine.write(self.engine) as conn:
            row = self._owned(conn, actor, id)
            token = (row.share_token or secrets.token_urlsafe(24)) if enabled else None
            conn.execute(update(briefings).where(briefings.c.id == id).values(share_token=token))
            return token

    def set_editors(self, actor: Principal, id: str, emails: Sequence[str]) -> None:
        """Replace the named editors (by e-mail, compared without case)."""
        wanted = _normal_emails(emails)
        with _engine.write(self.engine) as conn:
            self._owned(conn, actor, id)
            conn.execute(delete(editors).where(editors.c.briefing_id == id))
            if wanted:
                conn.execute(insert(editors), [{"briefing_id": id, "email": e} for e in wanted])

    def count(self) -> int:
        """How many briefings the database holds (every owner, the trash included)."""
        with _engine.read(self.engine) as conn:
            return int(conn.execute(select(func.count()).select_from(briefings)).scalar_one())

    def close(self) -> None:
        self.engine.dispose()


def open_store(
    url: str | None = None,
    *,
    upgrade: bool = True,
    on_save: Callable[[str, int], None] | None = None,
) -> Store:
    """The store at ``url`` (default ``database_url()``), migrated to the newest schema."""
    engine = _engine.make_engine(url or _engine.database_url())
    if upgrade:
        _engine.upgrade(engine)
    return Store(engine, on_save=on_save)
