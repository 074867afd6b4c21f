"""Stored settings, closure days and the marker that says a file is a DHR Tracker database."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from dhr_tracker.model.base import Base, utc_now


class AppMeta(Base):
    """Key/value facts about the database itself (application name, created with which version)."""

    __tablename__ = "app_meta"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[str]


class SettingValue(Base):
    """A setting the user changed from its declared default (see dhr_tracker.settings)."""

    __tablename__ = "setting_value"

    key: Mapped[str] = mapped_column(String(80), primary_key=True)
    value_json: Mapped[str]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utc_now, onupdate=utc_now)


class ClosureDay(Base):
    """A day the council is closed, in addition to the England and Wales bank holidays."""

    __tablename__ = "closure_day"

    day: Mapped[dt.date] = mapped_column(primary_key=True)
    description: Mapped[str] = mapped_column(String(200), default="")
