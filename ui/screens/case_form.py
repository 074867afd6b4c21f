"""The form of a case's own facts, shared by the new-case dialog and the case overview."""

from __future__ import annotations

import datetime as dt
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from dhr_tracker.errors import ValidationError
from dhr_tracker.vocabulary import GuidanceProfile
from ui.screens.forms import DateField, FieldForm

# Only the fields the overview edits; notes have their own tab.
FORM_FIELDS = (
    "reference",
    "pseudonym",
    "notified_on",
    "csp_area",
    "commissioning_partnership",
    "guidance_profile",
    "date_of_death",
    "independent_chair",
    "victim_real_name",
    "perpetrator_real_name",
)


class MaskedNameField(QLineEdit):
    """A real-name field that, while hidden, shows the same eight dots whatever the name, so not even its length shows.

    Hidden and holding a name, it is read-only (tick "Show real names" to see or change it); hidden and empty, it
    takes typing as a password field does. `text()` and `setText()` always mean the real value.
    """

    MASK = "●" * 8

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._value = ""
        self._hidden = True
        self._masking = False
        self.textChanged.connect(self._typed)

    def _typed(self, text: str) -> None:
        if not self._masking:
            self._value = text

    def text(self) -> str:  # noqa: D102 - the real value, never the dots
        return self._value

    def setText(self, text: str) -> None:  # noqa: N802 - Qt's name
        self._value = text or ""
        self._show()

    def set_hidden(self, hidden: bool) -> None:
        self._hidden = hidden
        self._show()

    @property
    def showing_mask(self) -> bool:
        return self._masking

    def _show(self) -> None:
        self._masking = self._hidden and bool(self._value)
        if self._masking:
            self.setEchoMode(QLineEdit.EchoMode.Normal)
            self.setReadOnly(True)
            super().setText(self.MASK)
            self.setAccessibleDescription("Hidden. Tick Show real names to see or change it.")
        else:
            self.setEchoMode(QLineEdit.EchoMode.Password if self._hidden else QLineEdit.EchoMode.Normal)
            self.setReadOnly(False)
            super().setText(self._value)
            self.setAccessibleDescription("Kept in the encrypted database only; never shown in reports or exports.")


class CaseForm(FieldForm):
    """Reference, pseudonym, dates, area, partnership, guidance profile, chair and (private) real names.

    `values()` returns the dict for `create_case`/`update_case`; a date typed wrongly raises a
    ValidationError naming its field, like the core's own refusals, so both show the same way.
    """

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.reference = self.add_field(
            "reference", "&Reference:", QLineEdit(), help_text="The case reference, for example DHR-2025-03."
        )
        self.pseudonym = self.add_field(
            "pseudonym",
            "&Pseudonym:",
            QLineEdit(),
            help_text="The agreed pseudonym: the only name reports and exports use.",
        )
        self.notified_on = self.add_field(
            "notified_on", "&Notified on:", DateField("notified_on", "The notification date")
        )
        self.csp_area = self.add_field("csp_area", "CSP &area:", QComboBox())
        self.commissioning_partnership = self.add_field(
            "commissioning_partnership",
            "Commissioning &partnership:",
            QLineEdit(),
            help_text="KCSP, or the partnership that commissioned a cross-border review (e.g. East Sussex CSP).",
        )
        self.guidance_profile = self.add_field("guidance_profile", "&Guidance:", QComboBox())
        for profile in GuidanceProfile:
            self.guidance_profile.addItem(profile.label, profile.value)
        self.date_of_death = self.add_field(
            "date_of_death", "Date of &death:", DateField("date_of_death", "The date of death")
        )
        self.independent_chair = self.add_field("independent_chair", "Independent &chair:", QLineEdit())
        self.victim_real_name = self.add_field(
            "victim_real_name",
            "Victim's real name:",
            MaskedNameField(),
            help_text="Kept in the encrypted database only; never shown in reports or exports.",
        )
        self.perpetrator_real_name = self.add_field(
            "perpetrator_real_name",
            "Perpetrator's real name:",
            MaskedNameField(),
            help_text="Kept in the encrypted database only; never shown in reports or exports.",
        )
        self.commissioning_partnership.setText("KCSP")
        # Real names are hidden from anyone looking over the shoulder until asked for.
        self.show_real_names = QCheckBox("Show real &names", self)
        self.show_real_names.setObjectName("show_real_names")
        self.show_real_names.setToolTip("Real names are hidden on screen unless you ask to see them")
        self.show_real_names.toggled.connect(self._reveal)
        self.real_names_hidden = False  # set by set_values for a role that may not read them
        self.layout_.addRow("", self.show_real_names)
        self._reveal(False)

    def _reveal(self, shown: bool) -> None:
        for field in (self.victim_real_name, self.perpetrator_real_name):
            field.set_hidden(not shown)

    def set_areas(self, names: list[str]) -> None:
        current = self.csp_area.currentData()
        self.csp_area.blockSignals(True)
        self.csp_area.clear()
        self.csp_area.addItem("(none: cross-border review)", "")
        for name in names:
            self.csp_area.addItem(name, name)
        self.csp_area.setCurrentIndex(max(0, self.csp_area.findData(current or "")))
        self.csp_area.blockSignals(False)

    def set_values(self, values: dict[str, Any]) -> None:
        self.reference.setText(values.get("reference") or "")
        self.pseudonym.setText(values.get("pseudonym") or "")
        self.notified_on.set_value(values.get("notified_on"))
        area = values.get("csp_area") or ""
        if area and self.csp_area.findData(area) < 0:
            self.csp_area.addItem(area, area)
        self.csp_area.setCurrentIndex(max(0, self.csp_area.findData(area)))
        self.commissioning_partnership.setText(values.get("commissioning_partnership") or "KCSP")
        profile = values.get("guidance_profile") or GuidanceProfile.DHR_2016
        self.guidance_profile.setCurrentIndex(max(0, self.guidance_profile.findData(str(profile))))
        self.date_of_death.set_value(values.get("date_of_death"))
        self.independent_chair.setText(values.get("independent_chair") or "")
        # No real names in `values`: the signed-in role may not read them (a team database's viewer).
        self.real_names_hidden = "victim_real_name" not in values and "reference" in values
        for field, key in (
            (self.victim_real_name, "victim_real_name"),
            (self.perpetrator_real_name, "perpetrator_real_name"),
        ):
            field.setText(values.get(key) or "")
            field.setEnabled(not self.real_names_hidden)
            field.setPlaceholderText("Not readable with your role" if self.real_names_hidden else "")
        self.show_real_names.setEnabled(not self.real_names_hidden)
        self.show_real_names.setChecked(False)
        self.clear_errors()

    def values(self) -> dict[str, Any]:
        """The typed values, for the core to validate. Raises ValidationError for a malformed date."""
        notified_on: dt.date | None = self.notified_on.value()
        date_of_death: dt.date | None = self.date_of_death.value()
        return {
            "reference": self.reference.text(),
            "pseudonym": self.pseudonym.text(),
            "notified_on": notified_on,
            "csp_area": self.csp_area.currentData() or None,
            "commissioning_partnership": self.commissioning_partnership.text(),
            "guidance_profile": GuidanceProfile(self.guidance_profile.currentData()),
            "date_of_death": date_of_death,
            "independent_chair": self.independent_chair.text(),
            **(
                {}
                if self.real_names_hidden
                else {
                    "victim_real_name": self.victim_real_name.text() or None,
                    "perpetrator_real_name": self.perpetrator_real_name.text() or None,
                }
            ),
        }

    def raw_values(self) -> dict[str, str]:
        """The text of every field as typed, to tell whether anything changed."""
        from ui.screens.forms import text_of

        return {field: text_of(widget) for field, widget in self.fields.items()}


def check_form(form: CaseForm) -> dict[str, Any] | None:
    """The form's values, or None after showing the date error beside its field."""
    try:
        return form.values()
    except ValidationError as error:
        form.show_error(error)
        return None
