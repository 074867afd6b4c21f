"""Render each main screen, on a fresh demo database, to PNG files, offscreen (for the README and for review).

    python -m ui.screenshots --out docs/screenshots
    python -m ui.screenshots --out /tmp/shots --scale 2      # check the layout at high DPI

The demo database is created in a temporary folder (encrypted, like any other) and removed afterwards.
"""

from __future__ import annotations

import argparse
import os
import secrets
import sys
import tempfile
from pathlib import Path

DEFAULT_SIZE = (1360, 860)


def _parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a size like 1360x860") from None
    if not (640 <= width <= 7680 and 480 <= height <= 4320):
        raise argparse.ArgumentTypeError(f"'{text}' is outside 640x480 to 7680x4320")
    return width, height


def _parse_scale(text: str) -> float:
    try:
        scale = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a number like 2") from None
    if not 0.5 <= scale <= 4:  # Qt crashes on a scale of 0 or less rather than refuse it
        raise argparse.ArgumentTypeError(f"{text} is outside 0.5 to 4")
    return scale


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m ui.screenshots", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out", type=Path, required=True, help="folder to write the PNG files into (created if needed)"
    )
    parser.add_argument("--cases", type=int, default=24, help="how many demo cases (default 24)")
    parser.add_argument(
        "--size",
        type=_parse_size,
        action="append",
        help="window size, e.g. 1280x720; more than once for several sizes, each in a sub-folder "
        "named after it (default 1360x860)",
    )
    parser.add_argument(
        "--scale", type=_parse_scale, default=1.0, help="device pixel ratio, e.g. 2 for a high-DPI check"
    )
    parser.add_argument("--seed", type=int, default=1, help="demo data seed")
    return parser


def _settle(app, context, milliseconds: int = 250) -> None:
    from PySide6.QtTest import QTest

    context.tasks.wait_for_idle()
    QTest.qWait(milliseconds)  # let layouts, charts and queued loads finish (a command, not a test)
    context.tasks.wait_for_idle()
    app.processEvents()


def _pick_case(context) -> int | None:
    """A case with an action plan to show on the case screen: the first in action-plan monitoring, else the first."""
    from dhr_tracker.casework.cases import list_cases
    from dhr_tracker.vocabulary import Stage

    summaries = context.read(list_cases)
    for stage in (Stage.ACTION_PLAN_MONITORING, Stage.PUBLICATION, Stage.DRAFTING):
        for summary in summaries:
            if summary.stage is stage:
                return summary.id
    return summaries[0].id if summaries else None


def visible_texts(root) -> list[tuple[str, str]]:
    """(widget, text) for every text a picture of `root` shows: labels, buttons, inputs as displayed
    (a hidden real-name field shows its mask characters), combo boxes, text boxes, and the displayed
    cells, headers and tooltips of every visible table, list and tree."""
    from PySide6.QtCore import QModelIndex, Qt
    from PySide6.QtWidgets import (
        QAbstractButton,
        QAbstractItemView,
        QComboBox,
        QGroupBox,
        QLabel,
        QLineEdit,
        QPlainTextEdit,
        QTabBar,
        QTextEdit,
        QWidget,
    )

    texts: list[tuple[str, str]] = [("window title", root.windowTitle())]
    for widget in root.findChildren(QWidget):
        if not widget.isVisible():
            continue
        name = widget.objectName() or type(widget).__name__
        if isinstance(widget, QLabel):
            texts.append((name, widget.text()))
        elif isinstance(widget, QAbstractButton):
            texts.append((name, widget.text()))
        elif isinstance(widget, QLineEdit):
            texts.append((name, widget.displayText()))
        elif isinstance(widget, QComboBox):
            texts.append((name, widget.currentText()))
        elif isinstance(widget, (QTextEdit, QPlainTextEdit)):
            texts.append((name, widget.toPlainText()))
        elif isinstance(widget, QGroupBox):
            texts.append((name, widget.title()))
        elif isinstance(widget, QTabBar):
            texts.extend((name, widget.tabText(index)) for index in range(widget.count()))
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model, top = widget.model(), QModelIndex()
            try:
                columns = model.columnCount(top)
            except TypeError:  # a list model: one column (its columnCount is private in PySide6)
                columns = 1
            for row in range(model.rowCount(top)):
                for column in range(columns):
                    value = model.data(model.index(row, column, top), Qt.ItemDataRole.DisplayRole)
                    if value is not None:
                        texts.append((name, str(value)))
            for column in range(columns):
                header = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
                if header is not None:
                    texts.append((name, str(header)))
    return texts


def render(out: Path, *, cases: int = 24, size: tuple[int, int] = DEFAULT_SIZE, seed: int = 1) -> list[Path]:
    from dhr_tracker.dates import today_uk
    from dhr_tracker.demo import create_demo_database
    from dhr_tracker.privacy.channels import SCREENSHOTS
    from dhr_tracker.reports.pseudonyms import RealNameGuard
    from ui.app import create_application
    from ui.context import AppContext
    from ui.main_window import MainWindow
    from ui.prompter import ScriptedPrompter

    app = create_application()
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []

    def shoot(widget, name: str) -> None:
        _settle(app, context)
        if context.database is not None:  # the picture shows only what the widgets display: check that first
            guard = context.read(RealNameGuard.from_session)
            guard.check_fields(visible_texts(widget), where=SCREENSHOTS)
        path = out / f"{len(written) + 1:02d}-{name}.png"
        if not widget.grab().save(str(path)):
            raise OSError(f"Could not write {path}")
        written.append(path)
        print(path)

    with tempfile.TemporaryDirectory(prefix="dhr-screenshots-") as folder:
        folder_path = Path(folder)
        context = AppContext(
            prompter=ScriptedPrompter(),
            today=today_uk,
            config_dir=folder_path / "config",
            data_dir=folder_path / "data",
        )
        window = MainWindow(context, watch_session=False, backup_on_close=False)
        window.resize(*size)
        window.show()
        shoot(window, "start")

        passphrase = secrets.token_urlsafe(24)
        database = create_demo_database(
            folder_path / "demo.dhrdb", passphrase, cases=cases, seed=seed, anchor=today_uk()
        )
        context.set_database(database)
        case_id = _pick_case(context)
        for index, screen in enumerate(window.screens):
            key = getattr(screen, "key", "") or f"screen{index + 1}"
            item = case_id if key == "case" else None
            window.show_screen(index, item)
            shoot(window, key)

        window.lock()
        shoot(window, "locked")
        window.close()
        app.processEvents()
    return written


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    if args.scale != 1.0:
        os.environ["QT_SCALE_FACTOR"] = str(args.scale)
    sizes = args.size or [DEFAULT_SIZE]
    try:
        for size in sizes:
            out = args.out if len(sizes) == 1 else args.out / f"{size[0]}x{size[1]}"
            render(out, cases=args.cases, size=size, seed=args.seed)
    except Exception as error:  # noqa: BLE001 - a clear line, never a traceback, for a command
        print(f"Could not render the screenshots: {type(error).__name__}: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
