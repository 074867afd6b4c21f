"""The dry run of a returned pack: per row, what would be recorded and every problem, changing nothing.

The file is matched to its pack in the register by the identifier, and trusted only as far as the
checksums go. A row left blank is "no update"; a row with anything in it needs the progress and who
updated it. Problems are sentences an agency could act on, naming the row as the spreadsheet shows it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from dhr_tracker.actionplan.status_rules import can_move
from dhr_tracker.dates import format_date, format_local_time
from dhr_tracker.exchange.packs.content import PROPOSABLE
from dhr_tracker.exchange.packs.identity import pack_checksum, parse_row_key, row_key_valid
from dhr_tracker.exchange.packs.reader import ReturnedPack, ReturnedRow
from dhr_tracker.exchange.packs.workbook import COLUMNS
from dhr_tracker.exchange.sheets.cells import cell_text
from dhr_tracker.exchange.sheets.dates import read_date
from dhr_tracker.model import Agency, Case, Recommendation, UpdatePack, UpdateRequest, UpdateRequestItem, UpdateRound
from dhr_tracker.reports.pseudonyms import RealNameGuard
from dhr_tracker.vocabulary import RecommendationStatus

S = RecommendationStatus
PROGRESS_LIMIT = 4000
NAME_LIMIT = 200
HEADERS = {column.key: column.header for column in COLUMNS}


@dataclass(frozen=True)
class RowReview:
    row_number: int
    recommendation_id: int | None
    reference: str
    pseudonym: str
    number: str
    progress: str
    evidence: str
    proposed: RecommendationStatus | None  # only when it differs from the current status
    completed_on: dt.date | None
    updated_by: str  # "Name (role)"
    problems: tuple[str, ...]

    @property
    def recorded(self) -> bool:
        return bool(self.progress) and not self.problems

    @property
    def outcome(self) -> str:
        if self.problems:
            return "refused"
        if not self.progress:
            return "no update"
        return f"update, proposes '{self.proposed.label}'" if self.proposed else "update"


@dataclass(frozen=True)
class PackReview:
    file_name: str
    sha256: str
    pack_id: int | None
    identifier: str
    agency_name: str
    round_label: str
    problems: tuple[str, ...]
    rows: tuple[RowReview, ...]
    already_imported: str = ""  # the sentence saying so, when this pack was imported before

    @property
    def ok(self) -> bool:
        return not self.problems and not any(row.problems for row in self.rows)

    @property
    def updates(self) -> int:
        return sum(1 for row in self.rows if row.progress and not row.problems)

    @property
    def proposals(self) -> int:
        return sum(1 for row in self.rows if row.proposed and not row.problems)

    def all_problems(self) -> list[str]:
        return list(self.problems) + [
            f"Row {row.row_number}: {problem}" for row in self.rows for problem in row.problems
        ]

    def summary(self) -> str:
        who = f"{self.agency_name}, {self.round_label}" if self.agency_name else "an unknown pack"
        if self.already_imported:
            return f"{self.file_name} ({who}): {self.already_imported}"
        if not self.ok:
            count = len(self.all_problems())
            return (
                f"{self.file_name} ({who}): refused, {count} problem(s); nothing was recorded from it. "
                "Fix them in the file (or ask the agency to), then import it again."
            )
        blank = sum(1 for row in self.rows if not row.progress)
        return (
            f"{self.file_name} ({who}): {self.updates} update(s), {self.proposals} proposed status change(s), "
            f"{blank} row(s) with no update."
        )


def review_pack(
    session: Session, returned: ReturnedPack, *, today: dt.date, from_agency: Agency | None = None
) -> PackReview:
    """Check a returned pack against the register and the database. Reads only."""
    name = returned.path.name
    pack = session.scalar(select(UpdatePack).where(UpdatePack.identifier == returned.identifier))
    if pack is None:
        return PackReview(
            name,
            returned.sha256,
            None,
            returned.identifier,
            "",
            "",
            (
                f"The pack identifier {returned.identifier} is not one this database made. Check the file came from this "
                "office's current round; a pack from another system cannot be imported.",
            ),
            (),
        )
    request = pack.request
    round_ = request.round
    agency = request.agency
    label = f"round for the meeting on {format_date(round_.meeting_on)}"
    if pack.imported_at is not None:
        same = pack.imported_sha256 == returned.sha256
        when = format_local_time(pack.imported_at)
        sentence = (
            f"this pack was already imported on {when}; nothing was changed."
            if same
            else f"another copy of this pack was already imported on {when}; nothing was changed. Enter any "
            "further updates in the app."
        )
        return PackReview(name, returned.sha256, pack.id, pack.identifier, agency.name, label, (), (), sentence)

    problems: list[str] = []
    if from_agency is not None and from_agency.id != agency.id:
        problems.append(
            f"This is {agency.name}'s pack, not {from_agency.name}'s. Check who sent it; an agency returns its own pack."
        )
    if pack.replaced_at is not None:
        newer = session.scalar(
            select(UpdatePack.made_at)
            .where(UpdatePack.request_id == pack.request_id, UpdatePack.made_at > pack.made_at)
            .order_by(UpdatePack.made_at.desc())
        )
        problems.append(
            f"A newer pack was made for {agency.name} on {format_local_time(newer or pack.replaced_at)}; "
            "this one was replaced. Ask the agency to fill in the newer pack."
        )
    later = session.scalar(
        select(UpdateRound.meeting_on)
        .join(UpdateRequest, UpdateRequest.round_id == UpdateRound.id)
        .where(UpdateRequest.agency_id == agency.id, UpdateRound.meeting_on > round_.meeting_on)
        .order_by(UpdateRound.meeting_on)
    )
    if later is not None:
        problems.append(
            f"The {label} has been superseded by the round for the meeting on {format_date(later)}. "
            "Send the agency that round's pack instead."
        )

    rec_ids = [parsed[0] for row in returned.rows if (parsed := parse_row_key(row.key))]
    keys_valid = all(row_key_valid(pack.signing_key, pack.identifier, row.key) for row in returned.rows if row.key)
    if (
        keys_valid
        and pack_checksum(pack.signing_key, pack.identifier, request.id, agency.id, rec_ids) != returned.checksum
    ):
        problems.append(
            "The pack's rows or its identifier were changed (rows added, removed or copied in from another "
            "pack). Ask the agency to fill in the pack they were sent without adding or removing rows."
        )

    asked = set(
        session.scalars(select(UpdateRequestItem.recommendation_id).where(UpdateRequestItem.request_id == request.id))
    )
    recs = (
        {
            rec.id: (rec, reference, pseudonym)
            for rec, reference, pseudonym in session.execute(
                select(Recommendation, Case.reference, Case.pseudonym)
                .join(Case, Recommendation.case_id == Case.id)
                .where(Recommendation.id.in_(rec_ids))
            )
        }
        if rec_ids
        else {}
    )
    lead_names = (
        dict(
            session.execute(
                select(Agency.id, Agency.name).where(Agency.id.in_({rec.lead_agency_id for rec, _, _ in recs.values()}))
            ).all()
        )
        if recs
        else {}
    )
    guard = RealNameGuard.from_session(session)
    seen: set[str] = set()
    rows = tuple(
        _review_row(row, pack, agency, recs, asked, lead_names, guard, seen, returned.epoch, today)
        for row in returned.rows
    )
    return PackReview(name, returned.sha256, pack.id, pack.identifier, agency.name, label, tuple(problems), rows)


def _review_row(
    row: ReturnedRow,
    pack: UpdatePack,
    agency: Agency,
    recs: dict,
    asked: set[int],
    lead_names: dict,
    guard: RealNameGuard,
    seen: set[str],
    epoch: dt.date,
    today: dt.date,
) -> RowReview:
    problems: list[str] = []
    progress = cell_text(row.values.get("progress"), multiline=True)
    evidence = cell_text(row.values.get("evidence"))
    name = cell_text(row.values.get("updated_by"))
    role = cell_text(row.values.get("updated_role"))
    status_text = cell_text(row.values.get("proposed_status"))
    rec = reference = pseudonym = number = None
    if not row.key:
        problems.append(
            "has no row key: rows cannot be added to a pack. Put the update in the row of its recommendation."
        )
    elif not row_key_valid(pack.signing_key, pack.identifier, row.key):
        # The cell's text is never repeated: it is the agency's, and could hold anything (even a name).
        problems.append(
            "its row key was changed, or the row was copied from another pack. Put the update in "
            "the row of its recommendation in this pack."
        )
    else:
        parsed = parse_row_key(row.key)
        assert parsed is not None, "row_key_valid has just parsed this key"
        rec_id = parsed[0]
        if row.key in seen:
            problems.append("repeats the row key of an earlier row; give each recommendation's update once.")
        seen.add(row.key)
        found = recs.get(rec_id)
        if found is None or rec_id not in asked:
            problems.append(
                "is about a recommendation no longer in this round (deleted or removed since the pack was made)."
            )
        else:
            rec, reference, pseudonym = found
            number = rec.number
            if rec.lead_agency_id != agency.id:
                problems.append(
                    f"recommendation {reference} {rec.number} is now led by {lead_names.get(rec.lead_agency_id, 'another agency')}, "
                    f"not {agency.name}; its update must come from the lead agency."
                )
    if row.blank:  # no update; only a tampered key is worth stopping for
        key_problems = tuple(problem for problem in problems if "row key" in problem)
        return RowReview(
            row.row_number,
            rec.id if rec else None,
            reference or "",
            pseudonym or "",
            number or "",
            "",
            "",
            None,
            None,
            "",
            key_problems,
        )
    problems.extend(
        f"the column '{HEADERS[key]}' holds a formula. Type the value itself; formulas are never imported."
        for key in row.formulas
    )

    completed = read_date(row.values.get("completed_on"), epoch=epoch)
    completed_on = completed.value
    if not completed.ok:
        problems.append(f"the completion date: {completed.problem} {completed.suggestion}".strip())
    elif completed_on is not None and completed_on > today:
        problems.append(
            f"the completion date {format_date(completed_on)} is after today ({format_date(today)}); "
            "give the date it was completed."
        )
    elif completed_on is not None and completed_on.year < 2000:
        problems.append(
            f"the completion date {format_date(completed_on)} is impossible; give the date it was completed."
        )

    proposed = None
    if status_text:
        try:
            status = S.from_text(status_text)
        except ValueError:
            status = None
        if status not in PROPOSABLE:
            allowed = " or ".join(f"'{s.label}'" for s in PROPOSABLE)
            problems.append(
                f"the proposed status is not one an agency may propose; choose {allowed} from the list, or "
                "leave it blank."
            )
        elif rec is not None and status is not rec.status:
            if not can_move(rec.status, status):
                problems.append(
                    f"recommendation {rec.number} is '{rec.status.label}', so it cannot become '{status.label}' "
                    "next; leave the proposed status blank or choose the next step."
                )
            else:
                proposed = status
    if proposed is S.COMPLETED_AWAITING_EVIDENCE and completed_on is None:
        problems.append("proposes 'Completed, awaiting evidence' without a completion date; give the date.")
    if (
        completed_on is not None
        and proposed is not S.COMPLETED_AWAITING_EVIDENCE
        and not (rec is not None and rec.status is S.COMPLETED_AWAITING_EVIDENCE)
    ):
        problems.append(
            "gives a completion date but not the proposed status 'Completed, awaiting evidence'; choose it, "
            "or clear the date."
        )
    if not progress:
        problems.append(
            f"'{HEADERS['progress']}' is blank; write what has happened since the last update "
            "(or leave the whole row blank for no update)."
        )
    elif len(progress) > PROGRESS_LIMIT:
        problems.append(
            f"the progress is {len(progress):,} characters long; keep it under {PROGRESS_LIMIT:,} and refer to "
            "the evidence for the detail."
        )
    if not name:
        problems.append(f"'{HEADERS['updated_by']}' is blank; give the name of whoever updated it.")
    updated_by = f"{name} ({role})" if role else name
    if len(updated_by) > NAME_LIMIT:
        problems.append(f"the name and role are longer than {NAME_LIMIT} characters together.")
    found = guard.found_in("\x00".join((progress, evidence, name, role)))
    if found:
        problems.append(
            f"its text names a real person stored for case {', '.join(found)}. Use the pseudonym, never the real name."
        )
    return RowReview(
        row.row_number,
        rec.id if rec else None,
        reference or "",
        pseudonym or "",
        number or "",
        progress,
        evidence,
        proposed,
        completed_on,
        updated_by,
        tuple(problems),
    )
