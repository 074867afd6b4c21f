"""The `dhr-tracker` command: no arguments starts the desktop app; a sub-command runs headless.

Each sub-command lives in its own module under dhr_tracker/cli/ with a `register(subparsers)`
function; list the module in COMMAND_MODULES to add it.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys

import sqlalchemy.exc

from dhr_tracker import __version__
from dhr_tracker.errors import UserError

COMMAND_MODULES = [
    "dhr_tracker.cli.database_commands",
    "dhr_tracker.cli.case_commands",
    "dhr_tracker.cli.report_commands",
    "dhr_tracker.cli.exchange_commands",
    "dhr_tracker.cli.sheet_commands",
    "dhr_tracker.cli.pack_commands",
    "dhr_tracker.cli.security_commands",
    "dhr_tracker.cli.escalation_commands",
    "dhr_tracker.cli.lifecycle_commands",
    "dhr_tracker.cli.screenshot_commands",
    "dhr_tracker.cli.record_commands",
    "dhr_tracker.cli.learning_commands",
    "dhr_tracker.cli.move_commands",
]

EXIT_OK, EXIT_ERROR, EXIT_USAGE, EXIT_LOCKED = 0, 1, 2, 3
log = logging.getLogger("dhr_tracker")


class CommandParser(argparse.ArgumentParser):
    """No abbreviated options: `--passphrase x` must not be taken for `--passphrase-file x`."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)


def build_parser() -> argparse.ArgumentParser:
    parser = CommandParser(
        prog="dhr-tracker",
        description="DHR Tracker: Domestic Homicide Review case tracker. Run with no arguments to start the desktop app.",
    )
    parser.add_argument("--version", action="version", version=f"DHR Tracker {__version__}")
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND", parser_class=CommandParser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def start_desktop_app() -> int:
    try:
        gui = importlib.import_module("ui.app")  # Qt is imported only when the desktop app starts
    except ImportError as error:
        print(f"The desktop app cannot start: {error}. Reinstall DHR Tracker with its dependencies.", file=sys.stderr)
        return EXIT_ERROR
    return gui.main()


def _command_words(argv: list[str]) -> str:
    """The sub-command's own words ("case show"), not its arguments, for naming the output."""
    words = []
    for word in argv[:2]:
        if not word.isalpha() or not word.islower():
            break
        words.append(word)
    return " ".join(words)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if not argv:
        return start_desktop_app()
    if any(arg == "--passphrase" or arg.startswith("--passphrase=") for arg in argv):
        # Refused before argparse, whose usage error would repeat the passphrase on the screen.
        print(
            "dhr-tracker: there is no --passphrase option (a passphrase typed on the command line stays in the "
            "shell's history). Use --passphrase-file FILE, or set DHR_TRACKER_PASSPHRASE, or leave both out to be "
            "asked for it.",
            file=sys.stderr,
        )
        return EXIT_USAGE
    parser = build_parser()
    args = parser.parse_args(argv)  # exits with 2 on a usage error
    if not hasattr(args, "run"):
        parser.print_help()
        return EXIT_USAGE
    from dhr_tracker.cli.common import error_message, held_output

    try:
        with held_output(_command_words(argv)):
            return args.run(args) or EXIT_OK
    except UserError as error:  # the one root of every error a user can cause (storage and settings too)
        print(error_message(error.message), file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("Stopped.", file=sys.stderr)
        return 130
    except OSError as error:
        print(f"{error.strerror or error}: {error.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_ERROR
    except sqlalchemy.exc.DBAPIError as error:
        from dhr_tracker.storage.postgres import refusal_message

        refused = refusal_message(error)  # a team database's server refusing the role, not damage
        if refused:
            print(refused, file=sys.stderr)
            return EXIT_ERROR
        # Only the driver's own message: SQLAlchemy's text would include the statement's parameters.
        print(
            f"The database could not be read or written ({error.orig}). Nothing more was written. "
            "Run 'dhr-tracker check' and, if the file is damaged, restore the newest backup.",
            file=sys.stderr,
        )
        return EXIT_ERROR
    except Exception as error:  # a bug: say so plainly, without a traceback or personal data
        if os.environ.get("DHR_TRACKER_DEBUG"):
            raise
        print(
            # True of every command: a writing command rolls its transaction back, a reading one changed nothing.
            f"DHR Tracker met an unexpected problem ({type(error).__name__}) and stopped; nothing was changed by this command. "
            "Set DHR_TRACKER_DEBUG=1 to see the details for a bug report.",
            file=sys.stderr,
        )
        return EXIT_ERROR
