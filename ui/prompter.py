"""The one way the app asks the user something: messages, questions, passphrases and file pickers.

Every screen receives the prompter through its `AppContext` and never builds a QMessageBox or a
QFileDialog itself. The desktop app uses `QtPrompter`; tests use `ScriptedPrompter`, which answers
from a script and records everything it was shown (KeePassXC's `MessageBox::setNextAnswer`, without
monkeypatching Qt).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QDialog, QFileDialog, QInputDialog, QLineEdit, QMessageBox, QWidget


@dataclass(frozen=True)
class Prompt:
    """One thing the prompter showed or asked: `kind` is the method name."""

    kind: str
    title: str
    text: str


class Prompter:
    """The interface. Every method is blocking from the caller's point of view and returns the answer."""

    def information(self, title: str, text: str) -> None:
        raise NotImplementedError

    def warning(self, title: str, text: str) -> None:
        raise NotImplementedError

    def question(self, title: str, text: str, *, default_yes: bool = False) -> bool:
        """A yes/no question; True for yes."""
        raise NotImplementedError

    def choose(
        self,
        title: str,
        text: str,
        choices: list[str],
        *,
        default: str | None = None,
        timeout_seconds: int | None = None,
    ) -> str | None:
        """One of `choices` (button labels, e.g. ["Save", "Discard", "Cancel"]); None if closed.

        With `timeout_seconds`, the question answers itself with `default` when nobody answers in time
        (used by the idle lock, when the user is away).
        """
        raise NotImplementedError

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        """A line of text, or None if cancelled."""
        raise NotImplementedError

    def ask_passphrase(self, title: str, label: str) -> str | None:
        """A passphrase typed into a hidden field, or None if cancelled."""
        raise NotImplementedError

    def open_file(self, title: str, directory: str = "", file_filter: str = "") -> Path | None:
        raise NotImplementedError

    def save_file(self, title: str, suggested: str = "", file_filter: str = "") -> Path | None:
        raise NotImplementedError

    def choose_folder(self, title: str, directory: str = "") -> Path | None:
        raise NotImplementedError

    def close_dialogs(self) -> None:
        """Close any dialog the prompter has open (the lock does this before dropping the key)."""


class QtPrompter(Prompter):
    """Real dialogs, parented to the main window. Cancelling always returns None or False."""

    def __init__(self, parent: QWidget | None = None):
        self.parent = parent
        self._open: list[QDialog] = []

    def _exec(self, dialog: QDialog) -> int:
        self._open.append(dialog)
        try:
            return dialog.exec()
        finally:
            if dialog in self._open:
                self._open.remove(dialog)

    def _box(self, icon: QMessageBox.Icon, title: str, text: str) -> QMessageBox:
        box = QMessageBox(icon, title, text, QMessageBox.StandardButton.NoButton, self.parent)
        box.setAccessibleName(title)
        return box

    def information(self, title: str, text: str) -> None:
        box = self._box(QMessageBox.Icon.Information, title, text)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        self._exec(box)

    def warning(self, title: str, text: str) -> None:
        box = self._box(QMessageBox.Icon.Warning, title, text)
        box.setStandardButtons(QMessageBox.StandardButton.Ok)
        self._exec(box)

    def question(self, title: str, text: str, *, default_yes: bool = False) -> bool:
        box = self._box(QMessageBox.Icon.Question, title, text)
        box.setStandardButtons(QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
        box.setDefaultButton(QMessageBox.StandardButton.Yes if default_yes else QMessageBox.StandardButton.No)
        self._exec(box)
        return box.clickedButton() is box.button(QMessageBox.StandardButton.Yes)

    def choose(
        self,
        title: str,
        text: str,
        choices: list[str],
        *,
        default: str | None = None,
        timeout_seconds: int | None = None,
    ) -> str | None:
        box = self._box(QMessageBox.Icon.Question, title, text)
        buttons = {}
        for label in choices:
            role = (
                QMessageBox.ButtonRole.RejectRole
                if label.lower().startswith("cancel")
                else QMessageBox.ButtonRole.AcceptRole
            )
            buttons[box.addButton(label, role)] = label
        default_button = next((button for button, label in buttons.items() if label == default), None)
        if default_button is not None:
            box.setDefaultButton(default_button)
        if timeout_seconds and default_button is not None:
            QTimer.singleShot(timeout_seconds * 1000, box, default_button.click)
        self._exec(box)
        return buttons.get(box.clickedButton())

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        value, ok = QInputDialog.getText(self.parent, title, label, QLineEdit.EchoMode.Normal, text)
        return value if ok else None

    def ask_passphrase(self, title: str, label: str) -> str | None:
        value, ok = QInputDialog.getText(self.parent, title, label, QLineEdit.EchoMode.Password)
        return value if ok else None

    def open_file(self, title: str, directory: str = "", file_filter: str = "") -> Path | None:
        name, _ = QFileDialog.getOpenFileName(self.parent, title, directory, file_filter)
        return Path(name) if name else None

    def save_file(self, title: str, suggested: str = "", file_filter: str = "") -> Path | None:
        name, _ = QFileDialog.getSaveFileName(self.parent, title, suggested, file_filter)
        return Path(name) if name else None

    def choose_folder(self, title: str, directory: str = "") -> Path | None:
        name = QFileDialog.getExistingDirectory(self.parent, title, directory)
        return Path(name) if name else None

    def close_dialogs(self) -> None:
        for dialog in list(self._open):
            dialog.reject()
        # The static helpers (QInputDialog, QFileDialog) are closed by the lock sequence with every other dialog.


class NoAnswerScripted(AssertionError):
    """A test's ScriptedPrompter was asked something it had no answer for."""


class ScriptedPrompter(Prompter):
    """Answers from a script, for tests. Messages are recorded in `shown`; questions pop `answers`.

        prompter = ScriptedPrompter()
        prompter.answer(True)                   # the next question, whatever it is
        prompter.answer("Discard", kind="choose")  # checked: the next question must be a choose()
        ...
        assert prompter.messages("warning") == ["..."]

    An answer may also be a callable `f(prompt) -> answer`. A question with nothing scripted fails
    the test with NoAnswerScripted, naming the question; a choose() with a timeout takes its default.
    """

    def __init__(self, *answers: Any):
        self.shown: list[Prompt] = []
        self._answers: deque[tuple[str | None, Any]] = deque((None, answer) for answer in answers)
        self.closed_dialogs = 0

    def answer(self, value: Any, *, kind: str | None = None) -> ScriptedPrompter:
        self._answers.append((kind, value))
        return self

    @property
    def pending(self) -> int:
        return len(self._answers)

    def messages(self, kind: str | None = None) -> list[str]:
        return [prompt.text for prompt in self.shown if kind is None or prompt.kind == kind]

    def _ask(self, prompt: Prompt, *, default: Any = None, has_default: bool = False) -> Any:
        self.shown.append(prompt)
        if not self._answers:
            if has_default:
                return default
            raise NoAnswerScripted(f"No answer scripted for {prompt.kind}({prompt.title!r}, {prompt.text!r})")
        kind, value = self._answers.popleft()
        if kind is not None and kind != prompt.kind:
            raise NoAnswerScripted(
                f"Expected a {kind}() next, but the app asked {prompt.kind}({prompt.title!r}, {prompt.text!r})"
            )
        return value(prompt) if callable(value) else value

    def information(self, title: str, text: str) -> None:
        self.shown.append(Prompt("information", title, text))

    def warning(self, title: str, text: str) -> None:
        self.shown.append(Prompt("warning", title, text))

    def question(self, title: str, text: str, *, default_yes: bool = False) -> bool:
        return bool(self._ask(Prompt("question", title, text)))

    def choose(
        self,
        title: str,
        text: str,
        choices: list[str],
        *,
        default: str | None = None,
        timeout_seconds: int | None = None,
    ) -> str | None:
        answer = self._ask(Prompt("choose", title, text), default=default, has_default=timeout_seconds is not None)
        if answer is not None and answer not in choices:
            raise NoAnswerScripted(f"Scripted answer {answer!r} is not one of {choices}")
        return answer

    def ask_text(self, title: str, label: str, text: str = "") -> str | None:
        return self._ask(Prompt("ask_text", title, label))

    def ask_passphrase(self, title: str, label: str) -> str | None:
        return self._ask(Prompt("ask_passphrase", title, label))

    def open_file(self, title: str, directory: str = "", file_filter: str = "") -> Path | None:
        answer = self._ask(Prompt("open_file", title, directory))
        return None if answer is None else Path(answer)

    def save_file(self, title: str, suggested: str = "", file_filter: str = "") -> Path | None:
        answer = self._ask(Prompt("save_file", title, suggested))
        return None if answer is None else Path(answer)

    def choose_folder(self, title: str, directory: str = "") -> Path | None:
        answer = self._ask(Prompt("choose_folder", title, directory))
        return None if answer is None else Path(answer)

    def close_dialogs(self) -> None:
        self.closed_dialogs += 1
