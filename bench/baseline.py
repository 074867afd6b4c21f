"""The plain-SQLite baseline: the same questions, asked of the same data, with hand-written SQL.

Each function here answers one benchmark question on a plain (unencrypted) copy of the benchmark
database through the standard library's sqlite3 — no SQLCipher, no SQLAlchemy, no ORM — and hands
the rows to the SAME pure engines the app uses (deadlines, RAG, escalation), so that the ratio
app/baseline measures what the storage layer costs: encryption, SQLAlchemy and the query shapes.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections import defaultdict
from pathlib import Path

from dhr_tracker.vocabulary import (
    Decision,
    GuidanceProfile,
    MilestoneKind,
    ParallelProcessKind,
    ProcessStatus,
    QAOutcome,
    RecommendationStatus,
    Stage,
)

_date = dt.date.fromisoformat


def _day(text: str | None) -> dt.date | None:
    return _date(text) if text else None


def connect(path: Path) -> sqlite3.Connection:
    connection = sqlite3.connect(str(path))
    connection.execute("PRAGMA temp_store = MEMORY")
    return connection


def unlock(path: Path) -> int:
    connection = connect(path)
    try:
        return connection.execute("SELECT count(*) FROM dhr_case").fetchone()[0]
    finally:
        connection.close()


def case_list(connection: sqlite3.Connection) -> list:
    from dhr_tracker.casework.cases import CaseSummary

    rows = connection.execute(
        """SELECT c.id, c.reference, c.pseudonym, c.stage, a.name, c.notified_on, c.guidance_profile,
                  c.commissioning_partnership
           FROM dhr_case c LEFT JOIN csp_area a ON a.id = c.csp_area_id
           ORDER BY c.notified_on DESC, c.reference"""
    )
    return [
        CaseSummary(
            id, reference, pseudonym, Stage(stage), area or "", _date(notified), GuidanceProfile(profile), partnership
        )
        for id, reference, pseudonym, stage, area, notified, profile, partnership in rows
    ]


def case_facts(connection: sqlite3.Connection, *, open_only: bool = False) -> list:
    """CaseFacts for every case (or the open ones): the same six questions as lifecycle.facts.load_case_facts."""
    from dhr_tracker.lifecycle.facts import (
        CaseFacts,
        MilestoneFact,
        ParallelProcessFact,
        PauseFact,
        PublicationFact,
        QARoundFact,
    )

    where = "WHERE c.stage != 'closed'" if open_only else ""
    chosen = "WHERE case_id IN (SELECT id FROM dhr_case WHERE stage != 'closed')" if open_only else ""
    cases = connection.execute(
        f"""SELECT c.id, c.reference, c.notified_on, c.guidance_profile, c.stage, c.decision,
                   c.commissioning_partnership, c.pseudonym, a.name
            FROM dhr_case c LEFT JOIN csp_area a ON a.id = c.csp_area_id {where} ORDER BY c.reference"""
    ).fetchall()
    milestones = defaultdict(list)
    for case_id, kind, occurred, agency_id, agency, note in connection.execute(
        f"""SELECT m.case_id, m.kind, m.occurred_on, m.agency_id, g.name, m.note
            FROM milestone m LEFT JOIN agency g ON g.id = m.agency_id
            {chosen.replace("case_id", "m.case_id")} ORDER BY m.occurred_on, m.id"""
    ):
        milestones[case_id].append(
            MilestoneFact(MilestoneKind(kind), _date(occurred), agency_id, agency or "", note or "")
        )
    qa_rounds = defaultdict(list)
    for row in connection.execute(
        f"""SELECT case_id, round_number, submitted_on, panel_on, feedback_letter_on, feedback_reference, outcome,
                   revisions_listed, revisions_made_on FROM qa_round {chosen} ORDER BY round_number"""
    ):
        qa_rounds[row[0]].append(
            QARoundFact(
                row[1],
                _date(row[2]),
                _day(row[3]),
                _day(row[4]),
                row[5] or "",
                QAOutcome(row[6]) if row[6] else None,
                row[7] or "",
                _day(row[8]),
            )
        )
    publications = {
        row[0]: PublicationFact(_date(row[1]), _day(row[2]), _day(row[3]), _day(row[4]), _day(row[5]))
        for row in connection.execute(
            f"""SELECT case_id, published_on, website_removal_on, sent_to_library_on, family_told_on, sent_to_commissioner_on
                FROM publication {chosen}"""
        )
    }
    processes, kinds = defaultdict(list), {}
    for id, case_id, kind, status, started, expected, concluded, note in connection.execute(
        f"""SELECT id, case_id, kind, status, started_on, expected_end_on, concluded_on, note
            FROM parallel_process {chosen} ORDER BY id"""
    ):
        kind = ParallelProcessKind(kind)
        processes[case_id].append(
            ParallelProcessFact(
                kind, ProcessStatus(status), _day(started), _day(expected), _day(concluded), note or "", id
            )
        )
        kinds[id] = kind
    pauses = defaultdict(list)
    for case_id, starts, ends, reason, told, process_id in connection.execute(
        f"""SELECT case_id, starts_on, ends_on, reason, home_office_told_on, parallel_process_id
            FROM pause {chosen} ORDER BY starts_on, id"""
    ):
        pauses[case_id].append(PauseFact(_date(starts), _day(ends), reason, _day(told), kinds.get(process_id)))
    return [
        CaseFacts(
            reference=reference,
            notified_on=_date(notified),
            guidance_profile=GuidanceProfile(profile),
            stage=Stage(stage),
            decision=Decision(decision) if decision else None,
            commissioning_partnership=partnership,
            pseudonym=pseudonym,
            csp_area=area or "",
            case_id=case_id,
            milestones=tuple(milestones[case_id]),
            qa_rounds=tuple(qa_rounds[case_id]),
            publication=publications.get(case_id),
            parallel_processes=tuple(processes[case_id]),
            pauses=tuple(pauses[case_id]),
        )
        for case_id, reference, notified, profile, stage, decision, partnership, pseudonym, area in cases
    ]


def settings(connection: sqlite3.Connection):
    """A `get(key)` over the stored settings (one query), falling back to each setting's declared default."""
    from dhr_tracker.settings import SETTINGS

    stored = dict(connection.execute("SELECT key, value_json FROM setting_value").fetchall())
    return lambda key: SETTINGS[key].clean(json.loads(stored[key])) if key in stored else SETTINGS[key].default


def calendar(connection: sqlite3.Connection):
    from dhr_tracker.workdays import WorkingDayCalendar

    return WorkingDayCalendar([_date(day) for (day,) in connection.execute("SELECT day FROM closure_day")])


def timescales(connection: sqlite3.Connection):
    from dhr_tracker.lifecycle.deadlines import _timescales

    return _timescales(settings(connection))


def deadlines(connection: sqlite3.Connection, as_of: dt.date) -> list:
    from dhr_tracker.lifecycle.deadlines import deadlines_for_cases

    return deadlines_for_cases(case_facts(connection), as_of, timescales(connection), calendar(connection))


def open_requests(connection: sqlite3.Connection, as_of: dt.date) -> list:
    """The same three questions as escalation.service.load_open_requests."""
    from dhr_tracker.escalation.engine import ActionFacts, ItemFacts, RequestFacts

    day = as_of.isoformat()
    open_ids = (
        "SELECT id FROM update_request WHERE requested_on <= :day AND (received_on IS NULL OR received_on > :day)"
    )
    items = defaultdict(list)
    for request_id, rec_id, reference, pseudonym, number, text, settled in connection.execute(
        f"""SELECT i.request_id, r.id, c.reference, c.pseudonym, r.number, r.text, i.settled_on
            FROM update_request_item i JOIN recommendation r ON r.id = i.recommendation_id
            JOIN dhr_case c ON c.id = r.case_id WHERE i.request_id IN ({open_ids})""",
        {"day": day},
    ):
        items[request_id].append(ItemFacts(rec_id, reference, pseudonym, number, text, _day(settled)))
    actions = defaultdict(list)
    for request_id, level, taken, recipient, role, method in connection.execute(
        f"""SELECT request_id, level, taken_on, recipient, recipient_role, method FROM escalation_action
            WHERE request_id IN ({open_ids}) AND taken_on <= :day ORDER BY taken_on, id""",
        {"day": day},
    ):
        actions[request_id].append(ActionFacts(level, _date(taken), recipient, role, method, request_id))
    return [
        RequestFacts(
            id,
            agency_id,
            name,
            _date(requested),
            _date(due),
            _day(received),
            tuple(items[id]),
            tuple(actions[id]),
            round_id,
            _day(meeting_on),
        )
        for id, agency_id, name, requested, due, received, round_id, meeting_on in connection.execute(
            """SELECT q.id, q.agency_id, g.name, q.requested_on, q.due_on, q.received_on, q.round_id, u.meeting_on
               FROM update_request q JOIN agency g ON g.id = q.agency_id JOIN update_round u ON u.id = q.round_id
               WHERE q.requested_on <= :day AND (q.received_on IS NULL OR q.received_on > :day)""",
            {"day": day},
        )
    ]


def escalations(connection: sqlite3.Connection, as_of: dt.date) -> list:
    from dhr_tracker.escalation.engine import assess_agencies
    from dhr_tracker.escalation.service import CachedCalendar
    from dhr_tracker.escalation_ladder import parse_ladder
    from dhr_tracker.settings import ESCALATION_LADDER

    ladder = parse_ladder(settings(connection)(ESCALATION_LADDER.key))
    meetings = [
        _date(day) for (day,) in connection.execute("SELECT held_on FROM meeting WHERE kind = 'kcsp' ORDER BY held_on")
    ]
    return assess_agencies(
        open_requests(connection, as_of), ladder, CachedCalendar(calendar(connection)), meetings, as_of
    )


def dashboard(connection: sqlite3.Connection, as_of: dt.date) -> tuple:
    """What the dashboard shows: open cases' deadlines and RAG, escalations, the next meetings."""
    from dhr_tracker.lifecycle.deadlines import compute_deadlines
    from dhr_tracker.lifecycle.rag import RagRules, rag_for
    from dhr_tracker.settings import RAG_DUE_SOON_DAYS, RAG_RED_AFTER_DAYS

    get = settings(connection)
    rules = RagRules(get(RAG_DUE_SOON_DAYS.key), get(RAG_RED_AFTER_DAYS.key))
    scales, days = timescales(connection), calendar(connection)
    rated = []
    for facts in case_facts(connection, open_only=True):
        found = compute_deadlines(facts, as_of, scales, days)
        rated.append((facts, found, rag_for(facts, found, as_of, rules)))
    meetings = connection.execute(
        """SELECT m.id, m.kind, m.held_on, m.agenda_item, m.title, count(a.id) FROM meeting m
           LEFT JOIN attendee a ON a.meeting_id = m.id WHERE m.held_on >= ? GROUP BY m.id ORDER BY m.held_on LIMIT 3""",
        (as_of.isoformat(),),
    ).fetchall()
    return rated, escalations(connection, as_of), meetings


def briefing_data(connection: sqlite3.Connection, as_of: dt.date) -> tuple:
    """The briefing's questions: open cases with deadlines and RAG, recommendation figures, escalations."""
    from dhr_tracker.lifecycle.deadlines import compute_deadlines
    from dhr_tracker.lifecycle.rag import RagRules, rag_for
    from dhr_tracker.settings import RAG_DUE_SOON_DAYS, RAG_RED_AFTER_DAYS

    get = settings(connection)
    rules = RagRules(get(RAG_DUE_SOON_DAYS.key), get(RAG_RED_AFTER_DAYS.key))
    scales, days = timescales(connection), calendar(connection)
    reviews = []
    for facts in case_facts(connection, open_only=True):
        found = compute_deadlines(facts, as_of, scales, days)
        reviews.append((facts, found, rag_for(facts, found, as_of, rules)))
    figures = connection.execute(
        """SELECT r.case_id, c.reference, g.name, r.number, r.status, r.target_on,
                  (SELECT max(p.received_on) FROM progress_update p WHERE p.recommendation_id = r.id)
           FROM recommendation r JOIN dhr_case c ON c.id = r.case_id JOIN agency g ON g.id = r.lead_agency_id
           WHERE c.stage != 'closed'"""
    ).fetchall()
    by_agency: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    overdue = []
    for _, reference, agency, number, status, target, last in figures:
        status = RecommendationStatus(status)
        by_agency[agency][status] += 1
        target = _day(target)
        if status.is_open and target and target < as_of:
            by_agency[agency]["past_target"] += 1
            overdue.append((agency, reference, number, status.label, target, _day(last)))
    previous = connection.execute(
        "SELECT max(held_on) FROM meeting WHERE kind = 'kcsp' AND held_on < (SELECT min(held_on) FROM meeting "
        "WHERE kind = 'kcsp' AND held_on > ?)",
        (as_of.isoformat(),),
    ).fetchone()[0]
    implemented = connection.execute(
        """SELECT count(*) FROM recommendation WHERE status = 'implemented'
           AND coalesce(signed_off_on, status_changed_on, completed_on) <= ?
           AND coalesce(signed_off_on, status_changed_on, completed_on) > coalesce(?, '0000')""",
        (as_of.isoformat(), previous),
    ).fetchone()[0]
    return reviews, by_agency, overdue, escalations(connection, as_of), implemented
