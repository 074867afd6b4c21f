"""Encrypted backups on demand, automatically (keeping the newest N) and before a schema upgrade; verified restore.

A backup is a byte-for-byte copy of the encrypted database file, taken under a read lock
(`copy_encrypted`): it opens with the passphrase the database had when it was taken,
and is never plain text. Restore checks the backup completely before it touches anything, keeps the
database it replaces, and swaps the file in with one atomic rename.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, text

from dhr_tracker.privacy.pseudonyms import pseudonyms_holding_names
from dhr_tracker.privacy.pseudonyms import refusal as pseudonym_refusal
from dhr_tracker.settings import BACKUPS_KEPT, Settings
from dhr_tracker.storage import migrate
from dhr_tracker.storage.errors import NewerSchema, StorageError
from dhr_tracker.storage.files import OWNER_ONLY, copy_to_new_owner_only_file, create_owner_only, restrict_to_owner
from dhr_tracker.storage.sessions import Database
from dhr_tracker.storage.sqlcipher import (
    SQLITE_PLAIN_HEADER,
    check_database_file,
    sqlcipher_engine,
    verify_key_and_owner,
)
from dhr_tracker.storage.writer_lock import acquire_writer_lock, held_by_this_process

BACKUP_SUFFIX = ".dhrbak"
CHECKPOINT_SIDECAR_SUFFIX = ".checkpoint.txt"
BACKUP_FOLDER_NAME = "backups"
# What a restore shows and a backup's check reports, in this order: table -> label.
COUNTED_TABLES = {
    "dhr_case": "cases",
    "milestone": "milestones",
    "recommendation": "recommendations",
    "progress_update": "progress updates",
    "meeting": "meetings",
    "agency": "agencies",
    "audit_entry": "audit entries",
}


class BackupProblem(StorageError):
    """A backup that cannot be written, or does not pass its checks."""


def _stamp() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")


def copy_encrypted(engine: Engine, source: Path, destination: Path) -> Path:
    """Copy the database file while holding a read lock, so that no writer can change it mid-copy.

    Right for the rollback journal the engine sets (journal_mode DELETE): a writer must hold an
    EXCLUSIVE lock to change the main file, which it cannot get while this SHARED lock is held, and
    every committed transaction is wholly in the main file (a crashed writer's hot journal is rolled
    back when this connection takes its lock). In WAL mode committed pages would sit in the -wal file
    and a copy of the main file alone would lose them, so that is refused.
    """
    with engine.connect() as connection:
        journal_mode = str(connection.execute(text("PRAGMA journal_mode")).scalar()).lower()
        if journal_mode == "wal":
            raise StorageError(
                f"{source} is in WAL journal mode, which a file copy cannot back up safely. "
                "Open it with DHR Tracker (which sets the rollback journal) and try again."
            )
        connection.execute(text("SELECT count(*) FROM sqlite_master")).scalar()  # takes the shared lock
        copy_to_new_owner_only_file(source, destination)
        connection.rollback()
    return destination


def backup_before_upgrade(engine: Engine, path: Path, revision: str | None) -> Path:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    destination = path.with_name(f"{path.stem}.before-upgrade-from-{revision or 'none'}-{stamp}{path.suffix}")
    return copy_encrypted(engine, path, destination)


def default_backup_folder(database_path: Path) -> Path:
    """Where automatic backups go unless the user chose a folder: `backups/` beside the database."""
    return Path(database_path).parent / BACKUP_FOLDER_NAME


def _automatic_pattern(database_path: Path) -> re.Pattern[str]:
    return re.compile(re.escape(Path(database_path).stem) + r"-auto-\d{8}T\d{12}Z" + re.escape(BACKUP_SUFFIX) + "$")


@dataclass(frozen=True)
class BackupCheck:
    """What a backup holds, once it has passed every check."""

    path: Path
    schema_revision: str
    counts: dict[str, int] = field(default_factory=dict)  # table -> rows
    pseudonyms_holding_names: list[str] = field(default_factory=list)  # references (see privacy.pseudonyms)
    checkpoint: str = ""  # the head of the backup's audit trail, COUNT:HASH (security.audit.Checkpoint)

    def summary_lines(self) -> list[str]:
        return [f"{label}: {self.counts.get(table, 0)}" for table, label in COUNTED_TABLES.items()]


def verify_backup(path: Path | str, passphrase: str) -> BackupCheck:
    """Open a backup with its passphrase, read-only, and run both integrity checks; count its records.

    Raises a StorageError saying what is wrong (wrong passphrase, not a DHR Tracker file, damaged).
    """
    path = Path(path)
    check_database_file(path)
    engine = sqlcipher_engine(path, passphrase, read_only=True)
    try:
        revision = verify_key_and_owner(engine, path)
        if revision not in migrate.known_revisions():
            raise NewerSchema(path, revision or "unknown")
        with engine.connect() as connection:
            problems = [f"SQLCipher: {row[0]}" for row in connection.execute(text("PRAGMA cipher_integrity_check"))]
            problems += [
                f"SQLite: {row[0]}" for row in connection.execute(text("PRAGMA integrity_check")) if row[0] != "ok"
            ]
            if problems:
                raise BackupProblem(
                    f"The backup {path} is damaged ({'; '.join(problems[:3])}). Choose an older backup."
                )
            tables = (
                connection.execute(
                    text("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
                )
                .scalars()
                .all()
            )
            counts = {name: connection.execute(text(f'SELECT count(*) FROM "{name}"')).scalar_one() for name in tables}
            clashes = pseudonyms_holding_names(connection) if "dhr_case" in tables else []
            last = connection.execute(text("SELECT id, entry_hash FROM audit_entry ORDER BY id DESC LIMIT 1")).first()
            checkpoint = f"{last[0]}:{last[1]}" if last else ""
    except BackupProblem:
        raise
    except StorageError:
        raise
    except Exception as error:  # noqa: BLE001 - a damaged file can fail in many ways inside the driver
        raise BackupProblem(
            f"The backup {path} cannot be read ({error.__class__.__name__}). Choose an older backup."
        ) from None
    finally:
        engine.dispose()
    return BackupCheck(path, revision or "", counts, clashes, checkpoint)


def backup_to(database: Database, destination: Path | str) -> BackupCheck:
    """Write an encrypted backup of an open database to a new file (never over an existing one).

    The new file is then opened with the database's passphrase and checked, and the result says what
    it holds; a file that fails its check is removed.
    """
    destination = Path(destination)
    if destination.exists():
        raise BackupProblem(f"{destination} already exists. Choose a new file name; a backup never overwrites a file.")
    if not destination.parent.is_dir():
        raise BackupProblem(
            f"The folder {destination.parent} does not exist. Create it first, or choose another folder."
        )
    copy_encrypted(database.engine, database.path, destination)
    with destination.open("rb") as handle:
        if handle.read(len(SQLITE_PLAIN_HEADER)) == SQLITE_PLAIN_HEADER:  # never: the source is encrypted
            destination.unlink()
            raise BackupProblem(f"{database.path} is not encrypted; no backup was written.")
    try:
        check = verify_backup(destination, database.engine.url.password or "")
        write_checkpoint_sidecar(check)
        return check
    except BaseException:
        destination.unlink(missing_ok=True)
        checkpoint_sidecar(destination).unlink(missing_ok=True)
        raise


def checkpoint_sidecar(backup: Path) -> Path:
    """The small text file beside a backup that holds its audit checkpoint, readable without the passphrase."""
    return backup.with_name(backup.name + CHECKPOINT_SIDECAR_SUFFIX)


def write_checkpoint_sidecar(check: BackupCheck) -> Path:
    """Write the backup's audit checkpoint beside it: a later rewrite of the trail will not agree with it."""
    sidecar = checkpoint_sidecar(check.path)
    with os.fdopen(create_owner_only(sidecar), "w", encoding="utf-8", newline="\n") as handle:
        handle.write(
            f"DHR Tracker backup {check.path.name}\naudit checkpoint {check.checkpoint}\n"
            f"check it with: dhr-tracker audit verify --checkpoint {check.checkpoint}\n"
        )
    return sidecar


def automatic_backup(database: Database, folder: Path | str | None = None, *, keep: int | None = None) -> Path:
    """Back up into `folder` (default: `backups/` beside the database) and keep only the newest `keep`.

    `keep` defaults to the setting "Automatic backups kept". Only this database's automatic backups
    (`<name>-auto-<UTC time>.dhrbak`) are ever removed; other files in the folder are left alone.
    """
    folder = Path(folder) if folder is not None else default_backup_folder(database.path)
    if keep is None:
        with database.session() as session:
            keep = Settings(session).get(BACKUPS_KEPT)
    keep = max(1, int(keep))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    destination = folder / f"{database.path.stem}-auto-{_stamp()}{BACKUP_SUFFIX}"
    backup_to(database, destination)
    prune_automatic_backups(database.path, folder, keep)
    return destination


def automatic_backups(database_path: Path, folder: Path) -> list[Path]:
    """This database's automatic backups in `folder`, oldest first."""
    pattern = _automatic_pattern(database_path)
    return sorted(path for path in Path(folder).iterdir() if pattern.match(path.name))


def prune_automatic_backups(database_path: Path, folder: Path, keep: int) -> list[Path]:
    backups = automatic_backups(database_path, folder)
    removed = backups[: max(0, len(backups) - keep)]
    for path in removed:
        path.unlink(missing_ok=True)
        checkpoint_sidecar(path).unlink(missing_ok=True)
    return removed


@dataclass(frozen=True)
class RestoreResult:
    restored_from: Path
    check: BackupCheck
    previous_kept_at: Path | None  # the database that was replaced, kept beside it (encrypted)


def _fsync_directory(folder: Path) -> None:
    if os.name != "posix":
        return
    descriptor = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def restore_backup(database_path: Path | str, backup_path: Path | str, passphrase: str) -> RestoreResult:
    """Replace the database with a backup, after checking the backup opens with `passphrase` and is whole.

    Nothing is touched until the backup has passed. The database being replaced must not be open for
    changes anywhere (the single-writer lock is taken for the whole restore); it is kept beside the
    database as `<name>.before-restore-<UTC time><suffix>`. The restored database opens with the
    backup's passphrase.
    """
    database_path, backup_path = Path(database_path), Path(backup_path)
    if held_by_this_process(database_path):
        raise BackupProblem(
            f"{database_path} is open in this program. Close it (lock the app or close the database) before restoring."
        )
    if not backup_path.is_file():
        raise BackupProblem(f"There is no backup at {backup_path}. Check the path.")
    if database_path.exists() and os.path.samefile(database_path, backup_path):
        raise BackupProblem("The backup and the database are the same file. Choose the backup file to restore from.")
    if not database_path.parent.is_dir():
        raise BackupProblem(
            f"The folder {database_path.parent} does not exist. Create it first, or choose another folder."
        )
    check = verify_backup(backup_path, passphrase)
    if check.pseudonyms_holding_names:
        raise BackupProblem(pseudonym_refusal(check.pseudonyms_holding_names, f"{backup_path} was not restored"))
    lock = acquire_writer_lock(database_path)
    staged = database_path.with_name(f"{database_path.name}.restoring-{_stamp()}")
    kept: Path | None = None
    try:
        copy_to_new_owner_only_file(backup_path, staged)
        journal = Path(f"{database_path}-journal")
        if database_path.exists():
            kept = database_path.with_name(f"{database_path.stem}.before-restore-{_stamp()}{database_path.suffix}")
            copy_to_new_owner_only_file(database_path, kept)
            if journal.exists():  # a crashed writer's hot journal belongs with the file it was written for
                copy_to_new_owner_only_file(journal, Path(f"{kept}-journal"))
        # Swap first, then remove the old file's journal (a copy is kept with the kept file above): removing it
        # first would leave the old file torn, without its journal, if the restore stopped in between. If it
        # stops after the swap, the next open finds the journal identical to the kept one and removes it before
        # SQLite could roll it into the restored file (storage.leftovers).
        os.replace(staged, database_path)
        journal.unlink(missing_ok=True)
        restrict_to_owner(database_path)
        _fsync_directory(database_path.parent)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    finally:
        lock.release()
    return RestoreResult(backup_path, check, kept)


__all__ = [
    "BACKUP_SUFFIX",
    "CHECKPOINT_SIDECAR_SUFFIX",
    "BackupCheck",
    "BackupProblem",
    "COUNTED_TABLES",
    "OWNER_ONLY",
    "RestoreResult",
    "automatic_backup",
    "automatic_backups",
    "backup_before_upgrade",
    "backup_to",
    "copy_encrypted",
    "default_backup_folder",
    "prune_automatic_backups",
    "restore_backup",
    "verify_backup",
]
