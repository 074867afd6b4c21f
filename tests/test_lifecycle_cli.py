"""`dhr-tracker deadlines` and `dhr-tracker case show` on a real encrypted database."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dhr_tracker.casework.cases import create_case
from dhr_tracker.cli import main
from dhr_tracker.lifecycle import services
from dhr_tracker.storage.database import open_database
from dhr_tracker.vocabulary import Decision, MilestoneKind, ParallelProcessKind, QAOutcome
from tests.conftest import PASSPHRASE

pytestmark = pytest.mark.both_engines

D = dt.date
TODAY = D(2026, 11, 23)


@pytest.fixture
def caseload(database_target, monkeypatch):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    database = open_database(database_target, PASSPHRASE)
    with database.transaction() as s:
        paused = create_case(
            s,
            today=TODAY,
            reference="DHR-2025-01",
            pseudonym="Alex",
            notified_on=D(2024, 12, 20),
            csp_area="Swale",
            victim_real_name="Imogen Realname",
        )
        services.record_decision(
            s, paused, Decision.REVIEW, D(2025, 1, 15), home_office_informed_on=D(2025, 1, 16), today=TODAY
        )
        trial = services.add_parallel_process(
            s, paused, ParallelProcessKind.CRIMINAL_TRIAL, started_on=D(2025, 2, 1), today=TODAY
        )
        services.start_pause(
            s,
            paused,
            "Awaiting the criminal trial",
            D(2025, 3, 1),
            ends_on=D(2025, 5, 31),
            parallel_process=trial,
            home_office_told_on=D(2025, 3, 3),
            today=TODAY,
        )
        late = create_case(
            s, today=TODAY, reference="DHR-2025-02", pseudonym="Sam", notified_on=D(2025, 1, 31), csp_area="Dover"
        )
        services.record_decision(s, late, Decision.REVIEW, D(2025, 3, 10), today=TODAY)
        services.record_milestone(s, late, MilestoneKind.PARTNERSHIP_SIGNOFF, D(2025, 8, 1), today=TODAY)
        services.record_qa_submission(s, late, D(2025, 8, 4), today=TODAY)
        services.record_qa_feedback(
            s,
            late,
            1,
            outcome=QAOutcome.RESUBMISSION_REQUIRED,
            feedback_letter_on=D(2025, 9, 20),
            feedback_reference="HO-77",
            today=TODAY,
        )
        closed = create_case(
            s, today=TODAY, reference="DHR-2025-03", pseudonym="Jo", notified_on=D(2025, 2, 1), csp_area="Thanet"
        )
        services.record_decision(
            s, closed, Decision.NO_REVIEW, D(2025, 2, 20), home_office_informed_on=D(2025, 2, 21), today=TODAY
        )
    database.close()
    return database_target


def test_deadlines_as_json(caseload, capsys):
    assert main(["deadlines", "--db", str(caseload), "--as-of", "2025-10-01", "--format", "json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert {row["reference"] for row in rows} == {"DHR-2025-01", "DHR-2025-02"}  # the closed case is left out
    by_key = {(row["reference"], row["milestone"]): row for row in rows}
    completion = by_key[("DHR-2025-01", "completion")]
    assert (completion["due"], completion["status"], completion["days_overdue"], completion["paused_days"]) == (
        "2025-10-15",
        "due",
        0,
        92,
    )
    informed = by_key[("DHR-2025-02", "home_office_informed")]
    # Decided Mon 10/03/2025: due Mon 17/03/2025; never recorded: on Wed 01/10/2025, 198 calendar days later,
    # 28 weeks (140 weekdays) and Tue 30/09, Wed 01/10 (142), less Good Friday 18/04, Easter Monday 21/04,
    # 05/05, 26/05 and 25/08: 137 working days overdue, in the deadline's own unit.
    assert (informed["due"], informed["status"], informed["days_overdue"], informed["unit"]) == (
        "2025-03-17",
        "overdue",
        137,
        "working_days",
    )
    assert by_key[("DHR-2025-02", "completion")]["status"] == "met"
    assert all(set(row) >= {"reference", "milestone", "due", "status", "days_overdue"} for row in rows)


def test_deadlines_as_a_table_never_shows_real_names(caseload, capsys):
    assert main(["deadlines", "--db", str(caseload), "--as-of", "2025-10-01", "--outstanding"]) == 0
    out = capsys.readouterr().out
    assert "Deadlines as of 01/10/2025" in out
    assert "17/03/2025" in out and "Overdue" in out and "Red" in out
    assert "Realname" not in out and "Imogen" not in out
    assert "Review completed" in out


def test_case_show_with_the_timeline(caseload, capsys):
    assert main(["case", "show", "dhr-2025-02", "--db", str(caseload), "--as-of", "2025-10-01"]) == 0
    out = capsys.readouterr().out
    assert "DHR-2025-02 (Sam)" in out and "Stage: Panel meetings and drafting" in out
    assert "RAG as of 01/10/2025: Red" in out and "Home Office asked for resubmission (round 1)" in out
    lines = out.splitlines()
    timeline = lines[lines.index("Timeline") :]
    assert any("31/01/2025" in line and "Notification received" in line for line in timeline)
    assert any("20/09/2025" in line and "Resubmission required" in line and "HO-77" in line for line in timeline)


def test_case_show_as_json(caseload, capsys):
    assert (
        main(["case", "show", "DHR-2025-01", "--db", str(caseload), "--as-of", "2025-10-01", "--format", "json"]) == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert (data["reference"], data["stage"], data["rag"]) == ("DHR-2025-01", "decision", "amber")
    kinds = [event["kind"] for event in data["timeline"]]
    assert kinds == [
        "notification",
        "decision",
        "home_office_informed",
        "process_started",
        "pause_started",
        "home_office_told_of_pause",
        "pause_ended",
    ]
    assert "victim_real_name" not in json.dumps(data) and "Realname" not in json.dumps(data)


def test_errors_are_one_clear_line(caseload, capsys):
    assert main(["case", "show", "DHR-1999-99", "--db", str(caseload)]) == 1
    assert "There is no case with reference DHR-1999-99" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["deadlines", "--db", str(caseload), "--as-of", "31/02/2025"])
    assert usage.value.code == 2
    err = capsys.readouterr().err
    assert "impossible date: February 2025 has no day 31" in err and "Traceback" not in err
