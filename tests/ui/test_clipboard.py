"""The clipboard guard (#7.2): cleared after the timeout only if unchanged, and on lock and quit."""

from __future__ import annotations

from PySide6.QtGui import QGuiApplication

from ui.security.clipboard import ClipboardGuard


def test_copied_text_is_cleared_after_the_timeout(qtbot, qapp):
    guard = ClipboardGuard(timeout_ms=20)
    guard.copy("DHR-2026-07")
    assert QGuiApplication.clipboard().text() == "DHR-2026-07"
    assert guard.pending
    with qtbot.waitSignal(guard.cleared, timeout=5_000) as blocker:
        pass
    assert blocker.args == [True]
    assert QGuiApplication.clipboard().text() == ""
    assert not guard.holds_ours


def test_what_the_user_copied_since_is_left_alone(qtbot, qapp):
    guard = ClipboardGuard(timeout_ms=20)
    guard.copy("DHR-2026-07")
    QGuiApplication.clipboard().setText("my own note")
    with qtbot.waitSignal(guard.cleared, timeout=5_000) as blocker:
        pass
    assert blocker.args == [False]
    assert QGuiApplication.clipboard().text() == "my own note"
    QGuiApplication.clipboard().clear()


def test_the_timeout_comes_from_the_setting_in_seconds(qtbot, qapp):
    guard = ClipboardGuard(lambda: 30)
    guard.copy("x")
    assert guard.pending and guard._timer.interval() == 30_000
    assert guard.clear_now() is True


def test_the_copy_asks_clipboard_managers_to_skip_it(qtbot, qapp):
    guard = ClipboardGuard(timeout_ms=60_000)
    guard.copy("DHR-2026-07")
    data = QGuiApplication.clipboard().mimeData()
    assert bytes(data.data("x-kde-passwordManagerHint")) == b"secret"
    guard.clear_now()


def test_closing_the_app_clears_the_clipboard(qtbot, window, ui_context):
    ui_context.clipboard.timeout_ms = 60_000
    ui_context.clipboard.copy("DHR-2026-07")
    window.close()
    assert QGuiApplication.clipboard().text() == ""
    assert ui_context.database is None  # closing also drops the key


def test_context_clipboard_uses_the_setting_from_the_database(qtbot, ui_context):
    from dhr_tracker.settings import CLIPBOARD_CLEAR_SECONDS, Settings

    with ui_context.database.transaction() as session:
        Settings(session).set(CLIPBOARD_CLEAR_SECONDS, 12)
    ui_context.clipboard.copy("DHR-2026-07")
    assert ui_context.clipboard._timer.interval() == 12_000
    ui_context.clipboard.clear_now()
