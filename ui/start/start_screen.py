"""The start screen: open a database (with recent files), create one, open the demo, or connect to a team database.

Opening and creating run through the task runner (the key derivation and migrations take a moment);
every refusal or failure is an inline message under the form it concerns, and the screen stays usable.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from dhr_tracker.progress import NO_PROGRESS, Progress
from dhr_tracker.storage.database import Database, create_database, open_database
from dhr_tracker.storage.errors import StorageError
from dhr_tracker.storage.files import make_private_folder
from dhr_tracker.storage.passphrase import check_new_passphrase
from dhr_tracker.storage.server_url import is_server_url
from ui.tasks import message_for
from ui.widgets.inline_message import InlineMessage
from ui.widgets.passphrase_meter import PassphraseMeter

if TYPE_CHECKING:
    from ui.context import AppContext

DATABASE_FILTER = "DHR Tracker databases (*.dhrdb);;All files (*)"
DEMO_FILE = "demo.dhrdb"
DEMO_PASSPHRASE = "demo data only, never real cases"  # the demo is fictional; its passphrase is no secret
DEMO_CASES = 24


def build_demo(path: Path, passphrase: str, progress: Progress = NO_PROGRESS) -> Database:
    from dhr_tracker.demo import create_demo_database

    return create_demo_database(path, passphrase, cases=DEMO_CASES, progress=progress)


def _card(title: str, parent: QWidget) -> tuple[QFrame, QVBoxLayout]:
    card = QFrame(parent)
    card.setObjectName("card")
    card.setAccessibleName(title)
    layout = QVBoxLayout(card)
    layout.setContentsMargins(20, 18, 20, 18)
    layout.setSpacing(8)
    heading = QLabel(title, card)
    heading.setObjectName("card_title")
    layout.addWidget(heading)
    return card, layout


def _passphrase_field(parent: QWidget, name: str, accessible: str) -> QLineEdit:
    field = QLineEdit(parent)
    field.setObjectName(name)
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(accessible)
    field.setPlaceholderText(accessible)
    return field


class StartScreen(QWidget):
    opened = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setObjectName("start_screen")
        self.setAccessibleName("Start")
        self._busy = False

        heading = QLabel("DHR Tracker", self)
        heading.setObjectName("app_heading")
        subheading = QLabel(
            "Domestic Homicide Review case tracker. Everything is kept in an encrypted database file.", self
        )
        subheading.setObjectName("app_subheading")
        subheading.setWordWrap(True)

        # --- open ---
        open_card, open_layout = _card("Open a database", self)
        self.recent_list = QListWidget(open_card)
        self.recent_list.setObjectName("recent_files")
        self.recent_list.setAccessibleName("Recent databases")
        self.recent_list.setMaximumHeight(140)
        self.recent_list.currentItemChanged.connect(self._recent_chosen)
        self.recent_list.itemActivated.connect(lambda _item: self.open_passphrase.setFocus())
        self.open_path = QLineEdit(open_card)
        self.open_path.setObjectName("open_path")
        self.open_path.setAccessibleName("Database file to open")
        self.open_path.setPlaceholderText("Database file")
        browse = QPushButton("&Browse…", open_card)
        browse.setObjectName("open_browse")
        browse.setAccessibleName("Choose a database file to open")
        browse.clicked.connect(self._browse_open)
        self.open_passphrase = _passphrase_field(open_card, "open_passphrase", "Passphrase")
        self.open_passphrase.returnPressed.connect(self.open_clicked)
        self.open_button = QPushButton("&Open", open_card)
        self.open_button.setObjectName("open_button")
        self.open_button.setAccessibleName("Open the database")
        self.open_button.setDefault(True)
        self.open_button.clicked.connect(self.open_clicked)
        self.open_message = InlineMessage(open_card, name="open_message")
        path_row = QHBoxLayout()
        path_row.addWidget(self.open_path, 1)
        path_row.addWidget(browse)
        self.recent_label = QLabel("Recent", open_card)
        self.no_recent = QLabel("Databases you open will be listed here.", open_card)
        self.no_recent.setObjectName("empty_hint")
        open_layout.addWidget(self.recent_label)
        open_layout.addWidget(self.recent_list)
        open_layout.addWidget(self.no_recent)
        open_layout.addLayout(path_row)
        open_layout.addWidget(self.open_passphrase)
        open_layout.addWidget(self.open_button, 0, Qt.AlignmentFlag.AlignLeft)
        open_layout.addWidget(self.open_message)
        open_layout.addStretch(1)
        open_card.setMinimumHeight(260)

        # --- create ---
        create_card, create_layout = _card("Create a new database", self)
        self.create_path = QLineEdit(create_card)
        self.create_path.setObjectName("create_path")
        self.create_path.setAccessibleName("New database file")
        self.create_path.setPlaceholderText("New database file")
        choose = QPushButton("C&hoose…", create_card)
        choose.setObjectName("create_browse")
        choose.setAccessibleName("Choose where to create the database")
        choose.clicked.connect(self._browse_create)
        self.create_passphrase = _passphrase_field(create_card, "create_passphrase", "New passphrase")
        self.create_repeat = _passphrase_field(create_card, "create_repeat", "Repeat the passphrase")
        self.meter = PassphraseMeter(create_card)
        self.create_passphrase.textChanged.connect(self.meter.update_for)
        self.create_repeat.returnPressed.connect(self.create_clicked)
        self.create_button = QPushButton("C&reate", create_card)
        self.create_button.setObjectName("create_button")
        self.create_button.setAccessibleName("Create the database")
        self.create_button.clicked.connect(self.create_clicked)
        self.create_message = InlineMessage(create_card, name="create_message")
        note = QLabel("There is no way to recover a forgotten passphrase: keep it somewhere safe.", create_card)
        note.setObjectName("hint")
        note.setWordWrap(True)
        row = QHBoxLayout()
        row.addWidget(self.create_path, 1)
        row.addWidget(choose)
        create_layout.addLayout(row)
        create_layout.addWidget(self.create_passphrase)
        create_layout.addWidget(self.create_repeat)
        create_layout.addWidget(self.meter)
        create_layout.addWidget(note)
        create_layout.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignLeft)
        create_layout.addWidget(self.create_message)
        create_layout.addStretch(1)

        # --- demo ---
        demo_card, demo_layout = _card("Try the demo", self)
        demo_text = QLabel(
            f"A database of {DEMO_CASES} invented cases at every stage, to explore the app safely. "
            "Never put real cases in it.",
            demo_card,
        )
        demo_text.setWordWrap(True)
        self.demo_button = QPushButton("Open the &demo", demo_card)
        self.demo_button.setObjectName("demo_button")
        self.demo_button.setAccessibleName("Open the demo database")
        self.demo_button.clicked.connect(self.demo_clicked)
        self.demo_message = InlineMessage(demo_card, name="demo_message")
        demo_layout.addWidget(demo_text)
        demo_layout.addWidget(self.demo_button, 0, Qt.AlignmentFlag.AlignLeft)
        demo_layout.addWidget(self.demo_message)
        demo_layout.addStretch(1)

        # --- team database ---
        team_card, team_layout = _card("Connect to a team database", self)
        team_text = QLabel(
            "A caseload shared on the council's PostgreSQL server. Sign in as yourself; the connection is "
            "encrypted and the server's certificate checked.",
            team_card,
        )
        team_text.setWordWrap(True)
        self.team_url = QLineEdit(team_card)
        self.team_url.setObjectName("team_url")
        self.team_url.setAccessibleName("Team database address")
        self.team_url.setPlaceholderText("postgresql://you@server/dhr")
        self.team_password = _passphrase_field(
            team_card, "team_password", "Password (leave empty if ~/.pgpass holds it)"
        )
        self.team_password.setPlaceholderText("Password (or from ~/.pgpass)")
        self.team_password.returnPressed.connect(self.team_clicked)
        self.team_button = QPushButton("Co&nnect", team_card)
        self.team_button.setObjectName("team_button")
        self.team_button.setAccessibleName("Connect to the team database")
        self.team_button.clicked.connect(self.team_clicked)
        self.team_message = InlineMessage(team_card, name="team_message")
        team_row = QHBoxLayout()
        team_row.addWidget(self.team_password, 1)
        team_row.addWidget(self.team_button)
        team_layout.addWidget(team_text)
        team_layout.addWidget(self.team_url)
        team_layout.addLayout(team_row)
        team_layout.addWidget(self.team_message)

        grid = QGridLayout()
        grid.setSpacing(16)
        # Two columns, two rows: what a single coordinator uses on top (open, create), the demo and the
        # team database below, so that nothing is squeezed at 1280x720.
        grid.addWidget(open_card, 0, 0)
        grid.addWidget(create_card, 0, 1)
        grid.addWidget(team_card, 1, 0)
        grid.addWidget(demo_card, 1, 1)
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)

        inner = QWidget(self)
        inner.setMaximumWidth(980)
        inner_layout = QVBoxLayout(inner)
        inner_layout.addWidget(heading)
        inner_layout.addWidget(subheading)
        inner_layout.addSpacing(12)
        inner_layout.addLayout(grid)
        inner_layout.addStretch(1)
        outer = QHBoxLayout(self)
        outer.setContentsMargins(32, 32, 32, 32)
        outer.addStretch(1)
        outer.addWidget(inner, 4)
        outer.addStretch(1)
        self.refresh_recent()

    # --- recent files ---------------------------------------------------------------------------------
    def refresh_recent(self) -> None:
        self.recent_list.clear()
        paths = self.context.recent.paths()
        for path in paths:
            item = QListWidgetItem(f"{path.name}  —  {path.parent}")
            item.setData(Qt.ItemDataRole.UserRole, str(path))
            item.setToolTip(str(path))
            self.recent_list.addItem(item)
        self.recent_label.setVisible(bool(paths))
        self.recent_list.setVisible(bool(paths))
        self.no_recent.setVisible(not paths)
        if paths and not self.open_path.text():
            self.open_path.setText(str(paths[0]))

    def _recent_chosen(self, item: QListWidgetItem | None, _previous=None) -> None:
        if item is not None:
            self.open_path.setText(item.data(Qt.ItemDataRole.UserRole))
            self.open_message.clear()

    def _browse_open(self) -> None:
        path = self.context.prompter.open_file("Open a database", self.open_path.text(), DATABASE_FILTER)
        if path is not None:
            self.open_path.setText(str(path))
            self.open_passphrase.setFocus()

    def _browse_create(self) -> None:
        path = self.context.prompter.save_file(
            "Create a database", self.create_path.text() or "cases.dhrdb", DATABASE_FILTER
        )
        if path is not None:
            if not path.suffix:
                path = path.with_suffix(".dhrdb")
            self.create_path.setText(str(path))
            self.create_passphrase.setFocus()

    # --- actions --------------------------------------------------------------------------------------
    def _set_busy(self, busy: bool) -> None:
        self._busy = busy
        for button in (self.open_button, self.create_button, self.demo_button, self.team_button):
            button.setEnabled(not busy)

    def open_clicked(self) -> None:
        if self._busy:
            return
        self.open_message.clear()
        text = self.open_path.text().strip()
        if not text:
            self.open_message.show_error("Choose a database file first: pick a recent one, or use Browse.")
            return
        path = Path(text).expanduser()
        passphrase = self.open_passphrase.text()
        if not passphrase:
            self.open_message.show_error("Type the database's passphrase.")
            self.open_passphrase.setFocus()
            return
        self._run(
            lambda: open_database(path, passphrase),
            path,
            self.open_message,
            "Opening the database…",
            on_failure=self._open_failed,
        )

    def _open_failed(self) -> None:
        self.open_passphrase.selectAll()
        self.open_passphrase.setFocus()

    def create_clicked(self) -> None:
        if self._busy:
            return
        self.create_message.clear()
        text = self.create_path.text().strip()
        if not text:
            self.create_message.show_error("Choose where to create the database first (use Choose…).")
            return
        path = Path(text).expanduser()
        if not path.suffix:
            path = path.with_suffix(".dhrdb")
        passphrase, repeat = self.create_passphrase.text(), self.create_repeat.text()
        try:
            strength = check_new_passphrase(passphrase, repeat)
        except StorageError as error:
            self.create_message.show_error(error.message)
            return
        if not strength.is_good:
            advice = f" {strength.advice}" if strength.advice else ""
            self.create_message.show_warning(f"This passphrase is {strength.label.lower()}.{advice}")
            if not self.context.prompter.question(
                "Weak passphrase",
                f"This passphrase is {strength.label.lower()}: someone with the file could guess it.{advice} "
                "Use it anyway?",
            ):
                return
        self._run(
            lambda: create_database(path, passphrase, repeat), path, self.create_message, "Creating the database…"
        )

    def demo_clicked(self) -> None:
        if self._busy:
            return
        self.demo_message.clear()
        folder = self.context.data_dir
        path = folder / DEMO_FILE

        def work(progress: Progress) -> Database:  # taking `progress` gives the dialog a bar and Cancel
            if path.exists():
                return open_database(path, DEMO_PASSPHRASE)
            make_private_folder(folder)
            return build_demo(path, DEMO_PASSPHRASE, progress)

        self._run(work, path, self.demo_message, "Preparing the demo…", remember=False)

    def team_clicked(self) -> None:
        if self._busy:
            return
        self.team_message.clear()
        url = self.team_url.text().strip()
        if not is_server_url(url):
            self.team_message.show_error(
                "Type the team database's address as postgresql://YOUR-ROLE@SERVER/DATABASE (your administrator has it)."
            )
            self.team_url.setFocus()
            return
        password = self.team_password.text() or None

        def work() -> Database:
            from dhr_tracker.storage.postgres import open_team_database

            return open_team_database(url, password=password)

        self._run(
            work,
            None,
            self.team_message,
            "Connecting to the team database…",
            remember=False,
            on_failure=lambda: self.team_password.clear(),
        )

    def _run(
        self, work, path: Path | None, message: InlineMessage, progress: str, *, remember: bool = True, on_failure=None
    ) -> None:
        self._set_busy(True)

        def done(database: Database) -> None:
            self._set_busy(False)
            if remember:
                self.context.recent.add(path)
            self.open_passphrase.clear()
            self.create_passphrase.clear()
            self.create_repeat.clear()
            self.team_password.clear()
            self.context.set_database(database)
            self.opened.emit()
            for note in getattr(database, "notes", ()):  # e.g. a connection that does not check the server
                self.context.prompter.warning("The connection is not fully protected", note)

        def failed(error: BaseException) -> None:
            self._set_busy(False)
            message.show_error(message_for(error))
            if on_failure is not None:
                on_failure()

        self.context.tasks.run(work, on_done=done, on_error=failed, progress=progress, uses_database=False)
