"""The JSON archive: the whole content of a database, table by table, round-tripping exactly.

The format is documented in docs/archive-format.md. Real names are left out unless asked for.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from enum import Enum
from pathlib import Path
from typing import Any

from sqlalchemy import Boolean, Date, DateTime, Integer, Table, delete, func, insert, select
from sqlalchemy.orm import Session

from dhr_tracker import __version__
from dhr_tracker.dates import today_uk
from dhr_tracker.errors import UserError
from dhr_tracker.exchange.archive_rules import derive_stages, rule_breaches
from dhr_tracker.model import Base
from dhr_tracker.model.base import UTCDateTime
from dhr_tracker.privacy.channels import JSON_EXPORT
from dhr_tracker.privacy.guard import source_fields
from dhr_tracker.privacy.pseudonyms import pseudonyms_holding_names
from dhr_tracker.privacy.pseudonyms import refusal as pseudonym_refusal
from dhr_tracker.storage import migrate
from dhr_tracker.storage.bulk import realign_ids_after_load
from dhr_tracker.storage.files import create_owner_only

ARCHIVE_FORMAT = "dhr-tracker-archive"
# The columns of an audit entry, in the order an archive's trail rows and the imported segment hold them.
TRAIL_FIELDS = (
    "id",
    "at",
    "os_user",
    "action",
    "entity",
    "entity_id",
    "case_id",
    "changes_json",
    "previous_hash",
    "entry_hash",
    "row_digest",
)
ARCHIVE_VERSION = 1
REAL_NAME_COLUMNS = {"dhr_case": ("victim_real_name", "perpetrator_real_name")}
# The marker of ownership is written by create_database itself, not carried between files.
NOT_ARCHIVED = {"app_meta"}
# Reference tables that a new database is seeded with; an import replaces them with the archive's.
SEEDED = ("agency", "csp_area", "theme")


def archived_tables() -> list[Table]:
    return [table for table in Base.metadata.sorted_tables if table.name not in NOT_ARCHIVED]


def _to_json(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _from_json(value: Any, column) -> Any:
    if value is None:
        return None
    try:
        if isinstance(column.type, (DateTime, UTCDateTime)):
            moment = dt.datetime.fromisoformat(value)
            return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)
        if isinstance(column.type, Date):
            return dt.date.fromisoformat(value)
        if isinstance(column.type, Boolean):
            if not isinstance(value, bool):
                raise ValueError("expected true or false")
            return value
        if isinstance(column.type, Integer):
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError("expected a whole number")
            return value
    except (TypeError, ValueError) as error:
        raise UserError(
            f"The archive's {column.table.name}.{column.name} value {value!r} is not valid: {error}."
        ) from None
    return value


def build_archive(session: Session, *, include_real_names: bool = False) -> dict[str, Any]:
    tables: dict[str, list[dict[str, Any]]] = {}
    for table in archived_tables():
        hidden = () if include_real_names else REAL_NAME_COLUMNS.get(table.name, ())
        order = list(table.primary_key.columns)
        rows = session.execute(select(table).order_by(*order)).mappings()
        tables[table.name] = [
            {name: (None if name in hidden else _to_json(value)) for name, value in row.items()} for row in rows
        ]
    return {
        "format": ARCHIVE_FORMAT,
        "format_version": ARCHIVE_VERSION,
        "schema_revision": migrate.head_revision(),
        "written_by": f"DHR Tracker {__version__}",
        "exported_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "includes_real_names": include_real_names,
        "tables": tables,
    }


def real_names_in_archive(session: Session, archive: dict[str, Any]) -> list[str]:
    """Where a stored real name occurs in the archive's text ("recommendation 12, column action, case
    DHR-2024-01"), for an archive that is meant to hold none. The audit trail's recorded changes are
    read value by value."""
    from dhr_tracker.reports.pseudonyms import RealNameGuard

    guard = RealNameGuard.from_session(session)
    if not guard.names:
        return []
    found: list[str] = []
    for name, rows in archive["tables"].items():
        for row in rows:
            for column, value in row.items():
                if not isinstance(value, str) or column == "baseline_rows":
                    # A baseline's kept digests: row keys and hex digests written by record_baseline, nothing anyone
                    # typed, and 50 MB at national scale for the guard to read word by word.
                    continue
                if name == "audit_entry" and column == "changes_json":
                    try:
                        value = " \x00 ".join(text for _, text in source_fields(json.loads(value)))
                    except ValueError:
                        pass
                for reference in guard.found_in(value):
                    found.append(
                        f"{name.replace('_', ' ')} {row.get('id', '?')}, {column.replace('_', ' ')} (case {reference})"
                    )
    return found


def write_archive(session: Session, path: Path, *, include_real_names: bool = False) -> dict[str, int]:
    """Write the archive to a new owner-only file; return the row count of each table.

    Without real names, an archive whose text still holds one (typed into a note, an update, an old
    audit entry) is refused, naming each place, before any file is created.
    """
    archive = build_archive(session, include_real_names=include_real_names)
    if not include_real_names:
        found = real_names_in_archive(session, archive)
        if found:
            shown = "; ".join(found[:8]) + (f"; and {len(found) - 8} more" if len(found) > 8 else "")
            raise UserError(
                f"Nothing was exported: the {JSON_EXPORT.label} without real names would still hold a real name, in {shown}. "
                "Replace the real name with the pseudonym there and export again, or export with --include-real-names "
                "(an archive that is then marked as holding real names)."
            )
    encoded = json.dumps(archive, indent=1, ensure_ascii=False, sort_keys=False).encode("utf-8")
    descriptor = create_owner_only(path)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(encoded)
    return {name: len(rows) for name, rows in archive["tables"].items()}


def read_archive(path: Path) -> dict[str, Any]:
    try:
        archive = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise UserError(f"{path} is not a DHR Tracker JSON archive (it is not UTF-8 text).") from None
    except json.JSONDecodeError as error:
        raise UserError(f"{path} is not valid JSON (line {error.lineno}, column {error.colno}): {error.msg}.") from None
    if not isinstance(archive, dict) or archive.get("format") != ARCHIVE_FORMAT:
        raise UserError(f"{path} is JSON, but not a DHR Tracker archive (its 'format' is not '{ARCHIVE_FORMAT}').")
    if archive.get("format_version") != ARCHIVE_VERSION:
        raise UserError(
            f"{path} is archive format version {archive.get('format_version')}; this version reads version {ARCHIVE_VERSION}."
        )
    if archive.get("schema_revision") != migrate.head_revision():
        raise UserError(
            f"{path} was written with database schema {archive.get('schema_revision')}; this version of DHR Tracker "
            f"uses schema {migrate.head_revision()}. Import it with the version that wrote it."
        )
    if not isinstance(archive.get("tables"), dict):
        raise UserError(f"{path} has no 'tables' object.")
    return archive


def archive_sha256(path: Path) -> str:
    """The SHA-256 of the archive file as given: named in the importing database's trail."""
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()


def _imported_trail(
    archive: dict[str, Any],
) -> tuple[list[tuple], dict[int, str], str, dict[str, dict[str, str | None]]]:
    """The archive's own audit trail, verified: its entries as rows, the row digests kept beside its baseline
    entries (by entry id), its head `COUNT:HASH`, the state it expects."""
    from dhr_tracker.security.audit import walk_segment
    from dhr_tracker.security.row_digest import BaselineAltered

    fields = TRAIL_FIELDS
    entries = archive["tables"].get("audit_entry", [])
    if not isinstance(entries, list) or not all(isinstance(row, dict) for row in entries):
        raise UserError("The archive's 'audit_entry' entry is not a list of rows.")
    rows = [tuple(row.get(name) for name in fields) for row in sorted(entries, key=lambda row: row.get("id") or 0)]
    kept = {row.get("id"): row["baseline_rows"] for row in entries if isinstance(row.get("baseline_rows"), str)}
    try:
        count, broken_at, problem, head, recorded = walk_segment(rows, kept.get)
    except (TypeError, ValueError, KeyError) as error:
        raise UserError(f"The archive's audit trail cannot be read ({error}). Nothing was imported.") from None
    if broken_at is not None:
        raise UserError(
            f"The archive's audit trail is broken at entry {broken_at}: {problem}. The archive was changed after it "
            "was exported; nothing was imported. Export it again from the original database."
        )
    try:
        expected = {table: recorded.rows(table) for table in recorded.tables()}
    except BaselineAltered as error:
        raise UserError(
            f"The row digests kept with the archive's {error.table} baseline (entry {error.entry_id}) are not the ones "
            "that entry recorded: the archive was changed after it was exported; nothing was imported. Export it "
            "again from the original database."
        ) from None
    except (TypeError, ValueError, KeyError) as error:
        raise UserError(f"The archive's audit trail cannot be read ({error}). Nothing was imported.") from None
    return rows, kept, f"{count}:{head}", expected


def _check_against_trail(session: Session, expected: dict[str, dict[str, str | None]], *, real_names: bool) -> None:
    """Every imported record must be in the state the archive's own trail last recorded for it."""
    from dhr_tracker.security import row_digest

    connection = session.connection()
    for table in row_digest.audited_tables():
        if table.name == "dhr_case" and not real_names:
            continue  # exported without real names, so the stored state differs from the one the trail recorded
        recorded = expected.get(table.name, {})
        present = row_digest.table_digests(connection, table.name)  # once per table: it reads every row
        for name, digest in present.items():
            if recorded.get(name) != digest:
                raise UserError(
                    f"The archive's {table.name} row {name} is not in the state its own audit trail last recorded: "
                    "the archive was edited after it was exported. Nothing was imported."
                )
        for name, recorded_digest in recorded.items():
            if recorded_digest is not None and name not in present:
                raise UserError(
                    f"The archive's trail records {table.name} row {name}, but the archive does not hold it: "
                    "a record was removed from the archive after it was exported. Nothing was imported."
                )


MAX_REPORTED_BREACHES = 30


def _check_rules(session: Session, source: str, today: dt.date) -> None:
    """Refuse the whole archive, with a report, if any row breaks a rule the app's services apply."""
    breaches = rule_breaches(session, today)
    if breaches:
        shown = "\n".join(breach.line(source) for breach in breaches[:MAX_REPORTED_BREACHES])
        more = (
            f"\n... and {len(breaches) - MAX_REPORTED_BREACHES} more." if len(breaches) > MAX_REPORTED_BREACHES else ""
        )
        raise UserError(
            f"The archive breaks {len(breaches)} of the rules DHR Tracker applies to every record, so nothing was "
            f"imported:\n{shown}{more}\nCorrect them in the database the archive came from and export it again."
        )


def load_archive(
    session: Session,
    archive: dict[str, Any],
    *,
    sha256: str = "",
    source: str = "the archive",
    today: dt.date | None = None,
) -> dict[str, int]:
    """Load an archive into a database that holds no cases yet, replacing its seeded reference data.

    The archive's audit trail is verified first and kept as a closed segment (`audit_imported_entry`);
    every record must be in the state that trail last recorded (an edited archive is refused); then the
    database's own chain records an `import` entry naming the archive's SHA-256 and the segment's head,
    and a baseline of what was loaded. All or nothing: the caller's transaction is rolled back on any error.
    """
    from dhr_tracker.security.audit import record_baseline

    if session.scalar(select(func.count()).select_from(Base.metadata.tables["dhr_case"])):
        raise UserError("This database already holds cases. Import an archive into a new database.")
    known = {table.name: table for table in archived_tables()}
    unknown = set(archive["tables"]) - set(known)
    if unknown:
        raise UserError(f"The archive has tables this version does not know: {', '.join(sorted(unknown))}.")
    trail, kept, segment_head, expected = _imported_trail(archive)
    for name in SEEDED:
        session.execute(delete(known[name]))
    counts: dict[str, int] = {}
    for table in archived_tables():
        if table.name == "audit_entry":
            continue  # kept as the imported segment below, never as this database's own entries
        rows = archive["tables"].get(table.name, [])
        if not isinstance(rows, list):
            raise UserError(f"The archive's '{table.name}' entry is not a list of rows.")
        columns = {column.name: column for column in table.columns}
        cleaned = []
        for row in rows:
            if not isinstance(row, dict) or set(row) - set(columns):
                raise UserError(f"A row of '{table.name}' in the archive has fields this version does not know.")
            cleaned.append({name: _from_json(value, columns[name]) for name, value in row.items()})
        if cleaned:
            session.execute(insert(table), cleaned)
        counts[table.name] = len(cleaned)
    clashes = pseudonyms_holding_names(session)
    if clashes:
        raise UserError(pseudonym_refusal(clashes, "Nothing was imported"))
    _check_rules(session, source, today or today_uk())
    _check_against_trail(session, expected, real_names=bool(archive.get("includes_real_names")))
    stages = derive_stages(session)
    segment = known["audit_imported_entry"]
    columns = {column.name: column for column in segment.columns}
    if trail:
        names = TRAIL_FIELDS
        session.execute(
            insert(segment),
            [
                {
                    "archive_sha256": sha256,
                    **{name: _from_json(value, columns[name]) for name, value in zip(names, row)},
                    "baseline_rows": kept.get(row[0]),
                }
                for row in trail
            ],
        )
    counts["audit_entry"] = len(trail)
    record_baseline(
        session.connection(),
        f"imported from archive {sha256}",
        opening={
            "archive_sha256": sha256,
            "segment_head": segment_head,
            "exported_at": archive.get("exported_at"),
            "written_by": archive.get("written_by"),
            "stages_derived": {reference: {"in_file": old, "derived": new} for reference, (old, new) in stages.items()},
        },
    )
    realign_ids_after_load(session)
    return counts
