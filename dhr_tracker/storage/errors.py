"""Errors a user can cause when creating or opening a database, each with a message that says what to do."""

from __future__ import annotations

from pathlib import Path

from dhr_tracker.errors import UserError


class StorageError(UserError):
    """Base class: `str(error)` is a complete sentence for the user; `exit_code` is the CLI's."""


class DatabaseMissing(StorageError):
    def __init__(self, path: Path):
        super().__init__(f"There is no database at {path}. Check the path, or create a new database there.")


class DatabaseEmpty(StorageError):
    exit_code = 3  # "not a DHR Tracker database", as documented

    def __init__(self, path: Path):
        super().__init__(
            f"{path} is an empty file, not a DHR Tracker database. Choose another file, "
            "or delete this one and create a new database."
        )


class PlainSQLiteFile(StorageError):
    exit_code = 3  # "not a DHR Tracker database", as documented

    def __init__(self, path: Path):
        super().__init__(
            f"{path} is an unencrypted SQLite file, not a DHR Tracker database. DHR Tracker only opens "
            "encrypted databases; to bring data in from elsewhere use the import command."
        )


class NotDhrTrackerDatabase(StorageError):
    exit_code = 3  # "not a DHR Tracker database", as documented

    def __init__(self, path: Path):
        super().__init__(
            f"{path} is an encrypted database, and the passphrase opened it, but it does not belong to "
            "DHR Tracker. Choose the DHR Tracker database file instead."
        )


class WrongPassphraseOrNotDatabase(StorageError):
    exit_code = 3

    def __init__(self, path: Path):
        super().__init__(
            f"Could not open {path}: the passphrase is wrong, or the file is not a DHR Tracker database. "
            "Check the passphrase (it is case-sensitive) and the file, then try again."
        )


class FirstPageDamaged(StorageError):
    def __init__(self, path: Path):
        super().__init__(
            f"{path} is damaged: the passphrase is right (it unlocks the rest of the file), but the file's first page, "
            "which holds the database's header, has been changed or overwritten. Restore the newest backup "
            "(dhr-tracker restore --from FILE); keep this file for investigation."
        )


class NewerSchema(StorageError):
    def __init__(self, path: Path, revision: str):
        super().__init__(
            f"{path} was written by a newer version of DHR Tracker (schema {revision}). "
            "Install the newer version to open it; this version has left the file untouched."
        )


class DatabaseExists(StorageError):
    def __init__(self, path: Path):
        super().__init__(f"{path} already exists. Choose a new file name; an existing file is never overwritten.")


class PassphraseRejected(StorageError):
    """The passphrase does not meet the policy; nothing was written."""


class DatabaseInUse(StorageError):
    """Another process holds the database for writing."""
