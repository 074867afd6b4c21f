"""One writer per database: a lock file beside it, held by an operating-system lock while the app runs.

The file (`<database>.lock`, owner-only) says who holds the database: process id, computer, user and
when it started, so a refusal can name the holder. The operating-system lock on it (`flock` on POSIX,
`msvcrt.locking` on Windows) is what actually excludes a second writer: the system releases it when
the holding process ends in any way, so a lock left by a crash is stale by construction and the next
opener takes it over. A lock file naming another computer (a database on a shared drive) is never
taken over automatically: that computer may still be using the file.

Within one process the lock is shared: opening the same database twice in one process (a report
worker, a CLI command run in-process by a test) is allowed and counted.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import json
import logging
import os
import socket
import stat
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from dhr_tracker.os_user import os_user
from dhr_tracker.storage.errors import DatabaseInUse, StorageError
from dhr_tracker.storage.files import OWNER_ONLY

log = logging.getLogger(__name__)

# `sys.platform`, not `os.name`: mypy understands it and checks each branch only for its own platform.
if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    _LOCKED_OFFSET = 1 << 20  # lock a byte far past the text, so other processes can still read who holds it

    def _try_os_lock(descriptor: int) -> bool:
        os.lseek(descriptor, _LOCKED_OFFSET, os.SEEK_SET)
        try:
            msvcrt.locking(descriptor, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

    def _os_unlock(descriptor: int) -> None:
        os.lseek(descriptor, _LOCKED_OFFSET, os.SEEK_SET)
        msvcrt.locking(descriptor, msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _try_os_lock(descriptor: int) -> bool:
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        except OSError:  # a file system without locks (some network shares): fall back on the file's content
            return _no_live_holder(descriptor)
        return True

    def _os_unlock(descriptor: int) -> None:
        with contextlib.suppress(OSError):
            fcntl.flock(descriptor, fcntl.LOCK_UN)


def lock_path_for(database_path: Path) -> Path:
    return database_path.with_name(database_path.name + ".lock")


def current_user() -> str:
    """The operating-system user (from the OS itself, never the environment: `dhr_tracker.os_user`)."""
    return os_user()


@dataclass(frozen=True)
class Holder:
    """Who holds a database for writing, as written in its lock file."""

    pid: int
    host: str
    user: str
    started: str  # ISO 8601 UTC

    @classmethod
    def of_this_process(cls) -> Holder:
        started = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        return cls(os.getpid(), socket.gethostname(), current_user(), started)

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        try:
            data = json.loads(text)
            return cls(int(data["pid"]), str(data["host"]), str(data["user"]), str(data["started"]))
        except (ValueError, KeyError, TypeError):
            return None

    def to_text(self) -> str:
        return json.dumps({"pid": self.pid, "host": self.host, "user": self.user, "started": self.started})

    def describe(self) -> str:
        try:
            started = dt.datetime.fromisoformat(self.started).astimezone().strftime("%d/%m/%Y %H:%M")
        except ValueError:
            started = self.started
        return f"process {self.pid} of user {self.user} on computer {self.host}, since {started}"


def in_use_message(database_path: Path, holder: Holder | None) -> str:
    who = holder.describe() if holder else "another DHR Tracker process"
    return (
        f"{database_path} is open for changes in {who}. Only one program may change the database at a time: "
        "close DHR Tracker (or let the command finish) there, then try again."
    )


def _pid_alive(pid: int) -> bool:
    if pid <= 0:
        return False
    if sys.platform == "win32":  # pragma: no cover
        return True  # cannot tell cheaply; the operating-system lock already decided
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _no_live_holder(descriptor: int) -> bool:
    """Without an operating-system lock: free unless the file names a live process here, or another computer."""
    holder = _read_holder(descriptor)
    if holder is None or holder.pid == os.getpid():
        return True
    if holder.host != socket.gethostname():
        return True  # refused with its own message by `_acquire`, which reads the file again
    return not _pid_alive(holder.pid)


class WriterLock:
    """The held lock for one database file. Release it with `release()` (idempotent)."""

    def __init__(self, database_path: Path, descriptor: int, lock_path: Path):
        self.database_path = database_path
        self.lock_path = lock_path
        self._descriptor: int | None = descriptor
        self._file_lock: int | None = None  # the database file itself, locked too (Linux)

    @property
    def held(self) -> bool:
        return self._descriptor is not None

    def _release_now(self) -> None:
        if self._descriptor is None:
            return
        descriptor, self._descriptor = self._descriptor, None
        # Remove the file while still holding the lock; an opener that opened the old file will see
        # that the path no longer names what it locked, and start again (see `_acquire`).
        with contextlib.suppress(OSError):
            self.lock_path.unlink(missing_ok=True)
        try:
            _os_unlock(descriptor)
        finally:
            os.close(descriptor)
            if self._file_lock is not None:
                os.close(self._file_lock)  # closing drops its flock
                self._file_lock = None

    def release(self) -> None:
        _REGISTRY.release(self)


def _read_holder(descriptor: int) -> Holder | None:
    os.lseek(descriptor, 0, os.SEEK_SET)
    data = os.read(descriptor, 4096)
    return Holder.parse(data.decode("utf-8", "replace")) if data.strip() else None


def _read_holder_at(lock_path: Path) -> Holder | None:
    try:
        return Holder.parse(lock_path.read_text(encoding="utf-8"))
    except OSError:
        return None


class LockFileRefused(StorageError):
    """The lock file's path holds something DHR Tracker did not put there (a link, a folder, a device)."""


def _open_lock_file(lock_path: Path) -> int:
    """Open (creating) the lock file itself: never through a symbolic link, never another file's hard link.

    The lock file is truncated and written, so a link planted at `<database>.lock` would make DHR Tracker
    overwrite whatever it points at.
    """
    planted = (
        f"{lock_path} is not DHR Tracker's lock file ({{what}}). Someone or something put it there; "
        "nothing was changed. Delete it, then open the database again."
    )
    flags = (
        os.O_RDWR
        | os.O_CREAT
        | getattr(os, "O_BINARY", 0)
        | getattr(os, "O_NOFOLLOW", 0)
        | getattr(os, "O_NONBLOCK", 0)
    )
    if os.path.islink(lock_path):  # also where O_NOFOLLOW does not exist (Windows)
        raise LockFileRefused(planted.format(what="a symbolic link"))
    try:
        descriptor = os.open(lock_path, flags, OWNER_ONLY)
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise LockFileRefused(planted.format(what="a symbolic link")) from None
        if error.errno in (errno.EISDIR, errno.ENXIO):
            raise LockFileRefused(planted.format(what="not a plain file")) from None
        raise
    facts = os.fstat(descriptor)
    problem = (
        "not a plain file"
        if not stat.S_ISREG(facts.st_mode)
        else "a second name for another file (a hard link)"
        if facts.st_nlink > 1
        else ""
    )
    if problem:
        os.close(descriptor)
        raise LockFileRefused(planted.format(what=problem))
    if hasattr(os, "set_blocking"):
        os.set_blocking(descriptor, True)
    return descriptor


def _database_identity(database_path: Path) -> tuple:
    """The file itself (device and inode), so a second path to it (a hard link, a symbolic link) is the same database."""
    try:
        facts = os.stat(database_path)
    except FileNotFoundError:
        return ("path", os.path.realpath(database_path))
    return ("file", facts.st_dev, facts.st_ino)


def _lock_database_file(database_path: Path) -> int | None:
    """On Linux, also lock the database file itself, which every path to it shares (hard links included).

    `flock` on Linux is independent of the POSIX record locks SQLite takes on the same file, so this
    never gets in SQLite's way; elsewhere the lock file alone is used (documented in docs/SECURITY.md).
    Closing this descriptor drops any POSIX lock this process holds on the file (a POSIX rule), so it is
    closed only when the last writer of the file in this process has closed its connections (or at once,
    when the file is busy); a read-only connection of this process to the same file, mid-read at that
    moment, would lose its lock, the same hazard `storage.backups.copy_encrypted` has when it closes its copy.
    """
    # A block under the platform test (not an early return): mypy then reads the flock for Linux only.
    if sys.platform == "linux" and database_path.exists():
        descriptor = os.open(database_path, os.O_RDONLY)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(descriptor)
            return -1
        except OSError:  # no flock on this file system: the lock file decides
            os.close(descriptor)
            return None
        return descriptor
    return None


def _acquire(database_path: Path) -> WriterLock:
    lock_path = lock_path_for(database_path)
    me = Holder.of_this_process()
    file_lock = _lock_database_file(database_path)
    if file_lock == -1:
        holder = _read_holder_at(lock_path)
        raise DatabaseInUse(
            in_use_message(database_path, holder)
            if holder
            else (
                f"{database_path} is open for changes in another DHR Tracker process, under another name for the same file "
                "(a link). Only one program may change the database at a time: close it there, then try again."
            )
        )
    try:
        lock = _acquire_lock_file(database_path, lock_path, me)
    except BaseException:
        if file_lock is not None:
            os.close(file_lock)
        raise
    lock._file_lock = file_lock
    return lock


def _acquire_lock_file(database_path: Path, lock_path: Path, me: Holder) -> WriterLock:
    for _attempt in range(20):
        descriptor = _open_lock_file(lock_path)
        try:
            if not _try_os_lock(descriptor):
                raise DatabaseInUse(
                    in_use_message(database_path, _read_holder(descriptor) or _read_holder_at(lock_path))
                )
            try:
                same_file = os.path.samestat(os.fstat(descriptor), os.stat(lock_path))
            except FileNotFoundError:
                same_file = False
            if not same_file:  # the holder removed the file between our open and our lock: start again
                _os_unlock(descriptor)
                os.close(descriptor)
                continue
            previous = _read_holder(descriptor)
            if previous is not None and previous.host != me.host:
                _os_unlock(descriptor)
                raise DatabaseInUse(
                    in_use_message(database_path, previous)
                    + f" If that computer is no longer using it, delete the lock file {lock_path} and try again."
                )
            if previous is not None:
                # Same computer and we hold the operating-system lock: the process that wrote this ended
                # without releasing it (a crash or a power cut). Its pid may even have been reused since.
                log.info(
                    "Recovered a stale lock left by process %s (running now: %s).",
                    previous.pid,
                    _pid_alive(previous.pid),
                )
            os.ftruncate(descriptor, 0)
            os.lseek(descriptor, 0, os.SEEK_SET)
            os.write(descriptor, me.to_text().encode("utf-8"))
            os.fsync(descriptor)
            if sys.platform != "win32":
                os.fchmod(descriptor, OWNER_ONLY)
            return WriterLock(database_path, descriptor, lock_path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.close(descriptor)
            raise
    raise DatabaseInUse(in_use_message(database_path, _read_holder_at(lock_path)))


class _Registry:
    """The locks this process holds, shared and counted per database file."""

    def __init__(self) -> None:
        self._guard = threading.Lock()
        self._held: dict[tuple, tuple[WriterLock, int]] = {}

    def acquire(self, database_path: Path) -> WriterLock:
        key = _database_identity(database_path)
        with self._guard:
            if key in self._held:
                lock, count = self._held[key]
                self._held[key] = (lock, count + 1)
                return lock
            lock = _acquire(database_path)
            self._held[key] = (lock, 1)
            return lock

    def release(self, lock: WriterLock) -> None:
        with self._guard:
            for key, (held, count) in list(self._held.items()):
                if held is lock:
                    if count > 1:
                        self._held[key] = (held, count - 1)
                        return
                    del self._held[key]
                    break
            lock._release_now()

    def holds(self, database_path: Path) -> bool:
        with self._guard:
            return _database_identity(database_path) in self._held

    def forget_after_fork(self) -> None:
        """In a forked child: the parent's locks are the parent's (flock is shared with it); drop them."""
        self._guard = threading.Lock()
        self._held = {}


_REGISTRY = _Registry()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_REGISTRY.forget_after_fork)


def acquire_writer_lock(database_path: Path) -> WriterLock:
    """Take the database for writing, or raise DatabaseInUse naming the process that holds it."""
    return _REGISTRY.acquire(Path(database_path))


def current_holder(database_path: Path) -> Holder | None:
    """Who the lock file says holds the database (None when nobody does); for messages and tests."""
    return _read_holder_at(lock_path_for(Path(database_path)))


def held_by_this_process(database_path: Path) -> bool:
    """Whether this process has the database open for changes."""
    return _REGISTRY.holds(Path(database_path))
