"""Alembic environment: migrations always run on a connection DHR Tracker has already unlocked."""

from alembic import context

from dhr_tracker.model import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("DHR Tracker migrations run through dhr_tracker.storage.migrate, on an unlocked connection.")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True, compare_type=True)
with context.begin_transaction():
    context.run_migrations()
