"""Applying events: read a record file's lines, hand each event to its service, stop at the first refusal.

The caller owns the transaction: `apply_lines(session, lines)` inside `database.transaction()` records the
file all or nothing; a dry run is the same call followed by a rollback. Tests drive it the same way.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from dhr_tracker.dates import today_uk
from dhr_tracker.errors import NotFound, ValidationError
from dhr_tracker.record.events import EVENT_TYPES, Context, RecordEvent
from dhr_tracker.record.fields import did_you_mean
from dhr_tracker.record.lookups import Lookups

RECORDED, REFUSED, NOT_REACHED = "recorded", "refused", "not reached"


@dataclass(frozen=True)
class LineOutcome:
    line: int | None
    event: str
    case: str
    status: str  # recorded, refused, not reached
    detail: str
    rule: str = ""


@dataclass
class RecordRun:
    outcomes: list[LineOutcome] = field(default_factory=list)

    @property
    def recorded(self) -> int:
        return sum(outcome.status == RECORDED for outcome in self.outcomes)


class RecordRefused(ValidationError):
    """An event a rule refused: names the line, the event, the rule and (from the service) the dates.
    `run` holds the outcome of every line, for the report."""

    def __init__(self, event: RecordEvent, case: str, error: ValidationError | NotFound, run: RecordRun | None = None):
        self.line = event.line
        self.event_type = event.type
        self.case = case
        self.reason = str(error)
        rule = getattr(error, "rule", "") or "not_found"
        where = f"Line {event.line}" if event.line is not None else "The event"
        about = ", ".join(part for part in (event.type, case) if part)
        super().__init__(
            f"{where}{f' ({about})' if about else ''} was refused (rule {rule}): {self.reason}",
            field=getattr(error, "field", None),
            rule=rule,
        )
        self.run = run or RecordRun()


def _iso(value: Any) -> str:
    if isinstance(value, dt.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} cannot be written in a record file")


def read_events(lines: Iterable[str | dict[str, Any]]) -> list[RecordEvent]:
    """The events of a record file: one JSON object per line; blank lines are skipped. Refused (naming the
    line) before anything is applied: a line that is not JSON, not an object, or names no known event.
    A test may pass dicts instead of JSON text; they are read the same way."""
    events = []
    for number, text in enumerate(lines, start=1):
        if isinstance(text, dict):
            text = json.dumps(text, default=_iso)  # through JSON, so a test's dict holds only what a file could
        text = text.strip().lstrip("\ufeff")
        if not text:
            continue
        bare = RecordEvent("", {}, number)
        try:
            data = json.loads(text)
        except RecursionError:
            raise RecordRefused(
                bare, "", ValidationError("it nests too deeply to be an event.", rule="not_json")
            ) from None
        except json.JSONDecodeError as error:
            raise RecordRefused(
                bare,
                "",
                ValidationError(
                    f"it is not JSON ({error.msg} at character {error.colno}). Each line holds one event, "
                    'e.g. {"event": "milestone", "case": "DHR-2025-01", "kind": "chair_appointed", "on": "01/02/2025"}.',
                    rule="not_json",
                ),
            ) from None
        if not isinstance(data, dict):
            raise RecordRefused(bare, "", ValidationError("it is not a JSON object ({...}).", rule="not_an_object"))
        kind = data.pop("event", None)
        said_case = data.get("case")
        case = said_case if isinstance(said_case, str) else ""
        if not isinstance(kind, str) or kind not in EVENT_TYPES:
            known = list(EVENT_TYPES)
            said = f"'event' is '{kind}', which is not an event." if kind is not None else "it has no 'event'."
            raise RecordRefused(
                bare,
                case,
                ValidationError(
                    f"{said}{did_you_mean(str(kind), known).lower() if kind else ''} The events are: {', '.join(known)}.",
                    field="event",
                    rule="unknown_event",
                ),
            )
        events.append(RecordEvent(kind, data, number))
    return events


def apply_events(session: Session, events: Sequence[RecordEvent], *, today: dt.date | None = None) -> RecordRun:
    """Record each event through its service, in order. On the first refusal raise RecordRefused (with the
    outcome of every line); the caller's transaction then rolls back everything."""
    today = today or today_uk()
    context = Context(session, today, Lookups(session))
    run = RecordRun()
    for index, event in enumerate(events):
        case = event.values.get("case") or event.values.get("reference") or ""
        case = case.strip().upper() if isinstance(case, str) else ""
        event_type = EVENT_TYPES.get(event.type)
        try:
            if event_type is None:
                raise ValidationError(f"'{event.type}' is not an event.", rule="unknown_event")
            values = event_type.convert(dict(event.values), today)
            applied = event_type.record(context, values)
            session.flush()
        except (ValidationError, NotFound) as error:
            refused = RecordRefused(event, case, error, run)
            run.outcomes.append(LineOutcome(event.line, event.type, case, REFUSED, refused.reason, refused.rule))
            run.outcomes.extend(LineOutcome(e.line, e.type, "", NOT_REACHED, "") for e in events[index + 1 :])
            raise refused from None
        run.outcomes.append(LineOutcome(event.line, event.type, applied.case or case, RECORDED, applied.summary))
    return run


def apply_lines(session: Session, lines: Iterable[str | dict[str, Any]], *, today: dt.date | None = None) -> RecordRun:
    """Read a record file's lines and apply them (see apply_events); the way tests enter a scenario:

    with database.transaction() as session:
        apply_lines(session, ['{"event": "pause_start", "case": "DHR-2025-01", ...}'], today=dt.date(2026, 12, 1))
    """
    return apply_events(session, read_events(lines), today=today)
