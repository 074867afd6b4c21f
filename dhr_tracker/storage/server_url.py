"""Telling a team database's URL from a local file's path (without loading the server's driver)."""

from __future__ import annotations

SCHEMES = ("postgresql://", "postgres://", "postgresql+psycopg://")


def is_server_url(target: object) -> bool:
    """Whether a --db value names a team database on a PostgreSQL server rather than a local file."""
    return isinstance(target, str) and target.lower().startswith(SCHEMES)
