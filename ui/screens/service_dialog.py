"""One small dialog for every "record this" step: fields described as data, saved by a core service.

    ServiceDialog(context, "Record the decision", [
        FieldSpec("decision", "Decision", "choice", choices=[(d.label, d) for d in Decision]),
        FieldSpec("decided_on", "Decided on", "date", default=today),
    ], save=lambda session, values: record_decision(session, load(session), **values))

Pressing Save runs `save(session, values)` as a task in one transaction. A ValidationError is shown
beside the field it names (or at the top) and nothing is saved; the dialog stays open to correct it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from dhr_tracker.errors import ValidationError
from ui.screens.forms import DateField, FieldForm, alive
from ui.tasks import message_for

if TYPE_CHECKING:
    from ui.context import AppContext

TEXT, DATE, CHOICE, MULTILINE = "text", "date", "choice", "multiline"


@dataclass(frozen=True)
class FieldSpec:
    name: str  # the core's keyword (and ValidationError.field)
    label: str
    kind: str = TEXT
    choices: Sequence[tuple[str, Any]] = ()
    default: Any = None
    help_text: str = ""
    aliases: tuple[str, ...] = field(default=())  # other ValidationError.field names shown beside this one


class ServiceDialog(QDialog):
    saved = Signal(object)  # whatever `save` returned

    def __init__(
        self,
        context: AppContext,
        title: str,
        fields: Sequence[FieldSpec],
        save: Callable[[Any, dict[str, Any]], Any],
        *,
        intro: str = "",
        save_label: str = "&Save",
        source: object = None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.source = source  # the screen that asked: it reloads itself; the others are marked stale
        self.context = context
        self.specs = list(fields)
        self._save = save
        self.result_value: Any = None
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setObjectName("service_dialog")
        self.setModal(True)
        self.setMinimumWidth(460)
        layout = QVBoxLayout(self)
        if intro:
            label = QLabel(intro, self)
            label.setWordWrap(True)
            layout.addWidget(label)
        self.form = FieldForm(self)
        for spec in self.specs:
            self.form.add_field(spec.name, spec.label, self._widget(spec), help_text=spec.help_text)
            for alias in spec.aliases:
                self.form.fields[alias] = self.form.fields[spec.name]
                self.form.errors[alias] = self.form.errors[spec.name]
        layout.addWidget(self.form)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.save_button = self.buttons.addButton(save_label, QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setObjectName("save")
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self.submit)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        if self.specs:
            self.form.fields[self.specs[0].name].setFocus()

    def _widget(self, spec: FieldSpec) -> QWidget:
        if spec.kind == DATE:
            widget = DateField(spec.name, spec.label.rstrip(":").replace("&", ""))
            widget.set_value(spec.default)
        elif spec.kind == CHOICE:
            # Values stay on the Python side (self.specs): Qt would turn an enum member into a plain str.
            widget = QComboBox()
            for label, _value in spec.choices:
                widget.addItem(label)
            for index, (_label, value) in enumerate(spec.choices):
                if spec.default is not None and value == spec.default:
                    widget.setCurrentIndex(index)
        elif spec.kind == MULTILINE:
            widget = QPlainTextEdit()
            widget.setTabChangesFocus(True)
            widget.setPlainText(spec.default or "")
            widget.setMaximumHeight(110)
        else:
            widget = QLineEdit()
            widget.setText(spec.default or "")
        return widget

    # --- for tests and for the dialog's own buttons ------------------------------------------------
    def set_value(self, name: str, value: Any) -> None:
        widget = self.form.fields[name]
        if isinstance(widget, DateField):
            widget.set_value(value) if isinstance(value, dt.date) or value is None else widget.setText(str(value))
        elif isinstance(widget, QComboBox):
            choices = self._spec(name).choices
            for index, (label, choice) in enumerate(choices):
                if choice == value or label == value:
                    widget.setCurrentIndex(index)
                    return
            raise ValueError(f"{value!r} is not a choice of {name}")
        elif isinstance(widget, QPlainTextEdit):
            widget.setPlainText(value)
        else:
            widget.setText(value)

    def _spec(self, name: str) -> FieldSpec:
        return next(spec for spec in self.specs if spec.name == name)

    def values(self) -> dict[str, Any]:
        result = {}
        for spec in self.specs:
            widget = self.form.fields[spec.name]
            if isinstance(widget, DateField):
                result[spec.name] = widget.value()
            elif isinstance(widget, QComboBox):
                index = widget.currentIndex()
                result[spec.name] = spec.choices[index][1] if 0 <= index < len(spec.choices) else None
            elif isinstance(widget, QPlainTextEdit):
                result[spec.name] = widget.toPlainText()
            else:
                result[spec.name] = widget.text()
        return result

    def error_text(self, name: str | None = None) -> str:
        return self.form.error_text(name)

    def submit(self) -> None:
        self.form.clear_errors()
        try:
            values = self.values()
        except ValidationError as error:
            self.form.show_error(error)
            return
        self.save_button.setEnabled(False)
        self.context.tasks.run(
            lambda session: self._save(session, values),
            on_done=alive(self, self._done),
            on_error=alive(self, self._refused),
        )

    def _done(self, result: Any) -> None:
        self.result_value = result
        self.context.notify_data_changed(self.source)
        self.saved.emit(result)
        self.accept()

    def _refused(self, error: BaseException) -> None:
        self.save_button.setEnabled(True)
        if hasattr(error, "message"):
            self.form.show_error(error)
        else:
            self.form.show_error(ValueError(message_for(error)))
