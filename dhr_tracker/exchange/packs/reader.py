"""A returned update pack read back: within limits, without trusting anything it says.

The file type is told from its first bytes; a password-protected pack is decrypted in memory; the
ZIP is checked against the pack limits before openpyxl parses it; then the pack identifier, the
header row and each row's key and filled-in cells are read. Formulas are kept apart (a formula is
never imported), and so is the application that last saved the file (for the messages).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from dhr_tracker.exchange.packs.identity import parse_stamped_identifier
from dhr_tracker.exchange.packs.workbook import COLUMNS, META_SHEET, SHEET
from dhr_tracker.exchange.sheets.file_error import SheetFileError
from dhr_tracker.exchange.sheets.limits import PACK_LIMITS, check_workbook
from dhr_tracker.exchange.sheets.source import file_kind

MAX_PACK_BYTES = 20 * 1024 * 1024
HEADER_SEARCH = 30  # the header row is row 9; another program's save may move it a little, never far
FILL_KEYS = tuple(column.key for column in COLUMNS if column.fill)


class PackFileError(SheetFileError):
    """The file cannot be read as an update pack; the message says why and what to do. Nothing was recorded."""


@dataclass(frozen=True)
class ReturnedRow:
    row_number: int
    key: str
    values: dict[str, object]  # fill-in column key -> cell value (None when blank)
    formulas: tuple[str, ...] = ()  # fill-in columns holding a formula

    @property
    def blank(self) -> bool:
        return not self.formulas and all(
            value is None or (isinstance(value, str) and not value.strip()) for value in self.values.values()
        )


@dataclass(frozen=True)
class ReturnedPack:
    path: Path
    sha256: str
    identifier: str  # "" when the file carries no readable identifier
    checksum: str
    rows: tuple[ReturnedRow, ...]
    saved_by: str = ""  # the application that last saved it, as the file says
    epoch: dt.date = dt.date(1899, 12, 30)


def read_pack_bytes(path: Path | str) -> bytes:
    path = Path(path)
    try:
        if not path.is_file():
            raise PackFileError(f"There is no file at {path}. Check the name and the folder.")
        if path.stat().st_size > MAX_PACK_BYTES:
            raise PackFileError(
                f"{path.name} is larger than {MAX_PACK_BYTES // (1024 * 1024)} MB; an update pack is far smaller. "
                "Check it is the pack that was sent."
            )
        return path.read_bytes()
    except OSError as error:
        raise PackFileError(f"Cannot read {path}: {error.strerror or error}.") from None


def _decrypt(data: bytes, name: str, password: str | None) -> bytes:
    import msoffcrypto

    if password is None:
        raise PackFileError(f"{name} is password-protected. Give the pack's password (--password-file) to import it.")
    try:
        office = msoffcrypto.OfficeFile(io.BytesIO(data))
        office.load_key(password=password)
        out = io.BytesIO()
        office.decrypt(out)
    except Exception:  # noqa: BLE001 - msoffcrypto raises several kinds for a wrong password or a damaged container
        raise PackFileError(f"{name} could not be opened with the password given. Check the password file.") from None
    return out.getvalue()


def read_returned_pack(path: Path | str, *, password: str | None = None) -> ReturnedPack:
    """Read a returned pack. Raises PackFileError (never anything else) if it cannot be read as one."""
    path = Path(path)
    original = read_pack_bytes(path)
    sha256 = hashlib.sha256(original).hexdigest()
    data = original
    kind = file_kind(data[:8192]) if data else "empty"
    if kind == "ole":
        data = _decrypt(data, path.name, password)
        kind = file_kind(data[:8192])
    if kind != "zip":
        reasons = {
            "empty": "is empty",
            "pdf": "is a PDF document, not the update pack",
            "ole": "is an Excel 97-2003 workbook (.xls), not the update pack",
            "rtf": "is a Word (RTF) document, not the update pack",
            "html": "is a web page, not the update pack",
        }
        reason = reasons.get(kind, "is not an Excel workbook")
        raise PackFileError(
            f"{path.name} {reason}. Ask the agency to return the .xlsx pack they were sent, saved as "
            "'Excel Workbook (*.xlsx)'."
        )
    try:
        check_workbook(data, PACK_LIMITS, name=path.name)
    except SheetFileError as error:
        raise PackFileError(str(error)) from None
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception as error:  # noqa: BLE001 - a crafted or damaged file fails in many ways inside openpyxl
        raise PackFileError(
            f"{path.name} could not be read as a workbook ({type(error).__name__}). "
            "Open it in Excel, save it again as .xlsx, and import it again."
        ) from None
    try:
        return _read(book, path, sha256)
    except PackFileError:
        raise
    except Exception as error:  # noqa: BLE001 - as above: openpyxl reads the read-only book lazily
        raise PackFileError(
            f"{path.name} could not be read as a workbook ({type(error).__name__}). "
            "Open it in Excel, save it again as .xlsx, and import it again."
        ) from None
    finally:
        book.close()


def _read(book, path: Path, sha256: str) -> ReturnedPack:
    saved_by = (getattr(book.properties, "creator", "") or "") if hasattr(book, "properties") else ""
    epoch = book.epoch.date() if isinstance(book.epoch, dt.datetime) else dt.date(1899, 12, 30)
    stamped = None
    if META_SHEET in book.sheetnames:
        stamped = parse_stamped_identifier(book[META_SHEET]["B1"].value)
    if SHEET not in book.sheetnames:
        raise PackFileError(
            f"{path.name} has no sheet called '{SHEET}': it is not an update pack, or the sheet was renamed. "
            "Ask the agency to return the pack they were sent."
        )
    sheet = book[SHEET]
    sheet.reset_dimensions()
    rows = list(sheet.iter_rows())
    if stamped is None:
        for row in rows[:HEADER_SEARCH]:
            for cell in row:
                stamped = stamped or parse_stamped_identifier(getattr(cell, "value", None))
    if stamped is None:
        raise PackFileError(
            f"{path.name} carries no pack identifier (it was removed or changed). It cannot be matched to a "
            "round and agency; ask the agency to fill in the pack they were sent."
        )
    header_index, positions = _header(rows, path.name)
    returned = []
    for number, row in enumerate(rows[header_index + 1 :], start=header_index + 2):
        cells = {key: row[position] if position < len(row) else None for key, position in positions.items()}
        key_cell = cells["row_key"]
        key = key_cell.value if key_cell is not None and isinstance(key_cell.value, str) else ""
        values, formulas = {}, []
        for fill_key in FILL_KEYS:
            cell = cells.get(fill_key)
            value = getattr(cell, "value", None)
            if getattr(cell, "data_type", None) == "f":
                formulas.append(fill_key)
                value = None
            values[fill_key] = value
        if (
            not key
            and all(v is None or (isinstance(v, str) and not v.strip()) for v in values.values())
            and not formulas
        ):
            continue  # an empty line below the pack
        returned.append(ReturnedRow(number, key.strip(), values, tuple(formulas)))
    identifier, checksum = stamped
    return ReturnedPack(path, sha256, identifier, checksum, tuple(returned), saved_by, epoch)


def _header(rows, name: str) -> tuple[int, dict[str, int]]:
    wanted = {column.header.casefold(): column.key for column in COLUMNS}
    for index, row in enumerate(rows[:HEADER_SEARCH]):
        positions = {}
        for position, cell in enumerate(row):
            value = getattr(cell, "value", None)
            if isinstance(value, str) and value.strip().casefold() in wanted:
                positions[wanted[value.strip().casefold()]] = position
        if "row_key" in positions:
            missing = [
                column.header
                for column in COLUMNS
                if column.key not in positions and (column.fill or column.key == "row_key")
            ]
            if missing:
                raise PackFileError(
                    f"{name} has lost the column(s) {', '.join(repr(m) for m in missing)}. Ask the agency "
                    "to fill in the pack they were sent without changing its columns."
                )
            return index, positions
    raise PackFileError(
        f"{name} has lost its header row (the row with 'Row key (do not change)'). Ask the agency to fill "
        "in the pack they were sent without changing its structure."
    )
