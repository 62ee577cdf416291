"""The store's tables (SQLAlchemy Core). The migrations in ``migrations/versions`` create them;
keep the two in step (tests/test_store.py compares them)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
)

metadata = MetaData()

briefings = Table(
    "briefings",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("owner_id", Text, nullable=False),
    Column("owner_name", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("scenes", Integer, nullable=False),
    Column("document", Text, nullable=False),  # JSON text of the YAML interchange mapping
    Column("version", Integer, nullable=False),  # optimistic-lock counter
    Column("revision", Integer, nullable=False),  # the head revision's number
    Column("share_token", String(64), nullable=True, unique=True),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("updated", DateTime(timezone=True), nullable=False),
    Column("deleted", DateTime(timezone=True), nullable=True),
    Index("ix_briefings_owner", "owner_id"),
)

editors = Table(
    "briefing_editors",
    metadata,
    Column(
        "briefing_id",
        String(32),
        ForeignKey("briefings.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("email", String(320), primary_key=True),
    Index("ix_briefing_editors_email", "email"),
)

revisions = Table(
    "briefing_revisions",
    metadata,
    Column(
        "briefing_id",
        String(32),
        ForeignKey("briefings.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    Column("number", Integer, primary_key=True),
    Column("created", DateTime(timezone=True), nullable=False),
    Column("author_id", Text, nullable=False),
    Column("author_name", Text, nullable=False),
    Column("message", Text, nullable=False),
    Column("title", Text, nullable=False),
    Column("scenes", Integer, nullable=False),
    Column("document", Text, nullable=False),
)
