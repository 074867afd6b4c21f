"""The Dashboard: what needs doing today, each item opening what it refers to, and charts of the caseload."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from dhr_tracker.dates import format_date
from dhr_tracker.escalation.engine import AgencyPosition
from dhr_tracker.exchange.packs.proposals import pending_count
from dhr_tracker.exchange.packs.register import returns_awaiting_import
from dhr_tracker.lifecycle.deadlines import DeadlineStatus
from dhr_tracker.lifecycle.instructions import deadline_instruction
from dhr_tracker.lifecycle.rag import Rag, rag_rules_from_settings
from dhr_tracker.lifecycle.today import caseload_for
from dhr_tracker.vocabulary import MeetingKind, Stage
from ui.charts import RAG_PIE_COLOURS, BarChart, PieChart
from ui.models.dashboard import (
    DUE_SOON,
    ESCALATION,
    KIND_LABELS,
    MEETING,
    MILESTONE,
    OVERDUE,
    UPCOMING,
    UPDATE,
    WAITING,
    DashboardFilterProxy,
    DashboardItem,
    DashboardModel,
)
from ui.screens.base import Screen
from ui.screens.forms import alive, fit_columns, make_table, name_combo, selected_object

if TYPE_CHECKING:
    from ui.context import AppContext

MEETINGS_SHOWN = 3
# Column labels of the stage chart, short enough for nine columns in a third of a 1280-pixel window (seen in the
# screenshots: longer ones run together).
SHORT_STAGE = {
    Stage.NOTIFICATION: "Notif.",
    Stage.DECISION: "Decis.",
    Stage.COMMISSIONING: "Comm.",
    Stage.INFORMATION_GATHERING: "Info.",
    Stage.DRAFTING: "Draft",
    Stage.PARTNERSHIP_SIGNOFF: "Sign-off",
    Stage.HOME_OFFICE_QA: "HO QA",
    Stage.PUBLICATION: "Publ.",
    Stage.ACTION_PLAN_MONITORING: "Plan",
}


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"


@dataclass(frozen=True)
class DashboardData:
    as_of: dt.date
    items: list[DashboardItem]
    open_by_stage: list[tuple[str, int]]
    rag_counts: list[tuple[str, int]]
    agencies_by_level: list[tuple[str, int]]
    packs_awaiting_import: int = 0  # update packs returned and not yet imported
    proposals_waiting: int = 0  # status changes agencies proposed, not yet accepted or rejected


def load_dashboard(session, today: dt.date) -> DashboardData:  # noqa: ANN001 - a Session
    """Everything the dashboard shows as of `today`, from the lifecycle, escalation and meeting services."""
    items: list[DashboardItem] = []
    soon = today + dt.timedelta(days=rag_rules_from_settings(session).due_soon_days)
    stages: Counter[Stage] = Counter()
    rags: Counter[str] = Counter()
    caseload = caseload_for(session)
    for position in caseload.positions(session, today, open_only=True):
        facts, deadlines = position.facts, position.deadlines
        stages[facts.stage] += 1
        rating = position.rag.rating
        if rating is not Rag.CLOSED:
            rags[rating.label] += 1
        about = f"{facts.reference} ({facts.pseudonym})"
        for deadline in deadlines:
            if deadline.status is DeadlineStatus.OVERDUE:
                items.append(
                    DashboardItem(
                        MILESTONE,
                        deadline.due,
                        OVERDUE,
                        deadline_instruction(deadline),
                        about,
                        "case",
                        facts.case_id,
                        f"{deadline.label}: overdue by {deadline.days_text(deadline.days_overdue)}",
                    )
                )
            elif deadline.status is DeadlineStatus.DUE and deadline.due <= soon:
                items.append(
                    DashboardItem(
                        MILESTONE,
                        deadline.due,
                        DUE_SOON,
                        deadline_instruction(deadline),
                        about,
                        "case",
                        facts.case_id,
                        f"{deadline.label}: due in {plural((deadline.due - today).days, 'day')}",
                    )
                )
    levels: Counter[int] = Counter()
    for position in caseload.escalations(session, today):
        item = _agency_item(position, today)
        if item is not None:
            level = position.level
            levels[level.level if level else 0] += 1 if position.overdue else 0
            items.append(item)
    upcoming = sorted((m for m in caseload.meetings(session) if m.held_on >= today), key=lambda m: m.held_on)
    for meeting in upcoming[:MEETINGS_SHOWN]:
        items.append(
            DashboardItem(
                MEETING,
                meeting.held_on,
                DUE_SOON if meeting.held_on <= soon else UPCOMING,
                meeting_instruction(meeting),
                meeting.kind.label + (f", item {meeting.agenda_item}" if meeting.agenda_item else ""),
                "meetings",
                meeting.id,
                plural(len(meeting.attendees), "attendee"),
            )
        )
    return DashboardData(
        as_of=today,
        items=items,
        open_by_stage=[
            (SHORT_STAGE.get(stage, stage.label), stages[stage]) for stage in Stage if stage.is_open and stages[stage]
        ],
        rag_counts=[(label, rags[label]) for label in ("Red", "Amber", "Green")],
        agencies_by_level=[(f"Level {level}", levels[level]) for level in sorted(levels) if levels[level]],
        packs_awaiting_import=returns_awaiting_import(session),
        proposals_waiting=pending_count(session),
    )


def meeting_instruction(meeting) -> str:  # noqa: ANN001 - a meetings.MeetingRecord
    """What an upcoming meeting asks of the coordinator: the briefing for a KCSP meeting, else to prepare."""
    name = meeting.title or meeting.kind.label
    if meeting.kind is MeetingKind.KCSP:
        return f"Produce the briefing for the {name} meeting"
    return f"Prepare for the {name} meeting"


def _agency_item(position: AgencyPosition, today: dt.date) -> DashboardItem | None:
    """One row for an agency with late updates or an escalation step due: the step to take, or that none is due yet.

    An action is overdue from the day after its level was reached (the letter should go the day the level is
    reached); a late agency whose step has been taken is shown as waiting, with the next step's date.
    """
    overdue, due = position.overdue, position.action_due
    if not overdue and due is None:
        return None
    references = sorted({item.case_reference for item in position.outstanding})
    situation = (
        f"{plural(len(overdue), 'update')} late, {plural(position.working_days_late, 'working day')}; "
        if overdue
        else ""
    )
    detail = situation + "cases: " + ", ".join(references)
    if due is not None:
        reached = max((p.reached_on for p in position.requests if p.action_due == due and p.reached_on), default=today)
        return DashboardItem(
            ESCALATION,
            reached,
            OVERDUE if reached < today else DUE_SOON,
            due.instruction,
            position.agency_name,
            "escalations",
            position.agency_id,
            f"{detail}. Level {due.level}: {due.label}; goes to {due.recipient.label}.",
            level=due.level,
        )
    upcoming = sorted((p.next_on, p.next_level.level) for p in position.requests if p.next_on and p.next_level)
    level = position.level
    waiting = (
        f"Wait for the update (level {upcoming[0][1]} is reached on {format_date(upcoming[0][0])})"
        if upcoming
        else "Wait for the update (every step of the ladder has been taken)"
    )
    return DashboardItem(
        UPDATE,
        upcoming[0][0] if upcoming else None,
        WAITING,
        waiting,
        position.agency_name,
        "agencies",
        position.agency_id,
        detail + ".",
        level=level.level if level else None,
    )


def dashboard_summary(items: list[DashboardItem], soon_days: int) -> str:
    """The one line above the list: each thing counted once (an agency is one row, whatever its state)."""
    counts = Counter(item.kind for item in items)
    overdue = sum(1 for item in items if item.kind == MILESTONE and item.urgency == OVERDUE)
    letters = counts[ESCALATION]
    late = letters + counts[UPDATE]
    return (
        f"{plural(overdue, 'deadline')} overdue and {counts[MILESTONE] - overdue} due within {soon_days} days · "
        f"{plural(late, 'agency', 'agencies')} late with updates, {letters} with an escalation step to take · "
        f"{plural(counts[MEETING], 'meeting')} coming up"
    )


class DashboardScreen(Screen):
    key = "dashboard"
    title = "Dashboard"
    icon_name = "dashboard"

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.data: DashboardData | None = None
        self.model = DashboardModel(parent=self)
        self.proxy = DashboardFilterProxy(self)
        self.proxy.setSourceModel(self.model)
        self.heading = QLabel("<h2>Today</h2>", self)
        self.heading.setObjectName("dashboard_heading")
        self.summary = QLabel("", self)
        self.summary.setObjectName("dashboard_summary")
        self.summary.setWordWrap(True)
        self.kind_filter = QComboBox(self)
        self.kind_filter.setObjectName("dashboard_kind_filter")
        name_combo(self.kind_filter, "Show items of kind")
        self.kind_filter.addItem("Everything", "")
        for kind in (MILESTONE, UPDATE, ESCALATION, MEETING):
            self.kind_filter.addItem(KIND_LABELS[kind] + "s", kind)
        self.kind_filter.currentIndexChanged.connect(lambda: self.proxy.set_kind(self.kind_filter.currentData()))
        self.open_button = QPushButton("&Open", self)
        self.open_button.setObjectName("dashboard_open")
        self.open_button.setToolTip("Open what the selected item refers to (Enter)")
        self.open_button.clicked.connect(self.open_selected)
        self.table = make_table(
            self.proxy,
            "What needs doing",
            self,
            stretch_column=DashboardModel.WHAT,
            empty_text="Nothing needs doing today: no deadline is due soon and no agency is late.",
        )
        self.table.activated.connect(lambda _index: self.open_selected())
        self.table.doubleClicked.connect(lambda _index: self.open_selected())
        self.stage_chart = BarChart("Open reviews by stage", self)
        self.rag_chart = PieChart("Open reviews by RAG", self)
        self.level_chart = BarChart("Agencies late, by level", self)

        bar = QHBoxLayout()
        bar.addWidget(self.kind_filter)
        bar.addWidget(self.open_button)
        bar.addStretch(1)
        self.charts = QWidget(self)
        self.charts.setObjectName("dashboard_charts")
        charts = QGridLayout(self.charts)
        charts.setContentsMargins(0, 0, 0, 0)
        charts.addWidget(self.stage_chart, 0, 0)
        charts.addWidget(self.rag_chart, 0, 1)
        charts.addWidget(self.level_chart, 0, 2)
        charts.setColumnStretch(0, 3)
        charts.setColumnStretch(1, 2)
        charts.setColumnStretch(2, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.summary)
        layout.addLayout(bar)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.charts)

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        # The list is what the coordinator came for; the charts get at most a quarter of the height.
        self.charts.setMaximumHeight(max(120, self.height() // 4))
        super().resizeEvent(event)

    def refresh(self) -> None:
        today = self.context.today()
        self.context.tasks.run(
            lambda session: load_dashboard(session, today),
            on_done=alive(self, self._loaded),
            title="Could not load the dashboard",
        )

    def clear(self) -> None:
        self.data = None
        self.model.clear()
        self.summary.clear()
        for chart in (self.stage_chart, self.rag_chart, self.level_chart):
            chart.clear()

    def find(self) -> None:
        self.kind_filter.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def items(self, kind: str | None = None) -> list[DashboardItem]:
        return [item for item in self.model.rows() if kind is None or item.kind == kind]

    def _loaded(self, data: DashboardData) -> None:
        self.data = data
        self.model.set_rows(data.items)
        self.table.sortByColumn(DashboardModel.URGENCY, Qt.SortOrder.AscendingOrder)
        fit_columns(self.table, maximum=380)
        self.heading.setText(f"<h2>Today, {format_date(data.as_of)}</h2>")
        self.summary.setText(
            dashboard_summary(data.items, self._soon_days())
            + (
                f" · {plural(data.packs_awaiting_import, 'returned update pack')} awaiting import"
                if data.packs_awaiting_import
                else ""
            )
            + (
                f" · {plural(data.proposals_waiting, 'proposed status change')} to accept or reject"
                if data.proposals_waiting
                else ""
            )
        )
        self.stage_chart.set_data(data.open_by_stage)
        self.rag_chart.set_data(data.rag_counts, RAG_PIE_COLOURS)
        self.level_chart.set_data(data.agencies_by_level, "none today")

    def _soon_days(self) -> int:
        from dhr_tracker.settings import RAG_DUE_SOON_DAYS

        return int(self.context.setting(RAG_DUE_SOON_DAYS))

    def open_selected(self) -> None:
        item = selected_object(self.table)
        if item is not None:
            self.open(item)

    def open(self, item: DashboardItem) -> None:
        """Show what the item refers to: the case, the agency, the escalation or the meeting."""
        self.context.open_screen(item.target_screen, item.target_id)

    def open_item(self, item: Any) -> None:
        pass
