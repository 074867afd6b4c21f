"""The refusal of a file that cannot be read as a spreadsheet, shared by the reader (`source`) and the
limits checked before it parses anything (`limits`)."""

from __future__ import annotations

from dhr_tracker.errors import UserError

SAVE_AS_HELP = "In Excel, use File > Save As and choose 'Excel Workbook (*.xlsx)' or 'CSV UTF-8 (Comma delimited)'."


class SheetFileError(UserError):
    """The file cannot be read as a spreadsheet; the message says why and what to do."""
