"""Other names of an item: the names its export gave besides the title (an IMDb export's Original Title
in a localised account), kept so that matching it again after a rebuild reads them as the import did.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("item", sa.Column("akas", sa.JSON, nullable=False, server_default=sa.text("'[]'")))


def downgrade() -> None:
    with op.batch_alter_table("item") as batch:
        batch.drop_column("akas")
