"""Update packs in the Meetings screen: per agency of the meeting's update round, whether its pack was made,
sent (ticked here), returned and imported, and how many items are still outstanding; make the packs,
import returned ones (picked, or dropped on the panel), and accept or reject the status changes agencies
proposed. Everything runs through the core's pack services, off the GUI thread."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from dhr_tracker.dates import format_date, format_local_time
from dhr_tracker.errors import NotFound, UserError
from dhr_tracker.exchange.packs.content import find_round
from dhr_tracker.exchange.packs.importer import import_pack
from dhr_tracker.exchange.packs.make import make_packs
from dhr_tracker.exchange.packs.proposals import ProposalRow, accept_proposal, list_proposals, reject_proposal
from dhr_tracker.exchange.packs.reader import PackFileError, read_returned_pack
from dhr_tracker.exchange.packs.register import AgencyPackStatus, mark_sent, note_returned, round_pack_statuses
from dhr_tracker.exchange.packs.review import review_pack
from ui.models.base import Column, RowTableModel, date_key, date_text
from ui.screens.forms import alive, fit_columns, make_table, selected_object

if TYPE_CHECKING:
    from ui.context import AppContext

ENCRYPTED_START = b"\xd0\xcf\x11\xe0"  # an encrypted Office file is an OLE container


class PackStatusModel(RowTableModel[AgencyPackStatus]):
    """One row per agency of the round. The Sent column is a check box; ticking it asks (`sent_toggled`)
    for the change, which the panel makes through the core and reloads."""

    AGENCY, OUTSTANDING, STAGE, SENT, RETURNED, IMPORTED = range(6)
    COLUMNS = (
        Column("Agency", lambda r: r.agency_name),
        Column(
            "Outstanding",
            lambda r: f"{r.outstanding} of {r.items}",
            sort_key=lambda r: (r.outstanding, r.items),
            align_right=True,
            background=lambda r: "#fce8b2" if r.outstanding and not r.imported_at else None,
        ),
        Column("Pack", lambda r: r.stage, tooltip=lambda r: r.identifier),
        Column(
            "Sent",
            lambda r: date_text(r.sent_on) if r.sent_on else ("Not sent" if r.pack_id else ""),
            sort_key=lambda r: date_key(r.sent_on),
        ),
        Column("Returned", lambda r: date_text(r.returned_on), sort_key=lambda r: date_key(r.returned_on)),
        Column(
            "Imported",
            lambda r: format_local_time(r.imported_at) if r.imported_at else "",
            sort_key=lambda r: (r.imported_at is None, r.imported_at or dt.datetime.min.replace(tzinfo=dt.UTC)),
        ),
    )

    sent_toggled = Signal(int, bool)  # pack id, sent

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if role == Qt.ItemDataRole.CheckStateRole and index.isValid() and index.column() == self.SENT:
            row = self.row_object(index.row())
            if row.pack_id is None:
                return None
            return Qt.CheckState.Checked if row.sent_on else Qt.CheckState.Unchecked
        return super().data(index, role)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        flags = super().flags(index)
        if index.isValid() and index.column() == self.SENT and self.row_object(index.row()).pack_id is not None:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def setData(self, index, value, role=Qt.ItemDataRole.EditRole) -> bool:
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid() or index.column() != self.SENT:
            return False
        row = self.row_object(index.row())
        if row.pack_id is None:
            return False
        checked = Qt.CheckState(value) == Qt.CheckState.Checked if not isinstance(value, bool) else value
        self.sent_toggled.emit(row.pack_id, checked)
        return False  # nothing changes here until the core has recorded it and the panel reloads


class ProposalModel(RowTableModel[ProposalRow]):
    CASE, NUMBER, AGENCY, CHANGE, COMPLETED, BY = range(6)
    COLUMNS = (
        Column("Case", lambda r: f"{r.reference} ({r.pseudonym})"),
        Column("No.", lambda r: r.number),
        Column("Agency", lambda r: r.agency),
        Column("Proposed change", lambda r: f"{r.from_status.label} → {r.proposed_status.label}"),
        Column("Completed on", lambda r: date_text(r.completed_on), sort_key=lambda r: date_key(r.completed_on)),
        Column("Proposed by", lambda r: f"{r.proposed_by}, {date_text(r.proposed_on)}"),
    )


@dataclass(frozen=True)
class PacksData:
    meeting_on: dt.date
    has_round: bool
    statuses: list[AgencyPackStatus]
    proposals: list[ProposalRow]


def load_packs(session, meeting_on: dt.date) -> PacksData:  # noqa: ANN001 - a Session
    try:
        round_ = find_round(session, meeting_on)
    except NotFound:
        return PacksData(meeting_on, False, [], list_proposals(session))
    return PacksData(meeting_on, True, round_pack_statuses(session, round_), list_proposals(session))


@dataclass(frozen=True)
class CheckedFile:
    path: Path
    review: object | None  # a PackReview, or None when the file could not be read
    error: str = ""


class UpdatePacksPanel(QWidget):
    """The update packs of the selected meeting's round. Files dropped on it are checked, then imported."""

    changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName("update_packs")
        self.context = context
        self.meeting_on: dt.date | None = None
        self.data: PacksData | None = None
        self.last_made = None
        self.last_checked: list[CheckedFile] = []
        self.status_model = PackStatusModel(parent=self)
        self.status_model.sent_toggled.connect(self._toggle_sent)
        self.status_table = make_table(
            self.status_model, "Update packs", self, sortable=False, stretch_column=PackStatusModel.AGENCY
        )
        self.status_table.setToolTip(
            "Tick Sent once the pack's e-mail has gone. Drop returned packs here to import them."
        )
        self.proposal_model = ProposalModel(parent=self)
        self.proposal_table = make_table(
            self.proposal_model, "Proposed status changes", self, stretch_column=ProposalModel.CHANGE
        )
        self.heading = QLabel("", self)
        self.heading.setObjectName("packs_heading")
        self.heading.setWordWrap(True)
        self.make_button = self._button("Make update &packs…", "make_packs", self.make_packs)
        self.import_button = self._button("&Import returned packs…", "import_packs", self.pick_and_import)
        self.accept_button = self._button("A&ccept", "accept_proposal", self.accept_selected)
        self.reject_button = self._button("Re&ject…", "reject_proposal", self.reject_selected)
        buttons = QHBoxLayout()
        for widget in (self.make_button, self.import_button):
            buttons.addWidget(widget)
        buttons.addStretch(1)
        proposal_buttons = QHBoxLayout()
        proposal_buttons.addWidget(
            QLabel("<b>Status changes proposed by agencies</b> – nothing changes until accepted", self)
        )
        proposal_buttons.addStretch(1)
        proposal_buttons.addWidget(self.accept_button)
        proposal_buttons.addWidget(self.reject_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.heading)
        layout.addLayout(buttons)
        layout.addWidget(self.status_table, 3)
        layout.addLayout(proposal_buttons)
        layout.addWidget(self.proposal_table, 1)
        self.setAcceptDrops(True)
        self._enable()

    def _button(self, text: str, name: str, slot) -> QPushButton:
        widget = QPushButton(text, self)
        widget.setObjectName(name)
        widget.clicked.connect(slot)
        return widget

    # --- showing ----------------------------------------------------------------------------------------
    def show_meeting(self, meeting_on: dt.date | None) -> None:
        self.meeting_on = meeting_on
        if meeting_on is None:
            self.clear()
            return
        self.context.tasks.run(
            lambda session: load_packs(session, meeting_on),
            on_done=alive(self, self._loaded),
            title="Could not load the update packs",
        )

    def refresh(self) -> None:
        self.show_meeting(self.meeting_on)

    def clear(self) -> None:
        self.meeting_on = None  # a load still running when the app locks is then dropped on arrival
        self.data = None
        self.last_checked = []
        self.status_model.clear()
        self.proposal_model.clear()
        self.heading.clear()
        self._enable()

    def _loaded(self, data: PacksData) -> None:
        if data.meeting_on != self.meeting_on:
            return  # another meeting was selected meanwhile
        self.data = data
        # Agencies that still owe first, then those imported, then those with nothing outstanding.
        self.status_model.set_rows(
            sorted(data.statuses, key=lambda s: (not s.outstanding, s.imported_at is None, s.agency_name))
        )
        self.proposal_model.set_rows(data.proposals)
        fit_columns(self.status_table)
        fit_columns(self.proposal_table)
        when = format_date(data.meeting_on)
        if not data.has_round:
            self.heading.setText(
                f"<b>Update packs</b>: no update round for the meeting on {when} yet. "
                "Request updates first; then make one pack per agency."
            )
        else:
            made = sum(1 for s in data.statuses if s.pack_id)
            sent = sum(1 for s in data.statuses if s.sent_on)
            waiting = sum(1 for s in data.statuses if s.returned_on and not s.imported_at)
            imported = sum(1 for s in data.statuses if s.imported_at)
            outstanding = sum(1 for s in data.statuses if s.outstanding)
            self.heading.setText(
                f"<b>Update packs</b> for the meeting on {when}: {made} made, {sent} sent, {waiting} returned awaiting "
                f"import, {imported} imported; {outstanding} of {len(data.statuses)} agencies still owe updates."
            )
        self._enable()

    def _enable(self) -> None:
        has_round = bool(self.data and self.data.has_round)
        self.make_button.setEnabled(has_round)
        self.import_button.setEnabled(self.data is not None)
        has_proposals = bool(self.data and self.data.proposals)
        self.accept_button.setEnabled(has_proposals)
        self.reject_button.setEnabled(has_proposals)

    # --- packs out ------------------------------------------------------------------------------------------
    def make_packs(self) -> None:
        if not (self.data and self.data.has_round):
            return
        folder = self.context.prompter.choose_folder("Folder for the update packs")
        if folder is None:
            return
        password = None
        if (
            self.context.prompter.question(
                "Protect with a password?",
                "Encrypt each pack with a password (AES-256)? Send the password to the agencies separately, "
                "never with the pack.",
            )
            is True
        ):
            password = self.context.prompter.ask_passphrase(
                "Pack password", "Password for the packs (8 characters or more):"
            )
            if not password:
                return
        meeting_on = self.meeting_on
        self.context.tasks.run(
            lambda session, progress: make_packs(
                session, find_round(session, meeting_on), Path(folder), password=password, progress=progress
            ),
            on_done=alive(self, self._made),
            progress="Making the update packs…",
            title="Could not make the update packs",
        )

    def _made(self, made) -> None:
        self.last_made = made
        self.changed.emit()
        self.refresh()
        folder = made[0].workbook.parent if made else ""
        self.context.prompter.information(
            "Update packs made",
            f"{len(made)} pack(s) and their e-mail drafts are in {folder}. Open each .eml file in the mail program, "
            "check it and send it by secure e-mail; then tick the pack as sent here.",
        )

    def _toggle_sent(self, pack_id: int, sent: bool) -> None:
        today = self.context.today()
        self.context.tasks.run(
            lambda session: mark_sent(session, pack_id, on=today if sent else None, today=today),
            on_done=alive(self, lambda _pack: self.refresh()),
            title="Could not tick the pack",
        )

    # --- packs back ---------------------------------------------------------------------------------------
    def pick_and_import(self) -> None:
        path = self.context.prompter.open_file("Returned update pack", "", "Excel workbooks (*.xlsx)")
        if path is not None:
            self.import_files([Path(path)])

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.mimeData().hasUrls() and any(
            url.toLocalFile().lower().endswith(".xlsx") for url in event.mimeData().urls()
        ):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt's name
        paths = [Path(url.toLocalFile()) for url in event.mimeData().urls() if url.toLocalFile()]
        if paths:
            event.acceptProposedAction()
            self.import_files(paths)

    def import_files(self, paths: list[Path]) -> None:
        """Check each file (the dry run, which also notes the pack as returned), then ask before importing."""
        password = None
        if any(_encrypted(path) for path in paths):
            password = self.context.prompter.ask_passphrase("Pack password", "The password the packs were sent with:")
            if not password:
                return
        today = self.context.today()

        def check(session):  # noqa: ANN001
            checked = []
            for path in paths:
                try:
                    review = review_pack(session, read_returned_pack(path, password=password), today=today)
                except PackFileError as error:
                    checked.append(CheckedFile(path, None, str(error)))
                    continue
                if review.pack_id is not None and not review.already_imported:
                    note_returned(session, review.identifier, on=today)
                checked.append(CheckedFile(path, review))
            return checked

        self.context.tasks.run(
            check,
            on_done=alive(self, lambda checked: self._checked(checked, password)),
            progress="Checking the returned packs…",
            title="Could not check the packs",
        )

    def _checked(self, checked: list[CheckedFile], password: str | None) -> None:
        self.last_checked = checked
        self.refresh()
        lines, ready = [], []
        for item in checked:
            if item.review is None:
                lines.append(f"✗ {item.path.name}: {item.error}")
            elif item.review.already_imported or not item.review.ok:
                lines.append(("• " if item.review.already_imported else "✗ ") + item.review.summary())
                lines += [f"    – {problem}" for problem in item.review.all_problems()[:8]]
            else:
                lines.append(f"✓ {item.review.summary()}")
                ready.append(item.path)
        if not ready:
            self.context.prompter.warning(
                "Nothing to import", "\n".join(lines) + "\n\nRefused files are left as they are."
            )
            return
        question = "\n".join(lines) + f"\n\nImport {len(ready)} pack(s) now? Each is recorded whole or not at all."
        if self.context.prompter.question("Import the returned packs?", question) is not True:
            return
        today = self.context.today()

        def record(session):  # noqa: ANN001 - each file whole or not at all (a savepoint each), the others go on
            results = []
            for path in ready:
                try:
                    with session.begin_nested():
                        results.append(
                            import_pack(session, read_returned_pack(path, password=password), today=today).summary()
                        )
                except UserError as error:
                    results.append(f"{path.name}: refused, nothing was recorded from it. {error}")
            return results

        self.context.tasks.run(
            record,
            on_done=alive(self, self._imported),
            progress="Importing the packs…",
            title="Could not import the packs",
        )

    def _imported(self, results) -> None:
        self.changed.emit()
        self.refresh()
        self.context.prompter.information(
            "Packs imported", "\n".join(results) + "\n\nProposed status changes wait below for you to accept or reject."
        )

    # --- proposals ------------------------------------------------------------------------------------------
    def selected_proposal(self) -> ProposalRow | None:
        return selected_object(self.proposal_table)

    def accept_selected(self) -> None:
        proposal = self.selected_proposal()
        if proposal is None:
            self.context.prompter.warning("No proposal selected", "Select a proposed status change first.")
            return
        today = self.context.today()
        self.context.tasks.run(
            lambda session: accept_proposal(session, proposal.id, today=today).id,
            on_done=alive(self, lambda _id: (self.changed.emit(), self.refresh())),
            title="Could not accept the proposal",
        )

    def reject_selected(self) -> None:
        proposal = self.selected_proposal()
        if proposal is None:
            self.context.prompter.warning("No proposal selected", "Select a proposed status change first.")
            return
        reason = self.context.prompter.ask_text("Reject the proposal", "Why (the agency will be told):")
        if not reason:
            return
        today = self.context.today()
        self.context.tasks.run(
            lambda session: reject_proposal(session, proposal.id, reason=reason, today=today).id,
            on_done=alive(self, lambda _id: self.refresh()),
            title="Could not reject the proposal",
        )


def _encrypted(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return handle.read(4) == ENCRYPTED_START
    except OSError:
        return False
