"""Sub-commands that keep the data safe: backup, restore, passphrase, audit verify, audit checkpoint, audit case."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dhr_tracker.cli.common import (
    add_database_arguments,
    add_format_argument,
    database_path,
    file_only,
    open_from_args,
    passphrase_from,
    print_json,
    print_table,
    read_passphrase,
)
from dhr_tracker.dates import format_local_time
from dhr_tracker.storage.database import open_database

NEW_PASSPHRASE_VARIABLE = "DHR_TRACKER_NEW_PASSPHRASE"


def register(subparsers: argparse._SubParsersAction) -> None:
    backup = subparsers.add_parser(
        "backup", help="write an encrypted backup of the database (allowed while the app has it open)"
    )
    add_database_arguments(backup)
    where = backup.add_mutually_exclusive_group(required=True)
    where.add_argument("--out", type=Path, metavar="FILE", help="the new backup file (never overwrites a file)")
    where.add_argument(
        "--into",
        type=Path,
        metavar="FOLDER",
        help="an automatic backup into this folder, keeping the newest N (the 'Automatic backups kept' setting)",
    )
    backup.set_defaults(run=run_backup)

    restore = subparsers.add_parser(
        "restore", help="replace the database with a backup, after checking the backup is whole"
    )
    add_database_arguments(restore)
    restore.add_argument("--from", dest="source", type=Path, required=True, metavar="FILE", help="the backup file")
    restore.set_defaults(run=run_restore)

    passphrase = subparsers.add_parser(
        "passphrase", help="change the database's passphrase (a backup with the old passphrase is made first)"
    )
    add_database_arguments(passphrase)
    passphrase.add_argument(
        "--new-passphrase-file",
        type=Path,
        default=None,
        metavar="PATH",
        help=f"read the new passphrase from the first line of this file (or set {NEW_PASSPHRASE_VARIABLE}; "
        "otherwise you are asked for it twice)",
    )
    passphrase.add_argument(
        "--backup-folder",
        type=Path,
        default=None,
        metavar="FOLDER",
        help="where the backup made first goes (default: 'backups' beside the database)",
    )
    passphrase.set_defaults(run=run_passphrase)

    audit = subparsers.add_parser("audit", help="check or show the audit trail")
    audit_commands = audit.add_subparsers(title="audit commands", metavar="AUDIT_COMMAND")
    verify = audit_commands.add_parser(
        "verify", help="check that no audit entry was changed or removed and that the data match the trail"
    )
    add_database_arguments(verify)
    verify.add_argument(
        "--checkpoint",
        default=None,
        metavar="COUNT:HASH",
        help="also prove the trail still holds exactly this prefix (a checkpoint printed earlier, e.g. on a briefing)",
    )
    verify.set_defaults(run=run_audit_verify)
    checkpoint = audit_commands.add_parser(
        "checkpoint", help="verify the trail, then print its head as COUNT:HASH to keep outside the database"
    )
    add_database_arguments(checkpoint)
    checkpoint.set_defaults(run=run_audit_checkpoint)
    case = audit_commands.add_parser("case", help="show the audit trail of one case, newest first")
    add_database_arguments(case)
    case.add_argument("reference", help="the case reference, for example DHR-2025-03")
    add_format_argument(case)
    case.set_defaults(run=run_audit_case)
    audit.set_defaults(run=lambda args: _usage(audit))


def _usage(parser: argparse.ArgumentParser) -> int:
    parser.print_usage(sys.stderr)
    print("Choose an audit command: verify, checkpoint or case.", file=sys.stderr)
    return 2


def _open_read_only(args: argparse.Namespace):
    return open_from_args(args, read_only=True)  # arms the output's real-name guard too


def run_backup(args: argparse.Namespace) -> int:
    from dhr_tracker.storage.backups import automatic_backup, backup_to, verify_backup

    file_only(args, "backup")
    with _open_read_only(args) as database:
        if args.out is not None:
            check = backup_to(database, args.out)
        else:
            path = automatic_backup(database, args.into)
            check = verify_backup(path, database.engine.url.password or "")
    print(
        f"Wrote an encrypted backup to {check.path}; it opens with the database's current passphrase and passed its checks."
    )
    print("It holds " + ", ".join(check.summary_lines()) + ".")
    if check.checkpoint:
        print(f"Its audit checkpoint {check.checkpoint} is written beside it ({check.path.name}.checkpoint.txt).")
    return 0


def run_restore(args: argparse.Namespace) -> int:
    from dhr_tracker.storage.backups import restore_backup

    file_only(args, "restore")
    passphrase, _ = read_passphrase(args, prompt="Passphrase of the backup: ")
    result = restore_backup(database_path(args), args.source, passphrase)
    print(f"Checked {result.restored_from}: the encryption and integrity checks passed.")
    print("It holds " + ", ".join(result.check.summary_lines()) + ".")
    print(f"Restored it to {database_path(args)}; it opens with the backup's passphrase.")
    if result.previous_kept_at is not None:
        print(f"The database it replaced is kept at {result.previous_kept_at}.")
    return 0


def read_new_passphrase(args: argparse.Namespace) -> tuple[str, str]:
    """The new passphrase and its confirmation: from the file, the environment, or two no-echo prompts."""
    return passphrase_from(
        args.new_passphrase_file,
        NEW_PASSPHRASE_VARIABLE,
        "--new-passphrase-file",
        prompt="New passphrase (at least 12 characters): ",
        confirm=True,
        what="new passphrase",
    )


def run_passphrase(args: argparse.Namespace) -> int:
    from dhr_tracker.security.passphrase_change import change_passphrase
    from dhr_tracker.storage.passphrase import check_new_passphrase

    file_only(args, "passphrase")
    current, _ = read_passphrase(args, prompt="Current passphrase: ")
    new, confirmation = read_new_passphrase(args)
    check_new_passphrase(new, confirmation)  # refuse before the key derivation of opening
    with open_database(database_path(args), current) as database:
        result = change_passphrase(database, current, new, confirmation, backup_folder=args.backup_folder)
    print(f"Changed the passphrase of {database.path}; it reopened with the new passphrase and passed its checks.")
    print(f"A backup taken just before is at {result.backup}: it opens with the OLD passphrase, as do older backups.")
    if not result.strength.is_good:
        print(f"Note: the new passphrase is rated {result.strength.label}. {result.strength.advice}".rstrip())
    return 0


def _verified(args: argparse.Namespace, checkpoint=None):
    from dhr_tracker.security.audit import verify_chain

    with _open_read_only(args) as database, database.session() as session:
        return database.label, verify_chain(session, checkpoint=checkpoint)


_SHOWN_PROBLEMS = 25


def _print_broken(path, report) -> int:
    where = f"at entry {report.broken_at}" if report.broken_at else "(the data or the guards, not the links)"
    print(f"{path}: the audit trail is BROKEN {where}.")
    problems = report.problems()
    for problem in problems[:_SHOWN_PROBLEMS]:
        print(f"  - {problem}")
    if len(problems) > _SHOWN_PROBLEMS:
        print(f"  ... and {len(problems) - _SHOWN_PROBLEMS} more.")
    print(
        "Someone changed the database outside DHR Tracker. Keep this file for investigation and restore the newest backup whose trail verifies."
    )
    return 1


def run_audit_verify(args: argparse.Namespace) -> int:
    from dhr_tracker.security.audit import Checkpoint

    checkpoint = Checkpoint.parse(args.checkpoint) if args.checkpoint else None
    path, report = _verified(args, checkpoint)
    if not report.ok:
        return _print_broken(path, report)
    print(
        f"{path}: the audit trail is intact ({report.entries} entries, every link checked; every record matches "
        "its latest entry; the guard triggers are in place)."
    )
    if checkpoint is not None:
        print(f"It still holds the checkpoint {checkpoint} exactly.")
    return 0


def run_audit_checkpoint(args: argparse.Namespace) -> int:
    path, report = _verified(args)
    if not report.ok:
        print("No checkpoint printed: a checkpoint of a broken trail would vouch for it.")
        return _print_broken(path, report)
    print(report.checkpoint)
    return 0


def run_audit_case(args: argparse.Namespace) -> int:
    from dhr_tracker.casework.cases import find_case
    from dhr_tracker.security.audit import entries_for_case
    from dhr_tracker.security.audit_wording import AuditNames, describe, describe_changes

    with _open_read_only(args) as database, database.session() as session:
        case = find_case(session, args.reference)
        entries = entries_for_case(session, case.id)
        names = AuditNames.load(session, entries)
    if args.format == "json":
        print_json(
            [
                {
                    "id": e.id,
                    "at": e.at,
                    "os_user": e.os_user,
                    "action": e.action.value,
                    "entity": e.entity,
                    "entity_id": e.entity_id,
                    "changes": e.changes,
                }
                for e in entries
            ]
        )
    else:
        print_table(
            [(format_local_time(e.at), e.os_user, describe(e, names), describe_changes(e, names)) for e in entries],
            ("When (UK time)", "Who", "What", "Details"),
        )
    return 0
