"""The briefing store: briefings, their named editors and every revision.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.create_table(
        "briefings",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("owner_id", sa.Text, nullable=False),
        sa.Column("owner_name", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("scenes", sa.Integer, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("revision", sa.Integer, nullable=False),
        sa.Column("share_token", sa.String(64), nullable=True, unique=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_briefings_owner", "briefings", ["owner_id"])
    op.create_table(
        "briefing_editors",
        sa.Column(
            "briefing_id",
            sa.String(32),
            sa.ForeignKey("briefings.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("email", sa.String(320), primary_key=True),
    )
    op.create_index("ix_briefing_editors_email", "briefing_editors", ["email"])
    op.create_table(
        "briefing_revisions",
        sa.Column(
            "briefing_id",
            sa.String(32),
            sa.ForeignKey("briefings.id", ondelete="CASCADE"),
            primary_key=True,
        ),
        sa.Column("number", sa.Integer, primary_key=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("author_id", sa.Text, nullable=False),
        sa.Column("author_name", sa.Text, nullable=False),
        sa.Column("message", sa.Text, nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("scenes", sa.Integer, nullable=False),
        sa.Column("document", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("briefing_revisions")
    op.drop_index("ix_briefing_editors_email", "briefing_editors")
    op.drop_table("briefing_editors")
    op.drop_index("ix_briefings_owner", "briefings")
    op.drop_table("briefings")
