"""Alembic's environment for the briefing store: run on the connection the caller passes in
``config.attributes["connection"]`` (``corridormap.store.migrate.upgrade``), inside the
caller's transaction, never from an ini file and never configuring logging."""

from __future__ import annotations

from alembic import context
from sqlalchemy.engine import Connection

from corridormap.store.tables import metadata


def _run() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise TypeError(
            "the briefing store's migrations run through corridormap.store "
            "(`corridormap db upgrade`), not the alembic command"
        )
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()


# Alembic loads this file inside its environment (context.config then exists); imported any
# other way (a tool walking the package), it does nothing.
if hasattr(context, "config"):
    _run()
