"""Where DHR Tracker keeps things on this computer, the same for the desktop app and the command line.

Windows: %LOCALAPPDATA%\\DHR Tracker (data) and %LOCALAPPDATA%\\DHR Tracker (settings);
Linux: ~/.local/share/DHR Tracker and ~/.config/DHR Tracker; macOS: ~/Library/Application Support/DHR Tracker.
"""

from __future__ import annotations

from pathlib import Path

from platformdirs import user_config_path, user_data_path

APP_NAME = "DHR Tracker"


def user_data_folder() -> Path:
    """The databases the app makes for itself (the demo) and the command line's default database."""
    return user_data_path(APP_NAME, appauthor=False)


def user_config_folder() -> Path:
    """Small non-secret settings of this computer, such as the recent-files list (paths only)."""
    return user_config_path(APP_NAME, appauthor=False)


def default_database_path() -> Path:
    return user_data_folder() / "dhr-tracker.dhrdb"
