"""The recent-files list: database paths only (never anything from inside a database), in a small JSON file."""

from __future__ import annotations

import json
import os
from pathlib import Path

from dhr_tracker.locations import user_config_folder, user_data_folder

MAX_RECENT = 8


def config_dir() -> Path:
    return user_config_folder()


def data_dir() -> Path:
    return user_data_folder()


class RecentFiles:
    def __init__(self, folder: Path | None = None):
        self.file = (folder or config_dir()) / "recent.json"

    def paths(self) -> list[Path]:
        try:
            entries = json.loads(self.file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return []
        if not isinstance(entries, list):
            return []
        return [Path(entry) for entry in entries if isinstance(entry, str)][:MAX_RECENT]

    def add(self, path: Path) -> None:
        path = Path(path).resolve()
        self._write([path, *(p for p in self.paths() if p != path)][:MAX_RECENT])

    def remove(self, path: Path) -> None:
        path = Path(path).resolve()
        self._write([p for p in self.paths() if p != path])

    def _write(self, paths: list[Path]) -> None:
        try:
            self.file.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.file.with_suffix(".tmp")
            temporary.write_text(json.dumps([str(p) for p in paths], indent=1), encoding="utf-8")
            os.replace(temporary, self.file)
        except OSError:
            pass  # the list is a convenience; failing to save it must not stop the app
