"""Icons by name from resources/icons (SVG or PNG); a missing icon is an empty icon, never an error."""

from __future__ import annotations

from functools import lru_cache

from PySide6.QtGui import QIcon

from dhr_tracker.resources import resources_root


@lru_cache(maxsize=None)
def icon(name: str) -> QIcon:
    if not name:
        return QIcon()
    folder = resources_root() / "icons"
    for suffix in (".svg", ".png"):
        path = folder / f"{name}{suffix}"
        if path.exists():
            return QIcon(str(path))
    return QIcon()
