"""A date field that shows and takes dd/mm/yyyy and may be left empty; gives and takes `datetime.date`."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate, QLocale
from PySide6.QtWidgets import QDateEdit, QWidget

EMPTY = QDate(1900, 1, 1)  # the minimum date stands for "no date" and shows as a blank


class DateEdit(QDateEdit):
    def __init__(self, parent: QWidget | None = None, *, optional: bool = True, accessible_name: str = "Date"):
        super().__init__(parent)
        self.optional = optional
        self.setDisplayFormat("dd/MM/yyyy")
        self.setLocale(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
        self.setCalendarPopup(True)
        self.setAccessibleName(accessible_name)
        self.setMaximumDate(QDate(2099, 12, 31))
        if optional:
            self.setMinimumDate(EMPTY)
            self.setSpecialValueText(" ")
            self.setDate(EMPTY)
        else:
            self.setMinimumDate(QDate(1950, 1, 1))

    def value(self) -> dt.date | None:
        date = self.date()
        if self.optional and date == EMPTY:
            return None
        return dt.date(date.year(), date.month(), date.day())

    def set_value(self, value: dt.date | None) -> None:
        if value is None:
            if self.optional:
                self.setDate(EMPTY)
            return
        self.setDate(QDate(value.year, value.month, value.day))

    def clear_value(self) -> None:
        self.set_value(None)
