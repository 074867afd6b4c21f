"""Owner-only files: everything DHR Tracker writes that holds case data is readable by its owner alone."""

from __future__ import annotations

import errno
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from dhr_tracker.errors import UserError

OWNER_ONLY = 0o600
OWNER_ONLY_FOLDER = 0o700


def make_private_folder(folder: Path) -> Path:
    """Create `folder` (and its parents) if missing; the folder itself is owner-only (0700).

    An existing folder is left as it is: it may be shared on purpose (a drive root, a team share).
    """
    folder = Path(folder)
    if not folder.exists():
        folder.mkdir(mode=OWNER_ONLY_FOLDER, parents=True, exist_ok=True)
        if os.name == "posix":
            os.chmod(folder, OWNER_ONLY_FOLDER)  # mkdir's mode is reduced by the umask, never widened; be exact
    return folder


def create_owner_only(path: Path) -> int:
    """Create a new file readable and writable by its owner only; refuse to replace an existing one."""
    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), OWNER_ONLY)


def already_exists(path: Path, *, what: str, instead: str = "a new name") -> str:
    """The one wording for "that file is there already" (also for checks made before anything is written)."""
    return f"{path} already exists. Choose {instead}: {what} never replaces a file."


def open_new_owner_only(
    path: Path,
    mode: str = "wb",
    *,
    what: str,
    instead: str = "a new name",
    encoding: str | None = None,
    newline: str | None = None,
) -> IO[Any]:
    """A new owner-only file, open for writing; a UserError, never a traceback, if it cannot be made.

    `what` names the output in the messages, in the singular ("the report", "an export", "an update pack");
    `instead` what to choose when the file exists ("a new name", "a new folder"). Never replaces a file.
    """
    try:
        descriptor = create_owner_only(Path(path))
    except FileExistsError:
        raise UserError(already_exists(path, what=what, instead=instead)) from None
    except OSError as error:
        raise UserError(f"Cannot create {path} for {what}: {error.strerror or error}.") from None
    try:
        return os.fdopen(descriptor, mode, encoding=encoding, newline=newline)
    except BaseException:
        os.close(descriptor)
        raise


def restrict_to_owner(path: Path) -> None:
    if os.name == "posix":
        os.chmod(path, OWNER_ONLY)


PARTIAL_SUFFIX = ".partial"


def copy_to_new_owner_only_file(source: Path, destination: Path) -> Path:
    """Copy `source` byte for byte into a new owner-only file, synced to disk; no half-copy is left behind.

    The bytes go to `<destination>.partial` first and take the real name only once complete and synced
    (a hard link, which like the final name never replaces an existing file), so a crash mid-copy
    leaves at most a `.partial` file, never a truncated copy under the real name. `leftovers` finds them.
    """
    destination = Path(destination)
    if destination.exists():
        raise FileExistsError(errno.EEXIST, "File exists", str(destination))
    partial = destination.with_name(destination.name + PARTIAL_SUFFIX)
    descriptor = create_owner_only(partial)
    try:
        with os.fdopen(descriptor, "wb") as target, source.open("rb") as origin:
            shutil.copyfileobj(origin, target)
            target.flush()
            os.fsync(target.fileno())
        if os.name == "nt":  # pragma: no cover - rename refuses an existing target on Windows
            os.rename(partial, destination)
        else:
            os.link(partial, destination)
            partial.unlink()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    return destination


# --- Where exports and reports go: one rule for export, letters, briefing and action plan ----------------
# A missing folder is created (owner-only); a file name without an extension is given the right one; a name with
# another extension is refused, so that "plan.docx" never silently holds a PDF.


def output_file(path: Path | str, suffix: str) -> Path:
    """The file to write for `path`, ending in `suffix` (".pdf", ".xlsx"), its folder created if missing."""
    from dhr_tracker.errors import UserError

    path = Path(path)
    if not path.name or path.name in (".", ".."):
        raise UserError(f"{path} is not a file name. Give a file name ending in {suffix}.")
    if path.suffix == "":
        path = path.with_name(path.name + suffix)
    elif path.suffix.lower() != suffix:
        raise UserError(
            f"{path.name} should end in {suffix} (the file written is a {suffix[1:].upper()} file). "
            f"Use a name such as {path.stem}{suffix}."
        )
    if path.is_dir():
        raise UserError(f"{path} is a folder. Give a file name ending in {suffix}.")
    output_folder(path.parent)
    return path


def output_folder(path: Path | str) -> Path:
    """A folder to write into, created owner-only if missing; refused if it is a file."""
    from dhr_tracker.errors import UserError

    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UserError(f"{path} is a file, not a folder. Choose a folder to write into.")
    missing = [folder for folder in (path, *path.parents) if not folder.exists()]
    try:
        for folder in reversed(
            missing
        ):  # each new folder owner-only (mkdir's parents=True leaves parents at the umask)
            folder.mkdir(mode=0o700, exist_ok=True)
    except OSError as error:
        raise UserError(f"Cannot create the folder {path}: {error.strerror or error}.") from None
    return path


def remove_unless_committed(session: Session, paths: Sequence[Path | str]) -> None:
    """Files that exist only if the transaction recording them is saved: if it rolls back (the final save
    fails, or anything after raises), they are removed, so no file outlives the register entry that names it."""
    files = [Path(path) for path in paths]
    settled = False

    def committed(_session: Session) -> None:
        nonlocal settled
        settled = True

    def rolled_back(_session: Session) -> None:
        nonlocal settled
        if not settled:
            settled = True
            for path in files:
                path.unlink(missing_ok=True)

    event.listen(session, "after_commit", committed)
    event.listen(session, "after_rollback", rolled_back)
