"""`record`: every fact the app records, entered as JSON Lines through the app's own services, all or nothing."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from dhr_tracker.actionplan.progress import current_updates
from dhr_tracker.casework.cases import find_case
from dhr_tracker.cli import main
from dhr_tracker.lifecycle.facts import facts_from_case
from dhr_tracker.meetings.meetings import find_meeting
from dhr_tracker.model import AuditEntry, Recommendation, UpdateRequest, UpdateRound
from dhr_tracker.record import EVENT_TYPES, RecordRefused, apply_lines
from dhr_tracker.record.schema import GENERATED_END, GENERATED_START, json_schema_text, markdown_fields
from dhr_tracker.security.audit import verify_chain
from dhr_tracker.storage.database import open_database
from dhr_tracker.vocabulary import Decision, MilestoneKind, ProcessStatus, QAOutcome, RecommendationStatus
from tests.conftest import PASSPHRASE

D = dt.date
TODAY = D(2026, 12, 1)
DOC = Path(__file__).resolve().parents[1] / "docs" / "record-format.md"
SCHEMA = DOC.with_name("record-format.schema.json")


def example_lines() -> list[str]:
    """The whole-review example of docs/record-format.md: the documentation is the test's input."""
    block = re.search(r"```jsonl\n(.*?)```", DOC.read_text(encoding="utf-8"), re.S).group(1)
    return block.splitlines()


def with_line(lines: list[str], number: int, **changes) -> list[str]:
    data = json.loads(lines[number - 1])
    data.update(changes)
    return [*lines[: number - 1], json.dumps(data), *lines[number:]]


def line_of(lines: list[str], event: str, **match) -> int:
    for number, line in enumerate(lines, start=1):
        data = json.loads(line)
        if data["event"] == event and all(data.get(k) == v for k, v in match.items()):
            return number
    raise LookupError(event)


def state_of(path: Path) -> tuple:
    """What must not change when a file is refused: the bytes of the file, the audit head and the row counts."""
    with open_database(path, PASSPHRASE, read_only=True) as database, database.transaction() as session:
        head = session.execute(text("SELECT value FROM app_meta WHERE key = 'audit_chain_head'")).scalar()
        counts = tuple(
            session.scalar(select(func.count()).select_from(model))
            for model in (AuditEntry, Recommendation, UpdateRound, UpdateRequest)
        )
        cases = session.execute(text("SELECT count(*) FROM dhr_case")).scalar()
    return hashlib.sha256(path.read_bytes()).hexdigest(), head, counts, cases


@pytest.fixture
def passphrase_env(monkeypatch):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)


def test_the_example_holds_every_event_type():
    used = {json.loads(line)["event"] for line in example_lines()}
    assert used == set(EVENT_TYPES)


def test_every_event_type_is_recorded_and_reads_back_through_the_services(database):
    lines = example_lines()
    with database.transaction() as session:
        audit_before = session.scalar(select(func.count()).select_from(AuditEntry))
        run = apply_lines(session, lines, today=TODAY)
    assert run.recorded == len(lines) == 41

    with database.transaction() as session:
        case = find_case(session, "DHR-2024-01")
        facts = facts_from_case(case)
        assert case.date_of_death == D(2024, 1, 2) and case.independent_chair == "Independent Chair Ltd"
        assert case.decision is Decision.REVIEW and facts.decided_on == D(2024, 2, 20)
        assert facts.first(MilestoneKind.HOME_OFFICE_INFORMED) == D(2024, 2, 23)
        assert facts.first(MilestoneKind.CHAIR_APPOINTED) == D(2024, 3, 1)
        imrs = [(m.kind, m.occurred_on, m.agency) for m in facts.milestones if m.agency]
        assert imrs == [
            (MilestoneKind.IMR_REQUESTED, D(2024, 3, 10), "Kent Police"),
            (MilestoneKind.IMR_RECEIVED, D(2024, 5, 1), "Kent Police"),
        ]
        (process,) = facts.parallel_processes
        assert process.status is ProcessStatus.CONCLUDED and process.concluded_on == D(2024, 9, 20)
        (pause,) = facts.pauses
        assert (pause.starts_on, pause.ends_on, pause.home_office_told_on) == (
            D(2024, 6, 3),
            D(2024, 9, 27),
            D(2024, 6, 5),
        )
        assert pause.parallel_process.value == "criminal_trial"
        first, second = facts.qa_rounds
        assert (first.outcome, first.panel_on, first.feedback_letter_on, first.feedback_reference) == (
            QAOutcome.RESUBMISSION_REQUIRED,
            D(2025, 2, 12),
            D(2025, 2, 20),
            "HO/QA/123",
        )
        assert second.submitted_on == D(2025, 3, 20) and second.outcome is QAOutcome.APPROVED_SUBJECT_TO_REVISIONS
        assert second.revisions_listed == "Anonymise the chronology" and second.revisions_made_on == D(2025, 5, 20)
        # Website removal defaults to 12 months (the publication-months setting) after 10/06/2025.
        assert (
            facts.publication.published_on,
            facts.publication.website_removal_on,
            facts.publication.sent_to_library_on,
        ) == (D(2025, 6, 10), D(2026, 6, 10), D(2025, 6, 12))
        # Closed on 20/11/2025, then re-opened on 10/01/2026: open again.
        assert facts.closed_on is None and facts.reopened_on == D(2026, 1, 10)
        assert facts.dates_of(MilestoneKind.CLOSED) == [D(2025, 11, 20)]

        recs = {r.number: r for r in session.scalars(select(Recommendation).where(Recommendation.case_id == case.id))}
        one, two = recs["1"], recs["2"]
        assert one.status is RecommendationStatus.IMPLEMENTED and one.signed_off_on == D(2025, 11, 5)
        assert one.signoff_minute_reference == "SG 25/11 item 4" and one.completed_on == D(2025, 10, 1)
        assert one.outcome == "Risk assessment in use" and one.target_on == D(2025, 12, 31)
        from dhr_tracker.learning.implementation import current_assessment, evidence_for

        assert [(e.reference, e.seen_on, e.checked_by) for e in evidence_for(session, one)] == [
            ("Audit of risk assessments, October 2025", D(2025, 10, 20), "DHR Coordinator")
        ]
        assert current_assessment(session, one).category.value == "fully_implemented"
        assert (
            two.status is RecommendationStatus.NOT_ACCEPTED
            and two.not_accepted_reason == "Superseded by national training"
        )
        assert [a.name for a in two.supporting_agencies] == [
            "Kent Police"
        ] and two.action == "Training for all front-line staff"
        assert [u.text for u in current_updates(two)] == ["Training booked for October"]  # the correction replaces it
        assert [u.text for u in current_updates(one)] == ["New risk assessment drafted"]  # from the reply

        meeting = find_meeting(session, D(2025, 9, 10))
        assert meeting.agenda_item == "6" and [a.name for a in meeting.attendees] == ["KCSP Chair", "DHR Coordinator"]
        round_ = session.scalar(select(UpdateRound))
        requests = {r.agency.name: r for r in round_.requests}
        police, asc = requests["Kent Police"], requests["KCC Adult Social Care"]
        assert police.received_on == D(2025, 8, 20)
        assert asc.due_on == D(2025, 8, 29) and asc.received_on == D(2025, 9, 15)
        # Level 1 comes 5 working days after the due date Fri 29/08/2025: Mon 1 ... Fri 5/09/2025; taken Mon 8/09.
        (action,) = asc.actions
        assert (action.level, action.taken_on, action.method.value) == (1, D(2025, 9, 8), "email")

        no_review = facts_from_case(find_case(session, "DHR-2025-02"))
        # A decision not to review closes the case on the later of the decision and the Home Office being told.
        assert no_review.decision is Decision.NO_REVIEW and no_review.closed_on == D(2025, 3, 4)

        entries = session.scalar(select(func.count()).select_from(AuditEntry))
        assert entries - audit_before >= len(lines)  # every event left at least one audit entry
        assert verify_chain(session).ok
        audited = set(session.scalars(select(AuditEntry.entity).where(AuditEntry.id > audit_before)))
        assert {
            "dhr_case",
            "milestone",
            "qa_round",
            "publication",
            "pause",
            "parallel_process",
            "recommendation",
            "progress_update",
            "update_round",
            "escalation_action",
            "meeting",
        } <= audited


REFUSALS = [
    # (line to change, its new values, rule, words the message must hold)
    (
        ("pause_end", {}),
        {"on": "01/06/2024"},
        "pause_ends_before_start",
        "Line 10 (pause_end, DHR-2024-01) was refused (rule pause_ends_before_start): The pause end date 01/06/2024 is "
        "before the pause start date 03/06/2024.",
    ),
    (
        ("milestone", {"kind": "imr_received"}),
        {"on": "09/03/2024"},
        "imr_before_request",
        "The IMR received date 09/03/2024 is before Kent Police was asked for it (10/03/2024).",
    ),
    (
        ("milestone", {"kind": "imr_received"}),
        {"agency": "Kent Polise"},
        "unknown_agency",
        "There is no agency called 'Kent Polise'. Did you mean 'Kent Police'?",
    ),
    (("decision", {"case": "DHR-2024-01"}), {"case": "DHR-2024-10"}, "unknown_case", "Did you mean 'DHR-2024-01'?"),
    (
        ("milestone", {"kind": "chair_appointed"}),
        {"on": "31/02/2024"},
        "impossible_date",
        "'31/02/2024' is an impossible date: February 2024 has no day 31",
    ),
    (("milestone", {"kind": "chair_appointed"}), {"on": "02/12/2026"}, "in_future", "02/12/2026 is in the future"),
    (
        ("qa_submission", {"on": "20/03/2025"}),
        {"on": "19/02/2025"},
        "before_previous_letter",
        "The resubmission date 19/02/2025 is before the round 1 feedback letter date 20/02/2025.",
    ),
    (
        ("recommendation_status", {"status": "implemented"}),
        {"minute_reference": ""},
        "minute_required",
        "Steering Group minute reference",
    ),
    (("reply", {}), {"agency": "Kent Fire and Rescue Service"}, "agency_not_asked", "asked nothing of Kent Fire"),
    (("milestone", {"kind": "chair_appointed"}), {"when": "01/03/2024"}, "unknown_field", "has no field 'when'"),
]


@pytest.mark.parametrize(("where", "changes", "rule", "words"), REFUSALS, ids=[r[2] for r in REFUSALS])
def test_a_refused_line_is_named_and_nothing_from_the_file_is_recorded(database_path, where, changes, rule, words):
    lines = example_lines()
    number = line_of(lines, where[0], **where[1])
    lines = with_line(lines, number, **changes)
    before = state_of(database_path)
    with open_database(database_path, PASSPHRASE) as database:
        with pytest.raises(RecordRefused) as refused, database.transaction() as session:
            apply_lines(session, lines, today=TODAY)
    assert refused.value.line == number and refused.value.rule == rule
    assert f"Line {number} (" in str(refused.value) and words in str(refused.value)
    assert state_of(database_path) == before  # byte for byte, audit head and counts


def test_a_line_that_is_not_json_is_refused_before_anything_is_applied(database):
    lines = [*example_lines()[:3], '{"event": "milestone", "case": "DHR-2024-01",', *example_lines()[3:]]
    with pytest.raises(RecordRefused) as refused, database.transaction() as session:
        apply_lines(session, lines, today=TODAY)
    assert refused.value.line == 4 and refused.value.rule == "not_json"
    with database.transaction() as session:
        assert session.execute(text("SELECT count(*) FROM dhr_case")).scalar() == 0


def test_an_unknown_event_suggests_the_nearest(database):
    with pytest.raises(RecordRefused) as refused, database.transaction() as session:
        apply_lines(session, ["", '{"event": "pause_stat", "case": "X"}'], today=TODAY)
    assert refused.value.line == 2 and "did you mean 'pause_start'?" in str(refused.value)


def test_record_from_a_file_and_from_standard_input(database_path, passphrase_env, tmp_path, monkeypatch, capsys):
    lines = example_lines()
    file = tmp_path / "events.jsonl"
    file.write_text("\n".join(lines[:20]) + "\n", encoding="utf-8")
    assert main(["record", str(file), "--db", str(database_path)]) == 0
    assert "Recorded all 20 events" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", io.StringIO("\n".join(lines[20:])))
    assert main(["record", "-", "--db", str(database_path)]) == 0
    assert "Recorded all 21 events from standard input (lines 1-21)" in capsys.readouterr().out
    with open_database(database_path, PASSPHRASE, read_only=True) as database, database.transaction() as session:
        assert facts_from_case(find_case(session, "DHR-2024-01")).reopened_on == D(2026, 1, 10)


def test_a_dry_run_checks_every_line_reports_each_and_saves_nothing(database_path, passphrase_env, tmp_path, capsys):
    file = tmp_path / "events.jsonl"
    file.write_text("\n".join(example_lines()), encoding="utf-8")
    before = state_of(database_path)
    report = tmp_path / "report.csv"
    assert main(["record", str(file), "--db", str(database_path), "--dry-run", "--report", str(report)]) == 0
    assert "Dry run: all 41 events" in capsys.readouterr().out
    assert state_of(database_path) == before
    rows = list(csv.DictReader(report.open(encoding="utf-8-sig")))
    assert len(rows) == 41 and {row["outcome"] for row in rows} == {"would be recorded"}
    assert rows[0] == {
        "line": "1",
        "event": "case_created",
        "case": "DHR-2024-01",
        "outcome": "would be recorded",
        "detail": "case DHR-2024-01 created, notified 15/01/2024",
        "rule": "",
    }
    assert report.stat().st_mode & 0o077 == 0  # owner-only


def test_a_refused_file_reports_where_it_stopped(database_path, passphrase_env, tmp_path, capsys):
    lines = with_line(example_lines(), 10, on="01/06/2024")
    file = tmp_path / "events.jsonl"
    file.write_text("\n".join(lines), encoding="utf-8")
    before = state_of(database_path)
    report = tmp_path / "report.csv"
    assert main(["record", str(file), "--db", str(database_path), "--report", str(report)]) == 1
    err = capsys.readouterr().err
    assert "Line 10 (pause_end, DHR-2024-01) was refused (rule pause_ends_before_start)" in err
    assert f"Nothing from {file} was recorded." in err and "Traceback" not in err
    assert state_of(database_path) == before
    outcomes = [row["outcome"] for row in csv.DictReader(report.open(encoding="utf-8-sig"))]
    assert outcomes == ["recorded"] * 9 + ["refused"] + ["not reached"] * 31


def test_the_report_is_not_written_if_it_would_show_a_real_name(database_path, passphrase_env, tmp_path, capsys):
    # A refusal repeats what the file said: here a misplaced real name used as a field name.
    lines = [
        json.dumps(
            {
                "event": "case_created",
                "reference": "DHR-2024-09",
                "pseudonym": "Robin",
                "notified_on": "01/02/2024",
                "csp_area": "Ashford",
                "victim_real_name": "Jo Realname",
            }
        ),
        json.dumps({"event": "case_changed", "case": "DHR-2024-09", "Jo Realname": "x"}),
    ]
    file = tmp_path / "events.jsonl"
    file.write_text("\n".join(lines), encoding="utf-8")
    report = tmp_path / "report.csv"
    before = state_of(database_path)
    assert main(["record", str(file), "--db", str(database_path), "--report", str(report)]) == 1
    assert "contains a real name stored for case DHR-2024-09" in capsys.readouterr().err
    assert not report.exists() and state_of(database_path) == before


def test_the_documentation_is_what_the_code_accepts():
    doc = DOC.read_text(encoding="utf-8")
    generated = doc[doc.index(GENERATED_START) + len(GENERATED_START) + 1 : doc.index(GENERATED_END)]
    assert generated == markdown_fields(), "regenerate the field tables of docs/record-format.md"
    assert SCHEMA.read_text(encoding="utf-8") == json_schema_text(), "regenerate docs/record-format.schema.json"
    schema = json.loads(json_schema_text())
    for line in example_lines():  # each example line is an object the schema describes
        data = json.loads(line)
        (branch,) = [b for b in schema["oneOf"] if b["properties"]["event"]["const"] == data["event"]]
        assert set(branch["required"]) <= set(data) <= set(branch["properties"])


def test_every_event_leaves_its_own_audit_entries(database):
    lines = example_lines()
    silent = []
    with database.transaction() as session:
        for number, line in enumerate(lines, start=1):
            before = session.scalar(select(func.max(AuditEntry.id))) or 0
            apply_lines(session, [line], today=TODAY)
            if not session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.id > before)):
                silent.append(number)
    assert silent == []


def test_a_sign_off_without_evidence_seen_is_refused_with_its_rule(database):
    lines = example_lines()
    evidence = line_of(lines, "implementation_evidence")
    lines = lines[: evidence - 1] + lines[evidence:]
    signoff = line_of(lines, "recommendation_status", status="implemented")
    with pytest.raises(RecordRefused) as refused, database.transaction() as session:
        apply_lines(session, lines, today=TODAY)
    assert (refused.value.line, refused.value.rule) == (signoff, "evidence_required")
    assert "no evidence of implementation seen by then" in str(refused.value)
