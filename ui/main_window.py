"""The main window: the start and unlock screens while locked; navigation and the main screens while unlocked."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QStackedWidget,
    QToolBar,
    QWidget,
)

from dhr_tracker.settings import IDLE_LOCK_MINUTES
from ui.context import AppContext
from ui.prompter import QtPrompter
from ui.security.idle import IdleWatcher
from ui.security.lock import CANCEL, DISCARD, IDLE, MANUAL, SAVE, SESSION, LockSequence
from ui.security.session_lock import SessionLockWatcher
from ui.start.start_screen import StartScreen
from ui.start.unlock_screen import UnlockScreen
from ui.widgets.icons import icon

APP_TITLE = "DHR Tracker"


def screen_classes() -> list[type]:
    """The registered main screens in navigation order, then settings."""
    from ui.screens import SCREENS
    from ui.settings_screen import SettingsScreen

    return [*SCREENS, SettingsScreen]


class MainWindow(QMainWindow):
    screen_changed = Signal(str)

    def __init__(
        self,
        context: AppContext,
        *,
        idle_timeout_ms: int | None = None,
        watch_session: bool = True,
        backup_on_close: bool = True,
    ):
        super().__init__()
        self.context = context
        self.backup_on_close = backup_on_close
        if isinstance(context.prompter, QtPrompter) and context.prompter.parent is None:
            context.prompter.parent = self
        context.tasks.dialog_parent = self
        self.setWindowTitle(APP_TITLE)
        self.setWindowIcon(icon("app-icon"))
        self.setObjectName("main_window")
        self.setAccessibleName(APP_TITLE)
        self.resize(1280, 800)

        self.pages = QStackedWidget(self)
        self.start_screen = StartScreen(context, self)
        self.unlock_screen = UnlockScreen(context, self)
        self.workspace = QWidget(self)
        self.workspace.setObjectName("workspace")
        self.pages.addWidget(self.start_screen)
        self.pages.addWidget(self.unlock_screen)
        self.pages.addWidget(self.workspace)
        self.setCentralWidget(self.pages)

        self.navigation = QListWidget(self.workspace)
        self.navigation.setObjectName("navigation")
        self.navigation.setAccessibleName("Screens")
        self.navigation.setIconSize(QSize(20, 20))
        self.navigation.setFixedWidth(210)
        self.stack = QStackedWidget(self.workspace)
        self.stack.setObjectName("screens")
        layout = QHBoxLayout(self.workspace)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.navigation)
        layout.addWidget(self.stack, 1)

        self.screens: list[Any] = []
        self._stale: set[int] = set()
        for cls in screen_classes():
            self._add_screen(cls(context))
        self.navigation.currentRowChanged.connect(self._on_navigation)

        self._build_actions()
        self.database_label = QLabel("", self)
        self.database_label.setAccessibleName("Open database")
        self.statusBar().addPermanentWidget(self.database_label)

        self.lock_sequence = LockSequence(
            context,
            screens=lambda: self.screens,
            current_screen=self.current_screen,
            show_unlock=self._show_unlock,
            parent=self,
        )
        minutes = IDLE_LOCK_MINUTES.default
        self.idle_watcher = IdleWatcher(
            idle_timeout_ms if idle_timeout_ms is not None else minutes * 60_000, parent=self
        )
        self._fixed_idle_timeout = idle_timeout_ms is not None
        self.idle_watcher.idle.connect(lambda: self.lock(IDLE))
        self.session_watcher = SessionLockWatcher(self) if watch_session else None
        if self.session_watcher is not None:
            self.session_watcher.session_locked.connect(lambda: self.lock(SESSION))

        context.unlocked.connect(self._on_unlocked)
        context.locked.connect(self._on_locked)
        context.data_changed.connect(self._on_data_changed)
        context.navigate.connect(self.show_screen)
        self._update_actions()
        self.pages.setCurrentWidget(self.start_screen)

    # --- screens --------------------------------------------------------------------------------------
    def _add_screen(self, screen: Any) -> None:
        index = len(self.screens)
        self.screens.append(screen)
        self.stack.addWidget(screen)
        item = QListWidgetItem(icon(getattr(screen, "icon_name", "")), getattr(screen, "title", type(screen).__name__))
        shortcut = f"Ctrl+{index + 1}" if index < 9 else ""
        item.setToolTip(f"{screen.title} ({shortcut})" if shortcut else screen.title)
        item.setData(Qt.ItemDataRole.AccessibleTextRole, screen.title)
        self.navigation.addItem(item)
        self._stale.add(index)

    def current_screen(self) -> Any:
        return self.stack.currentWidget()

    def screen(self, key: str) -> Any:
        for screen in self.screens:
            if getattr(screen, "key", None) == key:
                return screen
        raise KeyError(key)

    def show_screen(self, key: str | int, item: object = None) -> Any:
        """Show a screen by key or position and, if `item` is given, ask it to open that item."""
        index = (
            key
            if isinstance(key, int)
            else next((i for i, screen in enumerate(self.screens) if getattr(screen, "key", None) == key), None)
        )
        if index is None or not 0 <= index < len(self.screens):
            return None
        if self.navigation.currentRow() != index:
            self.navigation.setCurrentRow(index)  # -> _on_navigation
        else:
            self._refresh_if_stale(index)
        screen = self.screens[index]
        if item is not None and hasattr(screen, "open_item"):
            screen.open_item(item)
        return screen

    def _on_navigation(self, index: int) -> None:
        if 0 <= index < len(self.screens):
            self.stack.setCurrentIndex(index)
            self._refresh_if_stale(index)
            self.screen_changed.emit(getattr(self.screens[index], "key", ""))

    def _refresh_if_stale(self, index: int) -> None:
        if index in self._stale and self.context.is_unlocked:
            self._stale.discard(index)
            self.screens[index].refresh()

    def _on_data_changed(self, source: object) -> None:
        if not self._fixed_idle_timeout and self.context.is_unlocked:
            self.idle_watcher.set_timeout_ms(int(self.context.setting(IDLE_LOCK_MINUTES)) * 60_000)
        current = self.stack.currentIndex()
        for index, screen in enumerate(self.screens):
            if screen is not source:
                self._stale.add(index)
        if self.screens and self.screens[current] is not source and self.pages.currentWidget() is self.workspace:
            self._refresh_if_stale(current)

    # --- actions and shortcuts ------------------------------------------------------------------------
    def _action(self, text: str, shortcut: QKeySequence | str | None, slot, *, name: str) -> QAction:
        action = QAction(text, self)
        action.setObjectName(name)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        self.lock_action = self._action("&Lock", "Ctrl+L", lambda: self.lock(MANUAL), name="action_lock")
        self.lock_action.setIcon(icon("lock"))
        self.lock_action.setToolTip("Lock the database now (Ctrl+L)")
        self.find_action = self._action("&Find", QKeySequence.StandardKey.Find, self.find, name="action_find")
        self.new_case_action = self._action(
            "&New case", QKeySequence.StandardKey.New, self.new_case, name="action_new_case"
        )
        self.close_database_action = self._action(
            "&Close database", None, self.close_database, name="action_close_database"
        )
        self.quit_action = self._action("&Quit", "Ctrl+Q", self.close, name="action_quit")
        self.guide_action = self._action(
            "&User guide", QKeySequence.StandardKey.HelpContents, self.show_user_guide, name="action_user_guide"
        )
        self.about_action = self._action("&About DHR Tracker", None, self.show_about, name="action_about")
        self.screen_actions = []
        for index, screen in enumerate(self.screens[:9]):
            action = self._action(
                screen.title,
                f"Ctrl+{index + 1}",
                lambda _=False, i=index: self.show_screen(i),
                name=f"action_screen_{index + 1}",
            )
            self.screen_actions.append(action)

        menu = self.menuBar().addMenu("&File")
        menu.addAction(self.new_case_action)
        menu.addAction(self.lock_action)
        menu.addAction(self.close_database_action)
        menu.addSeparator()
        menu.addAction(self.quit_action)
        view = self.menuBar().addMenu("&Go")
        view.addAction(self.find_action)
        view.addSeparator()
        for action in self.screen_actions:
            view.addAction(action)
        help_menu = self.menuBar().addMenu("&Help")
        help_menu.addAction(self.guide_action)
        help_menu.addAction(self.about_action)

        toolbar = QToolBar("Main", self)
        toolbar.setObjectName("main_toolbar")
        toolbar.setAccessibleName("Main toolbar")
        toolbar.setMovable(False)
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.addAction(self.lock_action)
        self.toolbar = toolbar
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, toolbar)

    def _update_actions(self) -> None:
        unlocked = self.context.is_unlocked
        for action in (
            self.lock_action,
            self.find_action,
            self.new_case_action,
            self.close_database_action,
            *self.screen_actions,
        ):
            action.setEnabled(unlocked)
        self.toolbar.setVisible(unlocked)
        self.menuBar().setVisible(True)

    def show_user_guide(self) -> None:
        from ui.help.dialogs import UserGuideDialog

        self.guide_dialog = UserGuideDialog(self)
        self.guide_dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.guide_dialog.open()

    def show_about(self) -> None:
        from ui.help.dialogs import show_about

        show_about(self.context)

    def find(self) -> None:
        screen = self.current_screen()
        if self.context.is_unlocked and hasattr(screen, "find"):
            screen.find()

    def new_case(self) -> None:
        if not self.context.is_unlocked:
            return
        for index, screen in enumerate(self.screens):
            if hasattr(screen, "new_case"):
                self.show_screen(index)
                screen.new_case()
                return

    # --- lock and unlock ------------------------------------------------------------------------------
    def lock(self, reason: str = MANUAL) -> bool:
        return self.lock_sequence.lock(reason)

    def _show_unlock(self) -> None:
        self.unlock_screen.prepare(self.lock_sequence.last_path)
        self.pages.setCurrentWidget(self.unlock_screen)

    def _on_locked(self) -> None:
        self.idle_watcher.stop()
        self._stale = set(range(len(self.screens)))
        self.database_label.setText("Locked")
        self._update_actions()

    def _on_unlocked(self) -> None:
        database = self.context.database
        # A team database is unlocked again by its URL (the server signs in again), a file by its path.
        self.lock_sequence.last_path = (
            (database.target if database.shared else database.path) if database is not None else None
        )
        name = (database.label if database.shared else database.path.name) if database is not None else ""
        self.database_label.setText(name)
        self.database_label.setToolTip(database.label if database is not None else "")
        self.setWindowTitle(f"{name} - {APP_TITLE}" if database is not None else APP_TITLE)
        self._stale = set(range(len(self.screens)))
        self.pages.setCurrentWidget(self.workspace)
        self._update_actions()
        if not self._fixed_idle_timeout:
            self.idle_watcher.set_timeout_ms(int(self.context.setting(IDLE_LOCK_MINUTES)) * 60_000)
        self.idle_watcher.start()
        place = self.lock_sequence.place
        self.lock_sequence.place = type(place)()
        if place.screen_key:
            self.show_screen(place.screen_key, place.item)
        elif self.screens:
            if self.navigation.currentRow() == 0:
                self._refresh_if_stale(0)
            else:
                self.show_screen(0)

    def automatic_backup(self) -> None:
        """The encrypted backup taken on close (keeping the newest N); a failure is shown, never fatal."""
        from dhr_tracker.storage.backups import automatic_backup

        database = self.context.database
        if database is None or getattr(database, "read_only", False) or database.shared:
            return  # a team database is backed up on the server by its administrators (docs/TEAM.md)
        self.context.tasks.run(
            lambda: automatic_backup(database),
            progress="Backing up before closing…",
            title="The automatic backup failed",
            uses_database=False,
        )
        self.context.tasks.wait_for_idle()

    def close_database(self) -> None:
        """Back up, lock, then go back to the start screen rather than the unlock screen."""
        if self.backup_on_close and not any(getattr(s, "has_unsaved_changes", lambda: False)() for s in self.screens):
            self.context.tasks.wait_for_idle()
            self.automatic_backup()
        if self.lock(MANUAL):
            self.lock_sequence.last_path = None
            self.lock_sequence.place = type(self.lock_sequence.place)()
            self.start_screen.refresh_recent()
            self.pages.setCurrentWidget(self.start_screen)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt's name
        if self.context.is_unlocked:
            for screen in self.screens:
                if getattr(screen, "has_unsaved_changes", lambda: False)():
                    answer = self.context.prompter.choose(
                        "Unsaved changes",
                        f"{screen.title} has changes that are not saved. Save them before closing?",
                        [SAVE, DISCARD, CANCEL],
                        default=SAVE,
                    )
                    if answer in (None, CANCEL) or (answer == SAVE and not screen.save_changes()):
                        event.ignore()
                        return
            self.context.tasks.wait_for_idle()
            if self.backup_on_close:
                self.automatic_backup()
            for screen in self.screens:
                screen.clear()
            self.context.drop_database()
        self.context.clipboard.clear_now()
        self.idle_watcher.stop()
        if self.session_watcher is not None:
            self.session_watcher.stop()
        event.accept()

    def nativeEvent(self, event_type, message):  # noqa: N802 - Qt's name; Windows session notifications
        if self.session_watcher is not None and self.session_watcher.handle_native_event(event_type, message):
            self.lock(SESSION)
        return super().nativeEvent(event_type, message)
