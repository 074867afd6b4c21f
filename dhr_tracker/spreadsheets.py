"""Tables written as files a spreadsheet opens: the one writer of the XLSX workbooks (the export, the annual
figures) and the cell rule every CSV and workbook DHR Tracker writes follows.

Below `exchange` and `reports`, which both write tables: text a spreadsheet would run as a formula gets a
leading apostrophe (`safe_cell`); files are created new, never overwritten, owner-only; workbooks are built
in memory, so nothing goes through the temporary folder. Reading spreadsheets is `exchange.sheets`.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from dhr_tracker.dates import format_date
from dhr_tracker.storage.files import open_new_owner_only, output_file

EXPORT_KEYWORD = "dhr-tracker-export"  # in the properties of every workbook DHR Tracker exports
# A cell that starts with one of these is run as a formula by Excel, LibreOffice and Sheets (CSV injection).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """A value made safe to put in an exported cell: text that a spreadsheet would run as a formula gets a
    leading apostrophe, so it shows as the text it is. Numbers and dates pass unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


@dataclass(frozen=True)
class Table:
    """One exported table: a sheet of the workbook, or one CSV file."""

    name: str
    headers: tuple[str, ...]
    rows: list[tuple]


def _workbook(tables: Sequence[Table], marking: str = ""):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    # A normal (not write-only) workbook: openpyxl's write-only sheets stream their rows into a temporary
    # file as they are appended, and case data must not land in the temporary folder. See workbook_bytes.
    workbook = Workbook()
    workbook.remove(workbook.active)
    workbook.properties.title = "DHR Tracker export (pseudonymised)"
    workbook.properties.keywords = EXPORT_KEYWORD
    workbook.properties.creator = "DHR Tracker"
    bold = Font(bold=True)
    wrap = Alignment(wrap_text=True, vertical="top")
    for table in tables:
        sheet = workbook.create_sheet(table.name[:31])
        if marking:  # printed at the top and bottom of every page, as on a report
            for band in (sheet.oddHeader, sheet.evenHeader, sheet.oddFooter, sheet.evenFooter):
                band.center.text = marking
                band.center.font = "Arial,Bold"
        sheet.freeze_panes = "C2" if table.headers[:2] == ("Case reference", "Pseudonym") else "A2"
        widths = [min(60, max(10, len(header) + 2)) for header in table.headers]
        for row in table.rows[:200]:
            for index, value in enumerate(row):
                shown = format_date(value) if isinstance(value, dt.date) else str(value or "")
                widths[index] = min(60, max(widths[index], len(shown) + 2))
        for index, width in enumerate(widths, start=1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        for column, header in enumerate(table.headers, start=1):
            sheet.cell(row=1, column=column, value=header).font = bold
        for number, row in enumerate(table.rows, start=2):
            for column, value in enumerate(row, start=1):
                if value is None:
                    continue
                cell = sheet.cell(row=number, column=column, value=safe_cell(value))
                if isinstance(value, dt.date):
                    cell.number_format = "dd/mm/yyyy"
                elif isinstance(value, str) and "\n" in value:
                    cell.alignment = wrap
    return workbook


def workbook_bytes(workbook) -> bytes:
    """The whole .xlsx file, built in memory: no byte of it passes through the temporary folder.

    openpyxl's own save (`Workbook.save` -> `openpyxl.writer.excel.save_workbook`) has each sheet's
    `WorksheetWriter` write the sheet's XML into a NamedTemporaryFile in the system temporary folder
    (`openpyxl.worksheet._writer.create_temporary_file`), then copies that file into the ZIP. The
    subclass below changes only that step (checked against openpyxl 3.1): the writer is given an
    in-memory `out` (its documented alternative, which `WorksheetWriter.read` supports) and the XML is
    added with `ZipFile.writestr`. The ZIP itself is built in memory too; the caller writes the bytes
    once, to the owner-only file it created.
    """
    from openpyxl.drawing.spreadsheet_drawing import SpreadsheetDrawing
    from openpyxl.worksheet._writer import WorksheetWriter
    from openpyxl.writer.excel import ExcelWriter

    class InMemoryExcelWriter(ExcelWriter):
        def write_worksheet(self, ws):
            # As ExcelWriter.write_worksheet for a normal workbook, but into memory and without cleanup()
            # (which would delete the temporary file there no longer is).
            if self.workbook.write_only:
                raise ValueError("write-only workbooks stream their sheets into temporary files; use a normal one")
            ws._drawing = SpreadsheetDrawing()
            ws._drawing.charts = ws._charts
            ws._drawing.images = ws._images
            writer = WorksheetWriter(ws, out=io.BytesIO())
            writer.write()
            ws._rels = writer._rels
            self._archive.writestr(ws.path[1:], writer.read())
            self.manifest.append(ws)

    buffer = io.BytesIO()
    workbook.properties.modified = dt.datetime.now(tz=dt.UTC).replace(tzinfo=None)  # as save_workbook does
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, allowZip64=True) as archive:
        InMemoryExcelWriter(workbook, archive).write_data()
    return buffer.getvalue()


def write_xlsx(tables: Sequence[Table], path: Path | str, *, marking: str = "") -> Path:
    """One workbook, a sheet per table; dates are real date cells shown dd/mm/yyyy. Built in memory.

    With a `marking`, every sheet prints it in its header and footer.
    """
    path = output_file(path, ".xlsx")
    handle = open_new_owner_only(path, "wb", what="an export")  # first: nothing is built for a name already in use
    try:
        with handle:
            handle.write(workbook_bytes(_workbook(tables, marking)))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path
