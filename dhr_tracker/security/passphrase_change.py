"""Change a database's passphrase: back up first, re-encrypt with `PRAGMA rekey`, verify by reopening.

The backup taken first keeps the old passphrase (as does every earlier backup): it is the way back if
anything goes wrong, and the reason the user is told where it is.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.pool import QueuePool

from dhr_tracker.storage.backups import BACKUP_SUFFIX, backup_to, default_backup_folder
from dhr_tracker.storage.errors import PassphraseRejected, StorageError
from dhr_tracker.storage.passphrase import Strength, check_new_passphrase
from dhr_tracker.storage.sessions import Database
from dhr_tracker.storage.sqlcipher import sqlcipher_engine, verify_key_and_owner


class CurrentPassphraseWrong(StorageError):
    exit_code = 3

    def __init__(self) -> None:
        super().__init__(
            "The current passphrase is not right, so the passphrase was not changed. Type it again (it is case-sensitive)."
        )


@dataclass(frozen=True)
class PassphraseChanged:
    backup: Path  # taken before the change; it still opens with the OLD passphrase
    strength: Strength


def change_passphrase(
    database: Database, current: str, new: str, confirmation: str, *, backup_folder: Path | str | None = None
) -> PassphraseChanged:
    """Re-encrypt the open database under `new`; the Database object stays open and usable.

    Every check comes first (current passphrase, the new one's policy, no session open), then an
    encrypted backup, then the rekey in one transaction, then a fresh connection with the new
    passphrase must open the file and pass SQLCipher's integrity check.
    """
    if database.read_only:
        raise StorageError("This database was opened read-only; open it for changes to change its passphrase.")
    if not database.passphrase_matches(current):
        raise CurrentPassphraseWrong()
    strength = check_new_passphrase(new, confirmation)
    if new == current:
        raise PassphraseRejected("The new passphrase is the same as the current one. Choose a different passphrase.")
    pool = database.engine.pool
    # storage.database builds every engine on a QueuePool (the key derivation is too dear per connection),
    # the one pool class that counts the connections lent out.
    assert isinstance(pool, QueuePool), f"the database engine uses {type(pool).__name__}, not a QueuePool"
    if pool.checkedout():
        raise StorageError("Something is still being edited or saved. Finish or cancel it, then change the passphrase.")

    folder = Path(backup_folder) if backup_folder is not None else default_backup_folder(database.path)
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
    backup = backup_to(database, folder / f"{database.path.stem}-before-passphrase-change-{stamp}{BACKUP_SUFFIX}").path

    old_engine = database.engine
    old_engine.dispose()  # every pooled connection holds the old key
    quoted = old_engine.dialect.identifier_preparer.quote_identifier(new)  # exactly as the dialect sends PRAGMA key
    raw = old_engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(f"PRAGMA rekey = {quoted}")  # one transaction: all pages or none
        cursor.close()
    except Exception as error:  # noqa: BLE001 - whatever SQLCipher refused, the user is told and the old key stands
        raise StorageError(
            f"The passphrase was not changed ({getattr(error, 'args', [''])[0] or type(error).__name__}). "
            f"The database still opens with the current passphrase; a backup is at {backup}."
        ) from None
    finally:
        raw.close()
        old_engine.dispose()

    new_engine = sqlcipher_engine(database.path, new)
    try:
        verify_key_and_owner(new_engine, database.path)
        with new_engine.connect() as connection:
            problems = connection.execute(text("PRAGMA cipher_integrity_check")).all()
        if problems:
            raise StorageError(f"integrity check: {problems[0][0]}")
    except Exception as error:  # noqa: BLE001 - any failure to reopen must end in the restore instructions
        new_engine.dispose()
        raise StorageError(
            f"The database did not reopen with the new passphrase ({error}). Restore the backup at {backup}, "
            "which opens with the old passphrase."
        ) from None
    database.use_engine(new_engine)
    return PassphraseChanged(backup, strength)
