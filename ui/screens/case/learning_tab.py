"""The case screen's Learning tab: the review's themes, and each recommendation's themes, implementation assessment,
evidence seen and (national ones) the trail with the government department."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from dhr_tracker.actionplan.recommendations import get_recommendation
from dhr_tracker.learning.case_view import (
    CaseLearning,
    RecommendationLearning,
    case_learning,
    similar_for,
    similar_text,
)
from dhr_tracker.learning.implementation import assess, record_department_step, record_evidence
from dhr_tracker.vocabulary import DepartmentStep, ImplementationCategory
from ui.models.actionplan import number_key
from ui.models.base import Column, RowTableModel, date_key, date_text
from ui.screens.case.tabs import ButtonRow, button, sorted_table
from ui.screens.case.themes_dialog import ThemesDialog
from ui.screens.forms import alive, fit_columns, selected_object
from ui.screens.service_dialog import CHOICE, DATE, MULTILINE, FieldSpec, ServiceDialog
from ui.tasks import message_for

if TYPE_CHECKING:
    from ui.screens.case.screen import CaseScreen


class LearningModel(RowTableModel[RecommendationLearning]):
    NUMBER, RECOMMENDATION, THEMES, IMPLEMENTATION, RECHECK, EVIDENCE, DEPARTMENT = range(7)
    COLUMNS = (
        Column("No.", lambda r: r.number, sort_key=lambda r: number_key(r.number)),
        Column("Recommendation", lambda r: r.text, tooltip=lambda r: r.text),
        Column("Themes", lambda r: "; ".join(r.themes), tooltip=lambda r: "\n".join(r.themes)),
        Column(
            "Implementation",
            lambda r: r.implementation,
            tooltip=lambda r: f"Assessed {date_text(r.assessed_on)}" if r.assessed_on else "Not yet assessed",
        ),
        Column("Re-check", lambda r: date_text(r.recheck_on), sort_key=lambda r: date_key(r.recheck_on)),
        Column(
            "Evidence seen",
            lambda r: str(len(r.evidence)) if r.evidence else "none",
            tooltip=lambda r: "\n".join(r.evidence),
            sort_key=lambda r: len(r.evidence),
        ),
        Column(
            "Government department",
            lambda r: r.department_trail[-1] if r.department_trail else ("not sent" if r.national else ""),
            tooltip=lambda r: "\n".join(r.department_trail),
        ),
    )


class LearningTab(QWidget):
    def __init__(self, screen: CaseScreen, parent: QWidget | None = None):
        super().__init__(parent)
        self.screen = screen
        self.learning: CaseLearning | None = None
        self.setAccessibleName("Learning")
        self.themes_label = QLabel("", self)
        self.themes_label.setObjectName("case_themes")
        self.themes_label.setWordWrap(True)
        self.model = LearningModel(parent=self)
        self.table = sorted_table(
            self.model, "Learning from the recommendations", self, stretch=LearningModel.RECOMMENDATION
        )
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.case_themes_button = button("Themes of the &review…", "case_themes_button", self.choose_case_themes, self)
        self.rec_themes_button = button("Themes of the recommen&dation…", "rec_themes", self.choose_rec_themes, self)
        self.assess_button = button(
            "Assess &implementation…",
            "assess",
            self.assess,
            self,
            "In the Domestic Abuse Commissioner's categories, with a re-check date",
        )
        self.evidence_button = button(
            "Record e&vidence seen…",
            "record_evidence",
            self.record_evidence,
            self,
            "Sign-off needs evidence seen by the sign-off date",
        )
        self.department_button = button(
            "De&partment step…",
            "department_step",
            self.department_step,
            self,
            "A national recommendation: sent to, acknowledged or answered by its department",
        )
        self.similar_button = button(
            "Made &before?", "similar", self.show_similar, self, "Similar recommendations from other reviews"
        )
        layout = QVBoxLayout(self)
        layout.addLayout(ButtonRow(self.case_themes_button))
        layout.addWidget(self.themes_label)
        layout.addLayout(
            ButtonRow(
                self.rec_themes_button,
                self.assess_button,
                self.evidence_button,
                self.department_button,
                self.similar_button,
            )
        )
        layout.addWidget(self.table)
        self._selection_changed()

    # --- loading ------------------------------------------------------------------------------------------
    def load(self, case_id: int) -> None:
        self.screen.context.tasks.run(
            lambda session: case_learning(session, case_id),
            on_done=alive(self, self._loaded),
            on_error=alive(self, lambda error: self.themes_label.setText(message_for(error))),
        )

    def _loaded(self, learning: CaseLearning) -> None:
        if learning.case_id != self.screen.case_id:
            return
        selected = self.selected()
        self.learning = learning
        self.themes_label.setText("Themes of this review: " + ("; ".join(learning.themes) or "none yet"))
        self.model.set_rows(learning.recommendations)
        fit_columns(self.table, maximum=200)  # the recommendation's text takes the rest
        if selected is not None:
            for row in range(self.table.model().rowCount()):
                if self.table.model().object_at(row).id == selected.id:
                    self.table.selectRow(row)
        self._selection_changed()

    def clear(self) -> None:
        self.learning = None
        self.model.clear()
        self.themes_label.clear()
        self._selection_changed()

    def selected(self) -> RecommendationLearning | None:
        return selected_object(self.table)

    def _selection_changed(self, *args) -> None:
        rec = self.selected()
        for widget in (self.rec_themes_button, self.assess_button, self.evidence_button, self.similar_button):
            widget.setEnabled(rec is not None)
        self.department_button.setEnabled(rec is not None and rec.national)
        self.case_themes_button.setEnabled(self.learning is not None)

    # --- steps ----------------------------------------------------------------------------------------------
    def _after_save(self, dialog) -> None:  # noqa: ANN001
        dialog.saved.connect(lambda _result: self.screen.refresh())
        self.screen.open_dialog(dialog)

    def choose_case_themes(self) -> None:
        if self.learning is None:
            return
        from dhr_tracker.casework.cases import get_case
        from dhr_tracker.learning.themes import set_case_themes

        case_id = self.learning.case_id
        self._after_save(
            ThemesDialog(
                self.screen.context,
                "Themes of the review",
                self.learning.vocabulary,
                self.learning.themes,
                lambda session, names: len(set_case_themes(session, get_case(session, case_id), names)),
                parent=self.screen,
            )
        )

    def choose_rec_themes(self) -> None:
        rec = self.selected()
        if rec is None or self.learning is None:
            return
        from dhr_tracker.learning.themes import set_recommendation_themes

        self._after_save(
            ThemesDialog(
                self.screen.context,
                f"Themes of recommendation {rec.number}",
                self.learning.vocabulary,
                rec.themes,
                lambda session, names: len(
                    set_recommendation_themes(session, get_recommendation(session, rec.id), names)
                ),
                parent=self.screen,
            )
        )

    def _service_dialog(self, title: str, fields, save, intro: str = "") -> ServiceDialog:  # noqa: ANN001
        dialog = ServiceDialog(
            self.screen.context, title, fields, save, intro=intro, source=self.screen, parent=self.screen
        )
        self._after_save(dialog)
        return dialog

    def assess(self) -> ServiceDialog | None:
        rec = self.selected()
        if rec is None:
            return None
        today = self.screen.context.today()
        return self._service_dialog(
            f"Assess recommendation {rec.number}",
            [
                FieldSpec(
                    "category", "&Implementation:", CHOICE, choices=[(c.label, c) for c in ImplementationCategory]
                ),
                FieldSpec("on", "&Assessed on:", DATE, default=today, aliases=("assessed_on",)),
                FieldSpec("by", "Assessed &by:", aliases=("assessed_by",)),
                FieldSpec("recheck_on", "&Re-check on:", DATE),
                FieldSpec("note", "&Note:", MULTILINE),
            ],
            lambda session, v: (
                assess(session, get_recommendation(session, rec.id), v.pop("category"), today=today, **v).id
            ),
            intro="The Domestic Abuse Commissioner's categories: how far the recommendation is implemented, "
            "whatever its status.",
        )

    def record_evidence(self) -> ServiceDialog | None:
        rec = self.selected()
        if rec is None:
            return None
        today = self.screen.context.today()
        return self._service_dialog(
            f"Evidence seen for recommendation {rec.number}",
            [
                FieldSpec(
                    "reference",
                    "&Evidence (reference):",
                    help_text="For example: audit report 2026/14, training register.",
                ),
                FieldSpec("seen_on", "&Seen on:", DATE, default=today),
                FieldSpec("checked_by", "&Checked by:"),
                FieldSpec("note", "&Note:", MULTILINE),
            ],
            lambda session, v: record_evidence(session, get_recommendation(session, rec.id), today=today, **v).id,
        )

    def department_step(self) -> ServiceDialog | None:
        rec = self.selected()
        if rec is None or not rec.national:
            return None
        today = self.screen.context.today()
        return self._service_dialog(
            f"Recommendation {rec.number} and its government department",
            [
                FieldSpec("step", "&Step:", CHOICE, choices=[(s.label, s) for s in DepartmentStep]),
                FieldSpec("on", "&On:", DATE, default=today, aliases=("occurred_on",)),
                FieldSpec("reference", "&Reference:"),
                FieldSpec("note", "&Note:", MULTILINE),
            ],
            lambda session, v: (
                record_department_step(session, get_recommendation(session, rec.id), v.pop("step"), today=today, **v).id
            ),
            intro="The department is the recommendation's lead agency. "
            + ("So far: " + "; ".join(rec.department_trail) if rec.department_trail else "Nothing sent yet."),
        )

    def show_similar(self) -> None:
        rec = self.selected()
        if rec is not None:
            show_similar(self.screen, rec.id, quiet=False)


def show_similar(screen: CaseScreen, rec_id: int, *, quiet: bool = True) -> None:
    """Tell the coordinator about similar recommendations from other reviews (quiet: say nothing if none)."""

    def done(found) -> None:  # noqa: ANN001
        if found:
            screen.context.prompter.information(
                "Made before?",
                f"{len(found)} recommendation{'s' if len(found) != 1 else ''} of other reviews "
                f"{'are' if len(found) != 1 else 'is'} worded like this one:\n\n{similar_text(found)}",
            )
        elif not quiet:
            screen.context.prompter.information(
                "Made before?", "No recommendation of another review is worded like this one."
            )

    screen.context.tasks.run(lambda session: similar_for(session, rec_id), on_done=alive(screen, done))
