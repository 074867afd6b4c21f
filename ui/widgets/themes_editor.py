"""The learning-themes editor on the settings screen: the vocabulary by facet; add, rename, retire or offer again."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from dhr_tracker.learning.themes import ThemeRow, add_theme, rename_theme, set_theme_active, theme_by_id, theme_rows
from dhr_tracker.vocabulary import ThemeFacet
from ui.models.base import Column, RowTableModel
from ui.screens.forms import alive, fit_columns, make_table, name_combo, selected_object
from ui.tasks import message_for
from ui.widgets.inline_message import InlineMessage

if TYPE_CHECKING:
    from ui.context import AppContext


class ThemeModel(RowTableModel[ThemeRow]):
    NAME, FACET, OFFERED, USED = range(4)
    COLUMNS = (
        Column("Theme", lambda t: t.name),
        Column("Facet", lambda t: t.facet.label, sort_key=lambda t: list(ThemeFacet).index(t.facet)),
        Column("Offered", lambda t: "yes" if t.active else "retired"),
        Column("Tags", lambda t: str(t.tagged), sort_key=lambda t: t.tagged, align_right=True),
    )


class ThemesEditor(QWidget):
    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.context = context
        self.setObjectName("themes_editor")
        self.model = ThemeModel(parent=self)
        self.table = make_table(self.model, "Learning themes", self, sortable=False, stretch_column=ThemeModel.NAME)
        self.table.setMinimumHeight(220)
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.name = QLineEdit(self)
        self.name.setObjectName("theme_name")
        self.name.setAccessibleName("Name of the theme to add")
        self.name.setPlaceholderText("A new theme, e.g. Digital abuse")
        self.name.returnPressed.connect(self.add_clicked)
        self.facet = QComboBox(self)
        self.facet.setObjectName("theme_facet")
        name_combo(self.facet, "Facet of the theme to add")
        for facet in ThemeFacet:
            self.facet.addItem(facet.label, facet.value)
        self.facet.setCurrentIndex(list(ThemeFacet).index(ThemeFacet.LEARNING))
        self.add_button = QPushButton("Add &theme", self)
        self.add_button.setObjectName("theme_add")
        self.add_button.clicked.connect(self.add_clicked)
        self.rename_button = QPushButton("Re&name…", self)
        self.rename_button.setObjectName("theme_rename")
        self.rename_button.clicked.connect(self.rename_clicked)
        self.retire_button = QPushButton("Re&tire", self)
        self.retire_button.setObjectName("theme_retire")
        self.retire_button.setToolTip("No longer offered for new tags; its tags stay and still count")
        self.retire_button.clicked.connect(self.retire_clicked)
        self.message = InlineMessage(self, name="theme_message")
        add_row = QHBoxLayout()
        add_row.addWidget(self.name, 1)
        add_row.addWidget(self.facet)
        add_row.addWidget(self.add_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.rename_button)
        buttons.addWidget(self.retire_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addLayout(add_row)
        layout.addWidget(self.message)
        self._selection_changed()

    def refresh(self) -> None:
        self.model.set_rows(self.context.read(theme_rows))
        fit_columns(self.table)
        self._selection_changed()

    def clear(self) -> None:
        self.model.clear()
        self.name.clear()
        self.message.clear()

    def selected(self) -> ThemeRow | None:
        return selected_object(self.table)

    def _selection_changed(self, *args) -> None:
        theme = self.selected()
        self.rename_button.setEnabled(theme is not None)
        self.retire_button.setEnabled(theme is not None)
        self.retire_button.setText("Offer a&gain" if theme is not None and not theme.active else "Re&tire")

    def _change(self, change, done: str, after=None) -> None:  # noqa: ANN001
        """Run `change(session)` off the GUI thread; its refusal shows under the list."""
        self.context.tasks.run(
            lambda session: (change(session), None)[1],  # the changed theme stays in its session
            on_done=alive(self, lambda _none: self._changed(done, after)),
            on_error=alive(self, lambda error: self.message.show_error(message_for(error))),
        )

    def _changed(self, done: str, after=None) -> None:  # noqa: ANN001
        if after is not None:
            after()
        self.refresh()
        self.message.show_info(done)
        self.context.notify_data_changed(self)

    def add_clicked(self) -> None:
        name, facet = self.name.text(), self.facet.currentData()
        self._change(
            lambda session: add_theme(session, name, facet=facet),
            f"'{' '.join(name.split())}' added.",
            after=self.name.clear,
        )

    def rename_clicked(self) -> None:
        theme = self.selected()
        if theme is None:
            return
        new_name = self.context.prompter.ask_text(
            "Rename the theme", f"New name for '{theme.name}' (its tags follow it):", theme.name
        )
        if new_name is None or new_name.strip() == theme.name:
            return
        self._change(
            lambda session: rename_theme(session, theme_by_id(session, theme.id), new_name), f"Renamed '{theme.name}'."
        )

    def retire_clicked(self) -> None:
        theme = self.selected()
        if theme is None:
            return
        self._change(
            lambda session: set_theme_active(session, theme_by_id(session, theme.id), not theme.active),
            f"'{theme.name}' is {'offered again' if not theme.active else 'retired; its tags stay'}.",
        )
