"""The update-pack workbook: marked, protected, with drop-downs and date checks on the columns to fill.

Built in memory (through the exports' in-memory writer: nothing passes through the temporary folder)
and, if a password is given, encrypted in memory with the standard Office encryption.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import secrets
from dataclasses import dataclass

from dhr_tracker.exchange.packs.content import PROPOSABLE, PackContent
from dhr_tracker.spreadsheets import safe_cell

PACK_KEYWORD = "dhr-tracker-update-pack"
SHEET = "Update pack"
META_SHEET = "Pack"  # hidden: the pack identifier and the drop-down's list
HEADER_ROW = 9
FIRST_ROW = HEADER_ROW + 1


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    width: int
    fill: bool = False  # a column the agency fills in (unlocked)


COLUMNS = (
    Column("row_key", "Row key (do not change)", 18),
    Column("reference", "Case reference", 18),
    Column("pseudonym", "Pseudonym", 14),
    Column("number", "No.", 6),
    Column("text", "Recommendation", 45),
    Column("action", "Action to take", 35),
    Column("target_on", "Target date", 12),
    Column("status", "Current status", 16),
    Column("latest_on", "Last update on", 12),
    Column("latest_text", "Last update", 40),
    Column("progress", "Progress since the last update", 45, True),
    Column("evidence", "Evidence reference", 18, True),
    Column("proposed_status", "Proposed status", 22, True),
    Column("completed_on", "Completion date (dd/mm/yyyy)", 16, True),
    Column("updated_by", "Updated by: name", 22, True),
    Column("updated_role", "Updated by: role", 22, True),
)
COLUMN_INDEX = {column.key: index for index, column in enumerate(COLUMNS)}
INSTRUCTIONS = (
    "Fill in the white columns only, one row per recommendation: the progress since the last update, any evidence "
    "reference, a proposed status if it has changed, the completion date if completed, and who updated it. Leave a row "
    "blank if there is nothing new. Type values (no formulas); use the pseudonyms, never real names. Do not add, remove "
    "or reorder rows, and return this file as it is."
)


def pack_texts(content: PackContent, marking: str, handling_line: str, return_to: str, stamped: str) -> list[str]:
    """Every string the workbook will hold, for the real-name guard."""
    texts = [marking, handling_line, return_to, stamped, content.agency_name, content.round_label, INSTRUCTIONS]
    texts += [column.header for column in COLUMNS]
    for row in content.rows:
        texts += [row.reference, row.pseudonym, row.number, row.text, row.action, row.status.label, row.latest_text]
    return texts


def build_workbook(
    content: PackContent, *, marking: str, handling_line: str, return_to: str, stamped: str, row_keys: dict[int, str]
):
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    workbook.properties.title = f"DHR action plan update pack: {content.agency_name}"
    workbook.properties.keywords = PACK_KEYWORD
    workbook.properties.creator = "DHR Tracker"
    last = get_column_letter(len(COLUMNS))

    bold, wrap = Font(bold=True), Alignment(wrap_text=True, vertical="top")
    grey = PatternFill("solid", fgColor="E7E6E6")
    banner_fill = PatternFill("solid", fgColor="DFE6EE")
    thin = Side(style="thin", color="A6A6A6")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    unlocked = Protection(locked=False)

    banner = marking.upper() + (f" - {handling_line}" if handling_line else "")
    sheet["B1"] = safe_cell(banner)
    sheet["B1"].font = Font(bold=True, size=12)
    sheet["B1"].fill = banner_fill
    sheet["B1"].alignment = Alignment(wrap_text=True, vertical="center")
    sheet.merge_cells(f"B1:{last}1")
    sheet.row_dimensions[1].height = 32
    facts = (
        ("Agency", content.agency_name),
        ("Update round", content.round_label),
        ("Please return by", content.due_on),
        ("Return to", return_to),
        ("Pack identifier", stamped),
    )
    for offset, (label, value) in enumerate(facts, start=2):
        sheet.cell(row=offset, column=2, value=label).font = bold
        cell = sheet.cell(row=offset, column=3, value=safe_cell(value))
        if isinstance(value, dt.date):
            cell.number_format = "dd/mm/yyyy"
            cell.alignment = Alignment(horizontal="left")
        sheet.merge_cells(start_row=offset, start_column=3, end_row=offset, end_column=6)
    sheet["B7"] = INSTRUCTIONS
    sheet["B7"].alignment = wrap
    sheet.merge_cells(f"B7:{last}7")
    sheet.row_dimensions[7].height = 45

    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = column.width
        cell = sheet.cell(row=HEADER_ROW, column=index, value=column.header)
        cell.font, cell.alignment, cell.border = bold, wrap, box
        cell.fill = banner_fill if column.fill else grey
    sheet.row_dimensions[HEADER_ROW].height = 32
    sheet.column_dimensions["A"].hidden = True

    for number, row in enumerate(content.rows, start=FIRST_ROW):
        values = (
            row_keys[row.recommendation_id],
            row.reference,
            row.pseudonym,
            row.number,
            row.text,
            row.action,
            row.target_on,
            row.status.label,
            row.latest_on,
            row.latest_text,
        )
        for index, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=index, value=safe_cell(value) if value is not None else None)
            cell.fill, cell.alignment, cell.border = grey, wrap, box
            if isinstance(value, dt.date):
                cell.number_format = "dd/mm/yyyy"
        # Spreadsheets do not grow a row for wrapped text written by a program: size it from the longest text.
        lines = max(math.ceil(len(str(value or "")) / COLUMNS[index].width) for index, value in enumerate(values))
        sheet.row_dimensions[number].height = 15 * min(max(lines, 2), 20)
        for index in range(len(values) + 1, len(COLUMNS) + 1):
            cell = sheet.cell(row=number, column=index)
            cell.protection, cell.alignment, cell.border = unlocked, wrap, box
            if COLUMNS[index - 1].key == "completed_on":
                cell.number_format = "dd/mm/yyyy"
    last_row = FIRST_ROW + max(len(content.rows), 1) - 1

    meta = workbook.create_sheet(META_SHEET)
    meta["A1"], meta["B1"] = "Pack identifier", stamped
    for offset, status in enumerate(PROPOSABLE, start=1):
        meta.cell(row=offset, column=4, value=status.label)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True

    def column_range(key: str) -> str:
        letter = get_column_letter(COLUMN_INDEX[key] + 1)
        return f"{letter}{FIRST_ROW}:{letter}{last_row}"

    status_list = DataValidation(
        type="list",
        formula1=f"'{META_SHEET}'!$D$1:$D${len(PROPOSABLE)}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Proposed status",
        error="Choose a status from the list, or leave it blank if it has not changed.",
        promptTitle="Proposed status",
        prompt="Only if it has changed. The coordinator accepts or rejects it.",
        showInputMessage=True,
    )
    status_list.add(column_range("proposed_status"))
    # 2000-01-01 .. 2099-12-31 as Excel day numbers: a date, and not a typing slip of a century.
    date_check = DataValidation(
        type="date",
        operator="between",
        formula1="36526",
        formula2="73050",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Completion date",
        error="Type a date, for example 31/03/2026.",
    )
    date_check.add(column_range("completed_on"))
    sheet.add_data_validation(status_list)
    sheet.add_data_validation(date_check)

    sheet.freeze_panes = sheet.cell(row=FIRST_ROW, column=COLUMN_INDEX["text"] + 1)
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    for header_footer in (sheet.oddHeader, sheet.evenHeader, sheet.firstHeader):
        header_footer.center.text = marking.upper()
        header_footer.center.font = "Arial,Bold"
    for header_footer in (sheet.oddFooter, sheet.evenFooter, sheet.firstFooter):
        header_footer.center.text = marking.upper() + (f"\n{handling_line}" if handling_line else "")
        header_footer.right.text = "Page &P of &N"

    # Structure protection keeps the rows and key columns as made; the password is not a secret worth
    # keeping (the checksums are what the import trusts), only a guard against accidental edits.
    password = secrets.token_urlsafe(12)
    sheet.protection.set_password(password)
    meta.protection.set_password(password)
    sheet.protection.sheet = True
    sheet.protection.formatColumns = False  # people may widen columns and rows to read long text
    sheet.protection.formatRows = False
    workbook.security.lockStructure = True
    workbook.security.workbookPassword = password
    return workbook


def encrypt(plain: bytes, password: str) -> bytes:
    """The workbook encrypted with the password (ECMA-376 Agile, AES-256), in memory."""
    from msoffcrypto.format.ooxml import OOXMLFile

    out = io.BytesIO()
    OOXMLFile(io.BytesIO(plain)).encrypt(password, out)
    return out.getvalue()
