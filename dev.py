#!/usr/bin/env python3
"""Set up a private virtual environment (once, and again when pyproject.toml changes), then run.

    python3 dev.py start       set up and start the desktop app
    python3 dev.py test        set up, check the code (ruff, import contracts, mypy), run the whole test suite
    python3 dev.py check       set up and run only the code checks
    python3 dev.py lock        refresh requirements/lock.txt (exact versions and hashes) from pyproject.toml
    python3 dev.py <args...>   set up and run the `dhr-tracker` command line with <args>
    python3 dev.py commands    list the `dhr-tracker` commands (same as `python3 dev.py -- --help`)

The environment is installed from requirements/lock.txt with `--require-hashes`, so every machine (a
developer's, CI, the packaging build) installs exactly the files CI tested.

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
LOCK = ROOT / "requirements" / "lock.txt"
LOCK_INPUTS = ROOT / "requirements" / "tools.in"
# The code checks run before the tests; each is a module of a tool pinned in the lock file.
CHECKS = (
    ("ruff (lint)", ["-m", "ruff", "check", "--quiet", "."]),
    ("ruff (format)", ["-m", "ruff", "format", "--check", "--quiet", "."]),
    ("import contracts", ["-m", "importlinter.cli"]),
    ("mypy (the core)", ["-m", "mypy"]),
)


def venv_python() -> Path:
    if os.name == "nt":
        return VENV / "Scripts" / "python.exe"
    return VENV / "bin" / "python"


def requirements_digest() -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes())
    digest.update(LOCK.read_bytes())
    return digest.hexdigest()


def bare_environment() -> Path:
    if sys.version_info < (3, 11):  # noqa: UP036 - dev.py is the one file an older Python runs, to say so
        sys.exit(f"DHR Tracker needs Python 3.11 or newer; this is {sys.version.split()[0]}.")
    python = venv_python()
    if not python.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    return python


def ensure_environment() -> Path:
    python = bare_environment()
    digest = requirements_digest()
    if not STAMP.exists() or STAMP.read_text().strip() != digest:
        print("Installing DHR Tracker and its dependencies ...", flush=True)
        pip = [str(python), "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
        # Exactly the locked files (every one checked against its hash), then the project itself
        # without dependencies or a build environment, which would fetch unpinned build tools.
        subprocess.run(pip + ["--require-hashes", "--no-deps", "-r", str(LOCK)], check=True)
        subprocess.run(pip + ["--no-deps", "--no-build-isolation", "--editable", str(ROOT)], check=True)
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
    if not platform.startswith("linux") or environ.get("QT_QPA_PLATFORM", "").startswith(
        ("offscreen", "minimal", "vnc")
    ):
        return None
    if not environ.get("DISPLAY") and not environ.get("WAYLAND_DISPLAY"):
        return (
            "There is no display to show the app on (neither DISPLAY nor WAYLAND_DISPLAY is set). Run it from a "
            "desktop session; over SSH use 'ssh -X'. The command line (python3 dev.py commands) needs no display."
        )
    missing = missing_qt_libraries(find_library)
    if missing and not environ.get("WAYLAND_DISPLAY"):
        return (
            "Qt needs some system libraries that are not installed. On Debian or Ubuntu:\n"
            f"    sudo apt-get install {' '.join(missing)}\n"
            "(other distributions: the packages holding "
            + ", ".join(lib for lib, pkg in QT_LINUX_LIBRARIES.items() if pkg in missing)
            + "). See INSTALLING.md."
        )
    return None


def run_checks(python: Path) -> int:
    for title, args in CHECKS:
        print(f"== {title}", flush=True)
        result = subprocess.run([str(python), *args], cwd=ROOT)
        if result.returncode != 0:
            print(f"The code check '{title}' failed (see above); the tests were not run.", flush=True)
            return result.returncode
    return 0


def refresh_lock(python: Path) -> int:
    """Resolve pyproject.toml's dependencies (with the test extra) and the tools for every platform."""
    pip = [str(python), "-m", "pip", "--disable-pip-version-check", "install", "--quiet"]
    subprocess.run(pip + ["uv"], check=True)
    compile_lock = [
        str(python),
        "-m",
        "uv",
        "pip",
        "compile",
        "--quiet",
        "--universal",
        "--generate-hashes",
        "--python-version",
        "3.11",
        "--extra",
        "test",
        "--no-header",
        "pyproject.toml",
        str(LOCK_INPUTS.relative_to(ROOT)),
        "-o",
        str(LOCK.relative_to(ROOT)),
    ]
    return subprocess.run(compile_lock, cwd=ROOT).returncode


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
    command, rest = argv[0], argv[1:]
    if command == "lock":
        return refresh_lock(bare_environment())
    python = ensure_environment()
    if command == "start":
        args = [str(python), "-m", "dhr_tracker", *rest]
    elif command == "test":
        failed = run_checks(python)
        if failed:
            return failed
        args = [str(python), "-m", "pytest", *rest]
    elif command == "check":
        return run_checks(python)
    else:
        args = [str(python), "-m", "dhr_tracker", *argv]
    return subprocess.run(args, cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
