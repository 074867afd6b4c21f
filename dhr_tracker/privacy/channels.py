"""Every way text leaves DHR Tracker, declared once: the output channels the real-name guard watches.

An output channel is anything that puts case text where the database's encryption no longer protects
it: a file, the terminal, the clipboard, a picture. Each one passes the strings it writes through the
guard, on their way in (before they become markup, cells or lines):

    from dhr_tracker.reports.pseudonyms import RealNameGuard
    RealNameGuard.from_session(session).check(texts, where=UPDATE_PACK)          # or where="update-pack"
    RealNameGuard.from_session(session).check_fields(pairs, where=UPDATE_PACK)   # (field, text) pairs

Adding an output is one line here (`UPDATE_PACK = output_channel("update-pack", "update pack",
"dhr_tracker.updates.pack")`) plus a Producer in tests/privacy/test_leak_matrix.py that makes the output
from a database and reads it back: `tests/privacy/test_channels.py` then fails until the module calls the
guard with the channel (and docs/SECURITY.md names it), and the leak matrix fails until it produces the
channel and proves a real name stops it.
That test also fails when a module writes files, prints or copies without being named here.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class OutputChannel:
    key: str  # stable name, used by tests and in `where=`
    label: str  # how a refusal names the output: "The {label} was not written ..."
    modules: tuple[str, ...]  # the modules that write it (each must call the guard with this channel)

    def __str__(self) -> str:
        return self.label


CHANNELS: dict[str, OutputChannel] = {}


def output_channel(key: str, label: str, *modules: str) -> OutputChannel:
    """Declare an output channel (once, here)."""
    if key in CHANNELS:
        raise RuntimeError(f"output channel {key} declared twice")
    CHANNELS[key] = channel = OutputChannel(key, label, modules)
    return channel


def channel_label(where: object) -> str:
    """The words a refusal uses for `where=`: a channel, a channel's key, or (older callers) plain words."""
    if isinstance(where, OutputChannel):
        return where.label
    channel = CHANNELS.get(str(where))
    return channel.label if channel else str(where)


BRIEFING = output_channel("briefing", "restricted briefing", "dhr_tracker.reports.briefing")
ACTION_PLAN = output_channel("action-plan", "action plan", "dhr_tracker.reports.action_plan")
PDF = output_channel("pdf", "PDF", "dhr_tracker.reports.frame")  # every PDF, whatever made it (second check)
LETTERS = output_channel("letters", "escalation letter", "dhr_tracker.reports.letters")
SPREADSHEET_EXPORT = output_channel("export", "CSV/XLSX export", "dhr_tracker.exchange.sheets.export")
HOME_OFFICE_RETURN = output_channel(
    "home-office-return", "Home Office action plan return", "dhr_tracker.exchange.sheets.export"
)
JSON_EXPORT = output_channel("json-export", "JSON export", "dhr_tracker.exchange.archive")
COMMAND_LINE = output_channel("command-line", "command's output", "dhr_tracker.cli.common")
CLIPBOARD = output_channel("clipboard", "copy to the clipboard", "ui.security.clipboard")
SCREENSHOTS = output_channel("screenshots", "screenshots", "ui.screenshots")
UPDATE_PACK = output_channel(
    "update-pack", "update pack (workbook and e-mail draft)", "dhr_tracker.exchange.packs.make"
)
LEARNING_PACK = output_channel("learning-pack", "seminar pack", "dhr_tracker.reports.learning_pack")
ANNUAL_FIGURES = output_channel("annual-figures", "annual figures", "dhr_tracker.reports.kpi")
RECORD_REPORT = output_channel("record-report", "record report", "dhr_tracker.record.report")
# The per-row CSV of `packs import --report`: written by the command module itself, not printed.
PACK_IMPORT_REPORT = output_channel("pack-import-report", "pack import report", "dhr_tracker.cli.pack_commands")

# Modules that write files or print but are not output channels, and why. A module that writes and is in
# neither list fails tests/privacy/test_channels.py.
NOT_OUTPUTS = {
    "dhr_tracker.storage.files": "the owner-only file primitive the channels use",
    "dhr_tracker.storage.database": "the encrypted database itself",
    "dhr_tracker.storage.backups": "encrypted copies of the database",
    "dhr_tracker.spreadsheets": "the workbook writer the export and the annual figures call after their guard has "
    "checked every cell (SPREADSHEET_EXPORT, HOME_OFFICE_RETURN, ANNUAL_FIGURES)",
    "dhr_tracker.exchange.sheets.report": "the import report: its names come from the sheet being imported, "
    "not the database; the importer withholds every text that holds one (importer._scrubbed)",
}
