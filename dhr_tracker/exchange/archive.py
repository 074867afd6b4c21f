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
from dhr_tracker.errors import UserError
from dhr_tracker.model import Base
from dhr_tracker.model.base import UTCDateTime
from dhr_tracker.storage import migrate
from dhr_tracker.storage.bulk import realign_ids_after_load
from dhr_tracker.storage.files import create_owner_only

ARCHIVE_FORMAT = "dhr-tracker-archive"
ARCHIVE_VERSION = 1
REAL_NAME_COLUMNS = {"dhr_case": ("victim_real_name", "perpetrator_real_name")}
# The marker of ownership is written by create_database itself, not carried between files.
NOT_ARCHIVED = {"app_meta"}
# Reference tables that a new database is seeded with; an import replaces them with the archive's.
SEEDED = ("agency", "csp_area")


def archived_tables() -> list[Table]:
    return [table for table in Base.metadata.sorted_tables if table.name not in NOT_ARCHIVED]


def _to_json(value: Any) -> Any:
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.timezone.utc).isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _from_json(value: Any, column) -> Any:
    if value is None:
        return None
    try:
        if isinstance(column.type, (DateTime, UTCDateTime)):
            moment = dt.datetime.fromisoformat(value)
            return moment if moment.tzinfo else moment.replace(tzinfo=dt.timezone.utc)
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
        raise UserError(f"The archive's {column.table.name}.{column.name} value {value!r} is not valid: {error}.") from None
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
        "exported_at": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "includes_real_names": include_real_names,
        "tables": tables,
    }


def write_archive(session: Session, path: Path, *, include_real_names: bool = False) -> dict[str, int]:
    """Write the archive to a new owner-only file; return the row count of each table."""
    archive = build_archive(session, include_real_names=include_real_names)
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
        raise UserError(f"{path} is archive format version {archive.get('format_version')}; this version reads version {ARCHIVE_VERSION}.")
    if archive.get("schema_revision") != migrate.head_revision():
        raise UserError(
            f"{path} was written with database schema {archive.get('schema_revision')}; this version of DHR Tracker "
            f"uses schema {migrate.head_revision()}. Import it with the version that wrote it."
        )
    if not isinstance(archive.get("tables"), dict):
        raise UserError(f"{path} has no 'tables' object.")
    return archive


def load_archive(session: Session, archive: dict[str, Any]) -> dict[str, int]:
    """Load an archive into a database that holds no cases yet, replacing its seeded reference data.

    All or nothing: the caller's transaction is rolled back on any error.
    """
    if session.scalar(select(func.count()).select_from(Base.metadata.tables["dhr_case"])):
        raise UserError("This database already holds cases. Import an archive into a new database.")
    known = {table.name: table for table in archived_tables()}
    unknown = set(archive["tables"]) - set(known)
    if unknown:
        raise UserError(f"The archive has tables this version does not know: {', '.join(sorted(unknown))}.")
    for name in SEEDED:
        session.execute(delete(known[name]))
    counts: dict[str, int] = {}
    for table in archived_tables():
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
    realign_ids_after_load(session)
    return counts
