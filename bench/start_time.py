"""Time from starting the app to a usable start screen, as a double-click does it (warm: files in the OS cache).

    .venv/bin/python bench/start_time.py              # median of 5 warm runs (after one run to warm the cache)
    .venv/bin/python bench/start_time.py --runs 9

Each run is a fresh Python process (headless, QT_QPA_PLATFORM=offscreen) that builds the application
and the main window as `ui.app.main` does, shows it, and once the event loop has handled the show (the
first paint of the start screen) prints how long the process has been running and its CPU seconds, then
quits. The parent measures the wall clock from before it starts the process to that line, so
interpreter start-up and every import count, as they do for the person who double-clicked. Nothing in
the app knows it is being timed. The configuration folder is a scratch folder (no recent files), so
the user's own settings are neither read nor written.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
READY = "start screen shown"


def child() -> None:
    """Start the app as ui.app.main does; report once the start screen has been shown, then quit."""
    sys.path.insert(0, str(ROOT))
    from PySide6.QtCore import QTimer

    from ui.app import create_application, freeze_start_up_objects, install_exception_hook
    from ui.context import AppContext
    from ui.main_window import MainWindow

    app = create_application()
    context = AppContext()
    install_exception_hook(context)
    window = MainWindow(context)
    app.aboutToQuit.connect(context.clipboard.clear_now)
    window.show()
    freeze_start_up_objects()

    def ready() -> None:
        usable = window.isVisible() and window.pages.currentWidget() is window.start_screen
        print(json.dumps({"ready": READY if usable else "not usable", "cpu": time.process_time()}), flush=True)
        app.quit()

    QTimer.singleShot(0, ready)  # runs once the event loop has handled the show and the first paint
    app.exec()


def one_run(config: Path) -> tuple[float, float]:
    """Wall-clock seconds from starting the process to its start screen being shown, and its CPU seconds."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(config), APPDATA=str(config))
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, __file__, "--child"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,  # Qt's offscreen plugin warns about window hints: shown only if the run fails
        text=True,
        env=env,
        cwd=str(ROOT),
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    elapsed = time.perf_counter() - started
    _, errors = process.communicate(timeout=60)
    report = json.loads(line) if line.strip() else {"ready": "no report"}
    if report["ready"] != READY:
        raise RuntimeError(f"the start screen was not shown ({report['ready']}): {errors.strip()[-2000:]}")
    return elapsed, report["cpu"]


def measure(runs: int = 5) -> dict:
    """Median wall clock and child CPU of `runs` starts after one warm-up start."""
    with tempfile.TemporaryDirectory(prefix="dhr-bench-start-") as config:
        one_run(Path(config))  # warm-up: the OS file cache, Python's bytecode caches
        walls, cpus = zip(*(one_run(Path(config)) for _ in range(runs)), strict=True)
    return {
        "seconds": statistics.median(walls),
        "cpu_seconds": statistics.median(cpus),
        "runs": list(walls),
        "cpu_runs": list(cpus),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child()
        return 0
    result = measure(args.runs)
    print(
        f"Start to a usable start screen (warm), median of {args.runs}: {result['seconds']:.3f} s wall clock "
        f"(runs {', '.join(f'{s:.3f}' for s in result['runs'])}); the app's process {result['cpu_seconds']:.3f} s CPU"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
