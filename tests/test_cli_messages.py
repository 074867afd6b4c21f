"""Command-line messages that say what is wrong and the real way to do it, never echoing a secret."""

from __future__ import annotations

import datetime as dt

import pytest

from dhr_tracker.cli import main
from dhr_tracker.meetings.meetings import add_meeting
from dhr_tracker.reports.briefing import write_briefing
from dhr_tracker.storage.database import open_database
from tests.conftest import PASSPHRASE


def test_a_passphrase_on_the_command_line_is_refused_without_repeating_it(capsys):
    for argv in (["cases", "--passphrase", "Correct-Horse-42"], ["cases", "--passphrase=Correct-Horse-42"]):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert "Correct-Horse-42" not in err and "--passphrase-file" in err and "DHR_TRACKER_PASSPHRASE" in err


def test_an_unknown_meeting_points_to_the_command_that_adds_one(database_path, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    assert (
        main(["briefing", "--db", str(database_path), "--meeting", "2026-12-09", "--out", str(tmp_path / "b.pdf")]) == 1
    )
    err = capsys.readouterr().err
    assert "dhr-tracker meetings --add 2026-12-09" in err and "meeting add" not in err


def test_an_agency_name_close_to_real_ones_gets_a_suggestion(database_path, monkeypatch, capsys):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    assert main(["escalations", "--db", str(database_path), "--agency", "dartford"]) == 1
    err = capsys.readouterr().err
    assert "Did you mean" in err and "Dartford" in err  # the reference list has Dartford's agencies
    assert main(["escalations", "--db", str(database_path), "--agency", "kent polise"]) == 1
    assert "Did you mean 'Kent Police'?" in capsys.readouterr().err


def test_copies_returned_before_the_meeting_explains_on(database_path, monkeypatch, capsys, tmp_path):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    future = dt.date.today() + dt.timedelta(days=30)
    with open_database(database_path, PASSPHRASE) as database, database.transaction() as session:
        meeting = add_meeting(session, held_on=future, agenda_item="7")
        write_briefing(session, meeting, tmp_path / "b.pdf", copies=1, as_of=dt.date.today())
    assert main(["copies", "--db", str(database_path), "--meeting", future.isoformat(), "--returned", "1"]) == 1
    err = capsys.readouterr().err
    assert "has not happened yet" in err and "--on DATE" in err


def test_init_warns_about_a_very_weak_passphrase_as_the_app_does(tmp_path, capsys):
    weak = tmp_path / "weak.txt"
    weak.write_text("aaaaaaaaaaaa\n")
    assert main(["init", "--db", str(tmp_path / "new.dhrdb"), "--passphrase-file", str(weak)]) == 0
    out = capsys.readouterr().out
    assert "Created an empty encrypted database" in out and "rated Very weak" in out and "dhr-tracker passphrase" in out


def test_an_unexpected_error_on_a_read_only_command_does_not_speak_of_unsaved_changes(
    database_path, monkeypatch, capsys
):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    with pytest.raises(SystemExit) as stopped:  # refused by the date parser, as a usage error
        main(["deadlines", "--db", str(database_path), "--as-of", "9999-12-31"])
    err = capsys.readouterr().err
    assert "not saved" not in err and "Traceback" not in err
    assert stopped.value.code == 2 and "more than 5 years ahead" in err
