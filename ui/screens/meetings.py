"""The Meetings screen: meetings and their attendees, produce the numbered briefing copies, tick the copy register."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QSplitter, QVBoxLayout, QWidget

from dhr_tracker.dates import format_date
from dhr_tracker.escalation.rounds import create_update_round
from dhr_tracker.meetings.copies import copy_register, mark_returned
from dhr_tracker.meetings.meetings import AttendeeRecord, add_meeting, get_meeting, list_meetings, set_attendees
from dhr_tracker.reports.briefing import write_briefing
from dhr_tracker.vocabulary import MeetingKind
from ui.models.base import RowProxyModel
from ui.models.meetings import (
    AttendeeModel,
    AttendeeRow,
    BriefingCopyModel,
    BriefingCopyRow,
    MeetingModel,
    MeetingRow,
)
from ui.screens.base import Screen
from ui.screens.dashboard import plural
from ui.screens.forms import alive, fit_columns, make_table, selected_object
from ui.screens.service_dialog import CHOICE, DATE, MULTILINE, FieldSpec, ServiceDialog
from ui.screens.update_packs import UpdatePacksPanel

if TYPE_CHECKING:
    from ui.context import AppContext


@dataclass(frozen=True)
class MeetingsData:
    meetings: list[MeetingRow]
    attendees: dict[int, list[AttendeeRow]]
    copies: dict[int, list[BriefingCopyRow]]


def load_meetings(session) -> MeetingsData:  # noqa: ANN001 - a Session
    rows, attendees, copies = [], {}, {}
    for record in list_meetings(session):
        register = copy_register(session, get_meeting(session, record.id))
        latest = max((c.edition for c in register), default=0)
        current = [c for c in register if c.edition == latest]
        copies[record.id] = [
            BriefingCopyRow(
                c.id,
                c.edition,
                c.copy_number,
                c.total_copies,
                c.recipient.name,
                c.recipient.organisation,
                c.produced_at,
                c.returned_on,
            )
            for c in register
        ]
        attendees[record.id] = [AttendeeRow(i, i + 1, a.name, a.organisation) for i, a in enumerate(record.attendees)]
        rows.append(
            MeetingRow(
                record.id,
                record.kind.label,
                record.held_on,
                record.agenda_item,
                record.title,
                record.location,
                len(record.attendees),
                len(current),
                sum(1 for c in current if c.returned_on is not None),
            )
        )
    return MeetingsData(rows, attendees, copies)


def parse_attendees(text: str) -> list[AttendeeRecord]:
    """One attendee per line: "Name, Organisation" (the organisation may be left out)."""
    people = []
    for line in text.splitlines():
        if line.strip():
            name, _, organisation = line.partition(",")
            people.append(AttendeeRecord(name.strip(), organisation.strip()))
    return people


class MeetingsScreen(Screen):
    key = "meetings"
    title = "Meetings"
    icon_name = "meetings"

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(context, parent)
        self.data: MeetingsData | None = None
        self.dialog: ServiceDialog | None = None
        self.last_briefing = None
        self._wanted: int | None = None
        self.model = MeetingModel(parent=self)
        proxy = RowProxyModel(self)
        proxy.setSourceModel(self.model)
        self.table = make_table(
            proxy,
            "Meetings",
            self,
            stretch_column=MeetingModel.TITLE,
            empty_text="No meeting yet. Add the next KCSP meeting to plan its briefing.",
        )
        self.table.selectionModel().selectionChanged.connect(self._selection_changed)
        self.attendee_model = AttendeeModel(parent=self)
        self.copy_model = BriefingCopyModel(parent=self)
        self.copy_model.return_toggled.connect(self._toggle_returned)
        attendee_proxy = RowProxyModel(self)
        attendee_proxy.setSourceModel(self.attendee_model)
        self.attendee_table = make_table(
            attendee_proxy,
            "Attendees",
            self,
            stretch_column=AttendeeModel.ORGANISATION,
            empty_text="No attendees yet: add them to give each a numbered copy.",
        )
        self.copy_table = make_table(
            self.copy_model,
            "Copy register",
            self,
            sortable=False,
            stretch_column=BriefingCopyModel.ORGANISATION,
            empty_text="No copies yet: produce the briefing to number and register them.",
        )
        self.copy_table.setToolTip("Tick a copy when it comes back (Space ticks the selected copy)")
        self.copy_table.activated.connect(lambda index: self._toggle_from_keyboard(index))

        self.new_button = self._button("&New meeting…", "new_meeting", self.new_meeting)
        self.attendees_button = self._button("&Attendees…", "edit_attendees", self.edit_attendees)
        self.round_button = self._button("&Request updates…", "request_updates", self.request_updates)
        self.round_button.setToolTip("Ask every agency with open recommendations for an update before this meeting")
        self.briefing_button = self._button("Produce the &briefing…", "produce_briefing", self.produce_briefing)
        self.copies_label = QLabel("", self)
        self.copies_label.setObjectName("copies_summary")
        self.copies_label.setWordWrap(True)

        buttons = QHBoxLayout()
        for widget in (self.new_button, self.attendees_button, self.round_button, self.briefing_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        lower = QWidget(self)
        lower_layout = QHBoxLayout(lower)
        lower_layout.setContentsMargins(0, 0, 0, 0)
        left = QVBoxLayout()
        left.addWidget(QLabel("<b>Attendees</b> (each gets a numbered copy)", lower))
        left.addWidget(self.attendee_table)
        right = QVBoxLayout()
        right.addWidget(QLabel("<b>Copy register</b> – tick each copy as it comes back", lower))
        right.addWidget(self.copy_table)
        right.addWidget(self.copies_label)
        lower_layout.addLayout(left, 2)
        lower_layout.addLayout(right, 3)
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.table)
        splitter.addWidget(lower)
        self.packs = UpdatePacksPanel(context, self)  # the update round's packs, per agency
        self.packs.changed.connect(lambda: self.context.notify_data_changed(self))
        splitter.addWidget(self.packs)
        splitter.setSizes([150, 250, 460])
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("<h2>Meetings and briefings</h2>", self))
        layout.addLayout(buttons)
        layout.addWidget(splitter, 1)
        self._selection_changed()

    def _button(self, text: str, name: str, slot) -> QPushButton:
        widget = QPushButton(text, self)
        widget.setObjectName(name)
        widget.clicked.connect(slot)
        return widget

    # --- Screen interface ------------------------------------------------------------------------------
    def refresh(self) -> None:
        self.context.tasks.run(load_meetings, on_done=alive(self, self._loaded), title="Could not load the meetings")

    def clear(self) -> None:
        if self.dialog is not None:
            self.dialog.reject()
        self.data = None
        for model in (self.model, self.attendee_model, self.copy_model):
            model.clear()
        self.copies_label.clear()
        self.packs.clear()

    def find(self) -> None:
        self.table.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def open_item(self, item: Any) -> None:
        if isinstance(item, int):
            self._wanted = item
            self._select(item)

    def selected(self) -> MeetingRow | None:
        return selected_object(self.table)

    # --- loading -----------------------------------------------------------------------------------------
    def _loaded(self, data: MeetingsData) -> None:
        selected = self.selected()
        self.data = data
        self.model.set_rows(data.meetings)
        self.table.sortByColumn(MeetingModel.DATE, Qt.SortOrder.DescendingOrder)
        fit_columns(self.table)
        wanted = self._wanted or (selected.id if selected else None)
        if wanted is not None:
            self._select(wanted)
        elif data.meetings:
            self._select(self._next_meeting_id(data.meetings))
        self._selection_changed()

    def _next_meeting_id(self, meetings: list[MeetingRow]) -> int:
        today = self.context.today()
        coming = sorted((m for m in meetings if m.held_on >= today), key=lambda m: m.held_on)
        return (coming[0] if coming else max(meetings, key=lambda m: m.held_on)).id

    def _select(self, meeting_id: int) -> None:
        proxy = self.table.model()
        for row in range(proxy.rowCount()):
            if proxy.object_at(row).id == meeting_id:
                self.table.selectRow(row)
                self._wanted = None
                return

    def _selection_changed(self, *args) -> None:
        meeting = self.selected()
        self.packs.show_meeting(meeting.held_on if meeting is not None and self.data is not None else None)
        for widget in (self.attendees_button, self.round_button, self.briefing_button):
            widget.setEnabled(meeting is not None)
        if meeting is None or self.data is None:
            self.attendee_model.clear()
            self.copy_model.clear()
            self.copies_label.clear()
            return
        self.attendee_model.set_rows(self.data.attendees.get(meeting.id, []))
        copies = self.data.copies.get(meeting.id, [])
        self.copy_model.set_rows(copies)
        fit_columns(self.attendee_table)
        fit_columns(self.copy_table)
        if meeting.copies:
            missing = meeting.copies - meeting.copies_returned
            self.copies_label.setText(
                f"Latest edition: {meeting.copies_returned} of {meeting.copies} copies back"
                + (f"; {missing} still out." if missing else "; every copy accounted for.")
            )
        else:
            self.copies_label.setText("No briefing produced for this meeting yet.")

    # --- steps ---------------------------------------------------------------------------------------
    def _open(self, dialog: ServiceDialog) -> ServiceDialog:
        self.dialog = dialog
        dialog.saved.connect(lambda result: (self._remember(result), self.refresh()))
        dialog.finished.connect(lambda _r: setattr(self, "dialog", None))
        dialog.open()
        return dialog

    def _remember(self, meeting_id: Any) -> None:
        if isinstance(meeting_id, int):
            self._wanted = meeting_id

    def new_meeting(self) -> ServiceDialog:
        return self._open(
            ServiceDialog(
                self.context,
                "New meeting",
                [
                    FieldSpec("held_on", "&Date:", DATE),
                    FieldSpec("kind", "&Meeting:", CHOICE, choices=[(k.label, k) for k in MeetingKind]),
                    FieldSpec("agenda_item", "Agenda &item:"),
                    FieldSpec("title", "&Title:", default="DHR update (private session)"),
                    FieldSpec("location", "&Place:"),
                    FieldSpec("attendees", "&Attendees:", MULTILINE, help_text="One per line: Name, Organisation"),
                ],
                lambda session, v: add_meeting(session, **{**v, "attendees": parse_attendees(v["attendees"])}).id,
                source=self,
                parent=self,
            )
        )

    def edit_attendees(self) -> ServiceDialog | None:
        meeting = self.selected()
        if meeting is None:
            return None
        current = "\n".join(
            f"{a.name}, {a.organisation}" if a.organisation else a.name
            for a in (self.data.attendees.get(meeting.id, []) if self.data else [])
        )
        meeting_id = meeting.id
        return self._open(
            ServiceDialog(
                self.context,
                f"Attendees, {format_date(meeting.held_on)}",
                [
                    FieldSpec(
                        "attendees",
                        "&Attendees:",
                        MULTILINE,
                        default=current,
                        help_text="One per line: Name, Organisation",
                    ),
                ],
                lambda session, v: (
                    set_attendees(session, get_meeting(session, meeting_id), parse_attendees(v["attendees"])).id
                ),
                intro="The attendee list gives the numbered copies of the briefing, in this order.",
                source=self,
                parent=self,
            )
        )

    def request_updates(self) -> ServiceDialog | None:
        meeting = self.selected()
        if meeting is None:
            return None
        held_on, today = meeting.held_on, self.context.today()
        return self._open(
            ServiceDialog(
                self.context,
                f"Request updates for {format_date(held_on)}",
                [
                    FieldSpec("requested_on", "Requests &sent on:", DATE, default=today),
                    FieldSpec("due_on", "Updates &due by:", DATE),
                ],
                lambda session, v: (create_update_round(session, meeting_on=held_on, **v), meeting.id)[1],
                intro="One request goes to every agency that leads an open recommendation (accepted, in progress, or "
                "awaiting evidence). Late replies then climb the escalation ladder.",
                save_label="&Request",
                source=self,
                parent=self,
            )
        )

    def produce_briefing(self) -> None:
        meeting = self.selected()
        if meeting is None:
            return
        if not meeting.attendees:
            self.context.prompter.warning(
                "No attendees", "Add the meeting's attendees first: each gets a numbered copy."
            )
            return
        suggested = f"DHR briefing {meeting.held_on.isoformat()}.pdf"
        out = self.context.prompter.save_file("Save the briefing copies as", suggested, "PDF files (*.pdf)")
        if out is None:
            return
        password = None
        if (
            self.context.prompter.question(
                "Protect with a password?",
                "Protect each copy with a password (AES-256)? Recipients will need it to open the file.",
            )
            is True
        ):
            password = self.context.prompter.ask_passphrase("Briefing password", "Password for the copies:")
            if not password:
                return
        meeting_id, today = meeting.id, self.context.today()
        self.context.tasks.run(
            lambda session, progress: write_briefing(
                session, get_meeting(session, meeting_id), Path(out), password=password, as_of=today, progress=progress
            ),
            on_done=alive(self, self._briefing_written),
            progress=f"Producing {plural(meeting.attendees, 'numbered copy', 'numbered copies')}…",
            title="Could not produce the briefing",
        )

    def _briefing_written(self, result) -> None:
        self.last_briefing = result
        self.context.notify_data_changed(self)
        self.refresh()
        folder = result.files[0].parent if result.files else ""
        self.context.prompter.information(
            "Briefing produced",
            f"Edition {result.edition}: {plural(len(result.files), 'numbered copy', 'numbered copies')} written to {folder}. "
            "Each is in the copy register; tick the copies off as they come back after the meeting.",
        )

    def _toggle_from_keyboard(self, index) -> None:
        copy = self.copy_model.row_object(index.row())
        self._toggle_returned(copy.id, copy.returned_on is None)

    def _toggle_returned(self, copy_id: int, returned: bool) -> None:
        meeting = self.selected()
        copy = next((c for c in self.copy_model.rows() if c.id == copy_id), None)
        if meeting is None or copy is None:
            return
        meeting_id, today = meeting.id, self.context.today()
        returned_on = today if returned else None  # the core refuses a date before the meeting
        self.context.tasks.run(
            lambda session: mark_returned(
                session,
                get_meeting(session, meeting_id),
                [copy.copy_number],
                returned_on=returned_on,
                edition=copy.edition,
            ),
            on_done=alive(self, lambda _changed: self.refresh()),
            title="Could not change the copy register",
        )
