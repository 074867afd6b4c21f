"""Changing the passphrase: refused with nothing changed unless every check passes; backup first; verified."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from sqlalchemy import func, select

from dhr_tracker.casework.cases import create_case
from dhr_tracker.cli import main
from dhr_tracker.model import Case
from dhr_tracker.security.passphrase_change import CurrentPassphraseWrong, change_passphrase
from dhr_tracker.storage.database import open_database
from dhr_tracker.storage.errors import PassphraseRejected, StorageError, WrongPassphraseOrNotDatabase
from tests.conftest import PASSPHRASE

NEW = "correct horse battery staple \"quoted\" and 'single'"


def add_case(database):
    with database.transaction() as session:
        create_case(
            session,
            today=dt.date(2026, 11, 23),
            reference="DHR-2025-03",
            pseudonym="Alex",
            notified_on=dt.date(2025, 3, 4),
            csp_area="Swale",
        )


def test_the_passphrase_changes_after_a_backup_and_the_database_stays_usable(database, database_path, tmp_path):
    add_case(database)
    result = change_passphrase(database, PASSPHRASE, NEW, NEW, backup_folder=tmp_path / "safe")
    with database.transaction() as session:  # the same object, now on the new key
        assert session.scalar(select(func.count(Case.id))) == 1
    database.close()
    with open_database(database_path, NEW) as reopened, reopened.session() as session:
        assert session.scalar(select(func.count(Case.id))) == 1
    with pytest.raises(WrongPassphraseOrNotDatabase):
        open_database(database_path, PASSPHRASE)
    assert result.backup.parent == tmp_path / "safe"
    with open_database(result.backup, PASSPHRASE, read_only=True) as backup, backup.session() as session:
        assert session.scalar(select(func.count(Case.id))) == 1  # the backup keeps the old passphrase


@pytest.mark.parametrize(
    ("current", "new", "confirmation", "error", "words"),
    [
        ("not the passphrase", NEW, NEW, CurrentPassphraseWrong, "current passphrase is not right"),
        (PASSPHRASE, "too short", "too short", PassphraseRejected, "at least 12"),
        (PASSPHRASE, NEW, NEW + "x", PassphraseRejected, "do not match"),
        (PASSPHRASE, PASSPHRASE, PASSPHRASE, PassphraseRejected, "same as the current"),
    ],
)
def test_a_refused_change_changes_nothing(database, database_path, tmp_path, current, new, confirmation, error, words):
    before = hashlib.sha256(database_path.read_bytes()).hexdigest()
    with pytest.raises(error, match=words):
        change_passphrase(database, current, new, confirmation, backup_folder=tmp_path / "safe")
    assert hashlib.sha256(database_path.read_bytes()).hexdigest() == before
    assert not (tmp_path / "safe").exists()  # refused before the backup
    assert database.passphrase_matches(PASSPHRASE)


def test_refused_while_a_session_is_open(database, tmp_path):
    with database.transaction() as session:
        session.scalar(select(func.count(Case.id)))
        with pytest.raises(StorageError, match="still being edited"):
            change_passphrase(database, PASSPHRASE, NEW, NEW, backup_folder=tmp_path)


def test_cli_passphrase_reads_both_passphrases_and_reports_the_backup(database_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    new_file = tmp_path / "new.txt"
    new_file.write_text("short\n")
    assert main(["passphrase", "--db", str(database_path), "--new-passphrase-file", str(new_file)]) == 1
    assert "at least 12" in capsys.readouterr().err
    new_file.write_text(NEW + "\n")
    assert (
        main(
            [
                "passphrase",
                "--db",
                str(database_path),
                "--new-passphrase-file",
                str(new_file),
                "--backup-folder",
                str(tmp_path / "b"),
            ]
        )
        == 0
    )
    printed = capsys.readouterr().out
    assert "OLD passphrase" in printed and str(tmp_path / "b") in printed
    assert main(["cases", "--db", str(database_path)]) == 3  # the old passphrase no longer opens it
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", NEW)
    assert main(["cases", "--db", str(database_path)]) == 0
