"""Crash safety: a writer process killed (SIGKILL) at random moments, 200 times, never loses a commit.

Each round forks a fresh writer that opens the database like the app does (writer lock, key, schema
check) and commits small transactions (a new case, a change to an earlier one, their audit entries),
reporting each case reference on a pipe only after its commit returned. The parent kills it after a
random number of reports (sometimes before it has even opened the database), then reopens the
database: it must open (taking over the dead writer's lock), pass SQLCipher's and SQLite's integrity
checks and the audit chain check, and hold every reported case.

Budget: opening with the passphrase costs a key derivation (~0.14 s, more on a busy machine) in
every process, which 400 opens cannot afford; the rounds open with the raw key derived once here
from the same passphrase and salt (SQLCipher's `x'...'` key form). Everything else is the real path.
"""

from __future__ import annotations

import datetime as dt
import gc
import hashlib
import os
import random
import select
import shutil
import signal
import tempfile
from pathlib import Path

import pytest
from sqlalchemy import event, text
from sqlalchemy import select as sql_select

from dhr_tracker.casework.cases import create_case, update_case
from dhr_tracker.model import Case
from dhr_tracker.security.audit import verify_chain
from dhr_tracker.storage import migrate
from dhr_tracker.storage.database import open_database
from tests.conftest import PASSPHRASE

ROUNDS = 200
GUARD_SECONDS = 60  # only a guard against a hung child; never reached when things work
TODAY = dt.date(2026, 11, 23)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork (POSIX)"),
]


def raw_key(path) -> str:
    """SQLCipher 4's key for this passphrase and file: PBKDF2-HMAC-SHA512, 256 000 rounds, the file's salt."""
    salt = path.read_bytes()[:16]
    return "x'" + hashlib.pbkdf2_hmac("sha512", PASSPHRASE.encode(), salt, 256_000, 32).hex() + "'"


def writer(path, key: str, round_number: int, report_fd: int) -> None:
    """The child: commit transactions until killed, reporting each committed reference."""
    rng = random.Random(round_number)
    database = open_database(path, key)
    if round_number % 2:
        # A tiny page cache makes SQLite write pages into the database file before the commit, as a
        # large transaction does: only the rollback journal can then undo a half-written transaction.
        event.listen(database.engine, "checkout", lambda connection, *_: connection.execute("PRAGMA cache_size = 5"))
    os.write(report_fd, b"open\n")
    for serial in range(100_000):
        reference = f"CR-{round_number}-{serial}"
        with database.transaction() as session:
            create_case(
                session,
                today=TODAY,
                reference=reference,
                pseudonym=f"P{rng.randrange(10**6)}",
                notified_on=dt.date(2025, 1, 1) + dt.timedelta(days=rng.randrange(300)),
                csp_area="Swale",
                notes="x" * rng.randrange(4000),
            )
            earlier = session.scalar(sql_select(Case).order_by(Case.id.desc()).offset(rng.randrange(1, 20)).limit(1))
            if earlier is not None:
                update_case(session, earlier, today=TODAY, notes=f"changed in round {round_number}")
        os.write(report_fd, f"{reference}\n".encode())


def run_round(path, key: str, round_number: int, rng: random.Random) -> set[str]:
    """Fork a writer, kill it at a random moment, return the references it reported committed."""
    read_fd, write_fd = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child's coverage is not collected
        try:
            os.close(read_fd)
            writer(path, key, round_number, write_fd)
        finally:
            os._exit(0)
    os.close(write_fd)
    # How many commits to wait for before the kill; None kills it before it has even opened the database.
    wanted = None if rng.random() < 0.05 else rng.randrange(0, 5)
    lines: list[str] = []
    buffer = b""
    try:
        while wanted is not None and len(lines) < wanted + 1:  # "open", then `wanted` references
            ready, _, _ = select.select([read_fd], [], [], GUARD_SECONDS)
            if not ready:
                raise AssertionError(f"round {round_number}: the writer reported nothing for {GUARD_SECONDS} s")
            chunk = os.read(read_fd, 4096)
            if not chunk:
                break
            buffer += chunk
            *complete, buffer = buffer.split(b"\n")
            lines += [line.decode() for line in complete]
    finally:
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
    while chunk := os.read(read_fd, 65536):  # what it reported between our last read and its death
        buffer += chunk
    os.close(read_fd)
    lines += [line.decode() for line in buffer.split(b"\n") if line]
    assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
        f"round {round_number}: the writer ended by itself"
    )
    return {line for line in lines if line != "open"}


def check_database(path, key: str, committed: set[str], round_number: int) -> None:
    with open_database(path, key) as database:  # takes over the killed writer's lock
        with database.engine.connect() as connection:
            assert connection.execute(text("PRAGMA cipher_integrity_check")).all() == [], f"round {round_number}"
            assert connection.execute(text("PRAGMA integrity_check")).scalar() == "ok", f"round {round_number}"
        with database.session() as session:
            present = set(session.scalars(sql_select(Case.reference).where(Case.reference.like("CR-%"))))
            missing = committed - present
            assert not missing, f"round {round_number}: committed but lost: {sorted(missing)[:5]}"
            chain = verify_chain(session)
            assert chain.ok, f"round {round_number}: {chain.problem}"


@pytest.fixture
def fast_database_path(database_path, tmp_path):
    """The test database on a RAM disk when there is one: a SIGKILL leaves the operating system's cache
    intact, so what is tested does not depend on the disk, and every fsync would otherwise cost ~ms."""
    shm = Path("/dev/shm")
    if not (shm.is_dir() and os.access(shm, os.W_OK)):
        yield database_path
        return
    folder = Path(tempfile.mkdtemp(prefix="dhr-crash-", dir=shm))
    try:
        path = folder / database_path.name
        shutil.copyfile(database_path, path)
        yield path
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_killed_writer_never_loses_a_commit_or_damages_the_database(fast_database_path):
    database_path = fast_database_path
    migrate.known_revisions(), migrate.head_revision()  # cached before forking, as the app has them
    key = raw_key(database_path)
    with open_database(database_path, key) as database, database.transaction() as session:
        # Warm the ORM's one-off set-up once here rather than in every child.
        create_case(
            session, today=TODAY, reference="WARM-UP", pseudonym="W", notified_on=dt.date(2025, 1, 1), csp_area="Swale"
        )
    rng = random.Random(20261123)
    committed: set[str] = set()
    gc.freeze()  # children then do not copy every page the collector would touch
    try:
        for round_number in range(ROUNDS):
            committed |= run_round(database_path, key, round_number, rng)
            check_database(database_path, key, committed, round_number)
    finally:
        gc.unfreeze()
    assert len(committed) > ROUNDS  # the writers really did commit, round after round
    with (
        open_database(database_path, PASSPHRASE) as database,
        database.session() as session,
    ):  # and the passphrase opens it
        assert verify_chain(session).ok
