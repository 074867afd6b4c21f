"""The append-only audit trail, chained by hashes so that an altered or removed row shows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from dhr_tracker.model.base import Base, enum_column
from dhr_tracker.vocabulary import AuditAction


class AuditEntry(Base):
    __tablename__ = "audit_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime]
    os_user: Mapped[str] = mapped_column(String(120))
    action: Mapped[AuditAction] = mapped_column(enum_column(AuditAction))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[int | None] = mapped_column(index=True)
    changes_json: Mapped[str] = mapped_column(default="{}")
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    # SHA-256 of the record's stored state after the change (security.row_digest); None for a delete,
    # for a baseline or import entry, and for entries written before migration 0006.
    row_digest: Mapped[str | None] = mapped_column(String(64))
    # A baseline entry's digest of every row, {"<row>":"<digest>",...} (security.row_digest, schema 0007): kept
    # out of the hashed content, which holds its SHA-256 instead, so walking the trail never reads it; it is read
    # only to name rows that differ. Deferred: listing the trail never loads it.
    baseline_rows: Mapped[str | None] = deferred(mapped_column(Text))


class AuditImportedEntry(Base):
    """The trail an archive brought with it: a closed segment, verified on import, never added to.

    The entry that opened the importing database's own chain (action `import`) names the archive's
    SHA-256 and this segment's head, so the segment cannot be changed without that showing.
    """

    __tablename__ = "audit_imported_entry"

    archive_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    at: Mapped[dt.datetime]
    os_user: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(40))
    entity: Mapped[str] = mapped_column(String(60))
    entity_id: Mapped[str] = mapped_column(String(60))
    case_id: Mapped[int | None]
    changes_json: Mapped[str]
    previous_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))
    row_digest: Mapped[str | None] = mapped_column(String(64))
    baseline_rows: Mapped[str | None] = deferred(mapped_column(Text))  # as AuditEntry.baseline_rows
