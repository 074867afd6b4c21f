"""Hand-written scenarios as a list of events, one dict per fact, applied through the app's services.

The issue wants scenarios entered through `dhr-tracker record FILE` (JSON Lines, one event per line),
which is being built on another branch. Until it lands, `apply_events` gives each event to the same
validated service `record` will call; the events are plain JSON-ready dicts with ISO dates, so switching
a scenario to `record` is writing them to a file, one `json.dumps(event)` a line.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from dhr_tracker.casework.cases import create_case, find_case
from dhr_tracker.lifecycle import services
from dhr_tracker.vocabulary import Decision, MilestoneKind, QAOutcome


def _day(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def apply_events(session, events: Iterable[dict], *, today: dt.date) -> None:  # noqa: ANN001 - a Session
    """Record each event in order through the lifecycle services (each may refuse with a ValidationError)."""
    for event in events:
        kind = event["event"]
        if kind == "case":
            create_case(session, today=today, reference=event["case"], pseudonym=event["pseudonym"],
                        notified_on=_day(event["notified_on"]), csp_area=event.get("csp_area", "Swale"))
            continue
        case = find_case(session, event["case"])
        if kind == "decision":
            services.record_decision(session, case, Decision(event["decision"]), _day(event["on"]),
                                     home_office_informed_on=_day(event.get("home_office_informed_on")), today=today)
        elif kind == "milestone":
            services.record_milestone(session, case, MilestoneKind(event["kind"]), _day(event["on"]),
                                      agency=event.get("agency"), today=today)
        elif kind == "qa_submission":
            services.record_qa_submission(session, case, _day(event["on"]), today=today)
        elif kind == "qa_outcome":
            services.record_qa_feedback(session, case, event["round"], outcome=QAOutcome(event["outcome"]),
                                        feedback_letter_on=_day(event["letter_on"]), panel_on=_day(event.get("panel_on")),
                                        revisions_listed=event.get("revisions_listed", ""), today=today)
        elif kind == "pause_start":
            services.start_pause(session, case, event["reason"], _day(event["on"]), today=today)
        elif kind == "pause_end":
            services.end_pause(session, case, _day(event["on"]), today=today)
        else:
            raise ValueError(f"unknown scenario event {kind!r}")
