#!/usr/bin/env python3
"""Set up a private virtual environment (once, and again when pyproject.toml changes), then run.

    python3 dev.py start       set up and start the desktop app
    python3 dev.py test        set up, check the code (ruff, import contracts, mypy), run the whole test suite
    python3 dev.py check       set up and run only the code checks
    python3 dev.py lock        refresh requirements/lock.txt (exact versions and hashes) from pyproject.toml
    python3 dev.py <args...>   set up and run the `dhr-tracker` command line with <args>
                               (`python3 dev.py --help` after set-up: `python3 dev.py -- --help` lists them)

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
    if sys.version_info < (3, 11):
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
        str(python), "-m", "uv", "pip", "compile", "--quiet", "--universal", "--generate-hashes",
        "--python-version", "3.11", "--extra", "test", "--no-header",
        "pyproject.toml", str(LOCK_INPUTS.relative_to(ROOT)), "-o", str(LOCK.relative_to(ROOT)),
    ]
    return subprocess.run(compile_lock, cwd=ROOT).returncode


def main(argv: list[str]) -> int:
    if not argv or argv[0] in {"-h", "--help"}:
        print(__doc__)
        return 0 if argv else 2
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
