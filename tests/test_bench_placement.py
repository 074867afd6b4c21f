"""Bench code stays in bench/: the app (ui/) and the core (dhr_tracker/) never import it or ship it."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_MODULES = {path.stem for path in (ROOT / "bench").glob("*.py")} | {"bench"}


def imported_modules(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def app_files() -> list[Path]:
    return sorted(p for package in ("dhr_tracker", "ui") for p in (ROOT / package).rglob("*.py"))


def test_the_bench_modules_are_known():
    # Guard the guard: the modules the app must not import are really there to be looked for.
    assert {"run", "synthetic", "baseline", "filter_keystrokes"} <= BENCH_MODULES


def test_no_app_or_core_module_imports_bench_code():
    offenders = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in app_files()
        for name in sorted(imported_modules(path))
        if name.split(".")[0] in BENCH_MODULES
    ]
    assert offenders == []


def test_no_benchmark_module_ships_in_the_app():
    assert [str(p.relative_to(ROOT)) for p in app_files() if "bench" in p.stem] == []
