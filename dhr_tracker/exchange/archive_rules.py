"""The rules an imported archive must obey: the services' own date rules, checked over every loaded row.

An archive is loaded in bulk (the services would take hours at national scale and would renumber every
record), so the rules the services apply one record at a time are checked here over whole tables,
under the same rule names (`in_future`, `before_notification`, `letter_before_submission`, …) as the
`ValidationError`s of `lifecycle.services` and the action-plan and escalation services. The stage of
each case is then derived from its facts (`lifecycle.stages.derive_stage`), never taken from the file.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.orm import Session, selectinload

from dhr_tracker.dates import format_date

# Dates of things that have happened: never after the day of the import (rule `in_future`).
EVENT_DATES: dict[str, tuple[str, ...]] = {
    "dhr_case": ("date_of_death", "notified_on"),
    "milestone": ("occurred_on",),
    "qa_round": ("submitted_on", "panel_on", "feedback_letter_on", "revisions_made_on"),
    # (website_removal_on is planned: the service sets it a year after publication, so it may lie ahead.)
    "publication": ("published_on", "sent_to_library_on", "family_told_on", "sent_to_commissioner_on"),
    "pause": ("starts_on", "ends_on", "home_office_told_on"),
    "parallel_process": ("concluded_on",),
    "recommendation": ("completed_on", "status_changed_on", "signed_off_on"),
    "progress_update": ("received_on",),
    "update_request": ("received_on",),
    "escalation_action": ("taken_on",),
    "briefing_copy": ("returned_on",),
}
# Dates of a case's events that cannot come before its notification (rule `before_notification`).
AFTER_NOTIFICATION: dict[str, tuple[str, ...]] = {
    "milestone": ("occurred_on",),
    "qa_round": ("submitted_on", "panel_on", "feedback_letter_on", "revisions_made_on"),
    "publication": ("published_on",),
    "pause": ("starts_on",),
}
# (table, later, earlier, rule): the sequences the services refuse.
SEQUENCES: tuple[tuple[str, str, str, str], ...] = (
    ("qa_round", "panel_on", "submitted_on", "panel_before_submission"),
    ("qa_round", "feedback_letter_on", "submitted_on", "letter_before_submission"),
    ("qa_round", "feedback_letter_on", "panel_on", "letter_before_panel"),
    ("qa_round", "revisions_made_on", "feedback_letter_on", "revisions_before_letter"),
    ("publication", "website_removal_on", "published_on", "removal_before_publication"),
    ("publication", "sent_to_library_on", "published_on", "library_before_publication"),
    ("publication", "sent_to_commissioner_on", "published_on", "commissioner_before_publication"),
    ("pause", "ends_on", "starts_on", "pause_ends_before_start"),
    ("parallel_process", "concluded_on", "started_on", "concluded_before_start"),
    ("parallel_process", "expected_end_on", "started_on", "expected_end_before_start"),
    ("update_request", "due_on", "requested_on", "due_before_request"),
    ("update_request", "received_on", "requested_on", "received_before_request"),
)


# Events that follow the case's decision (first decision milestone): (table, rule, SQL giving id, date, decision).
_DECISION = "(SELECT min(d.occurred_on) FROM milestone d WHERE d.case_id = {alias}.case_id AND d.kind = 'decision')"
# (A derived table, because standard SQL, unlike SQLite, cannot name a select-list alias in WHERE.)
AFTER_THE_DECISION: tuple[tuple[str, str, str], ...] = (
    (
        "milestone",
        "informed_before_decision",
        f"SELECT id, late, decided FROM (SELECT m.id, m.occurred_on AS late, {_DECISION.format(alias='m')} AS decided "
        "FROM milestone m WHERE m.kind = 'home_office_informed') AS x WHERE late < decided ORDER BY id",
    ),
    (
        "qa_round",
        "before_decision",
        f"SELECT id, late, decided FROM (SELECT q.id, q.submitted_on AS late, {_DECISION.format(alias='q')} AS decided "
        "FROM qa_round q) AS x WHERE late < decided ORDER BY id",
    ),
)


@dataclass(frozen=True)
class RuleBreach:
    table: str
    row: str
    rule: str
    message: str

    def line(self, source: str) -> str:
        return f"{source}: {self.table} row {self.row}: {self.rule}: {self.message}"


def _day(value: object) -> str:
    try:
        return format_date(dt.date.fromisoformat(str(value)[:10]))
    except ValueError:
        return str(value)


def rule_breaches(session: Session, today: dt.date) -> list[RuleBreach]:
    """Every loaded row that breaks a rule, in table order."""
    connection = session.connection()
    breaches: list[RuleBreach] = []
    for table, columns in EVENT_DATES.items():
        for column in columns:
            for row_id, value in connection.execute(
                text(f'SELECT id, "{column}" FROM "{table}" WHERE "{column}" > :today ORDER BY id'),
                {"today": today.isoformat()},
            ):
                breaches.append(
                    RuleBreach(
                        table,
                        str(row_id),
                        "in_future",
                        f"{column} {_day(value)} is after the day of the import, {format_date(today)}",
                    )
                )
    for table, columns in AFTER_NOTIFICATION.items():
        for column in columns:
            for row_id, value, notified in connection.execute(
                text(
                    f'SELECT t.id, t."{column}", c.notified_on FROM "{table}" t JOIN dhr_case c ON c.id = t.case_id '
                    f'WHERE t."{column}" < c.notified_on ORDER BY t.id'
                )
            ):
                breaches.append(
                    RuleBreach(
                        table,
                        str(row_id),
                        "before_notification",
                        f"{column} {_day(value)} is before the case's notification on {_day(notified)}",
                    )
                )
    for table, rule, sql in AFTER_THE_DECISION:
        for row_id, late, decided in connection.execute(text(sql)):
            breaches.append(
                RuleBreach(table, str(row_id), rule, f"{_day(late)} is before the decision on {_day(decided)}")
            )
    for table, later, earlier, rule in SEQUENCES:
        for row_id, late, early in connection.execute(
            text(f'SELECT id, "{later}", "{earlier}" FROM "{table}" WHERE "{later}" < "{earlier}" ORDER BY id')
        ):
            breaches.append(
                RuleBreach(table, str(row_id), rule, f"{later} {_day(late)} is before {earlier} {_day(early)}")
            )
    return breaches


def derive_stages(session: Session) -> dict[str, tuple[str, str]]:
    """Set every case's stage from its facts; return reference -> (stage in the file, derived stage) where they differed."""
    from dhr_tracker.lifecycle.facts import facts_from_case
    from dhr_tracker.lifecycle.stages import derive_stage
    from dhr_tracker.model import Case

    changed: dict[str, tuple[str, str]] = {}
    cases = session.scalars(
        select(Case).options(
            selectinload(Case.milestones),
            selectinload(Case.qa_rounds),
            selectinload(Case.publication),
            selectinload(Case.parallel_processes),
            selectinload(Case.pauses),
        )
    )
    updates = []
    for case in cases:
        derived = derive_stage(facts_from_case(case))
        if case.stage is not derived:
            changed[case.reference] = (case.stage.value if case.stage else "", derived.value)
            updates.append({"id": case.id, "stage": derived.value})
    if updates:
        # Plain SQL, like the rest of the load: the import's baseline records the result, after the import entry.
        session.connection().execute(text("UPDATE dhr_case SET stage = :stage WHERE id = :id"), updates)
    session.expunge_all()
    return changed
