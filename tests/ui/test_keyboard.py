"""Every control on every screen is reachable with Tab and has a name a screen reader can say."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QApplication, QComboBox, QLineEdit, QWidget

from tests.ui.conftest import wait_for_tasks
from tests.ui.demo_fixture import demo_context, demo_template  # noqa: F401 - fixtures

SCREENS = ["dashboard", "cases", "case", "agencies", "escalations", "meetings", "settings"]


def spoken_name(widget: QWidget) -> str:
    """What assistive technology announces: the accessible name, else a button's text, else a buddy label's."""
    if widget.accessibleName():
        return widget.accessibleName()
    if isinstance(widget, QAbstractButton) and widget.text():
        return widget.text().replace("&", "")
    parent = widget.parentWidget()
    while parent is not None:
        from PySide6.QtWidgets import QLabel

        for label in parent.findChildren(QLabel):
            if label.buddy() is widget and label.text():
                return label.text().replace("&", "")
        parent = parent.parentWidget()
    if isinstance(widget, QLineEdit) and widget.placeholderText():
        return widget.placeholderText()
    return ""


def focus_chain(qtbot, screen: QWidget, presses: int = 160) -> list[QWidget]:
    """The widgets inside `screen` that Tab visits, in order of first visit, over `presses` presses of Tab.

    A table with Tab navigation keeps the focus while Tab walks its cells, so the walk counts presses rather
    than stopping at the first widget seen twice; Tab always leaves a table after its last cell.
    """
    screen.setFocus(Qt.FocusReason.TabFocusReason)
    screen.focusNextChild()
    seen: list[QWidget] = []
    for _ in range(presses):
        widget = QApplication.focusWidget()
        if widget is None:
            break
        if screen.isAncestorOf(widget) and widget not in seen:
            seen.append(widget)
        qtbot.keyClick(widget, Qt.Key.Key_Tab)
    return seen


@pytest.mark.parametrize("key", SCREENS)
def test_tab_reaches_every_control_and_each_has_a_name(qtbot, make_window, demo_context, key):
    window = make_window(demo_context)
    window.resize(1280, 720)
    window.show()
    window._on_unlocked()
    item = None
    if key == "case":
        from dhr_tracker.casework.cases import list_cases

        item = demo_context.read(list_cases)[0].id
    screen = window.show_screen(key, item) if item is not None else window.show_screen(key)
    wait_for_tasks(qtbot, demo_context)
    qtbot.waitExposed(window)
    chain = focus_chain(qtbot, screen)
    assert chain, f"{key}: Tab reaches nothing"
    unnamed = [f"{type(w).__name__} {w.objectName()!r}" for w in chain if not spoken_name(w)]
    assert not unnamed, f"{key}: controls without a name: {unnamed}"
    focusable = [
        w
        for w in screen.findChildren(QWidget)
        if w.isVisible()
        and w.isEnabled()
        and w.focusPolicy() & Qt.FocusPolicy.TabFocus
        and isinstance(w, (QAbstractButton, QComboBox, QLineEdit))
        and not w.window().isModal()
        and w.window() is window
    ]
    # A spin box's (or date field's) inner line edit takes the focus through its spin box.
    missed = [
        f"{type(w).__name__} {w.objectName() or spoken_name(w)!r}"
        for w in focusable
        if w not in chain and not (isinstance(w.parentWidget(), QAbstractSpinBox) and w.parentWidget() in chain)
    ]
    assert not missed, f"{key}: Tab never reaches {missed}"
