"""Encrypted backups (on demand, automatic with rotation) and restore that checks the backup first."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import sqlite3
import stat

import pytest
from sqlalchemy import create_engine, func, select, text

from dhr_tracker.casework.cases import create_case
from dhr_tracker.cli import main
from dhr_tracker.model import Case
from dhr_tracker.settings import BACKUPS_KEPT, Settings
from dhr_tracker.storage.backups import (
    BackupProblem,
    automatic_backup,
    automatic_backups,
    backup_to,
    copy_encrypted,
    restore_backup,
)
from dhr_tracker.storage.database import open_database
from dhr_tracker.storage.errors import PlainSQLiteFile, StorageError, WrongPassphraseOrNotDatabase
from tests.conftest import PASSPHRASE

TODAY = dt.date(2026, 11, 23)


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def add_case(database, reference="DHR-2025-03", pseudonym="Alexandra Pseudo", real="Victoria Realname"):
    with database.transaction() as session:
        create_case(
            session,
            today=TODAY,
            reference=reference,
            pseudonym=pseudonym,
            notified_on=dt.date(2025, 3, 4),
            csp_area="Swale",
            victim_real_name=real,
        )


def case_count(path, passphrase=PASSPHRASE) -> int:
    with open_database(path, passphrase, read_only=True) as database, database.session() as session:
        return session.scalar(select(func.count(Case.id)))


def test_a_backup_is_encrypted_owner_only_and_checked(database, tmp_path):
    add_case(database)
    check = backup_to(database, tmp_path / "one.dhrbak")
    data = check.path.read_bytes()
    assert not data.startswith(b"SQLite format 3")
    for secret in ("Victoria Realname", "Alexandra Pseudo", "DHR-2025-03"):
        assert secret.encode() not in data and secret.encode("utf-16-le") not in data
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(check.path).execute("SELECT count(*) FROM sqlite_master").fetchone()
    if os.name == "posix":
        assert stat.S_IMODE(check.path.stat().st_mode) == 0o600
    assert check.counts["dhr_case"] == 1
    assert "cases: 1" in check.summary_lines()
    assert case_count(check.path) == 1


def test_a_backup_never_overwrites_a_file(database, tmp_path):
    existing = tmp_path / "existing.dhrbak"
    existing.write_bytes(b"keep me")
    with pytest.raises(BackupProblem, match="already exists"):
        backup_to(database, existing)
    assert existing.read_bytes() == b"keep me"
    with pytest.raises(BackupProblem, match="does not exist"):
        backup_to(database, tmp_path / "no-such-folder" / "x.dhrbak")


def test_automatic_backups_keep_the_newest_n_and_leave_other_files(database, tmp_path):
    folder = tmp_path / "backups"
    folder.mkdir()
    other = folder / "notes.txt"
    other.write_text("not a backup")
    made = [automatic_backup(database, folder, keep=3) for _ in range(5)]
    assert automatic_backups(database.path, folder) == made[-3:]
    assert other.exists()


def test_automatic_backups_follow_the_setting_and_default_to_a_folder_beside_the_database(database):
    with database.transaction() as session:
        Settings(session).set(BACKUPS_KEPT, 2)
    made = [automatic_backup(database) for _ in range(3)]
    folder = database.path.parent / "backups"
    assert automatic_backups(database.path, folder) == made[-2:]
    if os.name == "posix":
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_restore_replaces_the_database_and_keeps_the_one_it_replaced(database, database_path, tmp_path):
    backup = backup_to(database, tmp_path / "empty.dhrbak").path
    add_case(database)
    database.close()
    result = restore_backup(database_path, backup, PASSPHRASE)
    assert result.check.counts["dhr_case"] == 0
    assert case_count(database_path) == 0
    assert case_count(result.previous_kept_at) == 1
    if os.name == "posix":
        assert stat.S_IMODE(database_path.stat().st_mode) == 0o600
    assert not list(database_path.parent.glob("*.restoring-*"))


@pytest.mark.parametrize("damage", ["wrong passphrase", "flipped bytes", "plain sqlite", "truncated"])
def test_restore_checks_the_backup_before_touching_anything(database, database_path, tmp_path, damage):
    backup = backup_to(database, tmp_path / "b.dhrbak").path
    add_case(database)
    database.close()
    passphrase = PASSPHRASE
    if damage == "wrong passphrase":
        passphrase = "not the right passphrase"
        expected = WrongPassphraseOrNotDatabase
    elif damage == "flipped bytes":
        data = bytearray(backup.read_bytes())
        middle = len(data) // 2
        data[middle : middle + 16] = bytes(byte ^ 0xFF for byte in data[middle : middle + 16])
        backup.write_bytes(bytes(data))
        expected = StorageError
    elif damage == "truncated":
        backup.write_bytes(backup.read_bytes()[: 4096 * 3])
        expected = StorageError
    else:
        backup.unlink()
        sqlite3.connect(backup).execute("CREATE TABLE app_meta (key, value)").connection.commit()
        expected = PlainSQLiteFile
    before = digest(database_path)
    with pytest.raises(expected):
        restore_backup(database_path, backup, passphrase)
    assert digest(database_path) == before
    assert sorted(path.name for path in database_path.parent.iterdir()) == ["cases.dhrdb"]


def test_restore_refuses_while_the_database_is_open_here(database, tmp_path):
    backup = backup_to(database, tmp_path / "b.dhrbak").path
    with pytest.raises(BackupProblem, match="open in this program"):
        restore_backup(database.path, backup, PASSPHRASE)


def test_restore_removes_a_stale_journal_that_would_damage_the_restored_file(database, database_path, tmp_path):
    add_case(database)
    backup = backup_to(database, tmp_path / "b.dhrbak").path
    database.close()
    journal = database_path.parent / (database_path.name + "-journal")
    journal.write_bytes(os.urandom(4096))  # as if a writer had crashed mid-transaction
    result = restore_backup(database_path, backup, PASSPHRASE)
    assert not journal.exists()
    assert (result.previous_kept_at.parent / (result.previous_kept_at.name + "-journal")).exists()
    with open_database(database_path, PASSPHRASE) as restored, restored.engine.connect() as connection:
        assert connection.execute(text("PRAGMA cipher_integrity_check")).all() == []
        assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok"


def test_the_database_uses_a_rollback_journal_and_a_copy_refuses_wal(database, tmp_path):
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "delete"
    plain = tmp_path / "wal.db"
    engine = create_engine(f"sqlite:///{plain}")
    with engine.connect() as connection:
        connection.exec_driver_sql("PRAGMA journal_mode = WAL")
        with pytest.raises(StorageError, match="WAL"):
            copy_encrypted(engine, plain, tmp_path / "copy.db")
    engine.dispose()
    assert not (tmp_path / "copy.db").exists()


def test_a_backup_taken_during_another_transaction_holds_only_committed_data(database, tmp_path):
    add_case(database, reference="DHR-2025-01")
    with database.transaction() as session:
        create_case(
            session,
            today=TODAY,
            reference="DHR-2025-02",
            pseudonym="Uncommitted",
            notified_on=dt.date(2025, 3, 4),
            csp_area="Swale",
        )
        session.flush()
        # The writer has flushed but not committed; the backup must hold the committed state only.
        check = backup_to(database, tmp_path / "mid.dhrbak")
    assert check.counts["dhr_case"] == 1
    assert case_count(database.path) == 2


def test_cli_backup_and_restore(database, database_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    add_case(database)
    out = tmp_path / "cli.dhrbak"
    assert main(["backup", "--db", str(database_path), "--out", str(out)]) == 0
    assert "cases: 1" in capsys.readouterr().out
    assert main(["backup", "--db", str(database_path), "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert main(["backup", "--db", str(database_path), "--into", str(tmp_path / "auto")]) == 0
    assert len([path for path in (tmp_path / "auto").iterdir() if path.suffix == ".dhrbak"]) == 1  # and its checkpoint
    capsys.readouterr()
    database.close()
    assert main(["restore", "--db", str(database_path), "--from", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "cases: 1" in printed and "kept at" in printed
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", "a wrong passphrase here")
    assert main(["restore", "--db", str(database_path), "--from", str(out)]) == 3
    assert "passphrase is wrong" in capsys.readouterr().err
