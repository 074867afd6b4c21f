"""The smaller hardening items: each test fails without its fix."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from dhr_tracker.cli import main
from dhr_tracker.storage.backups import backup_to, restore_backup
from dhr_tracker.storage.database import open_database
from dhr_tracker.storage.errors import DatabaseInUse
from dhr_tracker.storage.writer_lock import LockFileRefused, lock_path_for
from tests.conftest import PASSPHRASE
from tests.test_security_lock import Holder

posix_only = pytest.mark.skipif(os.name != "posix", reason="POSIX links and modes")


@posix_only
def test_a_symbolic_link_planted_at_the_lock_path_is_refused_and_its_target_untouched(database_path, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    lock_path_for(database_path).symlink_to(victim)
    with pytest.raises(LockFileRefused, match="symbolic link"):
        open_database(database_path, PASSPHRASE)
    assert victim.read_text() == "precious"


@posix_only
def test_a_hard_link_planted_at_the_lock_path_is_refused_and_its_target_untouched(database_path, tmp_path):
    victim = tmp_path / "victim.txt"
    victim.write_text("precious")
    os.link(victim, lock_path_for(database_path))
    with pytest.raises(LockFileRefused, match="hard link"):
        open_database(database_path, PASSPHRASE)
    assert victim.read_text() == "precious"


@posix_only
def test_a_second_path_to_the_same_file_does_not_let_a_second_writer_in(database_path, tmp_path):
    second_name = tmp_path / "other-name.dhrdb"
    os.link(database_path, second_name)
    holder = Holder(database_path)
    try:
        with pytest.raises(DatabaseInUse, match="open for changes"):
            open_database(second_name, PASSPHRASE)
    finally:
        holder.close()
    open_database(second_name, PASSPHRASE).close()


@posix_only
def test_within_one_process_a_second_path_shares_the_one_lock(database_path, tmp_path):
    second_name = tmp_path / "other-name.dhrdb"
    os.link(database_path, second_name)
    with open_database(database_path, PASSPHRASE) as first, open_database(second_name, PASSPHRASE) as second:
        assert first.path != second.path
        assert not lock_path_for(second_name).exists()  # the file's one lock, not a second one by path


def hot_journal_world(database, tmp_path):
    """A backup to restore, and the database left with a journal as a crashed writer would leave it."""
    backup = backup_to(database, tmp_path / "good.dhrbak").path
    database.close()
    journal = Path(f"{database.path}-journal")
    journal.write_bytes(b"a crashed writer's journal " * 40)
    return backup, journal


def test_restore_never_leaves_the_old_database_without_its_journal(database, tmp_path, monkeypatch):
    backup, journal = hot_journal_world(database, tmp_path)
    real_replace = os.replace

    def crash_at_the_swap(source, target):
        if str(source).endswith(tuple("0123456789Z")) and ".restoring-" in str(source):
            raise KeyboardInterrupt("power cut")
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", crash_at_the_swap)
    with pytest.raises(KeyboardInterrupt):
        restore_backup(database.path, backup, PASSPHRASE)
    assert journal.exists(), "the old database must keep its journal until the restored file is in place"


def test_a_restore_stopped_after_the_swap_is_finished_at_the_next_open(database, tmp_path, monkeypatch):
    backup, journal = hot_journal_world(database, tmp_path)
    real_unlink = Path.unlink

    def crash_at_the_journal(self, missing_ok=False):
        if self == journal:
            raise KeyboardInterrupt("power cut")
        return real_unlink(self, missing_ok=missing_ok)

    monkeypatch.setattr(Path, "unlink", crash_at_the_journal)
    with pytest.raises(KeyboardInterrupt):
        restore_backup(database.path, backup, PASSPHRASE)
    monkeypatch.undo()
    assert journal.exists()
    with pytest.raises(Exception, match="interrupted just after it swapped"):
        open_database(database.path, PASSPHRASE, read_only=True)
    with open_database(database.path, PASSPHRASE) as reopened, reopened.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    assert not journal.exists()
    [kept_journal] = tmp_path.rglob("*.before-restore-*-journal")
    assert kept_journal.read_bytes().startswith(b"a crashed writer's journal")


def test_copies_left_half_done_by_a_crash_are_removed_at_the_next_open(database, tmp_path):
    path = database.path
    database.close()
    partial = path.with_name(path.stem + ".before-upgrade-from-0001-20261201T000000Z.dhrdb.partial")
    partial.write_bytes(b"\x00" * 100)
    staged = path.with_name(path.name + ".restoring-20261201T000000000000Z")
    shutil.copyfile(path, staged)
    other = path.with_name("someone-elses.partial")
    other.write_bytes(b"not ours")
    open_database(path, PASSPHRASE).close()
    assert not partial.exists() and not staged.exists()
    assert other.exists()


KILLED_MID_COPY = """
import os, shutil, sys
from pathlib import Path
from dhr_tracker.storage.files import copy_to_new_owner_only_file

def killed(source, target, *args):
    target.write(source.read(100))
    target.flush()
    os._exit(9)  # a kill: no exception handler, no cleanup runs

shutil.copyfileobj = killed
copy_to_new_owner_only_file(Path(sys.argv[1]), Path(sys.argv[2]))
"""


def test_a_copy_killed_midway_is_never_left_truncated_under_its_real_name(database_path, tmp_path):
    import subprocess
    import sys

    from tests.test_security_lock import REPO

    target = database_path.with_name(database_path.stem + ".before-upgrade-from-0001-20261201T000000Z.dhrdb")
    finished = subprocess.run(
        [sys.executable, "-c", KILLED_MID_COPY, str(database_path), str(target)],
        cwd=REPO,
        env=dict(os.environ, PYTHONPATH=str(REPO)),
    )
    assert finished.returncode == 9
    assert not target.exists()
    open_database(database_path, PASSPHRASE).close()  # and the next open clears the half copy
    assert not any(path.name.endswith(".partial") for path in database_path.parent.iterdir())


@posix_only
def test_the_data_folder_is_created_owner_only(tmp_path, monkeypatch):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    os.umask(0o022)
    target = tmp_path / "new-folder" / "cases.dhrdb"
    assert main(["init", "--db", str(target)]) == 0
    assert stat.S_IMODE(target.parent.stat().st_mode) == 0o700


def test_a_byte_order_mark_is_not_part_of_the_passphrase(database_path, tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"\xef\xbb\xbf" + PASSPHRASE.encode("utf-8") + b"\r\n")
    os.chmod(secret, 0o600)
    assert main(["cases", "--db", str(database_path), "--passphrase-file", str(secret)]) == 0
    assert "Warning" not in capsys.readouterr().err


@posix_only
def test_a_passphrase_file_others_can_read_is_warned_about(database_path, tmp_path, capsys):
    secret = tmp_path / "secret.txt"
    secret.write_text(PASSPHRASE + "\n")
    os.chmod(secret, 0o644)
    assert main(["cases", "--db", str(database_path), "--passphrase-file", str(secret)]) == 0
    err = capsys.readouterr().err
    assert "can be read by other users (mode 644)" in err and f"chmod 600 {secret}" in err


def test_a_damaged_first_page_is_reported_as_damage_not_a_wrong_passphrase(database_path, monkeypatch, capsys):
    data = bytearray(database_path.read_bytes())
    data[200:208] = b"\xff" * 8  # inside the first page, after the salt
    database_path.write_bytes(bytes(data))
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    assert main(["cases", "--db", str(database_path)]) == 1
    assert "first page" in capsys.readouterr().err
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", "not the passphrase at all")
    assert main(["cases", "--db", str(database_path)]) == 3
    assert "passphrase is wrong" in capsys.readouterr().err


@pytest.mark.parametrize("content", [b"", b"SQLite format 3\x00" + b"\x00" * 4080])
def test_an_empty_or_plain_sqlite_file_exits_3(tmp_path, monkeypatch, capsys, content):
    path = tmp_path / "not-ours.dhrdb"
    path.write_bytes(content)
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    assert main(["cases", "--db", str(path)]) == 3
    assert "not a DHR Tracker database" in capsys.readouterr().err
