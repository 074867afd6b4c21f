"""After rows were loaded with their own ids (an archive import): make the next new row's id follow them."""

from __future__ import annotations

from sqlalchemy.orm import Session


def realign_ids_after_load(session: Session) -> None:
    """SQLite gives a new row max(id) + 1 by itself; PostgreSQL draws ids from sequences, which must
    be moved past the loaded rows or the next insert collides with them."""
    if session.get_bind().dialect.name == "postgresql":
        from dhr_tracker.storage.postgres import realign_id_sequences

        realign_id_sequences(session)
