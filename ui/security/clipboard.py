"""The clipboard guard: what the app copied is cleared after a timeout if it is still there, and on quit or lock.

Everything the app copies goes through `context.clipboard.copy(text)`. The text first passes the
real-name guard (output channel CLIPBOARD): text holding a real name stored in the database is not
copied, `refused` carries the reason (case and output, never the name) and copy() returns False.
The guard remembers the text
and starts a single-shot timer; when it fires, or when the app locks or quits, the clipboard is
cleared only if it still holds exactly that text (what the user copied since from elsewhere is left
alone). The copy also carries the hints clipboard managers honour to skip secrets (KDE's
`x-kde-passwordManagerHint`, Windows' `ExcludeClipboardContentFromMonitorProcessing`).

`timeout_ms` can be set directly (tests use a few milliseconds with `qtbot.waitSignal(guard.cleared)`);
otherwise the timeout comes from the `seconds` callable (the CLIPBOARD_CLEAR_SECONDS setting).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QMimeData, QObject, QTimer, Signal
from PySide6.QtGui import QClipboard, QGuiApplication

from dhr_tracker.privacy.channels import CLIPBOARD
from dhr_tracker.privacy.guard import RealNameFound

DEFAULT_SECONDS = 30


class ClipboardGuard(QObject):
    copied = Signal()
    refused = Signal(str)  # the text was not copied: it holds a real name (the message says whose case)
    cleared = Signal(bool)  # True if the clipboard still held our text and was emptied

    def __init__(
        self,
        seconds: Callable[[], int] = lambda: DEFAULT_SECONDS,
        *,
        timeout_ms: int | None = None,
        clipboard: QClipboard | None = None,
        parent: QObject | None = None,
        real_names: Callable[[], Any] = lambda: None,
    ):
        super().__init__(parent)
        self._real_names = real_names  # the database's RealNameGuard, or None while locked
        self._seconds = seconds
        self.timeout_ms = timeout_ms
        self._clipboard = clipboard
        self._ours: str | None = None
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear_now)

    @property
    def clipboard(self) -> QClipboard:
        return self._clipboard or QGuiApplication.clipboard()

    @property
    def holds_ours(self) -> bool:
        return self._ours is not None

    @property
    def pending(self) -> bool:
        return self._timer.isActive()

    def copy(self, text: str) -> bool:
        """Put `text` on the clipboard and schedule its removal; False (and `refused`) if it holds a real name."""
        guard = self._real_names()
        if guard is not None:
            try:
                guard.check([text], where=CLIPBOARD)
            except RealNameFound as error:
                self.refused.emit(str(error))
                return False
        data = QMimeData()
        data.setText(text)
        data.setData("x-kde-passwordManagerHint", b"secret")
        data.setData("ExcludeClipboardContentFromMonitorProcessing", b"\x01\x00\x00\x00")
        self.clipboard.setMimeData(data)
        self._ours = text
        interval = self.timeout_ms if self.timeout_ms is not None else int(self._seconds()) * 1000
        self._timer.start(max(0, interval))
        self.copied.emit()
        return True

    def clear_now(self) -> bool:
        """Empty the clipboard if it still holds what the app put there; True if it did."""
        self._timer.stop()
        ours, self._ours = self._ours, None
        if ours is None:
            return False
        emptied = self.clipboard.text() == ours
        if emptied:
            self.clipboard.clear()
        self.cleared.emit(emptied)
        return emptied
