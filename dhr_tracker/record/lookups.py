"""Finding what an event refers to: a case by reference, a recommendation by case and number, an agency by
name (with a suggestion for a near miss), an update request by its round's meeting date and agency."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from dhr_tracker.dates import format_date
from dhr_tracker.errors import ValidationError
from dhr_tracker.exchange.sheets.matching import NameMatcher
from dhr_tracker.model import (
    Agency,
    Case,
    Meeting,
    ParallelProcess,
    ProgressUpdate,
    Recommendation,
    UpdateRequest,
    UpdateRound,
)
from dhr_tracker.record.fields import did_you_mean
from dhr_tracker.vocabulary import MeetingKind, ParallelProcessKind


class Lookups:
    """The look-ups of one run (the agency list is read once)."""

    def __init__(self, session: Session):
        self.session = session
        self._agencies: NameMatcher[Agency] | None = None

    def case(self, reference: str) -> Case:
        wanted = reference.strip().upper()
        case = self.session.scalar(select(Case).where(Case.reference == wanted))
        if case is None:
            known = list(self.session.scalars(select(Case.reference)))
            raise ValidationError(
                f"There is no case with reference {wanted}.{did_you_mean(wanted, known)}",
                field="case",
                rule="unknown_case",
            )
        return case

    def agency(self, name: str, field: str = "agency") -> Agency:
        if self._agencies is None:
            self._agencies = NameMatcher((agency.name, agency) for agency in self.session.scalars(select(Agency)))
        found = self._agencies.match(name)
        if found.value is None:
            hint = f" Did you mean '{found.suggestion}'?" if found.suggestion else " Add it to the agency list first."
            raise ValidationError(f"There is no agency called '{name}'.{hint}", field=field, rule="unknown_agency")
        return found.value

    def recommendation(self, case: Case, number: str) -> Recommendation:
        number = str(number).strip()
        rec = self.session.scalar(
            select(Recommendation).where(Recommendation.case_id == case.id, Recommendation.number == number)
        )
        if rec is None:
            known = sorted(self.session.scalars(select(Recommendation.number).where(Recommendation.case_id == case.id)))
            listed = f" Its recommendations are numbered {', '.join(known)}." if known else " It has none yet."
            raise ValidationError(
                f"Case {case.reference} has no recommendation numbered {number}.{listed}",
                field="number",
                rule="unknown_recommendation",
            )
        return rec

    def update_request(self, meeting_on: dt.date, agency: Agency) -> UpdateRequest:
        round_ = self.session.scalar(select(UpdateRound).where(UpdateRound.meeting_on == meeting_on))
        if round_ is None:
            raise ValidationError(
                f"There is no update round for the meeting on {format_date(meeting_on)}.",
                field="meeting_on",
                rule="unknown_round",
            )
        request = next((r for r in round_.requests if r.agency_id == agency.id), None)
        if request is None:
            raise ValidationError(
                f"The update round for the meeting on {format_date(meeting_on)} asked nothing of {agency.name}.",
                field="agency",
                rule="agency_not_asked",
            )
        return request

    def parallel_process(self, case: Case, kind: ParallelProcessKind) -> ParallelProcess:
        found = [p for p in case.parallel_processes if p.kind is kind]
        if len(found) != 1:
            what = "no" if not found else f"{len(found)}"
            raise ValidationError(
                f"Case {case.reference} has {what} '{kind.value}' process"
                f"{'es' if len(found) > 1 else ''}; name exactly one.",
                field="parallel_process",
                rule="unknown_process" if not found else "ambiguous_process",
            )
        return found[0]

    def progress_update(self, rec: Recommendation, received_on: dt.date, contact_name: str | None) -> ProgressUpdate:
        """The update (as it now stands) received on that day, from that person when several came that day."""
        corrected = {u.corrects_id for u in rec.updates if u.corrects_id}
        found = [
            u
            for u in rec.updates
            if u.id not in corrected
            and u.received_on == received_on
            and (not contact_name or u.contact_name.casefold() == contact_name.strip().casefold())
        ]
        if len(found) != 1:
            rule = "unknown_update" if not found else "ambiguous_update"
            extra = "" if not found else " Add 'corrects_contact_name' to say whose update it is."
            raise ValidationError(
                f"Recommendation {rec.number} of case {rec.case.reference} has "
                f"{'no' if not found else len(found)} update{'s' if len(found) > 1 else ''} received on "
                f"{format_date(received_on)} to correct.{extra}",
                field="corrects_received_on",
                rule=rule,
            )
        return found[0]

    def meeting(self, held_on: dt.date, kind: MeetingKind) -> Meeting:
        meeting = self.session.scalar(select(Meeting).where(Meeting.kind == kind, Meeting.held_on == held_on))
        if meeting is None:
            raise ValidationError(
                f"There is no {kind.label} meeting on {format_date(held_on)}; record it first (event 'meeting').",
                field="on",
                rule="unknown_meeting",
            )
        return meeting
