"""The settings screen: every declared setting with its label, explanation and validation; closure days.

Settings come from `dhr_tracker.settings.SETTINGS` (each declared once, with a label and a sentence of
explanation), grouped by the first part of their key. Saving cleans every value first and shows each
refusal next to its field; only when all are valid are they written, in one transaction.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from dhr_tracker.settings import SETTINGS, Setting, SettingError, Settings
from ui.screens.base import Screen
from ui.screens.forms import alive
from ui.tasks import message_for
from ui.widgets.inline_message import InlineMessage
from ui.widgets.ladder_editor import LadderEditor

if TYPE_CHECKING:
    from ui.context import AppContext

GROUP_TITLES = {
    "security": "Security",
    "backup": "Backups",
    "reports": "Reports and marking",
    "timescales": "Timescales",
    "escalation": "Escalation ladder and letters",
    "rag": "Case colours (red, amber, green)",
    "learning": "Learning across reviews",
}


def is_long_text(setting: Setting) -> bool:
    return (
        setting.kind is str
        and isinstance(setting.default, str)
        and ("\n" in setting.default or len(setting.default) > 140)
    )


class SettingField(QWidget):
    """One setting: its input, its explanation underneath and its validation message."""

    def __init__(self, setting: Setting, parent: QWidget | None = None):
        super().__init__(parent)
        self.setting = setting
        self.setObjectName(f"setting_{setting.key}")
        if setting.kind is bool:
            self.input: QWidget = QCheckBox(setting.label, self)
            self.input.toggled.connect(self._edited)
        elif setting.kind is list and setting.key == "escalation.ladder":
            self.input = LadderEditor(self)
            self.input.changed.connect(self._edited)
        elif setting.kind in (list, dict) or is_long_text(setting):
            self.input = QPlainTextEdit(self)
            self.input.setTabChangesFocus(True)
            self.input.setMinimumHeight(150 if setting.kind is str else 110)
            self.input.textChanged.connect(self._edited)
        else:
            # Numbers too: a line edit, not a spin box, so an out-of-range value can be typed and refused
            # with a message that says what is accepted.
            self.input = QLineEdit(self)
            if setting.kind is int:
                self.input.setMaximumWidth(120)
            self.input.textEdited.connect(self._edited)
        self.input.setObjectName(f"input_{setting.key}")
        self.input.setAccessibleName(setting.label)
        self.input.setAccessibleDescription(setting.description)
        self.input.setToolTip(setting.description)
        self.explanation = QLabel(setting.description, self)
        self.explanation.setObjectName("hint")
        self.explanation.setWordWrap(True)
        self.message = InlineMessage(self, name=f"message_{setting.key}")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 6)
        layout.setSpacing(2)
        layout.addWidget(self.input)
        layout.addWidget(self.explanation)
        layout.addWidget(self.message)
        self.dirty = False
        self._loading = False

    def _edited(self, *_args) -> None:
        if self._loading:
            return
        self.dirty = True
        self.message.clear()

    def raw(self) -> Any:
        """What the user entered, in the form Setting.clean takes."""
        widget = self.input
        if isinstance(widget, QCheckBox):
            return widget.isChecked()
        if isinstance(widget, LadderEditor):
            return widget.value()
        if isinstance(widget, QPlainTextEdit):
            text = widget.toPlainText()
            if self.setting.kind in (list, dict):
                try:
                    return json.loads(text)
                except ValueError:
                    raise SettingError(
                        f"{self.setting.label} is not in the expected form; check the brackets and quotes."
                    ) from None
            return text
        return widget.text()

    def cleaned(self) -> Any:
        return self.setting.clean(self.raw())

    def show_value(self, value: Any) -> None:
        self._loading = True
        try:
            widget = self.input
            if isinstance(widget, QCheckBox):
                widget.setChecked(bool(value))
            elif isinstance(widget, LadderEditor):
                widget.set_value(value)
            elif isinstance(widget, QPlainTextEdit):
                widget.setPlainText(
                    json.dumps(value, indent=1) if self.setting.kind in (list, dict) else str(value or "")
                )
            else:
                widget.setText("" if value is None else str(value))
                widget.setCursorPosition(0)  # show the start of a long value, not its end
        finally:
            self._loading = False
        self.dirty = False
        self.message.clear()

    def clear_value(self) -> None:
        self._loading = True
        try:
            widget = self.input
            if isinstance(widget, QCheckBox):
                widget.setChecked(False)
            elif isinstance(widget, LadderEditor):
                widget.set_value([])
            else:
                widget.clear()
        finally:
            self._loading = False
        self.dirty = False
        self.message.clear()


SHOWN_PROBLEMS = 5  # findings of a broken audit trail shown on the screen; the command line lists every one


class SettingsScreen(Screen):
    key = "settings"
    title = "Settings"
    icon_name = "settings"

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.fields: dict[str, SettingField] = {}
        content = QWidget(self)
        content.setObjectName("settings_content")
        layout = QVBoxLayout(content)
        layout.setContentsMargins(24, 4, 24, 20)
        # The heading, the Save/Revert buttons and the overall message stay in view above the scrolling form.
        header = QWidget(self)
        header.setObjectName("settings_header")
        heading = QLabel("Settings", header)
        heading.setObjectName("screen_heading")
        intro = QLabel(
            "Kept inside the encrypted database, so they travel with it. Closure days and the "
            "buttons under “This database” take effect at once; the rest when you save.",
            header,
        )
        intro.setObjectName("hint")
        intro.setWordWrap(True)

        groups: dict[str, QFormLayout] = {}
        for setting in SETTINGS.values():
            group_key = setting.key.split(".", 1)[0]
            if group_key not in groups:
                box = QGroupBox(GROUP_TITLES.get(group_key, group_key.replace("_", " ").capitalize()), content)
                box.setAccessibleName(box.title())
                form = QFormLayout(box)
                form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
                form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
                groups[group_key] = form
                layout.addWidget(box)
            field = SettingField(setting, content)
            self.fields[setting.key] = field
            label = QLabel("" if setting.kind is bool else setting.label, content)
            label.setBuddy(field.input)
            label.setMinimumWidth(230)
            label.setWordWrap(True)
            groups[group_key].addRow(label, field)

        from ui.widgets.closure_days import ClosureDaysEditor

        closure_box = QGroupBox("Closure days", content)
        closure_box.setAccessibleName("Closure days")
        closure_layout = QVBoxLayout(closure_box)
        closure_hint = QLabel(
            "Days the council is closed, besides the England and Wales bank holidays. Deadlines counted "
            "in working days skip them.",
            closure_box,
        )
        closure_hint.setObjectName("hint")
        closure_hint.setWordWrap(True)
        self.closure_days = ClosureDaysEditor(context, closure_box)
        closure_layout.addWidget(closure_hint)
        closure_layout.addWidget(self.closure_days)
        layout.addWidget(closure_box)

        from ui.widgets.themes_editor import ThemesEditor

        themes_box = QGroupBox("Learning themes", content)
        themes_box.setAccessibleName("Learning themes")
        themes_layout = QVBoxLayout(themes_box)
        themes_hint = QLabel(
            "The vocabulary for tagging reviews and recommendations. Changes take effect at once; "
            "a retired theme keeps its tags.",
            themes_box,
        )
        themes_hint.setObjectName("hint")
        themes_hint.setWordWrap(True)
        self.themes = ThemesEditor(context, themes_box)
        themes_layout.addWidget(themes_hint)
        themes_layout.addWidget(self.themes)
        layout.addWidget(themes_box)

        database_box = QGroupBox("This database", content)
        database_box.setAccessibleName("This database")
        database_layout = QVBoxLayout(database_box)
        self.database_hint = QLabel("", database_box)
        self.database_hint.setObjectName("hint")
        self.database_hint.setWordWrap(True)
        self.backup_button = QPushButton("&Back up now…", database_box)
        self.backup_button.setObjectName("backup_now")
        self.backup_button.setAccessibleName("Back up the database now")
        self.backup_button.clicked.connect(self.back_up_now)
        self.passphrase_button = QPushButton("C&hange passphrase…", database_box)
        self.passphrase_button.setObjectName("change_passphrase")
        self.passphrase_button.setAccessibleName("Change the database passphrase")
        self.passphrase_button.clicked.connect(self.change_passphrase)
        self.audit_button = QPushButton("Check the audit &trail", database_box)
        self.audit_button.setObjectName("check_audit_trail")
        self.audit_button.setAccessibleName("Check the audit trail and every record against it")
        self.audit_button.setToolTip(
            "Checks every entry of the audit trail and every record against it, as `dhr-tracker audit verify` does, "
            "and gives the trail's checkpoint"
        )
        self.audit_button.clicked.connect(self.check_audit_trail)
        self.database_message = InlineMessage(database_box, name="database_message")
        database_buttons = QHBoxLayout()
        database_buttons.addWidget(self.backup_button)
        database_buttons.addWidget(self.passphrase_button)
        database_buttons.addWidget(self.audit_button)
        database_buttons.addStretch(1)
        database_layout.addWidget(self.database_hint)
        database_layout.addLayout(database_buttons)
        database_layout.addWidget(self.database_message)
        layout.addWidget(database_box)

        self.save_button = QPushButton("&Save settings", header)
        self.save_button.setObjectName("save_settings")
        self.save_button.setAccessibleName("Save settings")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Re&vert", header)
        self.revert_button.setObjectName("revert_settings")
        self.revert_button.setAccessibleName("Revert to the saved settings")
        self.revert_button.clicked.connect(self.refresh)
        self.save_button.setDefault(True)
        self.message = InlineMessage(header, name="settings_message")
        title_row = QHBoxLayout()
        title_row.addWidget(heading)
        title_row.addStretch(1)
        title_row.addWidget(self.save_button)
        title_row.addWidget(self.revert_button)
        header_layout = QVBoxLayout(header)
        header_layout.setContentsMargins(24, 16, 24, 8)
        header_layout.addLayout(title_row)
        header_layout.addWidget(intro)
        header_layout.addWidget(self.message)
        layout.addStretch(1)

        scroll = QScrollArea(self)
        scroll.setAccessibleName("Settings")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(0)
        outer.addWidget(header)
        outer.addWidget(scroll, 1)

    # --- Screen -----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        def load(session) -> dict[str, Any]:
            settings = Settings(session)
            return {key: settings.get(key) for key in SETTINGS}

        values = self.context.read(load)
        for key, field in self.fields.items():
            field.show_value(values[key])
        self.message.clear()
        self.closure_days.refresh()
        self.themes.refresh()
        path = self.context.database_path
        self.database_hint.setText(
            f"{path.name} is backed up automatically, encrypted, into the folder “backups” beside it when the app "
            "closes. A backup opens with the passphrase the database had when it was taken."
            if path
            else ""
        )
        self.database_message.clear()

    def clear(self) -> None:
        for field in self.fields.values():
            field.clear_value()
        self.message.clear()
        self.closure_days.clear()
        self.themes.clear()
        self.database_hint.clear()
        self.database_message.clear()

    def has_unsaved_changes(self) -> bool:
        return any(field.dirty for field in self.fields.values())

    def save(self) -> bool:
        """Clean every field; show each refusal beside its field; save all in one transaction (off the GUI
        thread) or none. False if a field was refused before anything was sent."""
        return self._start_save([])

    def save_changes(self) -> bool:
        """Save and wait for the answer (the lock and quit need it before they go on)."""
        outcome: list[bool] = []
        if not self._start_save(outcome):
            return False
        self.context.tasks.wait_for_idle()
        return outcome == [True]

    def _start_save(self, outcome: list[bool]) -> bool:
        self.message.clear()
        cleaned: dict[str, Any] = {}
        for key, field in self.fields.items():
            field.message.clear()
            try:
                cleaned[key] = field.cleaned()
            except SettingError as error:
                field.message.show_error(str(error))
        if len(cleaned) != len(self.fields):
            self.message.show_error("Nothing was saved: correct the settings marked above first.")
            return False

        def save(session) -> None:
            settings = Settings(session)
            for key, value in cleaned.items():
                if value == SETTINGS[key].default:
                    settings.reset(key)
                else:
                    settings.set(key, value)

        def saved(_none: None) -> None:
            outcome.append(True)
            for key, field in self.fields.items():
                field.show_value(cleaned[key])
            self.message.show_info("Settings saved.")
            self.context.notify_data_changed(self)

        def refused(error: BaseException) -> None:
            outcome.append(False)
            text = str(error) if isinstance(error, (SettingError, ValueError)) else message_for(error)
            self.message.show_error(f"Nothing was saved: {text}")

        self.context.tasks.run(save, on_done=alive(self, saved), on_error=alive(self, refused))
        return True

    # --- the database: backup and passphrase -------------------------------------------------------------
    def back_up_now(self) -> None:
        from dhr_tracker.storage.backups import BACKUP_SUFFIX, backup_to, default_backup_folder

        database = self.context.require_database()
        if database.shared:
            self.database_message.show_info(
                "A team database is backed up on its server by the database administrators (docs/TEAM.md)."
            )
            return
        folder = default_backup_folder(database.path)
        suggested = folder / f"{database.path.stem}-{self.context.today():%Y-%m-%d}{BACKUP_SUFFIX}"
        target = self.context.prompter.save_file(
            "Back up the database", str(suggested), f"Encrypted backups (*{BACKUP_SUFFIX})"
        )
        if target is None:
            return
        if not target.suffix:
            target = target.with_suffix(BACKUP_SUFFIX)
        self.database_message.clear()

        def work():
            target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            return backup_to(database, target)

        def done(check) -> None:
            counts = "; ".join(check.summary_lines()[:4])
            self.database_message.show_info(f"Backed up to {check.path} and checked ({counts}).")

        self.context.tasks.run(
            work,
            on_done=done,
            on_error=lambda error: self.database_message.show_error(message_for(error)),
            progress="Backing up…",
            uses_database=False,
        )

    def check_audit_trail(self) -> None:
        """What `dhr-tracker audit verify` says, for a coordinator who never opens a command line."""
        from dhr_tracker.security.audit import verify_chain

        self.database_message.clear()

        def check(session) -> tuple[bool, int, str, list[str]]:
            report = verify_chain(session)
            return report.ok, report.entries, str(report.checkpoint or ""), report.problems()

        def done(result: tuple[bool, int, str, list[str]]) -> None:
            ok, entries, checkpoint, problems = result
            if ok:
                self.database_message.show_info(
                    f"The audit trail is intact: {entries:,} entries, and every record matches it. Its checkpoint is "
                    f"{checkpoint}. Every briefing, letter and backup carries the checkpoint of its day, and the "
                    "command dhr-tracker audit verify --checkpoint proves the trail still holds it."
                )
                return
            shown = "; ".join(problems[:SHOWN_PROBLEMS])
            more = f" (and {len(problems) - SHOWN_PROBLEMS} more: the command dhr-tracker audit verify lists them all)"
            self.database_message.show_error(
                f"The audit trail is BROKEN: {shown}{more if len(problems) > SHOWN_PROBLEMS else ''}. Someone changed "
                "the database outside DHR Tracker: keep this file for investigation and tell your information "
                "governance lead."
            )

        self.context.tasks.run(
            check,
            on_done=done,
            on_error=lambda error: self.database_message.show_error(message_for(error)),
            progress="Checking the audit trail…",
        )

    def change_passphrase(self) -> None:
        from ui.widgets.change_passphrase import ChangePassphraseDialog

        if self.context.require_database().shared:
            self.database_message.show_info(
                "A team database has no passphrase: each person signs in to the server with their own password."
            )
            return
        dialog = ChangePassphraseDialog(self.context, self)
        dialog.exec()
        dialog.deleteLater()
