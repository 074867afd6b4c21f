"""The append-only audit trail, chained by hashes so that an altered or removed row shows."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

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
