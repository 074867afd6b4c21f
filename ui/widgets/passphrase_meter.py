"""A passphrase strength meter: a five-step bar and the zxcvbn label and advice (dhr_tracker.storage.passphrase)."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QProgressBar, QVBoxLayout, QWidget

from dhr_tracker.storage.passphrase import MINIMUM_LENGTH, Strength, estimate_strength


class PassphraseMeter(QWidget):
    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("passphrase_meter")
        self.bar = QProgressBar(self)
        self.bar.setObjectName("strength_bar")
        self.bar.setRange(0, 4)
        self.bar.setTextVisible(False)
        self.bar.setFixedHeight(8)
        self.bar.setAccessibleName("Passphrase strength")
        self.label = QLabel(self)
        self.label.setObjectName("strength_label")
        self.label.setWordWrap(True)
        self.label.setAccessibleName("Passphrase strength")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.bar)
        layout.addWidget(self.label)
        self.strength: Strength | None = None
        self.update_for("")

    def update_for(self, passphrase: str) -> Strength:
        strength = estimate_strength(passphrase)
        self.strength = strength
        self.bar.setValue(strength.score if passphrase else 0)
        self.bar.setProperty("score", strength.score if passphrase else -1)
        self.bar.style().unpolish(self.bar)
        self.bar.style().polish(self.bar)
        if not passphrase:
            text = f"At least {MINIMUM_LENGTH} characters; four or more unrelated words work well."
        elif len(passphrase) < MINIMUM_LENGTH:
            text = f"Too short: {len(passphrase)} of at least {MINIMUM_LENGTH} characters."
        else:
            text = f"Strength: {strength.label}." + (
                f" {strength.advice}" if strength.advice and not strength.is_good else ""
            )
        self.label.setText(text)
        self.bar.setAccessibleDescription(text)
        return strength
