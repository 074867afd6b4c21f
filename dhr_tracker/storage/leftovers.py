"""Files a crash can leave beside a database, found when it is next opened: removed when safe, else named.

- `<file>.partial`: a copy (backup, pre-upgrade or pre-restore copy, staged restore) that never completed
  (`storage.files.copy_to_new_owner_only_file` writes every copy under this name first).
- `<database>.restoring-<time>`: a complete staged restore that was never swapped in; the database
  was not replaced and the backup it came from is still where it was.
- `<database>-journal` identical to the journal kept with a `.before-restore-` copy: a restore swapped
  the file in but did not get to remove the old file's journal, which SQLite would otherwise "roll back"
  into the restored database and damage it.

Only a process holding the writer lock removes anything (nobody else can be mid-copy then); a reader
is refused while a restore's journal is in the way, and otherwise just told.
"""

from __future__ import annotations

import filecmp
import logging
from dataclasses import dataclass, field
from pathlib import Path

from dhr_tracker.storage.errors import StorageError
from dhr_tracker.storage.files import PARTIAL_SUFFIX

log = logging.getLogger(__name__)


@dataclass
class Leftovers:
    partial_copies: list[Path] = field(default_factory=list)
    unfinished_restores: list[Path] = field(default_factory=list)
    restored_over_journal: Path | None = None  # the old file's journal, still beside the restored database

    @property
    def any(self) -> bool:
        return bool(self.partial_copies or self.unfinished_restores or self.restored_over_journal)


def find_leftovers(database_path: Path) -> Leftovers:
    database_path = Path(database_path)
    folder, name, stem = database_path.parent, database_path.name, database_path.stem
    found = Leftovers()
    if not folder.is_dir():
        return found
    for path in folder.iterdir():
        if not path.name.startswith(stem):
            continue
        if path.name.endswith(PARTIAL_SUFFIX):
            found.partial_copies.append(path)
        elif path.name.startswith(f"{name}.restoring-"):
            found.unfinished_restores.append(path)
    journal = Path(f"{database_path}-journal")
    if journal.is_file():
        for kept in folder.glob(f"{stem}.before-restore-*-journal"):
            if filecmp.cmp(journal, kept, shallow=False):
                found.restored_over_journal = journal
                break
    found.partial_copies.sort()
    found.unfinished_restores.sort()
    return found


def clear_leftovers(database_path: Path) -> list[str]:
    """Remove what a crash left (call with the writer lock held, before SQLite opens the file); say what went."""
    found = find_leftovers(database_path)
    notes = []
    for path in found.partial_copies:
        path.unlink(missing_ok=True)
        notes.append(f"removed {path.name}, an incomplete copy left by an interrupted backup or restore")
    for path in found.unfinished_restores:
        path.unlink(missing_ok=True)
        notes.append(f"removed {path.name}, a restore that was interrupted before it replaced the database")
    if found.restored_over_journal is not None:
        found.restored_over_journal.unlink(missing_ok=True)
        notes.append(
            f"removed {found.restored_over_journal.name}: it belongs to the database a restore replaced "
            "(a copy of it is kept beside that database's kept copy)"
        )
    for note in notes:
        log.warning("%s: %s", database_path.name, note)
    return notes


def refuse_reading_over_a_restore_journal(database_path: Path) -> None:
    """A reader must not open the file while the replaced database's journal is beside it (it would roll it back)."""
    found = find_leftovers(database_path)
    if found.restored_over_journal is not None:
        raise StorageError(
            f"A restore of {database_path} was interrupted just after it swapped the file in: the replaced database's "
            f"journal ({found.restored_over_journal.name}) is still beside it. Open the database for changes once "
            "(in the app, or any command that changes it) to finish the restore, then try again."
        )
    for path in found.partial_copies + found.unfinished_restores:
        log.warning(
            "%s: %s was left by an interrupted copy; it is removed when the database is next opened for changes.",
            database_path.name,
            path.name,
        )
