"""The first user store: profile, items, matches, overrides, interactions, import runs.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "profile",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String, nullable=False),
        sa.Column("country", sa.String(2)),
        sa.Column("services", sa.JSON, nullable=False),
        sa.Column("offer_types", sa.JSON, nullable=False),
        sa.Column("updated_at", sa.DateTime),
    )
    op.create_table(
        "item",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String, nullable=False),
        sa.Column("source_key", sa.String, nullable=False),
        sa.Column("title", sa.String),
        sa.Column("year", sa.Integer),
        sa.Column("kind", sa.String),
        sa.Column("xids", sa.JSON, nullable=False),
        sa.Column("runtime_min", sa.Integer),
        sa.Column("people", sa.JSON, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.UniqueConstraint("source", "source_key", name="uq_item_source_key"),
    )
    op.create_table(
        "title_match",
        sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("title_id", sa.String),
        sa.Column("tconst", sa.String),
        sa.Column("verdict", sa.String, nullable=False),
        sa.Column("distance", sa.Float),
        sa.Column("method", sa.String, nullable=False),
        sa.Column("reason", sa.String, nullable=False),
        sa.Column("match", sa.JSON, nullable=False),
        sa.Column("catalog_built_at", sa.String),
        sa.Column("matched_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "title_override",
        sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("title_id", sa.String),
        sa.Column("at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "interaction",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id", ondelete="CASCADE"), nullable=False),
        sa.Column("action", sa.String, nullable=False),
        sa.Column("rating", sa.Float),
        sa.Column("scale", sa.Float),
        sa.Column("at", sa.DateTime),
        sa.Column("rewatch", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("source", sa.String, nullable=False),
        sa.Column("dedupe_key", sa.String, nullable=False, unique=True),
        sa.Column("file", sa.String),
        sa.Column("row_no", sa.Integer),
        sa.Column("recorded_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_interaction_item", "interaction", ["item_id"])
    op.create_table(
        "import_run",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("source", sa.String, nullable=False),
        sa.Column("file", sa.String, nullable=False),
        sa.Column("sha256", sa.String, nullable=False),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("counts", sa.JSON, nullable=False),
    )


def downgrade() -> None:
    for table in ("import_run", "interaction", "title_override", "title_match", "item", "profile"):
        op.drop_table(table)
