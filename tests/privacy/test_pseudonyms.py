"""A pseudonym that holds any word of a real name is refused where it is typed, imported or restored."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select

from dhr_tracker.casework.cases import create_case, find_case, update_case
from dhr_tracker.cli import main
from dhr_tracker.errors import ValidationError
from dhr_tracker.model import Case
from dhr_tracker.storage.backups import BackupProblem, backup_to, restore_backup
from dhr_tracker.storage.database import open_database
from tests.conftest import PASSPHRASE

TODAY = dt.date(2026, 11, 23)


def _case(session, reference, pseudonym, victim="PENDRAGON-HALE, Philippa", perpetrator=None):
    return create_case(
        session,
        today=TODAY,
        reference=reference,
        pseudonym=pseudonym,
        notified_on=dt.date(2025, 1, 6),
        csp_area="Dover",
        victim_real_name=victim,
        perpetrator_real_name=perpetrator,
    )


@pytest.mark.parametrize(
    "pseudonym",
    [
        "Philippa  Pendragon-Hale",
        "Philippa Pendragon-Hale (Riley)",
        "Riley PENDRAGON",
        "Hale",
        "Phil\u00adippa",
        "R\u0456ley Smyth-Hale",  # Cyrillic i, and a word of the surname
    ],
)
def test_a_pseudonym_with_a_word_of_the_cases_own_real_name_is_refused(database, pseudonym):
    with pytest.raises(ValidationError) as refusal, database.transaction() as session:
        _case(session, "DHR-2025-01", pseudonym)
    assert refusal.value.rule == "pseudonym_contains_real_name" and refusal.value.field == "pseudonym"
    assert "Pendragon" not in str(refusal.value) and "Philippa" not in str(refusal.value)


def test_a_pseudonym_with_a_word_of_another_cases_real_name_is_refused_on_change(database):
    with database.transaction() as session:
        _case(session, "DHR-2025-01", "Riley")
        _case(session, "DHR-2025-02", "Sam", victim="Zoë O'Brien", perpetrator="SMITH, Jane")
    with pytest.raises(ValidationError, match="DHR-2025-02"), database.transaction() as session:
        update_case(session, find_case(session, "DHR-2025-01"), today=TODAY, pseudonym="Zoe")
    with database.transaction() as session:
        update_case(session, find_case(session, "DHR-2025-01"), today=TODAY, pseudonym="Robin")  # unrelated: fine


@pytest.fixture
def clashing_database(database_path, database):
    """A database whose pseudonym was edited outside the service to hold the victim's surname."""
    with database.transaction() as session:
        _case(session, "DHR-2025-01", "Riley")
        session.scalar(select(Case)).pseudonym = "Riley Pendragon"
    return database


def test_an_archive_whose_pseudonym_holds_a_real_name_is_not_imported(clashing_database, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    archive = tmp_path / "all.json"
    with clashing_database.transaction() as session:
        from dhr_tracker.exchange.archive import write_archive

        write_archive(session, archive, include_real_names=True)
    assert json.loads(archive.read_text())["tables"]["dhr_case"]
    target = tmp_path / "new.dhrdb"
    capsys.readouterr()
    assert main(["import", "--db", str(target), str(archive)]) == 1
    err = capsys.readouterr().err
    assert "DHR-2025-01" in err and "Pendragon" not in err


def test_a_backup_whose_pseudonym_holds_a_real_name_is_not_restored(clashing_database, database_path, tmp_path):
    backup = backup_to(clashing_database, tmp_path / "b.dhrbak").path
    clashing_database.close()
    before = database_path.read_bytes()
    with pytest.raises(BackupProblem, match="DHR-2025-01") as refusal:
        restore_backup(database_path, backup, PASSPHRASE)
    assert "Pendragon" not in str(refusal.value)
    assert database_path.read_bytes() == before
    with open_database(database_path, PASSPHRASE) as database, database.transaction() as session:
        assert session.scalar(select(Case.pseudonym)) == "Riley Pendragon"  # untouched
