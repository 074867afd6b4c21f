"""Reading a workbook (XLSX) or a CSV file into plain rows of cell values, with clear refusals.

Nothing here knows what the columns mean. The file type is told from its first bytes, not its name,
so a PDF renamed .xlsx, an old .xls or a UTF-16 text file is refused with a sentence saying what to do.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
import warnings
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from dhr_tracker.exchange.sheets.dates import EXCEL_1900_EPOCH
from dhr_tracker.exchange.sheets.file_error import SAVE_AS_HELP, SheetFileError
from dhr_tracker.spreadsheets import EXPORT_KEYWORD

MAX_FILE_BYTES = 200 * 1024 * 1024
MAX_SHEET_XML_BYTES = 500 * 1024 * 1024
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\s[^>]*?ref="([A-Z]{1,3})(\d+):([A-Z]{1,3})(\d+)"')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")


@dataclass
class Sheet:
    """One sheet's cells as values. Row numbers are as the spreadsheet shows them (1 = first row)."""

    name: str
    rows: list[tuple[int, tuple]]
    epoch: dt.date = EXCEL_1900_EPOCH
    # Cells that hold a formula: (row, column index from 0) -> the formula text.
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    # Cells given the value of a cell merged down over them: (row, column index from 0).
    filled: set[tuple[int, int]] = field(default_factory=set)

    def header_values(self, row_number: int) -> tuple:
        for number, values in self.rows:
            if number == row_number:
                return values
        return ()


@dataclass
class SheetFile:
    """Everything read from one file: its sheets in order (a CSV file has one)."""

    path: Path
    kind: str  # "xlsx" or "csv"
    sheets: list[Sheet]
    exported: bool = False  # a workbook DHR Tracker's own export wrote (its properties say so)


def file_kind(head: bytes) -> str:
    """What a file is by its first bytes, whatever its name says: "zip" (an .xlsx), "ole" (an old .xls or an
    encrypted workbook), "pdf", "utf16", "rtf", "html", "binary" or "text"."""
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if head.startswith(b"%PDF"):
        return "pdf"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"  # Excel 97-2003 .xls, or an encrypted (password-protected) .xlsx
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf16"
    if head.startswith(b"{\\rtf"):
        return "rtf"
    if head[:1] == b"<" and b"html" in head[:512].lower():
        return "html"
    if b"\x00" in head[:4096]:
        return "binary"
    return "text"


def read_sheet_file(path: Path | str) -> SheetFile:
    """Read an .xlsx workbook or a .csv file. Raises SheetFileError (never anything else) if it cannot."""
    path = Path(path)
    try:
        if not path.is_file():
            raise SheetFileError(f"There is no file at {path}. Check the name and the folder.")
        size = path.stat().st_size
        if size == 0:
            raise SheetFileError(f"{path.name} is empty: there is nothing to import.")
        if size > MAX_FILE_BYTES:
            raise SheetFileError(
                f"{path.name} is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB; split it into smaller files."
            )
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError as error:
        raise SheetFileError(f"Cannot read {path}: {error.strerror or error}.") from None
    kind = file_kind(head)
    if kind == "zip":
        from dhr_tracker.exchange.sheets.limits import check_workbook

        check_workbook(path)  # sizes, rows and cells, before openpyxl parses (and believes) anything
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about Excel features it skips; they do not matter here
            sheets, exported = _read_xlsx(path)
            return SheetFile(path, "xlsx", sheets, exported)
    if kind == "text":
        if path.suffix.lower() in (".xlsx", ".xlsm", ".xls"):
            raise SheetFileError(f"{path.name} is named like a workbook but holds plain text. {SAVE_AS_HELP}")
        return SheetFile(path, "csv", [_read_csv(path)])
    reasons = {
        "pdf": "is a PDF document, not a spreadsheet",
        "ole": "is an Excel 97-2003 workbook (.xls) or a password-protected workbook, which cannot be read",
        "utf16": "is a text file in UTF-16 (Excel's 'Unicode Text'), not UTF-8",
        "rtf": "is a Word (RTF) document, not a spreadsheet",
        "html": "is a web page, not a spreadsheet",
        "binary": "is not a spreadsheet or a CSV text file",
    }
    extra = " Remove the password first, then save it again." if kind == "ole" else ""
    raise SheetFileError(f"{path.name} {reasons[kind]}.{extra} {SAVE_AS_HELP}")


# --- CSV ---------------------------------------------------------------------------------------------


def _read_csv(path: Path) -> Sheet:
    raw = path.read_bytes()
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[len(codecs.BOM_UTF8) :]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw[: error.start].count(b"\n") + 1
        raise SheetFileError(
            f"{path.name} is not UTF-8 text (line {line} has a character in another encoding, probably Windows "
            f"'ANSI'/cp1252). Nothing was guessed. {SAVE_AS_HELP}"
        ) from None
    try:
        dialect = csv.Sniffer().sniff(text[:8192], delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    try:
        rows = [
            (number, tuple(cell if cell != "" else None for cell in cells))
            for number, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), start=1)
        ]
    except csv.Error as error:
        raise SheetFileError(f"{path.name} is not a well-formed CSV file ({error}). {SAVE_AS_HELP}") from None
    return Sheet(name=path.stem, rows=rows)


# --- XLSX --------------------------------------------------------------------------------------------


def _column_index(letters: bytes) -> int:
    index = 0
    for char in letters.decode():
        index = index * 26 + (ord(char) - 64)
    return index - 1


def _sheet_xml(archive: zipfile.ZipFile, worksheet) -> bytes:
    member = getattr(worksheet, "_worksheet_path", None)  # openpyxl's read-only sheet knows its part name
    if not member:
        return b""
    member = member.lstrip("/")
    try:
        info = archive.getinfo(member)
    except KeyError:
        return b""
    if info.file_size > MAX_SHEET_XML_BYTES:
        raise SheetFileError(f"The sheet '{worksheet.title}' is too large to import; split it into smaller sheets.")
    return archive.read(member)


def _read_xlsx(path: Path) -> tuple[list[Sheet], bool]:
    from openpyxl import load_workbook  # imported here: reading CSV files does not need it

    try:
        archive = zipfile.ZipFile(path)
        names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError):
        raise SheetFileError(
            f"{path.name} is a damaged or incomplete workbook. Open it in Excel and save it again."
        ) from None
    with archive:
        if "xl/workbook.xml" not in names and not any(name.startswith("xl/workbook") for name in names):
            document = "a Word document" if "word/document.xml" in names else "a ZIP file but not an Excel workbook"
            raise SheetFileError(f"{path.name} is {document}. {SAVE_AS_HELP}")
        try:
            values_book = load_workbook(path, read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file; the user needs one sentence
            raise SheetFileError(
                f"{path.name} could not be read as a workbook ({type(error).__name__}). Open it in Excel and save it again."
            ) from None
        sheets: list[Sheet] = []
        formula_book = None
        epoch = values_book.epoch.date() if isinstance(values_book.epoch, dt.datetime) else EXCEL_1900_EPOCH
        exported = (getattr(values_book.properties, "keywords", None) or "") == EXPORT_KEYWORD
        try:
            for worksheet in values_book.worksheets:
                xml = _sheet_xml(archive, worksheet)
                worksheet.reset_dimensions()  # some writers record wrong dimensions: read every row there is
                rows = [
                    (number, tuple(values))
                    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1)
                ]
                sheet = Sheet(worksheet.title, rows, epoch)
                if _FORMULA.search(xml):
                    if formula_book is None:
                        formula_book = load_workbook(path, read_only=True, data_only=False)
                    sheet.formulas = _real_formulas(sheet, _formulas(formula_book[worksheet.title]))
                _fill_merged_down(sheet, xml)
                sheets.append(sheet)
        except SheetFileError:
            raise
        except Exception as error:  # noqa: BLE001 - as above: any failure inside openpyxl is a damaged file
            raise SheetFileError(
                f"{path.name} could not be read as a workbook ({type(error).__name__}). Open it in Excel and save it again."
            ) from None
        finally:
            values_book.close()
            if formula_book is not None:
                formula_book.close()
    return sheets, exported


def _formulas(worksheet) -> dict[tuple[int, int], str]:
    worksheet.reset_dimensions()
    found: dict[tuple[int, int], str] = {}
    for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
        for index, value in enumerate(values):
            if isinstance(value, str):
                if value.startswith("=") and len(value) > 1:
                    found[(number, index)] = value
            elif value is not None and not isinstance(value, (int, float, dt.date, dt.time, dt.timedelta)):
                found[(number, index)] = str(getattr(value, "text", value))  # array and data-table formulas
    return found


def _real_formulas(sheet: Sheet, candidates: dict[tuple[int, int], str]) -> dict[tuple[int, int], str]:
    """A text cell that merely starts with "=" reads the same in both passes; keep only real formulas."""
    values = dict(sheet.rows)
    real = {}
    for (number, index), text in candidates.items():
        row = values.get(number, ())
        if (row[index] if index < len(row) else None) != text:
            real[(number, index)] = text
    return real


def _fill_merged_down(sheet: Sheet, xml: bytes) -> None:
    """A cell merged down over several rows (a case reference beside all its recommendations) applies to each row."""
    if not xml:
        return
    by_number = {number: index for index, (number, _) in enumerate(sheet.rows)}
    for first_col, first_row, _last_col, last_row in _MERGE.findall(xml):
        top, bottom, column = int(first_row), int(last_row), _column_index(first_col)
        if bottom <= top or top not in by_number:
            continue
        values = sheet.rows[by_number[top]][1]
        value = values[column] if column < len(values) else None
        if value is None:
            continue
        for number in range(top + 1, bottom + 1):
            index = by_number.get(number)
            if index is None:
                continue
            row = list(sheet.rows[index][1])
            if column >= len(row):
                row.extend([None] * (column + 1 - len(row)))
            if row[column] is None:
                row[column] = value
                sheet.rows[index] = (number, tuple(row))
                sheet.filled.add((number, column))
