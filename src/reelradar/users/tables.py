"""The user store's tables (SQLAlchemy Core). Changes go through an Alembic migration in ``migrations/``.

An ``item`` is a title as a person's data names it (the name, year and ids it came with), so it
survives any catalog rebuild; ``title_match`` is what the resolver made of it, ``title_override`` what
the person decided by hand (it wins), ``interaction`` what they did with it.
"""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

profile = sa.Table(
    "profile", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("name", sa.String, nullable=False),
    sa.Column("country", sa.String(2)),
    sa.Column("services", sa.JSON, nullable=False),
    sa.Column("offer_types", sa.JSON, nullable=False),
    sa.Column("updated_at", sa.DateTime),
)

item = sa.Table(
    "item", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source", sa.String, nullable=False),  # imdb, letterboxd, trakt, manual
    sa.Column("source_key", sa.String, nullable=False),  # stable within the source: a tconst, "name|year"
    sa.Column("title", sa.String),
    sa.Column("year", sa.Integer),
    sa.Column("kind", sa.String),
    sa.Column("xids", sa.JSON, nullable=False),
    sa.Column("runtime_min", sa.Integer),
    sa.Column("people", sa.JSON, nullable=False),
    sa.Column("created_at", sa.DateTime, nullable=False),
    # other names the export gave (an IMDb Original Title): a rematch reads them as the import did
    sa.Column("akas", sa.JSON, nullable=False, server_default=sa.text("'[]'")),
    sa.UniqueConstraint("source", "source_key", name="uq_item_source_key"),
)

title_match = sa.Table(
    "title_match", metadata,
    sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("title_id", sa.String),
    sa.Column("tconst", sa.String),
    sa.Column("verdict", sa.String, nullable=False),  # strong, medium, none
    sa.Column("distance", sa.Float),
    sa.Column("method", sa.String, nullable=False),  # id, title, none
    sa.Column("reason", sa.String, nullable=False),
    sa.Column("match", sa.JSON, nullable=False),  # the whole Match, components included
    sa.Column("catalog_built_at", sa.String),
    sa.Column("matched_at", sa.DateTime, nullable=False),
)

title_override = sa.Table(
    "title_override", metadata,
    sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("title_id", sa.String),  # NULL: "this record is no catalog title" (unlink)
    sa.Column("at", sa.DateTime, nullable=False),
)

interaction = sa.Table(
    "interaction", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("item_id", sa.Integer, sa.ForeignKey("item.id", ondelete="CASCADE"), nullable=False),
    sa.Column("action", sa.String, nullable=False),  # rated, watched, watchlist, dismissed, liked
    sa.Column("rating", sa.Float),  # on the original scale
    sa.Column("scale", sa.Float),
    sa.Column("at", sa.DateTime),
    sa.Column("rewatch", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.Column("source", sa.String, nullable=False),
    sa.Column("dedupe_key", sa.String, nullable=False, unique=True),
    sa.Column("file", sa.String),
    sa.Column("row_no", sa.Integer),
    sa.Column("recorded_at", sa.DateTime, nullable=False),
)
sa.Index("ix_interaction_item", interaction.c.item_id)

import_run = sa.Table(
    "import_run", metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("source", sa.String, nullable=False),
    sa.Column("file", sa.String, nullable=False),
    sa.Column("sha256", sa.String, nullable=False),
    sa.Column("at", sa.DateTime, nullable=False),
    sa.Column("counts", sa.JSON, nullable=False),
)

# What ``reelradar notify`` sent where: a notice (its key) to a notify URL (a hash of it: URLs hold tokens).
notice_sent = sa.Table(
    "notice_sent", metadata,
    sa.Column("url_id", sa.String, primary_key=True),
    sa.Column("key", sa.String, primary_key=True),
    sa.Column("sent_at", sa.DateTime, nullable=False),
)
