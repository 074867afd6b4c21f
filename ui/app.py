"""The desktop app's entry point: the QApplication (en-GB, high DPI, one stylesheet), the context and the main window."""

from __future__ import annotations

import contextlib
import gc
import logging
import sys
import traceback

from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication

from dhr_tracker import __version__
from dhr_tracker.resources import resources_root
from ui.context import AppContext
from ui.main_window import APP_TITLE, MainWindow
from ui.tasks import DatabaseLocked, is_expected, message_for
from ui.widgets.icons import icon

EN_GB = QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom)


def stylesheet() -> str:
    """The stylesheet, with `@icons/` pointing at the icon folder (Qt resolves url() from the working directory)."""
    path = resources_root() / "styles" / "app.qss"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return ""  # the app still works, only plainer
    return text.replace("@icons/", (resources_root() / "icons").as_posix() + "/")


def configure_application(app: QApplication) -> None:
    """Settings shared by the desktop app, the screenshots command and the tests."""
    QLocale.setDefault(EN_GB)
    app.setApplicationName(APP_TITLE)
    app.setApplicationDisplayName(APP_TITLE)
    app.setOrganizationName("Kent County Council")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(icon("app-icon"))
    app.setStyle("Fusion")  # the same look on Windows and Linux; the stylesheet builds on it
    app.setStyleSheet(stylesheet())


def create_application(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if app is None:
        # Qt 6 scales for high DPI by itself; pass fractional factors through rather than rounding them.
        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
        app = QApplication(sys.argv[:1] if argv is None else argv)
    configure_application(app)
    return app


def install_exception_hook(context: AppContext) -> None:
    """An error that escapes a slot is logged (type and frames, not the message) and shown as one sentence."""

    def hook(kind, error, trace) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, trace)
            return
        if isinstance(error, DatabaseLocked):
            return  # work that was under way when the app locked: nothing to tell
        if not is_expected(error):
            frames = "".join(traceback.format_tb(trace))
            logging.getLogger("dhr_tracker.ui").error("Unexpected %s\n%s", kind.__name__, frames)
        with contextlib.suppress(Exception):  # the hook must never raise
            context.prompter.warning("Something went wrong", message_for(error))

    sys.excepthook = hook


def main() -> int:
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app = create_application()
    context = AppContext()
    install_exception_hook(context)
    window = MainWindow(context)
    app.aboutToQuit.connect(context.clipboard.clear_now)
    window.show()
    freeze_start_up_objects()
    return app.exec()


def freeze_start_up_objects() -> None:
    """Leave what start-up built (modules, Qt's wrappers, the ORM's mappings, every screen) out of the garbage
    collector's full passes: it lives as long as the app, and a full pass would rescan all of it (some 150,000
    objects, 60-70 ms) whenever a screen loads thousands of values, as the caseload overview does after unlock."""
    gc.freeze()


if __name__ == "__main__":
    sys.exit(main())
