#!/usr/bin/env python3
"""Set up a private virtual environment (once, and again when pyproject.toml changes), then run.

    python3 dev.py start       set up and start the desktop app
    python3 dev.py test        set up and run the whole test suite
    python3 dev.py <args...>   set up and run the `dhr-tracker` command line with <args>
    python3 dev.py commands    list the `dhr-tracker` commands (same as `python3 dev.py -- --help`)

Only the Python standard library is used here, so this works on a machine that has nothing but
Python 3.11+.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
STAMP = VENV / ".dhr-tracker-installed"


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def requirements_digest() -> str:
    return hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()


def ensure_environment() -> Path:
    if sys.version_info < (3, 11):
        sys.exit(f"DHR Tracker needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    python = venv_python()
    if not python.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    digest = requirements_digest()
    if not STAMP.exists() or STAMP.read_text().strip() != digest:
        print("Installing DHR Tracker and its dependencies ...", flush=True)
        pip = [str(python), "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
        subprocess.run(pip + ["--editable", f"{ROOT}[test]"], check=True)
        STAMP.write_text(digest)
    return python


# Shared libraries Qt's xcb platform plugin loads on Linux, and the Debian/Ubuntu package that has each. Without
# them Qt stops with "Could not load the Qt platform plugin 'xcb'" (exit code 250 or 134).
QT_LINUX_LIBRARIES = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libfontconfig.so.1": "libfontconfig1",
    "libdbus-1.so.3": "libdbus-1-3",
}


def missing_qt_libraries(find_library=None) -> list[str]:
    """The Debian/Ubuntu packages to install for Qt's xcb plugin (Linux with X11 or XWayland only)."""
    if find_library is None:
        import ctypes

        def find_library(name: str) -> bool:
            try:
                ctypes.CDLL(name)
            except OSError:
                return False
            return True
    return [package for library, package in QT_LINUX_LIBRARIES.items() if not find_library(library)]


def desktop_problem(environ=os.environ, platform: str = sys.platform, find_library=None) -> str | None:
    """Why the desktop app cannot start here, and what to do; None if it can (or we cannot tell)."""
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM", "").startswith(("offscreen", "minimal", "vnc")):
        return None
    if not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY"):
        return ("There is no display to show the app on (neither DISPLAY nor WAYLAND_DISPLAY is set). Run it from a "
                "desktop session; over SSH use 'ssh -X'. The command line (python3 dev.py commands) needs no display.")
    missing = missing_qt_libraries(find_library)
    if missing and not environ.get("WAYLAND_DISPLAY"):
        return ("Qt needs some system libraries that are not installed. On Debian or Ubuntu:\n"
                f"    sudo apt-get install {' '.join(missing)}\n"
                "(other distributions: the packages holding " + ", ".join(
                    lib for lib, pkg in QT_LINUX_LIBRARIES.items() if pkg in missing) + "). See INSTALLING.md.")
    return None


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0 if argv else 2
    if argv[0] == "commands":
        argv = ["--help"]
    if argv[0] == "--":
        argv = argv[1:] or ["--help"]
    if argv[0] == "start":
        problem = desktop_problem()
        if problem:
            print(f"Cannot start the desktop app: {problem}", file=sys.stderr)
            return 1
    python = ensure_environment()
    command, rest = argv[0], argv[1:]
    if command == "start":
        args = [str(python), "-m", "dhr_tracker", *rest]
    elif command == "test":
        args = [str(python), "-m", "pytest", *rest]
    else:
        args = [str(python), "-m", "dhr_tracker", *argv]
    return subprocess.run(args, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
