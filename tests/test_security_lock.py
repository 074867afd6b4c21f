"""One writer per database: a second process is refused with a message naming the holder; stale locks recover."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import socket
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import exc, func, select

from dhr_tracker.cli import main
from dhr_tracker.model import Case
from dhr_tracker.storage.database import open_database
from dhr_tracker.storage.errors import DatabaseInUse
from dhr_tracker.storage.writer_lock import current_holder, lock_path_for
from tests.conftest import PASSPHRASE

REPO = Path(__file__).resolve().parents[1]
HOLDER = """
import os, sys
from dhr_tracker.storage.database import open_database
database = open_database(sys.argv[1], os.environ["DHR_TRACKER_PASSPHRASE"])
print("ready", flush=True)
sys.stdin.readline()
database.close()
print("closed", flush=True)
"""


class Holder:
    """A real second process that opens the database for changes and keeps it until told to stop."""

    def __init__(self, path: Path):
        env = dict(os.environ, DHR_TRACKER_PASSPHRASE=PASSPHRASE, PYTHONPATH=str(REPO))
        self.process = subprocess.Popen(
            [sys.executable, "-c", HOLDER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=REPO,
        )
        line = self.process.stdout.readline()
        assert line.strip() == "ready", self.process.stderr.read()

    @property
    def pid(self) -> int:
        return self.process.pid

    def close(self) -> None:
        self.process.stdin.write("\n")
        self.process.stdin.flush()
        assert self.process.stdout.readline().strip() == "closed"
        self.process.wait(timeout=30)

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)


@pytest.fixture
def holder(database_path):
    process = Holder(database_path)
    yield process
    if process.process.poll() is None:
        process.kill()


def test_a_second_process_is_refused_with_a_message_naming_the_holder(database_path, holder):
    with pytest.raises(DatabaseInUse) as refused:
        open_database(database_path, PASSPHRASE)
    message = refused.value.message
    assert f"process {holder.pid}" in message
    assert socket.gethostname() in message
    assert "close DHR Tracker" in message
    holder.close()
    open_database(database_path, PASSPHRASE).close()  # free again once the holder closed


def test_the_cli_refuses_changes_but_allows_reading_while_another_process_writes(
    database_path, holder, tmp_path, monkeypatch, capsys
):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    backup = tmp_path / "copy.dhrbak"
    assert main(["backup", "--db", str(database_path), "--out", str(backup)]) == 0
    assert main(["audit", "verify", "--db", str(database_path)]) == 0
    capsys.readouterr()
    before = database_path.read_bytes()
    assert main(["restore", "--db", str(database_path), "--from", str(backup)]) == 1
    assert f"process {holder.pid}" in capsys.readouterr().err
    monkeypatch.setenv("DHR_TRACKER_NEW_PASSPHRASE", "a different long passphrase")
    assert main(["passphrase", "--db", str(database_path)]) == 1
    assert f"process {holder.pid}" in capsys.readouterr().err
    assert database_path.read_bytes() == before


def test_a_lock_left_by_a_killed_process_is_recovered(database_path, holder):
    holder.kill()
    assert current_holder(database_path).pid == holder.pid  # the file is still there, naming the dead process
    with open_database(database_path, PASSPHRASE) as database, database.transaction() as session:
        assert session.scalar(select(func.count(Case.id))) == 0
        assert current_holder(database_path).pid == os.getpid()
    assert not lock_path_for(database_path).exists()


def test_a_stale_lock_file_of_a_dead_process_on_this_computer_is_taken_over(database_path):
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True, check=True
    )
    dead_pid = int(finished.stdout)
    lock_path_for(database_path).write_text(
        json.dumps(
            {"pid": dead_pid, "host": socket.gethostname(), "user": "someone", "started": "2026-01-01T09:00:00+00:00"}
        )
    )
    with open_database(database_path, PASSPHRASE):
        assert current_holder(database_path).pid == os.getpid()


def test_a_lock_file_from_another_computer_is_not_taken_over(database_path):
    lock_path_for(database_path).write_text(
        json.dumps({"pid": 4242, "host": "other-laptop", "user": "coordinator", "started": "2026-01-01T09:00:00+00:00"})
    )
    with pytest.raises(DatabaseInUse) as refused:
        open_database(database_path, PASSPHRASE)
    assert "process 4242 of user coordinator on computer other-laptop" in refused.value.message
    assert "delete the lock file" in refused.value.message
    assert current_holder(database_path).host == "other-laptop"


def test_the_lock_file_is_owner_only_names_this_process_and_goes_on_close(database_path):
    database = open_database(database_path, PASSPHRASE)
    lock = lock_path_for(database_path)
    if os.name == "posix":
        assert stat.S_IMODE(lock.stat().st_mode) == 0o600
    holder = current_holder(database_path)
    assert (holder.pid, holder.host) == (os.getpid(), socket.gethostname())
    database.close()
    database.close()  # twice is harmless
    assert not lock.exists()


def test_one_process_may_open_the_same_database_twice(database_path):
    first = open_database(database_path, PASSPHRASE)
    second = open_database(database_path, PASSPHRASE)
    first.close()
    assert lock_path_for(database_path).exists()  # still held for the second
    second.close()
    assert not lock_path_for(database_path).exists()


def test_read_only_takes_no_lock_and_refuses_writes(database_path, holder):
    with open_database(database_path, PASSPHRASE, read_only=True) as database:
        assert current_holder(database_path).pid == holder.pid
        with pytest.raises(exc.OperationalError, match="readonly|read-only|query_only|attempt to write"):
            with database.transaction() as session:
                session.add(Case(reference="X-1", pseudonym="P", notified_on=dt.date(2025, 1, 1)))


def test_without_operating_system_locks_a_live_holder_still_refuses(database_path, holder, monkeypatch):
    """On a file system that cannot lock (some network shares) the lock file's content decides."""
    import fcntl

    def no_locks(descriptor, operation):
        raise OSError(38, "Function not implemented")

    monkeypatch.setattr(fcntl, "flock", no_locks)
    with pytest.raises(DatabaseInUse, match=f"process {holder.pid}"):
        open_database(database_path, PASSPHRASE)
    holder.kill()
    with open_database(database_path, PASSPHRASE):  # its process is gone: the lock is stale
        assert current_holder(database_path).pid == os.getpid()
