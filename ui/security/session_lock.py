"""Lock when the operating system's session locks, where the platform says so (best effort, never fatal).

- Linux: D-Bus signals, through QtDBus if it is installed: `org.freedesktop.ScreenSaver.ActiveChanged`
  and `org.gnome.ScreenSaver.ActiveChanged` on the session bus, and logind's `Lock` signal on the
  system bus (`org.freedesktop.login1.Session`).
- Windows: `WTSRegisterSessionNotification` on the main window; the window's `nativeEvent` passes
  each message to `handle_native_event`, which recognises `WM_WTSSESSION_CHANGE` / `WTS_SESSION_LOCK`.

Anything unavailable (no D-Bus, no session bus, another platform) is skipped silently.
"""

from __future__ import annotations

import contextlib
import logging
import sys

from PySide6.QtCore import SLOT, QObject, Signal, Slot
from PySide6.QtWidgets import QWidget

log = logging.getLogger("dhr_tracker.ui")

WM_WTSSESSION_CHANGE = 0x02B1
WTS_SESSION_LOCK = 0x7
NOTIFY_FOR_THIS_SESSION = 0

DBUS_SCREENSAVERS = (
    ("org.freedesktop.ScreenSaver", "/org/freedesktop/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("org.freedesktop.ScreenSaver", "/ScreenSaver", "org.freedesktop.ScreenSaver"),
    ("org.gnome.ScreenSaver", "/org/gnome/ScreenSaver", "org.gnome.ScreenSaver"),
)


class SessionLockWatcher(QObject):
    session_locked = Signal()

    def __init__(self, window: QWidget):
        super().__init__(window)
        self._window = window
        self._windows_registered = False
        self.sources: list[str] = []  # what is being watched, for diagnostics
        try:
            if sys.platform.startswith("win"):
                self._register_windows()
            elif sys.platform.startswith("linux"):
                self._connect_dbus()
        except Exception as error:  # noqa: BLE001 - best effort: the idle lock still works
            log.info("Session lock notifications unavailable: %s", type(error).__name__)

    # --- Linux ----------------------------------------------------------------------------------------
    def _connect_dbus(self) -> None:
        try:
            from PySide6.QtDBus import QDBusConnection
        except ImportError:
            return
        session_bus = QDBusConnection.sessionBus()
        if session_bus.isConnected():
            for service, path, interface in DBUS_SCREENSAVERS:
                if session_bus.connect(
                    service, path, interface, "ActiveChanged", self, SLOT("_screensaver_changed(bool)").encode()
                ):
                    self.sources.append(f"session:{interface}{path}")
        system_bus = QDBusConnection.systemBus()
        if system_bus.isConnected():
            # Any session's Lock signal reaches us; logind sends it to the session being locked.
            if system_bus.connect(
                "org.freedesktop.login1",
                "",
                "org.freedesktop.login1.Session",
                "Lock",
                self,
                SLOT("_logind_lock()").encode(),
            ):
                self.sources.append("system:org.freedesktop.login1.Session.Lock")

    @Slot(bool)
    def _screensaver_changed(self, active: bool) -> None:
        if active:
            self.session_locked.emit()

    @Slot()
    def _logind_lock(self) -> None:
        self.session_locked.emit()

    # --- Windows --------------------------------------------------------------------------------------
    def _register_windows(self) -> None:
        import ctypes

        handle = int(self._window.winId())
        if ctypes.windll.wtsapi32.WTSRegisterSessionNotification(handle, NOTIFY_FOR_THIS_SESSION):
            self._windows_registered = True
            self.sources.append("windows:WTSRegisterSessionNotification")

    def handle_native_event(self, event_type, message) -> bool:
        """True if a Windows message says the session is locking."""
        if not self._windows_registered:
            return False
        try:
            if bytes(event_type) not in (b"windows_generic_MSG", b"windows_dispatcher_MSG"):
                return False
            from ctypes import wintypes

            msg = wintypes.MSG.from_address(int(message))
            return msg.message == WM_WTSSESSION_CHANGE and msg.wParam == WTS_SESSION_LOCK
        except Exception:  # noqa: BLE001 - never let a native message crash the app
            return False

    def stop(self) -> None:
        if self._windows_registered:
            with contextlib.suppress(Exception):  # best effort at shutdown: the window may already be gone
                import ctypes

                ctypes.windll.wtsapi32.WTSUnRegisterSessionNotification(int(self._window.winId()))
            self._windows_registered = False
