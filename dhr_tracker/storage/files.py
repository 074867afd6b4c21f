"""Owner-only files: everything DHR Tracker writes that holds case data is readable by its owner alone."""

from __future__ import annotations

import os
from pathlib import Path

OWNER_ONLY = 0o600


def create_owner_only(path: Path) -> int:
    """Create a new file readable and writable by its owner only; refuse to replace an existing one."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), OWNER_ONLY)


def restrict_to_owner(path: Path) -> None:
    if os.name == "posix":
        os.chmod(path, OWNER_ONLY)
