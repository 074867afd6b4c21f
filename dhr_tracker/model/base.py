"""Declarative base, naming convention and column types shared by every table."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any

from sqlalchemy import DateTime, MetaData, String, TypeDecorator
from sqlalchemy import Enum as SAEnum
from sqlalchemy.orm import DeclarativeBase, Mapped, declared_attr, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp. Naive datetimes are refused: they are always a bug."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("timestamps must be timezone-aware")
        return value.astimezone(dt.UTC).replace(tzinfo=None)

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC)


def utc_now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def enum_column(enum_class: type[Enum]) -> SAEnum:
    """Store an enum by its value as plain text.

    No CHECK constraint: the vocabulary grows with the guidance, and a constraint would turn every
    new word into a table rebuild. The ORM refuses values outside the enum on write.
    """
    return SAEnum(
        enum_class,
        native_enum=False,
        create_constraint=False,
        validate_strings=True,
        length=40,
        values_callable=lambda members: [member.value for member in members],
        name=enum_class.__name__.lower(),
    )


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {dt.datetime: UTCDateTime(), str: String()}


class Versioned:
    """A record people edit: its `row_version` goes up with every save, and a save is refused (not
    merged, not lost) when the row moved on since it was read, e.g. another officer saved it first
    (SQLAlchemy's version counter; `storage.versions` turns the refusal into a clear message)."""

    row_version: Mapped[int] = mapped_column(default=1, server_default="1")

    @declared_attr.directive
    def __mapper_args__(cls) -> dict[str, Any]:
        return {"version_id_col": cls.__table__.c.row_version}  # type: ignore[attr-defined]  # a mixin: the table is the subclass's
