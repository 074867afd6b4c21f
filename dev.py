#!/usr/bin/env python3
"""Set up a private virtual environment (once, and again when pyproject.toml changes), then run.

    python3 dev.py start       set up and start the desktop app
    python3 dev.py test        set up and run the whole test suite
    python3 dev.py <args...>   set up and run the `dhr-tracker` command line with <args>

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


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0 if argv else 2
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
