"""`dhr-tracker import-sheet`: dry run, report file, mapping file, exit codes, never a traceback."""

from __future__ import annotations

import csv
import json

import openpyxl
import pytest

from dhr_tracker.cli import main
from tests.conftest import PASSPHRASE


@pytest.fixture(autouse=True)
def passphrase_env(monkeypatch):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)


def workbook(path, agency="Kent Police", victim="Ottoline Marchbanks"):
    book = openpyxl.Workbook()
    cases = book.active
    cases.title = "Cases"
    cases.append(["Reference", "Pseudonym", "Victim name", "Date notified", "CSP area"])
    cases.append(["DHR-2025-21", "Avery", victim, "14/02/2025", "Folkestone & Hythe"])
    recs = book.create_sheet("Recommendations")
    recs.append(["Case reference", "No", "Recommendation", "Lead agency", "Target date"])
    recs.append(["DHR-2025-21", "1", "Train call handlers", agency, "30/09/2026"])
    book.save(path)
    return path


def cases_json(database_path, capsys):
    capsys.readouterr()
    assert main(["cases", "--db", str(database_path), "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_dry_run_then_import(database_path, tmp_path, capsys):
    path = workbook(tmp_path / "in.xlsx")
    assert (
        main(["import-sheet", "--db", str(database_path), str(path), "--dry-run", "--report", str(tmp_path / "r.csv")])
        == 0
    )
    out = capsys.readouterr().out
    assert "Dry run: no problems found" in out and "1 case(s) and 1 recommendation(s) would be added" in out
    assert list(csv.reader((tmp_path / "r.csv").open(encoding="utf-8-sig")))[0] == [
        "severity",
        "sheet",
        "row",
        "column",
        "cell",
        "problem",
        "suggestion",
    ]
    assert cases_json(database_path, capsys) == []

    assert main(["import-sheet", "--db", str(database_path), str(path)]) == 0
    assert "Imported. 1 case(s) and 1 recommendation(s) were added" in capsys.readouterr().out
    [case] = cases_json(database_path, capsys)
    assert (case["reference"], case["pseudonym"], case["csp_area"]) == ("DHR-2025-21", "Avery", "Folkestone and Hythe")


def test_problems_exit_1_with_a_report_and_nothing_written(database_path, tmp_path, capsys):
    path = workbook(tmp_path / "in.xlsx", agency="Kent Poilce")
    report = tmp_path / "report.csv"
    assert main(["import-sheet", "--db", str(database_path), str(path), "--report", str(report)]) == 1
    captured = capsys.readouterr()
    assert "'Kent Poilce' is not on the agency list" in captured.err and "Nothing was imported" in captured.out
    rows = list(csv.DictReader(report.open(encoding="utf-8-sig")))
    assert [(r["severity"], r["sheet"], r["row"], r["column"], r["cell"]) for r in rows] == [
        ("error", "Recommendations", "2", "Lead agency", "D2")
    ]
    assert "Kent Police" in rows[0]["suggestion"]
    assert "Ottoline" not in report.read_text(encoding="utf-8-sig")
    assert cases_json(database_path, capsys) == []


def test_a_mapping_file_is_used(database_path, tmp_path, capsys):
    path = workbook(tmp_path / "in.xlsx")
    mapping = tmp_path / "mapping.json"
    mapping.write_text(
        json.dumps(
            {
                "dhr_tracker_mapping": 1,
                "sheets": [
                    {"sheet": "Cases", "kind": "cases", "columns": {"reference": "Reference", "victim_real_name": None}}
                ],
            }
        ),
        encoding="utf-8",
    )
    assert main(["import-sheet", "--db", str(database_path), str(path), "--mapping", str(mapping)]) == 0
    out = capsys.readouterr().out
    assert "1 case(s) and 0 recommendation(s) were added" in out


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("in.xlsx", b"%PDF-1.4 not a sheet", "is a PDF document"),
        ("in.csv", "Reference,Pseudonym\r\nDHR-1,Zoë\r\n".encode("cp1252"), "not UTF-8 text"),
    ],
)
def test_a_wrong_file_is_a_clear_error_without_a_traceback(database_path, tmp_path, capsys, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    assert main(["import-sheet", "--db", str(database_path), str(path)]) == 1
    err = capsys.readouterr().err
    assert words in err and "Traceback" not in err


def test_an_existing_report_file_is_not_overwritten(database_path, tmp_path, capsys):
    report = tmp_path / "report.csv"
    report.write_text("keep me", encoding="utf-8")
    assert (
        main(
            [
                "import-sheet",
                "--db",
                str(database_path),
                str(workbook(tmp_path / "in.xlsx")),
                "--dry-run",
                "--report",
                str(report),
            ]
        )
        == 1
    )
    assert "already exists" in capsys.readouterr().err and report.read_text(encoding="utf-8") == "keep me"
