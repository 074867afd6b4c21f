"""Escalation services: load the facts in a few queries, ask the engine, and record the steps taken."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import and_, func, or_, select
from sqlalchemy import case as sql_case
from sqlalchemy.orm import Session, selectinload

from dhr_tracker.dates import format_date, today_uk
from dhr_tracker.errors import ValidationError
from dhr_tracker.escalation.engine import (
    ActionFacts,
    AgencyPosition,
    ItemFacts,
    RequestFacts,
    assess_agencies,
    level_dates,
)
from dhr_tracker.escalation_ladder import LadderLevel, RecipientRole, parse_ladder
from dhr_tracker.model import (
    Agency,
    AgencyContact,
    Case,
    EscalationAction,
    Meeting,
    Recommendation,
    UpdateRequest,
    UpdateRequestItem,
    UpdateRound,
)
from dhr_tracker.settings import ESCALATION_LADDER, Settings
from dhr_tracker.validation import clean_date, clean_text, not_in_future
from dhr_tracker.vocabulary import ContactMethod, MeetingKind
from dhr_tracker.workdays import CachedCalendar, calendar_for


def current_ladder(session: Session) -> tuple[LadderLevel, ...]:
    return parse_ladder(Settings(session).get(ESCALATION_LADDER))


def kcsp_meeting_dates(session: Session) -> list[dt.date]:
    return list(
        session.scalars(select(Meeting.held_on).where(Meeting.kind == MeetingKind.KCSP).order_by(Meeting.held_on))
    )


def _open_request_filter(as_of: dt.date, agency_id: int | None):
    condition = and_(
        UpdateRequest.requested_on <= as_of,
        or_(UpdateRequest.received_on.is_(None), UpdateRequest.received_on > as_of),
    )
    if agency_id is not None:
        condition = and_(condition, UpdateRequest.agency_id == agency_id)
    return condition


def _by(day: dt.date | None, as_of: dt.date) -> dt.date | None:
    """`day` if it had come by `as_of`; a reply or settlement dated later had not happened yet."""
    return day if day is not None and day <= as_of else None


def load_open_requests(session: Session, as_of: dt.date, agency_id: int | None = None) -> list[RequestFacts]:
    """Every request sent by `as_of` and not answered by then, with its items and actions: three queries.

    Only facts dated on or before `as_of` are given: a later reply or settlement date is left blank.
    """
    # Plain Core rows on the session's connection: at national scale (30,000 requests) the ORM's row
    # loading costs more than the queries, and these are values, not objects to track.
    session.flush()
    connection = session.connection()
    condition = _open_request_filter(as_of, agency_id)
    open_ids = select(UpdateRequest.id).where(condition).scalar_subquery()
    items: dict[int, list[ItemFacts]] = {}
    for request_id, rec_id, reference, pseudonym, number, text, settled_on in connection.execute(
        select(
            UpdateRequestItem.request_id,
            Recommendation.id,
            Case.reference,
            Case.pseudonym,
            Recommendation.number,
            Recommendation.text,
            UpdateRequestItem.settled_on,
        )
        .join(Recommendation, UpdateRequestItem.recommendation_id == Recommendation.id)
        .join(Case, Recommendation.case_id == Case.id)
        .where(UpdateRequestItem.request_id.in_(open_ids))
    ):
        items.setdefault(request_id, []).append(
            ItemFacts(rec_id, reference, pseudonym, number, text, _by(settled_on, as_of))
        )
    actions: dict[int, list[ActionFacts]] = {}
    for request_id, level, taken_on, recipient, role, method in connection.execute(
        select(
            EscalationAction.request_id,
            EscalationAction.level,
            EscalationAction.taken_on,
            EscalationAction.recipient,
            EscalationAction.recipient_role,
            EscalationAction.method,
        )
        .where(EscalationAction.request_id.in_(open_ids), EscalationAction.taken_on <= as_of)
        .order_by(EscalationAction.taken_on, EscalationAction.id)
    ):
        actions.setdefault(request_id, []).append(
            ActionFacts(level, taken_on, recipient, role, method.value, request_id)
        )
    rows = connection.execute(
        select(
            UpdateRequest.id,
            UpdateRequest.agency_id,
            Agency.name,
            UpdateRequest.requested_on,
            UpdateRequest.due_on,
            UpdateRequest.received_on,
            UpdateRequest.round_id,
            UpdateRound.meeting_on,
        )
        .join(Agency, UpdateRequest.agency_id == Agency.id)
        .join(UpdateRound, UpdateRequest.round_id == UpdateRound.id)
        .where(condition)
    )
    return [
        RequestFacts(
            request_id,
            agency,
            name,
            requested_on,
            due_on,
            _by(received_on, as_of),
            tuple(items.get(request_id, ())),
            tuple(actions.get(request_id, ())),
            round_id,
            meeting_on,
        )
        for request_id, agency, name, requested_on, due_on, received_on, round_id, meeting_on in rows
    ]


def escalations(session: Session, as_of: dt.date, *, agency_id: int | None = None) -> list[AgencyPosition]:
    """Each agency with an unanswered request on `as_of`: its level, the action due, its outstanding items."""
    calendar = CachedCalendar(calendar_for(session))
    return assess_agencies(
        load_open_requests(session, as_of, agency_id),
        current_ladder(session),
        calendar,
        kcsp_meeting_dates(session),
        as_of,
    )


# --- Recording the steps taken -----------------------------------------------------------------------


def recipient_for(agency: Agency, role: RecipientRole) -> tuple[str, str, AgencyContact | None]:
    """(name to record, salutation name, contact) for the person a level goes to at this agency."""
    contact = next((c for level in role.contact_levels if (c := agency.contact_at(level)) is not None), None)
    if role is RecipientRole.KCSP_WORKING_GROUP:
        return "KCSP Working Group", contact.name if contact else "Senior Manager", contact
    if contact is not None:
        return contact.name, contact.name, contact
    generic = {
        RecipientRole.LEAD_CONTACT: "DHR Lead",
        RecipientRole.SENIOR_MANAGER: "Senior Manager",
        RecipientRole.STEERING_GROUP_MEMBER: "Steering Group Member",
        RecipientRole.CHIEF_OFFICER: "Chief Officer",
    }[role]
    return f"{generic}, {agency.name}", generic, None


@dataclass(frozen=True)
class _Context:
    ladder: tuple[LadderLevel, ...]
    calendar: CachedCalendar
    meetings: list[dt.date]

    @classmethod
    def load(cls, session: Session) -> _Context:
        return cls(current_ladder(session), CachedCalendar(calendar_for(session)), kcsp_meeting_dates(session))


def record_escalation_action(
    session: Session,
    request: UpdateRequest,
    *,
    level: int,
    taken_on: dt.date,
    method: ContactMethod | str = ContactMethod.LETTER,
    recipient: str = "",
    note: str = "",
    today: dt.date | None = None,
) -> EscalationAction:
    """Record a step taken on the ladder for a request. Kept for ever, even once the update arrives.

    Refused if the level is not on the ladder, was not yet reached on `taken_on`, or the update had
    already arrived by then.
    """
    action = _record(session, request, level, taken_on, method, recipient, note, today, _Context.load(session))
    session.flush()
    return action


def _record(
    session: Session,
    request: UpdateRequest,
    level: int,
    taken_on: dt.date,
    method: ContactMethod | str,
    recipient: str,
    note: str,
    today: dt.date | None,
    context: _Context,
) -> EscalationAction:
    today = today or today_uk()
    taken_on = clean_date(taken_on, "taken_on", "The date of the action", required=True)
    not_in_future(taken_on, today, "taken_on", "The date of the action")
    ladder = context.ladder
    step = next((s for s in ladder if s.level == level), None)
    if step is None:
        known = ", ".join(str(s.level) for s in ladder)
        raise ValidationError(
            f"Level {level} is not on the escalation ladder (levels {known}).", field="level", rule="unknown_level"
        )
    if request.received_on is not None and request.received_on <= taken_on:
        raise ValidationError(
            f"{request.agency.name}'s update arrived on {format_date(request.received_on)}; there is nothing to escalate on "
            f"{format_date(taken_on)}.",
            field="taken_on",
            rule="already_answered",
        )
    index = ladder.index(step)
    reached_on = level_dates(
        ladder[: index + 1], request.requested_on, request.due_on, context.calendar, context.meetings
    )[index]
    if reached_on is None or reached_on > taken_on:
        when = f"on {format_date(reached_on)}" if reached_on else "only at a KCSP meeting not yet in the calendar"
        raise ValidationError(
            f"Level {level} ({step.label}) is reached {when} for {request.agency.name}'s update due "
            f"{format_date(request.due_on)}, so it cannot be taken on {format_date(taken_on)}.",
            field="level",
            rule="level_not_reached",
        )
    if isinstance(method, str) and not isinstance(method, ContactMethod):
        try:
            method = ContactMethod.from_text(method)
        except ValueError as error:
            raise ValidationError(f"Method: {error}.", field="method", rule="unknown_method") from None
    default_name, _, _ = recipient_for(request.agency, step.recipient)
    action = EscalationAction(
        request=request,
        level=level,
        taken_on=taken_on,
        method=method,
        recipient=clean_text(recipient or default_name, "recipient", "To whom", required=True, limit=200),
        recipient_role=step.recipient.label[:120],
        note=note.strip(),
    )
    session.add(action)
    return action


def record_due_actions(
    session: Session,
    as_of: dt.date,
    *,
    agency_ids: set[int] | None = None,
    method: ContactMethod = ContactMethod.LETTER,
    today: dt.date | None = None,
) -> list[EscalationAction]:
    """Record, as taken on `as_of`, every action due on that day (one per request, at its own level)."""
    due = {
        p.request.request_id: p.action_due.level
        for position in escalations(session, as_of)
        if agency_ids is None or position.agency_id in agency_ids
        for p in position.requests
        if p.action_due is not None
    }
    if not due:
        return []
    requests = session.scalars(
        select(UpdateRequest)
        .options(selectinload(UpdateRequest.agency).selectinload(Agency.contacts))
        .where(UpdateRequest.id.in_(list(due)))
        .order_by(UpdateRequest.id)
    ).all()
    context = _Context.load(session)
    actions = [
        _record(session, request, due[request.id], as_of, method, "", "", today, context) for request in requests
    ]
    session.flush()
    return actions


# --- Per agency ------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class HistoryEntry:
    round_meeting_on: dt.date
    due_on: dt.date
    level: int
    taken_on: dt.date
    recipient: str
    recipient_role: str
    method: ContactMethod
    note: str
    received_on: dt.date | None  # when the update finally came, if it has


@dataclass(frozen=True)
class RoundTimeliness:
    """How one agency answered one round: items asked about, and how many answered by the due date."""

    round_id: int
    meeting_on: dt.date
    due_on: dt.date
    items: int
    on_time: int
    received_on: dt.date | None

    @property
    def share_on_time(self) -> float:
        return self.on_time / self.items if self.items else 1.0


@dataclass(frozen=True)
class AgencyRecord:
    agency_id: int
    agency_name: str
    position: AgencyPosition | None  # None when nothing is outstanding
    history: tuple[HistoryEntry, ...]
    rounds: tuple[RoundTimeliness, ...]

    @property
    def outstanding(self):
        return self.position.outstanding if self.position else ()

    @property
    def overdue(self):
        return self.position.overdue if self.position else ()

    @property
    def level(self) -> LadderLevel | None:
        return self.position.level if self.position else None


def round_timeliness(session: Session, agency_id: int | None = None) -> dict[int, list[RoundTimeliness]]:
    """Per agency, per round: items asked about and how many were settled by the due date (one query)."""
    on_time = func.sum(sql_case((UpdateRequestItem.settled_on <= UpdateRequest.due_on, 1), else_=0))
    query = (
        select(
            UpdateRequest.agency_id,
            UpdateRound.id,
            UpdateRound.meeting_on,
            UpdateRequest.due_on,
            func.count(UpdateRequestItem.recommendation_id),
            on_time,
            UpdateRequest.received_on,
        )
        .join(UpdateRound, UpdateRequest.round_id == UpdateRound.id)
        .join(UpdateRequestItem, UpdateRequestItem.request_id == UpdateRequest.id)
        .group_by(UpdateRequest.id, UpdateRound.id)  # PostgreSQL wants every selected table's key grouped
        .order_by(UpdateRound.meeting_on, UpdateRequest.id)
    )
    if agency_id is not None:
        query = query.where(UpdateRequest.agency_id == agency_id)
    result: dict[int, list[RoundTimeliness]] = {}
    for agency, round_id, meeting_on, due_on, items, answered, received_on in session.execute(query):
        result.setdefault(agency, []).append(
            RoundTimeliness(round_id, meeting_on, due_on, items, answered or 0, received_on)
        )
    return result


def agency_record(session: Session, agency: Agency, as_of: dt.date) -> AgencyRecord:
    """One agency: outstanding and overdue items, current level, every step taken, and timeliness by round."""
    positions = escalations(session, as_of, agency_id=agency.id)
    history = tuple(
        HistoryEntry(meeting_on, due_on, level, taken_on, recipient, role, method, note, received_on)
        for meeting_on, due_on, level, taken_on, recipient, role, method, note, received_on in session.execute(
            select(
                UpdateRound.meeting_on,
                UpdateRequest.due_on,
                EscalationAction.level,
                EscalationAction.taken_on,
                EscalationAction.recipient,
                EscalationAction.recipient_role,
                EscalationAction.method,
                EscalationAction.note,
                UpdateRequest.received_on,
            )
            .join(UpdateRequest, EscalationAction.request_id == UpdateRequest.id)
            .join(UpdateRound, UpdateRequest.round_id == UpdateRound.id)
            .where(UpdateRequest.agency_id == agency.id, EscalationAction.taken_on <= as_of)
            .order_by(EscalationAction.taken_on, EscalationAction.id)
        )
    )
    rounds = tuple(r for r in round_timeliness(session, agency.id).get(agency.id, []) if r.due_on <= as_of)
    return AgencyRecord(agency.id, agency.name, positions[0] if positions else None, history, rounds)
