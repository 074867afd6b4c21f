"""Telling a team database's URL from a local file's path (without loading the server's driver)."""

from __future__ import annotations

from pathlib import Path

from typing_extensions import TypeIs

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_server_url(target: Path | str) -> TypeIs[str]:
    """Whether a --db value names a team database on a PostgreSQL server rather than a local file."""
    return isinstance(target, str) and target.lower().startswith(SCHEMES)
