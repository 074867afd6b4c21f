"""The recording commands a coordinator types build the same events `record` applies, with the same checks."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from dhr_tracker.actionplan.progress import current_updates
from dhr_tracker.casework.cases import find_case
from dhr_tracker.cli import main
from dhr_tracker.lifecycle.facts import facts_from_case
from dhr_tracker.model import Recommendation
from dhr_tracker.storage.database import open_database
from tests.conftest import PASSPHRASE
from tests.test_record import state_of

SETUP = [
    {
        "event": "case_created",
        "reference": "DHR-2024-01",
        "pseudonym": "Alex",
        "notified_on": "15/01/2024",
        "csp_area": "Ashford",
    },
]
RECOMMENDATIONS = [
    {
        "event": "recommendation_added",
        "case": "DHR-2024-01",
        "number": "1",
        "text": "Review risk assessment",
        "lead_agency": "Kent Police",
    },
]
# The same facts, as terminal commands and as record-file events.
STEPS = [
    (
        ["decision", "DHR-2024-01", "review", "--on", "20/02/2024", "--home-office-informed", "23 Feb 2024"],
        {
            "event": "decision",
            "case": "DHR-2024-01",
            "decision": "review",
            "on": "2024-02-20",
            "home_office_informed_on": "2024-02-23",
        },
    ),
    (
        ["milestone", "add", "DHR-2024-01", "imr_requested", "--on", "10/03/2024", "--agency", "kent police"],
        {
            "event": "milestone",
            "case": "DHR-2024-01",
            "kind": "imr_requested",
            "on": "2024-03-10",
            "agency": "Kent Police",
        },
    ),
    (
        ["pause", "start", "DHR-2024-01", "--on", "3 June 2024", "--reason", "Awaiting the criminal trial"],
        {"event": "pause_start", "case": "DHR-2024-01", "on": "2024-06-03", "reason": "Awaiting the criminal trial"},
    ),
    (
        ["pause", "end", "DHR-2024-01", "--on", "27/09/2024", "--home-office-told", "30/09/2024"],
        {"event": "pause_end", "case": "DHR-2024-01", "on": "2024-09-27", "home_office_told_on": "2024-09-30"},
    ),
    (
        ["milestone", "add", "DHR-2024-01", "partnership_signoff", "--on", "10/12/2024"],
        {"event": "milestone", "case": "DHR-2024-01", "kind": "partnership_signoff", "on": "2024-12-10"},
    ),
    (
        ["qa", "submit", "DHR-2024-01", "--on", "06/01/2025"],
        {"event": "qa_submission", "case": "DHR-2024-01", "on": "2025-01-06"},
    ),
    (
        [
            "qa",
            "outcome",
            "DHR-2024-01",
            "approved_subject_to_revisions",
            "--letter",
            "02/05/2025",
            "--panel",
            "23/04/2025",
            "--revisions",
            "Anonymise the chronology",
        ],
        {
            "event": "qa_outcome",
            "case": "DHR-2024-01",
            "outcome": "approved_subject_to_revisions",
            "letter_on": "2025-05-02",
            "panel_on": "2025-04-23",
            "revisions_listed": "Anonymise the chronology",
        },
    ),
    (
        ["qa", "revisions", "DHR-2024-01", "--on", "20/05/2025"],
        {"event": "revisions_made", "case": "DHR-2024-01", "on": "2025-05-20"},
    ),
    (
        ["publish", "DHR-2024-01", "--on", "10/06/2025", "--library", "12/06/2025"],
        {"event": "publication", "case": "DHR-2024-01", "on": "2025-06-10", "sent_to_library_on": "2025-06-12"},
    ),
    (
        ["recommendation", "status", "DHR-2024-01", "1", "accepted", "--on", "20/06/2025"],
        {
            "event": "recommendation_status",
            "case": "DHR-2024-01",
            "number": "1",
            "status": "accepted",
            "on": "2025-06-20",
        },
    ),
    (
        ["update", "add", "DHR-2024-01", "1", "--on", "15/09/2025", "--from", "DHR lead", "--text", "Drafted"],
        {
            "event": "progress_update",
            "case": "DHR-2024-01",
            "number": "1",
            "on": "2025-09-15",
            "text": "Drafted",
            "contact_name": "DHR lead",
        },
    ),
]


@pytest.fixture
def second_database(tmp_path, template_database):
    import shutil

    path = tmp_path / "second.dhrdb"
    shutil.copyfile(template_database, path)
    return path


def _record(path, events, tmp_path, name):
    file = tmp_path / name
    file.write_text("\n".join(json.dumps(e) for e in events), encoding="utf-8")
    assert main(["record", str(file), "--db", str(path)]) == 0


def _read_back(path):
    with open_database(path, PASSPHRASE, read_only=True) as database, database.transaction() as session:
        case = find_case(session, "DHR-2024-01")
        rec = session.scalar(select(Recommendation))
        return (
            facts_from_case(case),
            case.stage,
            rec.status,
            rec.status_changed_on,
            [(u.received_on, u.contact_name, u.text) for u in current_updates(rec)],
        )


def test_terminal_commands_record_what_the_same_events_in_a_file_record(
    database_path, second_database, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    for path, name in ((database_path, "a.jsonl"), (second_database, "b.jsonl")):
        _record(path, SETUP, tmp_path, "setup-" + name)
    _record(database_path, RECOMMENDATIONS, tmp_path, "recs-a.jsonl")
    _record(second_database, RECOMMENDATIONS, tmp_path, "recs-b.jsonl")

    for command, _ in STEPS:
        assert main([*command, "--db", str(database_path)]) == 0, command
    printed = capsys.readouterr().out
    assert "Recorded: DHR-2024-01 Home Office round 1: approved_subject_to_revisions, letter 02/05/2025." in printed
    _record(second_database, [event for _, event in STEPS], tmp_path, "steps.jsonl")

    by_command, by_file = _read_back(database_path), _read_back(second_database)
    assert by_command == by_file
    facts = by_command[0]
    assert facts.pauses[0].ends_on == dt.date(2024, 9, 27) and facts.publication.published_on == dt.date(2025, 6, 10)
    assert by_command[4] == [(dt.date(2025, 9, 15), "DHR lead", "Drafted")]


def test_a_dry_run_command_saves_nothing(database_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    _record(database_path, SETUP, tmp_path, "setup.jsonl")
    before = state_of(database_path)
    assert (
        main(["decision", "DHR-2024-01", "review", "--on", "20/02/2024", "--dry-run", "--db", str(database_path)]) == 0
    )
    assert (
        "Would record (dry run, nothing saved): DHR-2024-01 decision 'review' on 20/02/2024." in capsys.readouterr().out
    )
    assert state_of(database_path) == before


def test_a_refused_command_names_the_rule_and_the_dates(database_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    _record(database_path, SETUP, tmp_path, "setup.jsonl")
    capsys.readouterr()
    before = state_of(database_path)
    assert main(["decision", "DHR-2024-01", "review", "--on", "14/01/2024", "--db", str(database_path)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "Refused (rule before_notification): The decision date 14/01/2024 is before the notification date 15/01/2024"
    )
    assert "Nothing was recorded." in err
    assert (
        main(
            [
                "milestone",
                "add",
                "DHR-2024-01",
                "imr_requested",
                "--on",
                "01/03/2024",
                "--agency",
                "Kent Polise",
                "--db",
                str(database_path),
            ]
        )
        == 1
    )
    assert "Did you mean 'Kent Police'?" in capsys.readouterr().err
    assert (
        main(["milestone", "add", "DHR-2024-10", "chair_appointed", "--on", "01/03/2024", "--db", str(database_path)])
        == 1
    )
    assert "There is no case with reference DHR-2024-10. Did you mean 'DHR-2024-01'?" in capsys.readouterr().err
    assert state_of(database_path) == before
