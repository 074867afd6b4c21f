"""The idle timer: one application-wide event filter restarts a single-shot timer on any input.

Like KeePassXC's InactivityTimer, but testable: the timeout is set in milliseconds, so a test sets a
few milliseconds and waits for `idle` with `qtbot.waitSignal`; `clock` (monotonic seconds) lets the
filter skip restarting the timer more than once per `RESTART_GRANULARITY` seconds of continuous input.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QApplication

INPUT_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.KeyRelease,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonRelease,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.MouseMove,
        QEvent.Type.Wheel,
        QEvent.Type.TouchBegin,
        QEvent.Type.TouchUpdate,
        QEvent.Type.TabletPress,
        QEvent.Type.TabletMove,
        QEvent.Type.HoverMove,
    }
)
RESTART_GRANULARITY = 0.5  # seconds: restarting a QTimer on every mouse-move event is wasted work


class IdleWatcher(QObject):
    """Emits `idle` once after `timeout_ms` without input, while active."""

    idle = Signal()

    def __init__(self, timeout_ms: int, *, clock: Callable[[], float] = time.monotonic, parent: QObject | None = None):
        super().__init__(parent)
        self._clock = clock
        self._last_restart = float("-inf")
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(timeout_ms)
        self._timer.timeout.connect(self._timed_out)
        self._installed = False
        self.active = False
        self.restarts = 0  # how many times input restarted the timer (for tests and diagnostics)

    @property
    def timeout_ms(self) -> int:
        return self._timer.interval()

    def set_timeout_ms(self, timeout_ms: int) -> None:
        self._timer.setInterval(timeout_ms)
        if self.active:
            self._restart(force=True)

    def start(self) -> None:
        """Begin watching (when the database is unlocked)."""
        app = QApplication.instance()
        if app is not None and not self._installed:
            app.installEventFilter(self)
            self._installed = True
        self.active = True
        self._restart(force=True)

    def stop(self) -> None:
        """Stop watching (when locked: nothing to protect)."""
        self.active = False
        self._timer.stop()
        app = QApplication.instance()
        if app is not None and self._installed:
            app.removeEventFilter(self)
            self._installed = False

    def remaining_ms(self) -> int:
        return self._timer.remainingTime() if self._timer.isActive() else -1

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if self.active and event.type() in INPUT_EVENTS:
            self._restart()
        return False

    def _restart(self, *, force: bool = False) -> None:
        now = self._clock()
        if force or now - self._last_restart >= RESTART_GRANULARITY or not self._timer.isActive():
            self._last_restart = now
            self.restarts += 1
            self._timer.start()

    def _timed_out(self) -> None:
        if self.active:
            self.idle.emit()
