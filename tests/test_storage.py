"""Creating and opening encrypted databases, and every way opening can fail with the file untouched."""

from __future__ import annotations

import hashlib
import sqlite3
import stat

import pytest
import sqlcipher3
from sqlalchemy import func, select, text

from dhr_tracker.model import Agency, CspArea
from dhr_tracker.storage.database import create_database, open_database
from dhr_tracker.storage.errors import (
    DatabaseEmpty,
    DatabaseExists,
    DatabaseMissing,
    NewerSchema,
    NotDhrTrackerDatabase,
    PassphraseRejected,
    PlainSQLiteFile,
    WrongPassphraseOrNotDatabase,
)
from tests.conftest import PASSPHRASE


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_new_database_is_encrypted_owner_only_and_holds_the_reference_data(tmp_path):
    path = tmp_path / "new.dhrdb"
    with create_database(path, PASSPHRASE, PASSPHRASE) as database, database.transaction() as session:
        assert session.scalar(select(func.count(CspArea.id))) == 12  # 11 Kent CSPs and Medway
        assert session.scalar(select(Agency.id).where(Agency.name == "Kent Police")) is not None
    assert not path.read_bytes().startswith(b"SQLite format 3")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    with pytest.raises(sqlite3.DatabaseError):
        sqlite3.connect(path).execute("SELECT count(*) FROM sqlite_master").fetchone()


def test_foreign_keys_are_enforced(database):
    with database.engine.connect() as connection:
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1


@pytest.mark.parametrize(
    ("passphrase", "confirmation", "words"),
    [("short pass", "short pass", "at least 12"), ("a long passphrase", "a long passphrasE", "do not match")],
)
def test_a_refused_passphrase_writes_nothing(tmp_path, passphrase, confirmation, words):
    path = tmp_path / "new.dhrdb"
    with pytest.raises(PassphraseRejected, match=words):
        create_database(path, passphrase, confirmation)
    assert list(tmp_path.iterdir()) == []


def test_create_never_overwrites(database_path):
    before = digest(database_path)
    with pytest.raises(DatabaseExists):
        create_database(database_path, PASSPHRASE, PASSPHRASE)
    assert digest(database_path) == before


def test_reopening_with_the_passphrase_finds_the_data(database_path):
    with open_database(database_path, PASSPHRASE) as database, database.transaction() as session:
        assert session.scalar(select(func.count(Agency.id))) > 20


def test_missing_file(tmp_path):
    with pytest.raises(DatabaseMissing, match="no database at"):
        open_database(tmp_path / "nowhere.dhrdb", PASSPHRASE)
    assert list(tmp_path.iterdir()) == []


def test_empty_file_is_left_empty(tmp_path):
    path = tmp_path / "empty.dhrdb"
    path.touch()
    with pytest.raises(DatabaseEmpty, match="empty file"):
        open_database(path, PASSPHRASE)
    assert path.read_bytes() == b""


def test_plain_sqlite_file_is_recognised_and_untouched(tmp_path):
    path = tmp_path / "plain.db"
    with sqlite3.connect(path) as connection:
        connection.execute("CREATE TABLE cases (name TEXT)")
    before = digest(path)
    with pytest.raises(PlainSQLiteFile, match="unencrypted SQLite"):
        open_database(path, PASSPHRASE)
    assert digest(path) == before


def test_someone_elses_encrypted_database_is_recognised_and_untouched(tmp_path):
    path = tmp_path / "other.db"
    connection = sqlcipher3.connect(str(path))
    connection.execute(f"PRAGMA key = '{PASSPHRASE}'")
    connection.execute("CREATE TABLE secrets (value TEXT)")
    connection.commit()
    connection.close()
    before = digest(path)
    with pytest.raises(NotDhrTrackerDatabase, match="does not belong to DHR Tracker"):
        open_database(path, PASSPHRASE)
    assert digest(path) == before


def test_wrong_passphrase_says_both_possibilities_and_leaves_the_file(database_path, capfd):
    before = digest(database_path)
    with pytest.raises(WrongPassphraseOrNotDatabase) as refused:
        open_database(database_path, "not the right passphrase")
    assert "passphrase is wrong, or the file is not a DHR Tracker database" in refused.value.message
    assert refused.value.exit_code == 3
    assert digest(database_path) == before
    captured = capfd.readouterr()
    assert captured.out == "" and captured.err == ""  # cipher_log_level = NONE: no library noise


def test_random_bytes_read_as_wrong_passphrase(tmp_path):
    path = tmp_path / "noise.dhrdb"
    path.write_bytes(bytes(range(256)) * 64)
    with pytest.raises(WrongPassphraseOrNotDatabase):
        open_database(path, PASSPHRASE)


def test_a_newer_schema_is_refused_and_untouched(database_path):
    with open_database(database_path, PASSPHRASE) as database, database.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999_from_the_future'"))
    before = digest(database_path)
    with pytest.raises(NewerSchema, match="newer version of DHR Tracker"):
        open_database(database_path, PASSPHRASE)
    assert digest(database_path) == before
    assert sorted(p.name for p in database_path.parent.iterdir()) == [database_path.name]
