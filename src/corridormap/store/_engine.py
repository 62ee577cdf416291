"""The database URL, the engine (SQLite pragmas, write transactions) and the migrations."""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Final

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.exc import ArgumentError, InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.pool import StaticPool

from corridormap import catalog
from corridormap.i18n import N_, _

logger = logging.getLogger(__name__)

ENV_VAR: Final = "CORRIDORMAP_DATABASE_URL"
MIGRATIONS: Final = Path(__file__).resolve().parent / "migrations"
#: How long a SQLite writer waits for another one (milliseconds) before giving up.
BUSY_TIMEOUT_MS: Final = 30_000
#: PostgreSQL advisory lock key held around "upgrade head" (any fixed 64-bit number).
_MIGRATION_LOCK: Final = 0x636F_7272_6964_6F72  # "corridor"
_WRITE: Final = "corridormap_write"


class StoreError(Exception):
    """The store could not do what was asked; the message is for users."""


class Unavailable(StoreError):  # noqa: N818 - named like NotFound, Forbidden, Conflict
    """The database cannot be reached or is busy beyond the wait; nothing was changed."""


def shown(url: str | URL) -> str:
    """A database URL as it may be shown: never its password."""
    try:
        parsed = make_url(url) if isinstance(url, str) else url
    except ArgumentError:
        return "(not a database URL)"
    return parsed.render_as_string(hide_password=True)


def _reason(exc: BaseException) -> str:
    """The driver's first line about what failed (no SQL, no parameters)."""
    orig = getattr(exc, "orig", None)
    text = str(orig if orig is not None else exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def default_path() -> Path:
    """The embedded database: ``var/corridormap.sqlite3`` at the project root (git-ignored)."""
    return catalog.repo_data_dir().parent / "var" / "corridormap.sqlite3"


def database_url(env: Mapping[str, str] = os.environ) -> str:
    """``CORRIDORMAP_DATABASE_URL``, else the embedded SQLite file."""
    value = env.get(ENV_VAR, "").strip()
    if not value:
        return f"sqlite:///{default_path()}"
    _parse(value)  # refuse what the store cannot open, naming the scheme
    return value


def _parse(value: str) -> URL:
    try:
        url = make_url(value)
    except ArgumentError:
        raise StoreError(
            f"{ENV_VAR} is not a database URL (expected sqlite:///PATH or "
            "postgresql://USER:PASSWORD@HOST:PORT/NAME)"
        ) from None
    backend = url.get_backend_name()
    driver = url.get_driver_name()
    if backend == "sqlite" and driver in ("pysqlite", ""):
        return url
    if backend == "postgresql" and driver in ("psycopg", "psycopg2", ""):
        # psycopg 3 is the driver the project ships; "postgresql://" means it too
        return url.set(drivername="postgresql+psycopg")
    raise StoreError(
        f"{ENV_VAR}: the scheme {url.drivername!r} is not supported "
        "(use sqlite:///PATH or postgresql://...)"
    )


def make_engine(url: str) -> Engine:
    """An engine for ``url``. SQLite: WAL, a busy timeout, foreign keys, and every write
    transaction opened with BEGIN IMMEDIATE (one writer at a time, no upgrade deadlock)."""
    parsed = _parse(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    database = parsed.database or ""
    memory = database in ("", ":memory:")
    if not memory:
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    kwargs: dict[str, Any] = {"connect_args": {"timeout": BUSY_TIMEOUT_MS / 1000}}
    if memory:
        kwargs["poolclass"] = StaticPool
        kwargs["connect_args"]["check_same_thread"] = False
    engine = create_engine(parsed, **kwargs)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # we issue BEGIN ourselves
        cursor = dbapi_connection.cursor()
        try:
            if not memory:
                cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS:d}")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA synchronous=FULL")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


_UNAVAILABLE: Final = N_(
    "The briefing database is not available right now ({reason}); nothing was changed. "
    "Try again in a moment."
)


@contextmanager
def write(engine: Engine) -> Iterator[Connection]:
    """A write transaction: committed when the block ends, rolled back if it raises. A
    database that cannot be reached (or stays locked) is ``Unavailable``."""
    try:
        with engine.connect().execution_options(**{_WRITE: True}) as conn, conn.begin():
            yield conn
    except (OperationalError, InterfaceError) as exc:
        logger.warning("the database is unavailable", exc_info=exc)
        raise Unavailable(_(_UNAVAILABLE).format(reason=_reason(exc))) from exc


@contextmanager
def read(engine: Engine) -> Iterator[Connection]:
    try:
        with engine.connect() as conn, conn.begin():
            yield conn
    except (OperationalError, InterfaceError) as exc:
        logger.warning("the database is unavailable", exc_info=exc)
        raise Unavailable(_(_UNAVAILABLE).format(reason=_reason(exc))) from exc


def _config(conn: Connection) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["connection"] = conn
    return cfg


def head() -> str:
    """The newest migration's revision id."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    rev = ScriptDirectory.from_config(cfg).get_current_head()
    if rev is None:
        raise StoreError("the store ships no migrations")
    return rev


def current(engine: Engine) -> str | None:
    """The database's migration revision (None: never migrated)."""
    with read(engine) as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> None:
    """Alembic "upgrade head", idempotent and safe when several processes start at once:
    PostgreSQL holds an advisory lock for the transaction; SQLite's BEGIN IMMEDIATE lets one
    writer in at a time. The others wait, then find the schema at head and do nothing."""
    try:
        with write(engine) as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK})
            command.upgrade(_config(conn), "head")
    except Unavailable as exc:
        raise Unavailable(
            f"cannot open the database at {shown(engine.url)}: {_reason(exc.__cause__ or exc)}"
        ) from exc.__cause__
    except SQLAlchemyError as exc:
        logger.exception("cannot migrate the database")
        raise StoreError(
            f"cannot migrate the database at {shown(engine.url)}: {_reason(exc)}"
        ) from exc
