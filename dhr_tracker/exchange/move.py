"""Moving a whole database between a local file and a team database on a server, either way.

It goes through the JSON archive's verified path (`exchange.archive`), held in memory only (never
written to disk, as it carries the real names): the source's audit trail must verify first; the
destination is created and filled in one unit of work, its audit trail (carried over entry for entry,
with the same hashes) must verify and end on the same entry, and every table must hold as many rows
as the source's. If any of that fails nothing is left behind: the new file is removed, or the server
database's transaction (schema included) is rolled back.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from dhr_tracker.errors import UserError
from dhr_tracker.exchange.archive import archived_tables, build_archive, load_archive
from dhr_tracker.security.audit import record_chain_head, verify_chain
from dhr_tracker.storage.database import Database


@dataclass(frozen=True)
class MoveResult:
    cases: int
    records: int
    audit_entries: int


def read_whole(source: Database) -> dict[str, Any]:
    """Everything in `source`, real names included, after checking its audit trail."""
    with source.transaction() as session:
        report = verify_chain(session)
        if not report.ok:
            raise UserError(
                f"The audit trail of {source.label} is broken at entry {report.broken_at} ({report.problem}); "
                "nothing was moved. Restore a backup whose trail verifies, then move that."
            )
        return build_archive(session, include_real_names=True)


def _segment_end(session: Session, sha256: str) -> tuple[int, str | None]:
    """(entries, hash of the last) of the trail kept from the archive `sha256`."""
    rows = session.execute(
        text("SELECT id, entry_hash FROM audit_imported_entry WHERE archive_sha256 = :sha ORDER BY id"), {"sha": sha256}
    ).all()
    return len(rows), (rows[-1].entry_hash if rows else None)


def moved_archive_sha256(archive: dict[str, Any]) -> str:
    """The name a moved archive's trail is kept under: the SHA-256 of its canonical JSON (it is never a file)."""
    canonical = json.dumps(archive, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def fill_from(archive: dict[str, Any]) -> Callable[[Session], MoveResult]:
    """Load `archive` into a new, empty database, then check it arrived whole (raises otherwise).

    The source's trail arrives as a closed segment, entry for entry with the same hashes
    (`audit_imported_entry`), and the destination's own chain opens with the entry naming it."""

    def fill(session: Session) -> MoveResult:
        sha256 = moved_archive_sha256(archive)
        counts = load_archive(session, archive, sha256=sha256, source="the database being moved")
        session.flush()
        record_chain_head(session)
        report = verify_chain(session)
        rows = archive["tables"].get("audit_entry", [])
        expected_head = rows[-1]["entry_hash"] if rows else None
        if not report.ok or _segment_end(session, sha256) != (len(rows), expected_head):
            raise UserError(
                f"The audit trail did not arrive intact ({report.problem or 'a different last entry'}); nothing was moved."
            )
        for table in archived_tables():
            if table.name in ("audit_entry", "audit_imported_entry"):
                continue  # the trail arrives as a segment, checked above; the new chain opens with the move
            arrived = session.scalar(select(func.count()).select_from(table))
            if arrived != len(archive["tables"].get(table.name, [])):
                raise UserError(f"The table {table.name} did not arrive whole ({arrived} rows); nothing was moved.")
        return MoveResult(counts.get("dhr_case", 0), sum(counts.values()), len(rows))

    return fill


def move_into_file(archive: dict[str, Any], path: Path, passphrase: str, confirmation: str) -> MoveResult:
    """Create the encrypted file `path` holding the archive, or leave no file at all."""
    from dhr_tracker.storage.database import create_database

    database = create_database(
        path, passphrase, confirmation, with_reference_data=False
    )  # its trail opens with the move
    try:
        with database.transaction() as session:
            result = fill_from(archive)(session)
    except BaseException:
        database.close()
        path.unlink(missing_ok=True)
        raise
    database.close()
    return result


def move_into_server(archive: dict[str, Any], url: str, create_team: Callable[..., Database]) -> MoveResult:
    """Set up the team database at `url` holding the archive, in one transaction with its schema.

    `create_team(url, fill=...)` is `storage.postgres.create_team_database`, or the CLI's version of it
    that asks for the server's password when libpq finds none."""
    results: list[MoveResult] = []
    fill = fill_from(archive)
    create_team(url, fill=lambda session: results.append(fill(session))).close()
    return results[0]
