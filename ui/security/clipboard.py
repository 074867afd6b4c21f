"""The clipboard guard: what the app copied is cleared after a timeout if it is still there, and on quit or lock.

Everything the app copies goes through `context.clipboard.copy(text)`. The guard remembers the text
and starts a single-shot timer; when it fires, or when the app locks or quits, the clipboard is
cleared only if it still holds exactly that text (what the user copied since from elsewhere is left
alone). The copy also carries the hints clipboard managers honour to skip secrets (KDE's
`x-kde-passwordManagerHint`, Windows' `ExcludeClipboardContentFromMonitorProcessing`).

`timeout_ms` can be set directly (tests use a few milliseconds with `qtbot.waitSignal(guard.cleared)`);
otherwise the timeout comes from the `seconds` callable (the CLIPBOARD_CLEAR_SECONDS setting).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QMimeData, QObject, QTimer, Signal
from PySide6.QtGui import QClipboard, QGuiApplication

DEFAULT_SECONDS = 30


class ClipboardGuard(QObject):
    copied = Signal()
    cleared = Signal(bool)  # True if the clipboard still held our text and was emptied

    def __init__(self, seconds: Callable[[], int] = lambda: DEFAULT_SECONDS, *, timeout_ms: int | None = None,
                 clipboard: QClipboard | None = None, parent: QObject | None = None):
        super().__init__(parent)
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

    def copy(self, text: str) -> None:
        """Put `text` on the clipboard and schedule its removal."""
        data = QMimeData()
        data.setText(text)
        data.setData("x-kde-passwordManagerHint", b"secret")
        data.setData("ExcludeClipboardContentFromMonitorProcessing", b"\x01\x00\x00\x00")
        self.clipboard.setMimeData(data)
        self._ours = text
        interval = self.timeout_ms if self.timeout_ms is not None else int(self._seconds()) * 1000
        self._timer.start(max(0, interval))
        self.copied.emit()

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
