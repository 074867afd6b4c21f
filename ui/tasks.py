"""The one way to run work off the GUI thread: a function in a worker, its result or error back on the GUI thread.

    context.tasks.run(
        lambda session: cases.list_cases(session),      # runs in a worker, in its own transaction
        on_done=self.model.set_rows,                     # called on the GUI thread with the result
        progress="Loading cases…",                       # optional: a progress dialog if it takes a while
    )

The worker opens its own session from the unlocked Database (`database.transaction()`: committed if
the function returns, rolled back if it raises), so sessions never cross threads. Return plain
values or dataclasses, not ORM objects (they are detached once the session closes). Tasks run one at
a time, in the order they were asked for: SQLite has one writer, and a queue keeps the order simple.

Progress and cancel: a function with a `progress` parameter (`lambda session, progress: make_packs(...,
progress=progress)`) is given a `TaskProgress` (dhr_tracker.progress.Progress). Its reports move the
dialog's bar; the dialog's Cancel button sets its `cancelled` flag, and the core function stops at its
next step boundary with `Cancelled`, so the transaction rolls back. A cancelled task calls `on_error`
with the `Cancelled` error but shows no warning (the user asked for it).

Errors: a `UserError` (storage and setting errors are ones too) is shown with its own message (or given to
`on_error`); anything else shows one short sentence and is logged without its message (which could
hold personal data). Never a traceback dialog.

Tests wait with `qtbot.waitSignal(task.finished)`, `qtbot.waitSignal(runner.idle)` or
`runner.wait_for_idle()`.
"""

from __future__ import annotations

import inspect
import logging
import threading
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEventLoop, QObject, Qt, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QPushButton, QWidget

from dhr_tracker.errors import UserError
from dhr_tracker.progress import Cancelled

if TYPE_CHECKING:
    from ui.context import AppContext

log = logging.getLogger("dhr_tracker.ui")

UNEXPECTED_MESSAGE = (
    "Something went wrong and the work was not finished; nothing was half-saved. "
    "Try again, and if it happens again note what you were doing and tell your IT support."
)
LOCKED_MESSAGE = "The database is locked. Unlock it with your passphrase and try again."
PROGRESS_DELAY_MS = 400


class DatabaseLocked(UserError):
    """A task that needs the database was asked for while it is locked."""

    def __init__(self) -> None:
        super().__init__(LOCKED_MESSAGE)


def message_for(error: BaseException) -> str:
    """The sentence to show the user for an error from a task."""
    if isinstance(error, UserError):
        return error.message
    return UNEXPECTED_MESSAGE


def is_expected(error: BaseException) -> bool:
    return isinstance(error, UserError)  # storage and settings errors are UserErrors too


class _WorkerSignals(QObject):
    result = Signal(object)
    error = Signal(object)


def _run_on_worker(function: Callable[[], Any], signals: _WorkerSignals) -> None:
    """Runs on the worker thread; the result or the error goes back to the GUI thread as a queued signal."""
    try:
        result = function()
    except BaseException as error:  # noqa: BLE001 - every error goes back to the GUI thread
        signals.error.emit(error)
    else:
        signals.result.emit(result)


class TaskProgress(QObject):
    """The `progress` a task function is given: reports go to the GUI thread, cancelling comes back from it."""

    reported = Signal(int, int, str)  # emitted on the worker thread, delivered queued on the GUI thread

    def __init__(self, parent: QObject | None = None):
        super().__init__(parent)
        self._cancel = threading.Event()  # set on the GUI thread, read on the worker thread

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def cancel(self) -> None:
        self._cancel.set()

    def report(self, done: int, total: int, text: str = "") -> None:
        self.reported.emit(done, total, text)


def _takes_progress(function: Callable[..., Any]) -> bool:
    try:
        return "progress" in inspect.signature(function).parameters
    except (TypeError, ValueError):  # a builtin without a signature
        return False


class Task(QObject):
    """One piece of work in progress. `finished` is emitted after on_done/on_error have run."""

    succeeded = Signal(object)
    failed = Signal(object)
    finished = Signal()

    def __init__(self, description: str, parent: QObject | None = None):
        super().__init__(parent)
        self.description = description
        self.done = False
        self.result: Any = None
        self.error: BaseException | None = None
        self._signals = _WorkerSignals(self)  # lives on the GUI thread: its signals arrive queued
        self._signals.result.connect(self._on_result, Qt.ConnectionType.QueuedConnection)
        self._signals.error.connect(self._on_error, Qt.ConnectionType.QueuedConnection)
        self._handlers: tuple[Callable[[Any], None] | None, Callable[[BaseException], None] | None] = (None, None)
        self._progress: QProgressDialog | None = None
        self.progress: TaskProgress | None = None  # set when the function takes a `progress` argument

    def cancel(self) -> None:
        """Ask the work to stop at its next step boundary (what the dialog's Cancel button does)."""
        if self.progress is not None:
            self.progress.cancel()

    @Slot(int, int, str)
    def _on_reported(self, done: int, total: int, text: str) -> None:
        dialog = self._progress
        if dialog is None:
            return
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total > 0 else 0)
        if text:
            dialog.setLabelText(text)

    @Slot(object)
    def _on_result(self, result: Any) -> None:
        self.result = result
        self._close_progress()
        on_done, _ = self._handlers
        try:
            if on_done is not None:
                on_done(result)
            self.succeeded.emit(result)
        finally:
            self._finish()

    @Slot(object)
    def _on_error(self, error: BaseException) -> None:
        self.error = error
        self._close_progress()
        _, on_error = self._handlers
        try:
            if isinstance(error, Cancelled):
                self.failed.emit(error)
                if on_error is not None and not getattr(on_error, "shows_warning", False):
                    on_error(error)
                return
            if not is_expected(error):
                frames = "".join(traceback.format_tb(error.__traceback__))
                # The message is left out on purpose: database errors quote the values they refused.
                log.error("Task %r failed with %s\n%s", self.description, type(error).__name__, frames)
            if on_error is not None:
                on_error(error)
            self.failed.emit(error)
        finally:
            self._finish()

    def _finish(self) -> None:
        self.done = True
        self.finished.emit()

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.reset()
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None


class TaskRunner(QObject):
    """Runs tasks one at a time on a worker thread; see the module docstring."""

    busy_changed = Signal(bool)
    idle = Signal()

    def __init__(self, context: AppContext | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self._context = context
        # A plain Python worker thread, not a QThreadPool with a Python QRunnable: Qt deletes an
        # auto-deleting runnable on its pool thread, which raced with the garbage collector on the GUI
        # thread and crashed the interpreter (seen in tests/ui/test_start.py::test_create_a_database).
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="dhr-task")
        self._running: list[Task] = []
        self.dialog_parent: QWidget | None = None  # the main window sets itself here, for progress dialogs

    @property
    def busy(self) -> bool:
        return bool(self._running)

    def is_idle(self) -> bool:
        return not self._running

    def run(
        self,
        function: Callable[..., Any],
        *,
        on_done: Callable[[Any], None] | None = None,
        on_error: Callable[[BaseException], None] | None = None,
        progress: str | None = None,
        title: str = "Could not finish",
        uses_database: bool = True,
    ) -> Task:
        """Run `function(session)` (or `function()` with uses_database=False) off the GUI thread.

        `on_error` replaces the default, which shows the error's message through the prompter with
        `title`. `progress` is the label of a progress dialog shown if the work takes a moment.
        """
        task = Task(progress or str(getattr(function, "__name__", "task")), self)
        if on_error is None:
            on_error = self._show_error(title)
        task._handlers = (on_done, on_error)
        arguments: dict[str, Any] = {}
        if _takes_progress(function):
            task.progress = TaskProgress(task)
            task.progress.reported.connect(task._on_reported, Qt.ConnectionType.QueuedConnection)
            arguments["progress"] = task.progress

        if uses_database:
            database = self._context.database if self._context is not None else None

            def work() -> Any:
                if database is None:
                    raise DatabaseLocked()
                with database.transaction() as session:
                    return function(session, **arguments)
        else:

            def work() -> Any:
                return function(**arguments)

        self._running.append(task)
        task.finished.connect(lambda: self._task_finished(task))
        if progress:
            task._progress = self._progress_dialog(progress, task if task.progress is not None else None)
        if len(self._running) == 1:
            self.busy_changed.emit(True)
        self._executor.submit(_run_on_worker, work, task._signals)
        return task

    def wait_for_idle(self, timeout_ms: int = 60_000) -> bool:
        """Let the event loop run until every task has finished (or the timeout); True if idle."""
        if not self._running:
            return True
        loop = QEventLoop()
        self.idle.connect(loop.quit)
        timer = QTimer()
        timer.setSingleShot(True)
        timer.timeout.connect(loop.quit)
        timer.start(timeout_ms)
        try:
            loop.exec()
        finally:
            timer.stop()
            self.idle.disconnect(loop.quit)
        return not self._running

    def _task_finished(self, task: Task) -> None:
        if task in self._running:
            self._running.remove(task)
        task.deleteLater()
        if not self._running:
            self.busy_changed.emit(False)
            self.idle.emit()

    def _show_error(self, title: str) -> Callable[[BaseException], None]:
        def show(error: BaseException) -> None:
            prompter = self._context.prompter if self._context is not None else None
            if prompter is not None:
                prompter.warning(title, message_for(error))

        show.shows_warning = True  # type: ignore[attr-defined]  # a cancel the user asked for needs no warning
        return show

    def _progress_dialog(self, label: str, cancellable: Task | None = None) -> QProgressDialog:
        dialog = QProgressDialog(label, "", 0, 0, self.dialog_parent)
        if cancellable is None:
            dialog.setCancelButton(None)  # work that does not check for cancelling is never stopped halfway
        else:
            button = QPushButton("&Cancel", dialog)
            button.setAccessibleName("Cancel: " + label.rstrip("…. "))
            button.setToolTip("Stop at the next step; nothing is saved and no file is left behind")
            dialog.setCancelButton(button)

            def cancelling() -> None:
                cancellable.cancel()
                # Stay up until the work has stopped and rolled back, saying so; the task closes the dialog.
                dialog.show()
                dialog.setRange(0, 0)  # a busy bar: how long the undoing takes is not known
                dialog.setLabelText("Cancelling: stopping at the next step and undoing what was done…")
                button.setEnabled(False)

            dialog.canceled.connect(cancelling)
        dialog.setWindowTitle("Please wait")
        dialog.setAccessibleName(label)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setMinimumDuration(PROGRESS_DELAY_MS)
        # A cancellable dialog never closes itself: neither the bar reaching its end nor Cancel is the task finishing.
        dialog.setAutoReset(cancellable is None)
        dialog.setAutoClose(cancellable is None)
        dialog.setValue(0)
        return dialog
