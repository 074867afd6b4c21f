"""Where the shipped resources (reference data, fonts, icons, stylesheet) live, in a checkout or a bundle."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_root() -> Path:
    bundle = getattr(sys, "_MEIPASS", None)  # set by PyInstaller in a packaged build
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(*parts: str) -> Path:
    path = resources_root().joinpath(*parts)
    if not path.exists():
        raise FileNotFoundError(
            f"DHR Tracker's resource {'/'.join(parts)} is missing from {resources_root()}; reinstall the application."
        )
    return path
