"""Owner-only files: everything DHR Tracker writes that holds case data is readable by its owner alone."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

OWNER_ONLY = 0o600


def create_owner_only(path: Path) -> int:
    """Create a new file readable and writable by its owner only; refuse to replace an existing one."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), OWNER_ONLY)


def restrict_to_owner(path: Path) -> None:
    if os.name == "posix":
        os.chmod(path, OWNER_ONLY)


def copy_to_new_owner_only_file(source: Path, destination: Path) -> Path:
    """Copy `source` byte for byte into a new owner-only file, synced to disk; no half-copy is left behind."""
    descriptor = create_owner_only(destination)
    try:
        with os.fdopen(descriptor, "wb") as target, source.open("rb") as origin:
            shutil.copyfileobj(origin, target)
            target.flush()
            os.fsync(target.fileno())
    except BaseException:
        destination.unlink(missing_ok=True)
        raise
    return destination
