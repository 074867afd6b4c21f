"""What the Help menu's About box says: version, database file, schema revision, bundled fonts and their licence."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from dhr_tracker import __version__
from dhr_tracker.resources import resources_root


@dataclass(frozen=True)
class BundledFont:
    family: str
    files: tuple[str, ...]
    licence: str  # the licence's name
    licence_file: Path


def schema_revision(session: Session) -> str:
    """The Alembic revision the open database is at ("0001"), or "unknown"."""
    from dhr_tracker.storage.migrate import current_revision

    return current_revision(session.connection()) or "unknown"


def bundled_fonts() -> list[BundledFont]:
    """The fonts shipped for the PDFs, from resources/fonts: each family with the licence that lets us ship it."""
    folder = resources_root() / "fonts"
    families: dict[str, list[str]] = {}
    for font in sorted(folder.glob("*.ttf")):
        families.setdefault(font.stem.split("-")[0], []).append(font.name)
    fonts = []
    for family, files in families.items():
        licence_file = next(iter(sorted(folder.glob("LICENSE-*.txt"))), folder / "README.md")
        text = licence_file.read_text(encoding="utf-8", errors="replace") if licence_file.exists() else ""
        licence = (
            "SIL Open Font License 1.1" if "Open Font License" in text or "OFL" in text else "see the licence file"
        )
        name = " ".join(part for part in _split_camel(family))
        fonts.append(BundledFont(name, tuple(files), licence, licence_file))
    return fonts


def _split_camel(name: str) -> list[str]:
    words, current = [], ""
    for char in name:
        if char.isupper() and current:
            words.append(current)
            current = char
        else:
            current += char
    return words + [current] if current else words


def user_guide_path() -> Path:
    """docs/USER_GUIDE.md beside the resources (in a checkout, and in the packaged folder)."""
    return resources_root().parent / "docs" / "USER_GUIDE.md"


def about_lines(database_path: Path | None, revision: str | None) -> list[tuple[str, str]]:
    """(label, value) pairs for the About box."""
    lines = [
        ("Version", __version__),
        ("Database", str(database_path) if database_path else "none open"),
        ("Schema revision", revision or "no database open"),
    ]
    for font in bundled_fonts():
        lines.append((f"Font: {font.family}", f"{font.licence} (licence text: {font.licence_file.name})"))
    return lines
