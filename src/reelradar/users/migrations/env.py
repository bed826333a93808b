"""Alembic environment for the user store: run on the connection the store hands over."""

from __future__ import annotations

from alembic import context

from reelradar.users.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - the store always passes its connection
    raise RuntimeError("the user store migrations run through reelradar.users.store.UserStore")

# render_as_batch: SQLite alters tables by copying them; Alembic does that in batch mode.
context.configure(connection=connection, target_metadata=metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
