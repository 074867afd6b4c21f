"""What the signed-in person may read. A local file's passphrase holder reads everything; on a team
database the server decides by role (resources/postgres/roles.sql), and the app asks rather than fails."""

from __future__ import annotations

from sqlalchemy.orm import Session

REAL_NAMES_READABLE = "dhr_real_names_readable"  # Session.info key, set by storage.postgres.TeamDatabase


def real_names_readable(session: Session | None) -> bool:
    return True if session is None else bool(session.info.get(REAL_NAMES_READABLE, True))
