"""Workbook limits, checked before openpyxl parses anything: for import-sheet and for returned update packs."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pytest

from dhr_tracker.exchange.sheets import SheetFileError, read_sheet_file
from dhr_tracker.exchange.sheets.limits import WorkbookLimits, check_workbook

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" '
    'Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
    '<sheet name="Cases" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="worksheets/sheet1.xml"/></Relationships>'
)


def workbook_with_rows(path: Path, rows: bytes) -> Path:
    """A minimal, valid workbook whose one sheet holds the given <row> elements."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", ROOT_RELS)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr(
            "xl/worksheets/sheet1.xml",
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
            + rows
            + b"</sheetData></worksheet>",
        )
    return path


def test_cells_in_the_last_column_of_every_row_are_refused_before_parsing(tmp_path):
    # 100,000 rows, each a value in column A and an empty styled cell in XFD (column 16,384): openpyxl
    # would yield 100,000 x 16,384 = 1.6 billion values. The file itself is about a megabyte.
    rows = b"".join(
        b'<row r="%d"><c r="A%d" t="inlineStr"><is><t>x</t></is></c><c r="XFD%d" s="1"/></row>' % (n, n, n)
        for n in range(1, 100_001)
    )
    path = workbook_with_rows(tmp_path / "wide.xlsx", rows)
    assert path.stat().st_size < 2 * 1024 * 1024
    with pytest.raises(
        SheetFileError, match="the sheet 'Cases' holds more cells.*Delete the unused columns to the right"
    ):
        read_sheet_file(path)


def test_a_sheet_reaching_the_last_row_is_refused(tmp_path):
    path = workbook_with_rows(
        tmp_path / "tall.xlsx",
        b'<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row><row r="1048576"><c r="A1048576" s="1"/></row>',
    )
    with pytest.raises(SheetFileError, match="reaches row 1,048,576"):
        read_sheet_file(path)


def test_a_zip_bomb_is_named_as_such(tmp_path):
    # 60 MB of spaces packs into about 60 KB: a ratio of about 1,000, where real sheets pack 5 to 20 times.
    path = workbook_with_rows(tmp_path / "bomb.xlsx", b" " * (60 * 1024 * 1024))
    with pytest.raises(SheetFileError, match="ZIP bomb"):
        read_sheet_file(path)


def test_too_many_shared_strings_are_refused(tmp_path):
    path = workbook_with_rows(tmp_path / "strings.xlsx", b'<row r="1"><c r="A1" t="s"><v>0</v></c></row>')
    with zipfile.ZipFile(path, "a") as archive:  # as Excel writes text: once, in the shared strings part
        archive.writestr(
            "xl/sharedStrings.xml", b"<sst>" + b"".join(b"<si><t>text %d</t></si>" % n for n in range(30)) + b"</sst>"
        )
    check_workbook(path)  # within the normal limits
    with pytest.raises(SheetFileError, match="more than 20 different texts"):
        check_workbook(path, WorkbookLimits(shared_strings=20))


def test_an_ordinary_workbook_of_a_few_thousand_rows_still_reads(tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["DHR reference", "Pseudonym", "Date notified"])
    for n in range(3000):
        sheet.append([f"DHR-2025-{n:04d}", f"Name{n}", "01/04/2025"])
    book.save(tmp_path / "cases.xlsx")
    assert len(read_sheet_file(tmp_path / "cases.xlsx").sheets[0].rows) == 3001
