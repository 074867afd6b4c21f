"""CSV and XLSX exports: pseudonymised, formula-safe, owner-only, never overwriting; and the CLI `export`."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest
from sqlalchemy import select

from dhr_tracker.actionplan.recommendations import add_recommendation
from dhr_tracker.casework.cases import create_case
from dhr_tracker.cli import main
from dhr_tracker.errors import UserError
from dhr_tracker.exchange.sheets.export import export_file, export_tables
from dhr_tracker.model import Agency, Case, ProgressUpdate
from dhr_tracker.vocabulary import Stage
from tests.conftest import PASSPHRASE

TODAY = dt.date(2026, 11, 23)
VICTIM, PERPETRATOR = "Georgiana Featherstonehaugh", "Leopold Kettleborough"


@pytest.fixture
def filled(database):
    with database.transaction() as session:
        case = create_case(
            session,
            today=TODAY,
            reference="DHR-2024-07",
            pseudonym="Harley",
            notified_on=dt.date(2024, 2, 1),
            csp_area="Canterbury",
            victim_real_name=VICTIM,
            perpetrator_real_name=PERPETRATOR,
            notes="Family liaison: speak to the sister first",
        )
        police = session.scalar(select(Agency).where(Agency.name == "Kent Police"))
        rec = add_recommendation(
            session,
            case,
            number="1",
            text='=HYPERLINK("http://x","click")',
            lead_agency=police,
            action="+train staff",
            target_on=dt.date(2025, 6, 30),
            supporting_agencies=["KCC Adult Social Care"],
        )
        add_recommendation(
            session,
            case,
            number="2",
            text="-Review the referral pathway\nand audit it",
            lead_agency="Home Office",
            scope="national",
        )
        rec.completed_on, rec.outcome = dt.date(2025, 5, 1), "@Training delivered"
        session.add(
            ProgressUpdate(
                recommendation=rec,
                received_on=dt.date(2025, 3, 3),
                contact_name="Pat Example",
                text="Half the teams trained",
                evidence_reference="EV-12",
            )
        )
    return database


def test_the_tables_are_pseudonymised(filled):
    with filled.transaction() as session:
        tables = {table.name: table for table in export_tables(session)}
    assert tables["Cases"].rows == [
        (
            "DHR-2024-07",
            "Harley",
            "Notification",
            "Canterbury",
            "KCSP",
            "DHR-2016",
            dt.date(2024, 2, 1),
            None,
            None,
            "",
            "",
        )
    ]  # no decision, no Home Office told
    assert [row[:3] for row in tables["Recommendations"].rows] == [
        ("DHR-2024-07", "Harley", "1"),
        ("DHR-2024-07", "Harley", "2"),
    ]
    assert tables["Recommendations"].rows[0][7] == "KCC Adult Social Care"
    assert tables["Updates"].rows == [
        (
            "DHR-2024-07",
            "Harley",
            "1",
            "Kent Police",
            dt.date(2025, 3, 3),
            "Pat Example",
            "Half the teams trained",
            "EV-12",
            "",
        )
    ]
    ho = tables["Home Office action plan"]
    assert ho.headers[2:9] == (
        "Recommendation",
        "Scope (local / regional / national)",
        "Action to take",
        "Lead agency",
        "Key milestones achieved",
        "Target date",
        "Date of completion and outcome",
    )
    assert ho.rows[0][8] == "01/05/2025 - @Training delivered"
    assert ho.rows[0][5] == "Kent Police (supported by KCC Adult Social Care)"


def everything_in(folder_or_file) -> str:
    if folder_or_file.is_dir():
        return "\n".join(path.read_text(encoding="utf-8-sig") for path in sorted(folder_or_file.iterdir()))
    book = openpyxl.load_workbook(folder_or_file)
    return "\n".join(str(cell.value) for sheet in book.worksheets for row in sheet.iter_rows() for cell in row)


def test_csv_export_is_formula_safe_owner_only_and_holds_no_real_name(filled, tmp_path):
    with filled.transaction() as session:
        result = export_file(session, "csv", tmp_path / "out")
    assert [path.name for path in result.paths] == [
        "cases.csv",
        "recommendations.csv",
        "updates.csv",
        "home-office-action-plan.csv",
    ]
    for path in result.paths:
        assert path.stat().st_mode & 0o777 == 0o600
    for path in result.paths:  # the protective marking is the first line of every file, alone
        assert path.read_text(encoding="utf-8-sig").splitlines()[0] == "OFFICIAL-SENSITIVE"
    handle = (tmp_path / "out" / "recommendations.csv").open(encoding="utf-8-sig")
    next(handle)
    rows = list(csv.DictReader(handle))
    assert rows[0]["Recommendation"] == '\'=HYPERLINK("http://x","click")'
    assert rows[0]["Action to take"] == "'+train staff"
    assert rows[0]["Outcome"] == "'@Training delivered"
    assert rows[1]["Recommendation"] == "'-Review the referral pathway\nand audit it"
    assert rows[0]["Target date"] == "30/06/2025"
    text = everything_in(tmp_path / "out")
    for secret in (VICTIM, PERPETRATOR, "Featherstonehaugh", "sister first"):
        assert secret not in text


def test_xlsx_export_has_date_cells_no_formulas_and_no_real_name(filled, tmp_path):
    out = tmp_path / "partners.xlsx"
    with filled.transaction() as session:
        export_file(session, "xlsx", out)
    assert out.stat().st_mode & 0o777 == 0o600
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Cases", "Recommendations", "Updates", "Home Office action plan"]
    for sheet in book.worksheets:  # printed at the top and bottom of every page
        assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE" == sheet.oddFooter.center.text
    recs = book["Recommendations"]
    assert recs["D2"].data_type == "s" and recs["D2"].value == '\'=HYPERLINK("http://x","click")'
    assert recs["J2"].value == dt.datetime(2025, 6, 30) and recs["J2"].number_format == "dd/mm/yyyy"
    assert not any(cell.data_type == "f" for sheet in book.worksheets for row in sheet.iter_rows() for cell in row)
    text = everything_in(out)
    for secret in (VICTIM, PERPETRATOR, "sister first"):
        assert secret not in text


def test_a_real_name_in_free_text_stops_the_export_and_writes_nothing(filled, tmp_path):
    with filled.transaction() as session:
        update = session.scalar(select(ProgressUpdate))
        session.add(
            ProgressUpdate(
                recommendation_id=update.recommendation_id,
                received_on=dt.date(2025, 4, 1),
                contact_name="Pat Example",
                text=f"Spoke to {VICTIM.upper()}'s sister",
            )
        )
    with (
        pytest.raises(UserError, match="Updates. sheet.*contains a real name stored for case DHR-2024-07"),
        filled.transaction() as session,
    ):
        export_file(session, "xlsx", tmp_path / "x.xlsx")
    assert not (tmp_path / "x.xlsx").exists()


def test_exports_letters_and_reports_treat_folders_and_extensions_one_way(filled, tmp_path):
    from dhr_tracker.reports.action_plan import write_action_plan

    with filled.transaction() as session:
        # A missing folder is created; a name without an extension gets the right one.
        [written] = export_file(session, "xlsx", tmp_path / "new" / "deeper" / "partners").paths
        assert written == tmp_path / "new" / "deeper" / "partners.xlsx" and written.exists()
        assert (tmp_path / "new").stat().st_mode & 0o777 == 0o700
        reference = session.scalar(select(Case.reference))
        plan = write_action_plan(session, reference, tmp_path / "plans" / "plan", as_of=dt.date(2025, 6, 1))
        assert plan == tmp_path / "plans" / "plan.pdf" and plan.exists()
        # Another extension is refused the same way everywhere, and nothing is written.
        with pytest.raises(UserError, match=r"partners.csv should end in .xlsx"):
            export_file(session, "xlsx", tmp_path / "partners.csv")
        with pytest.raises(UserError, match=r"plan.docx should end in .pdf"):
            write_action_plan(session, reference, tmp_path / "plan.docx", as_of=dt.date(2025, 6, 1))
    assert not (tmp_path / "partners.csv").exists() and not (tmp_path / "plan.docx").exists()


def test_exports_never_overwrite_and_name_unknown_cases(filled, tmp_path):
    (tmp_path / "taken.xlsx").write_bytes(b"mine")
    with pytest.raises(UserError, match="already exists"), filled.transaction() as session:
        export_file(session, "xlsx", tmp_path / "taken.xlsx")
    assert (tmp_path / "taken.xlsx").read_bytes() == b"mine"
    with pytest.raises(UserError, match="no case DHR-1999-01"), filled.transaction() as session:
        export_file(session, "csv", tmp_path / "out", ["dhr-1999-01"])


def test_the_export_command_writes_csv_and_xlsx_and_keeps_json(filled, database_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    filled.close()
    assert (
        main(
            [
                "export",
                "--db",
                str(database_path),
                "--format",
                "xlsx",
                "--out",
                str(tmp_path / "e.xlsx"),
                "--case",
                "dhr-2024-07",
            ]
        )
        == 0
    )
    assert "Recommendations: 2 row(s)" in capsys.readouterr().out
    assert main(["export", "--db", str(database_path), "--format", "csv", "--out", str(tmp_path / "csv")]) == 0
    assert (tmp_path / "csv" / "home-office-action-plan.csv").exists()
    assert (
        main(
            [
                "export",
                "--db",
                str(database_path),
                "--format",
                "csv",
                "--out",
                str(tmp_path / "c2"),
                "--include-real-names",
            ]
        )
        == 1
    )
    assert "never hold real names" in capsys.readouterr().err
    assert main(["export", "--db", str(database_path), "--format", "json", "--out", str(tmp_path / "a.json")]) == 0
    assert (tmp_path / "a.json").exists()


def test_the_demo_caseload_exports_without_real_names_and_its_workbook_imports_back(database, tmp_path):
    from dhr_tracker.demo import build_demo_caseload
    from dhr_tracker.exchange.sheets import import_sheets, read_sheet_file
    from dhr_tracker.model import Case, Recommendation
    from dhr_tracker.storage.database import create_database

    def snapshot(session):
        # A sheet carries a case's decision date, not its later events, and an import works the stage out from
        # the dates it was given: every case with a decision comes back at the decision stage.
        cases = {
            (c.reference, c.pseudonym, Stage.DECISION if c.decision is not None else Stage.NOTIFICATION)
            for c in session.scalars(select(Case))
        }
        recs = {
            (r.case.reference, r.number, r.status, r.lead_agency.name, r.target_on, r.completed_on)
            for r in session.scalars(select(Recommendation))
        }
        return cases, recs

    with database.transaction() as session:
        build_demo_caseload(session, cases=12, seed=5, anchor=TODAY)
        names = [
            name
            for row in session.execute(select(Case.victim_real_name, Case.perpetrator_real_name))
            for name in row
            if name
        ]
        before = snapshot(session)
    assert names and before[1]
    with database.transaction() as session:
        export_file(session, "xlsx", tmp_path / "demo.xlsx")
        export_file(session, "csv", tmp_path / "csv")
    text = (everything_in(tmp_path / "demo.xlsx") + everything_in(tmp_path / "csv")).casefold()
    for name in names:
        assert name.casefold() not in text
        assert name.split()[-1].casefold() not in text  # not even a surname

    fresh = create_database(tmp_path / "fresh.dhrdb", PASSPHRASE)
    try:
        with fresh.transaction() as session:
            result = import_sheets(session, read_sheet_file(tmp_path / "demo.xlsx"), today=TODAY)
        assert result.ok, result.errors[:3]
        assert {p.sheet for p in result.problems if p.severity == "note"} >= {"Updates", "Home Office action plan"}
        with fresh.transaction() as session:
            assert snapshot(session) == before
    finally:
        fresh.close()


@pytest.fixture
def temp_folder_watch(tmp_path, monkeypatch):
    """Point the system temporary folder at an empty folder and record every file opened in it.

    Recording os.open (which tempfile's NamedTemporaryFile and mkstemp go through) matters because
    openpyxl deletes its temporary sheet files after zipping them: an empty folder afterwards alone
    would not show that case data passed through it.
    """
    import os
    import tempfile

    folder = tmp_path / "system-temp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    opened: list[str] = []
    real_open = os.open

    def watching_open(path, *args, **kwargs):
        if os.path.dirname(os.path.abspath(os.fsdecode(path))) == str(folder):
            opened.append(os.fsdecode(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", watching_open)
    return folder, opened


def test_xlsx_export_and_import_write_nothing_to_the_temporary_folder(filled, tmp_path, temp_folder_watch):
    import io

    folder, opened = temp_folder_watch
    # The watch is live: openpyxl's own save does put each sheet in a temporary file (then deletes it).
    stock = openpyxl.Workbook()
    stock.active.append(["DHR-2024-07", "Harley"])
    stock.save(io.BytesIO())
    assert opened and list(folder.iterdir()) == []
    opened.clear()

    out = tmp_path / "partners.xlsx"
    with filled.transaction() as session:
        export_file(session, "xlsx", out)
    assert opened == [] and list(folder.iterdir()) == []
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Cases", "Recommendations", "Updates", "Home Office action plan"]
    for sheet in book.worksheets:  # printed at the top and bottom of every page
        assert sheet.oddHeader.center.text == "OFFICIAL-SENSITIVE" == sheet.oddFooter.center.text
    assert [cell.value for cell in book["Cases"][2]][:3] == ["DHR-2024-07", "Harley", "Notification"]
    assert book["Recommendations"].max_row == 3 and book["Updates"]["G2"].value == "Half the teams trained"
    assert book["Cases"].freeze_panes == "C2" and book["Cases"]["A1"].font.bold

    from dhr_tracker.exchange.sheets import import_sheets, read_sheet_file

    sheet_file = read_sheet_file(out)
    with filled.transaction() as session:
        result = import_sheets(session, sheet_file, dry_run=True, today=TODAY)
    assert {p.severity for p in result.problems} <= {"skipped", "note"}  # already there: reported, not overwritten
    assert opened == [] and list(folder.iterdir()) == []
