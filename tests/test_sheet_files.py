"""Reading spreadsheet files: CSV and XLSX read, and a wrong file type or encoding refused with a clear message."""

from __future__ import annotations

import datetime as dt
import zipfile

import openpyxl
import pytest
from sqlalchemy import select

from dhr_tracker.exchange.sheets import MappingError, SheetFileError, import_sheets, load_mapping_file, read_sheet_file
from dhr_tracker.model import Case

TODAY = dt.date(2026, 11, 23)
CSV_TEXT = (
    "DHR reference,Pseudonym,Date notified,CSP area,Notes\r\n"
    'DHR-2025-04 ,Zoë,03/04/2025,Ashford,"Chair: Ms Example, appointed"\r\n'
    ",,,,\r\n"
    "DHR-2025-05,Kit,7 May 2025,Thanet ,\r\n"
)


def test_a_utf8_csv_with_a_byte_order_mark_imports(database, tmp_path):
    path = tmp_path / "cases.csv"
    path.write_bytes("\ufeff".encode() + CSV_TEXT.encode("utf-8"))
    sheet_file = read_sheet_file(path)
    assert sheet_file.kind == "csv" and sheet_file.sheets[0].rows[1][1][0] == "DHR-2025-04 "
    with database.transaction() as session:
        result = import_sheets(session, sheet_file, today=TODAY)
    assert result.ok and result.cases_added == 2
    with database.transaction() as session:
        case = session.scalar(select(Case).where(Case.reference == "DHR-2025-04"))
        assert (case.pseudonym, case.notified_on, case.notes) == (
            "Zoë",
            dt.date(2025, 4, 3),
            "Chair: Ms Example, appointed",
        )


def test_a_semicolon_separated_csv_is_read(tmp_path):
    path = tmp_path / "cases.csv"
    path.write_text(CSV_TEXT.replace(",", ";").replace("Chair: Ms Example; appointed", "x"), encoding="utf-8")
    rows = read_sheet_file(path).sheets[0].rows
    assert rows[0][1][:3] == ("DHR reference", "Pseudonym", "Date notified")


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("tracker.xlsx", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n", "is a PDF document"),
        ("tracker.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "Excel 97-2003"),
        ("tracker.csv", "\ufeffDHR reference\tPseudonym\r\n".encode("utf-16-le"), "UTF-16"),
        ("tracker.csv", "DHR reference,Pseudonym\r\nDHR-2025-01,Zoë\r\n".encode("cp1252"), "not UTF-8 text (line 2"),
        ("tracker.xlsx", b"DHR reference,Pseudonym\r\n", "holds plain text"),
        ("tracker.xlsx", b"PK\x03\x04 this is not really a zip", "damaged or incomplete"),
        ("tracker.csv", b"", "is empty"),
        ("tracker.png", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "is not a spreadsheet"),
    ],
)
def test_a_wrong_file_type_or_encoding_gets_a_clear_message(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(SheetFileError) as refused:
        read_sheet_file(path)
    assert words in refused.value.message
    assert "Save As" in refused.value.message or "empty" in refused.value.message or "damaged" in refused.value.message


def test_a_word_document_renamed_xlsx_is_named_as_such(tmp_path):
    path = tmp_path / "tracker.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("word/document.xml", "<w:document/>")
        archive.writestr("[Content_Types].xml", "<Types/>")
    with pytest.raises(SheetFileError, match="is a Word document"):
        read_sheet_file(path)


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(SheetFileError, match="There is no file at"):
        read_sheet_file(tmp_path / "nowhere.xlsx")


def test_a_workbook_with_no_recognisable_sheet_says_so(database, tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Shopping", "List"])
    book.active.append(["Milk", "Eggs"])
    book.save(tmp_path / "other.xlsx")
    with database.transaction() as session:
        result = import_sheets(session, read_sheet_file(tmp_path / "other.xlsx"), today=TODAY)
    assert not result.ok
    assert any("No sheet in this file looks like" in problem.problem for problem in result.errors)


@pytest.mark.parametrize(
    ("content", "words"),
    [
        ("{not json", "not valid JSON"),
        ('{"sheets": []}', "not a DHR Tracker column mapping"),
        (
            '{"dhr_tracker_mapping": 1, "sheets": [{"kind": "incidents", "columns": {}}]}',
            '"cases" or "recommendations"',
        ),
        (
            '{"dhr_tracker_mapping": 1, "sheets": [{"kind": "cases", "columns": {"referense": "Ref"}}]}',
            'Did you mean "reference"',
        ),
        ('{"dhr_tracker_mapping": 1, "sheets": [{"kind": "cases", "header_row": 0, "columns": {}}]}', "row number"),
    ],
)
def test_a_bad_mapping_file_is_refused_with_what_to_change(tmp_path, content, words):
    path = tmp_path / "mapping.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MappingError) as refused:
        load_mapping_file(path)
    assert words in refused.value.message
