"""Limits a workbook must keep before anything parses it: what the ZIP says it holds, and what its
sheets and shared strings would cost once read.

openpyxl believes a workbook: a sheet whose rows each end in column XFD becomes 16,384 values a row,
and a 1 MB file that inflates to half a gigabyte is inflated. Here the ZIP's directory is checked
first (member count, each part's and the total uncompressed size, the compression ratio; Python's
zipfile stops reading a member at the size its directory states, so those sizes bound the work),
then the sheet XML is scanned as a stream, without building it, for the rows, the cells and the grid
openpyxl would fill in. Every refusal is a `SheetFileError` saying what was found and what to do.
"""

from __future__ import annotations

import html
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from dhr_tracker.exchange.sheets.file_error import SAVE_AS_HELP, SheetFileError


@dataclass(frozen=True)
class WorkbookLimits:
    members: int = 2_000
    part_bytes: int = 100 * 1024 * 1024  # one sheet or shared-strings part, uncompressed
    total_bytes: int = 250 * 1024 * 1024  # the whole workbook, uncompressed
    ratio: int = 200  # uncompressed / compressed, for parts above ratio_from_bytes
    ratio_from_bytes: int = 1024 * 1024
    rows: int = 200_000  # the last row number of any sheet (openpyxl yields every row up to it)
    cells: int = 2_000_000  # cells stored in a sheet
    grid: int = 5_000_000  # values openpyxl yields: each row padded out to its last cell
    shared_strings: int = 1_000_000


DEFAULT_LIMITS = WorkbookLimits()
# An update pack holds one agency's open recommendations: a few hundred rows.
PACK_LIMITS = WorkbookLimits(
    part_bytes=20 * 1024 * 1024,
    total_bytes=40 * 1024 * 1024,
    rows=5_000,
    cells=200_000,
    grid=400_000,
    shared_strings=200_000,
)

_CELL_OR_ROW = re.compile(rb"<(?:\w+:)?(c|row)\b([^>]*)>")
_REFERENCE = re.compile(rb'\br="([A-Z]{1,3})?(\d+)"')
_SHARED_ITEM = re.compile(rb"<(?:\w+:)?si\b")
_CHUNK = 1024 * 1024


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + (char - 64)
    return number


def _mb(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def check_workbook(source: Path | str | bytes, limits: WorkbookLimits = DEFAULT_LIMITS, *, name: str = "") -> None:
    """Refuse (SheetFileError) a workbook that is damaged, a bomb, or bigger than `limits`, before parsing it.

    `source` is a file, or the workbook's bytes (then `name` is what the messages call it).
    """
    path = Path(name or "The workbook") if isinstance(source, bytes) else Path(source)
    try:
        archive = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, bytes) else path)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise SheetFileError(
            f"{path.name} is a damaged or incomplete workbook. Open it in Excel and save it again."
        ) from None
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.members:
            raise SheetFileError(
                f"{path.name} holds {len(infos):,} parts, more than a workbook has; it is not a spreadsheet this app reads."
            )
        total = 0
        for info in infos:
            total += info.file_size
            if info.file_size > limits.part_bytes:
                raise SheetFileError(
                    f"{path.name} is too large to read: its part {info.filename} would take {_mb(info.file_size)} once "
                    f"unpacked (at most {_mb(limits.part_bytes)}). Split it into smaller workbooks."
                )
            if info.file_size > limits.ratio_from_bytes and info.file_size > limits.ratio * max(info.compress_size, 1):
                raise SheetFileError(
                    f"{path.name} was refused: its part {info.filename} unpacks to {info.file_size // max(info.compress_size, 1):,} "
                    "times its packed size, which is how a 'ZIP bomb' is built, not a spreadsheet. Do not open it; "
                    "ask the sender for the file again."
                )
        if total > limits.total_bytes:
            raise SheetFileError(
                f"{path.name} is too large to read: it would take {_mb(total)} once unpacked (at most "
                f"{_mb(limits.total_bytes)}). Split it into smaller workbooks."
            )
        names = {info.filename for info in infos}
        if not any(name.startswith("xl/workbook") for name in names):
            document = "a Word document" if "word/document.xml" in names else "a ZIP file but not an Excel workbook"
            raise SheetFileError(f"{path.name} is {document}. {SAVE_AS_HELP}")
        try:
            titles = _sheet_titles(archive, names)
            for info in infos:
                if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                    _check_sheet(archive, info, path.name, limits, titles.get(info.filename))
                elif info.filename.lower().endswith("sharedstrings.xml"):
                    _check_shared_strings(archive, info, path.name, limits)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError):
            raise SheetFileError(
                f"{path.name} is a damaged or incomplete workbook. Open it in Excel and save it again."
            ) from None


def _stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo):
    """The part in chunks, each ending on a tag boundary, so no tag is split between two chunks."""
    carry = b""
    with archive.open(info) as handle:
        while True:
            chunk = handle.read(_CHUNK)
            if not chunk:
                if carry:
                    yield carry
                return
            data = carry + chunk
            cut = data.rfind(b"<")
            if cut <= 0:
                carry = data
                continue
            yield data[:cut]
            carry = data[cut:]


_ELEMENT = re.compile(rb"<(?:\w+:)?(?:sheet|Relationship)\b[^>]*>")
_ATTRIBUTE = re.compile(rb'([\w:]+)="([^"]*)"')


def _sheet_titles(archive: zipfile.ZipFile, names: set[str]) -> dict[str, str]:
    """Part name -> the sheet's title, so that messages name the sheet as the user sees it (small parts only)."""
    if "xl/workbook.xml" not in names or "xl/_rels/workbook.xml.rels" not in names:
        return {}
    targets, titles = {}, {}
    for element in _ELEMENT.findall(archive.read("xl/_rels/workbook.xml.rels")):
        attributes = dict(_ATTRIBUTE.findall(element))
        if b"Id" in attributes and b"Target" in attributes:
            target = attributes[b"Target"].decode("utf-8", "replace")
            targets[attributes[b"Id"]] = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
    for element in _ELEMENT.findall(archive.read("xl/workbook.xml")):
        attributes = dict(_ATTRIBUTE.findall(element))
        relation = next((value for key, value in attributes.items() if key.endswith(b":id")), None)
        if relation in targets and b"name" in attributes:
            titles[targets[relation]] = html.unescape(attributes[b"name"].decode("utf-8", "replace"))
    return titles


def _check_sheet(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, file_name: str, limits: WorkbookLimits, title: str | None = None
) -> None:
    sheet = f"the sheet '{title}'" if title else info.filename.rsplit("/", 1)[-1].removesuffix(".xml")
    cells = grid = 0
    row = row_width = last_row = 0
    for chunk in _stream(archive, info):
        for kind, attributes in _CELL_OR_ROW.findall(chunk):
            reference = _REFERENCE.search(attributes)
            if kind == b"row":
                grid += row_width
                row = int(reference.group(2)) if reference else row + 1
                row_width = 0
                last_row = max(last_row, row)
                if last_row > limits.rows:
                    raise SheetFileError(
                        f"{file_name} was refused: {sheet} reaches row {last_row:,}, and at most {limits.rows:,} rows are "
                        "read. Delete the empty rows below the data (select them, right-click, Delete) and save it again."
                    )
                continue
            cells += 1
            column = _column_number(reference.group(1)) if reference and reference.group(1) else row_width + 1
            row_width = max(row_width, column)
            if cells > limits.cells or grid + row_width > limits.grid:
                raise SheetFileError(
                    f"{file_name} was refused: {sheet} holds more cells than can be read (at most {limits.cells:,} cells "
                    f"and {limits.grid:,} positions up to the last column used in each row). Delete the unused columns "
                    "to the right of the data and save it again, or split it into smaller workbooks."
                )


def _check_shared_strings(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, file_name: str, limits: WorkbookLimits
) -> None:
    count = 0
    for chunk in _stream(archive, info):
        count += len(_SHARED_ITEM.findall(chunk))
        if count > limits.shared_strings:
            raise SheetFileError(
                f"{file_name} was refused: it holds more than {limits.shared_strings:,} different texts. "
                "Split it into smaller workbooks."
            )
