"""Moving in from a spreadsheet: realistic messy workbooks, the dry-run report, and all or nothing."""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path

import openpyxl
import pytest
from sqlalchemy import func, select

from dhr_tracker.casework.cases import create_case
from dhr_tracker.exchange.sheets import (
    ImportMapping,
    SheetKind,
    SheetMapping,
    import_sheets,
    mapping_from_json,
    read_sheet_file,
    remember_mapping,
    suggest_mapping,
    write_report,
)
from dhr_tracker.model import Case, Milestone, Recommendation
from dhr_tracker.vocabulary import Decision, MilestoneKind, RecommendationSource, RecommendationStatus, Scope, Stage

TODAY = dt.date(2026, 11, 23)
REAL_NAMES = ("Imogen Quillfeather", "Barnaby Thistlewood")
CASE_HEADERS = [
    "DHR Ref ",
    "Pseudonym",
    "Victim name",
    "Perpetrator",
    "Date notified",
    "Date of death",
    "CSP",
    "Stage",
    "Date of decision",
    "Notes",
]
REC_HEADERS = [
    "DHR reference",
    "Rec No.",
    "Recommendation",
    "Scope",
    "Action to take",
    "Lead agency",
    "Supporting agencies",
    "Target date",
    "Status",
    "Date of completion and outcome",
]


def save_with_saved_formula_values(workbook: openpyxl.Workbook, path: Path, values: dict[str, str]) -> Path:
    """Save, then write the value Excel would have cached beside each formula (openpyxl cannot)."""
    workbook.save(path)
    with zipfile.ZipFile(path) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    for name, data in parts.items():
        if name.startswith("xl/worksheets/sheet"):
            for formula, value in values.items():
                data = data.replace(f"<f>{formula}</f><v></v>".encode(), f"<f>{formula}</f><v>{value}</v>".encode())
            parts[name] = data
    path.unlink()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for name, data in parts.items():
            target.writestr(name, data)
    return path


def messy_workbook(path: Path, *, problems: bool) -> Path:
    """A caseload and an action plan as coordinators keep them: a merged title, merged group headers,
    blank rows, trailing spaces, mixed date styles, a reference merged down beside its recommendations,
    a formula; with `problems`, also a misspelt agency, a duplicate reference and bad dates."""
    book = openpyxl.Workbook()
    cases = book.active
    cases.title = "Caseload"
    cases.append(["Kent and Medway DHR caseload - OFFICIAL-SENSITIVE"])
    cases.merge_cells("A1:J1")
    cases.append(["Case", None, "Names (do not share)", None, "Dates", None, "Where and how far"])
    cases.merge_cells("A2:B2")
    cases.merge_cells("C2:D2")
    cases.merge_cells("E2:F2")
    cases.append(CASE_HEADERS)
    cases.append(
        [
            "DHR-2024-01 ",
            " Alex ",
            REAL_NAMES[0] + " ",
            REAL_NAMES[1],
            "03/04/2024",
            dt.datetime(2024, 3, 1),
            "Swale ",
            "Panel meetings and drafting",
            "1 May 2024",
            "Chair appointed\nIMRs requested  ",
        ]
    )
    cases.append([None] * 10)  # a blank row
    cases.append(["DHR-2024-02", "Sam", None, None, "5 Mar 2024", 45300, "Dartford", "Home Office QA", 45420, None])
    cases.append(["dhr-2024-03", "Jo", None, None, "=DATE(2024,6,1)", None, "Medway", None, None, "cross-check"])
    cases.append([])
    if problems:
        cases.append(
            ["DHR-2024-02", "Robin", "Someone Else", None, "04/03/25", "31/02/2024", "Swalle", "Drafted", None, None]
        )
    recs = book.create_sheet("Action plan")
    recs.append(REC_HEADERS)
    recs.append(
        [
            "DHR-2024-01",
            1,
            "Agencies should share risk information at the first contact.",
            "Local",
            "Deliver training",
            "Kent Police",
            "KCC Adult Social Care; KMPT",
            "31/12/2025",
            "In progress",
            None,
        ]
    )
    recs.append(
        [
            None,
            2,
            "GP practices should ask about domestic abuse.",
            "local",
            "Audit",
            "NHS Kent & Medway ICB (GP practices)",
            None,
            "1 Sept 2025",
            "Completed, awaiting evidence",
            "12/05/2025 - audit completed",
        ]
    )
    recs.append(
        [
            None,
            3,
            "The Home Office should update the guidance.",
            "National",
            "Write to the Home Office",
            "Home Office",
            None,
            None,
            "Accepted",
            None,
        ]
    )
    recs.merge_cells("A2:A4")
    recs.append([None] * 10)
    recs.append(
        [
            "DHR-2024-02",
            "1",
            "Housing should flag tenancies at risk.",
            "Local",
            "New procedure",
            "Kent Polise" if problems else "Swale Borough Council (Housing)",
            None,
            "30/06/2026",
            "Proposed",
            None,
        ]
    )
    return save_with_saved_formula_values(book, path, {"DATE(2024,6,1)": "45444"})


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def problems_of(result, severity="error"):
    return [
        (p.sheet, p.row, p.column.strip(), p.problem, p.suggestion) for p in result.problems if p.severity == severity
    ]


def test_a_messy_workbook_imports_all_of_it(database, tmp_path):
    sheet_file = read_sheet_file(messy_workbook(tmp_path / "caseload.xlsx", problems=False))
    with database.transaction() as session:
        result = import_sheets(session, sheet_file, today=TODAY)
    assert result.ok, result.errors
    assert result.committed and (result.cases_added, result.recommendations_added) == (3, 4)
    assert [(s.name, s.kind, s.header_row, s.rows_read) for s in result.sheets] == [
        ("Caseload", SheetKind.CASES, 3, 3),
        ("Action plan", SheetKind.RECOMMENDATIONS, 1, 4),
    ]
    notes = problems_of(result, "note")
    assert any("formula" in note[3] and note[2] == "Date notified" for note in notes)

    with database.transaction() as session:
        alex = session.scalar(select(Case).where(Case.reference == "DHR-2024-01"))
        assert (alex.pseudonym, alex.victim_real_name, alex.perpetrator_real_name) == ("Alex", *REAL_NAMES)
        assert (alex.notified_on, alex.date_of_death) == (dt.date(2024, 4, 3), dt.date(2024, 3, 1))  # 03/04 is 3 April
        # The stage comes from the dates given (a decision to review on 01/05/2024), not from the "Stage" column.
        assert alex.csp_area.name == "Swale" and alex.stage is Stage.DECISION and alex.decision is Decision.REVIEW
        assert alex.notes == "Chair appointed\nIMRs requested"
        decision = session.scalar(
            select(Milestone).where(Milestone.case_id == alex.id, Milestone.kind == MilestoneKind.DECISION)
        )
        assert (decision.kind, decision.occurred_on) == (MilestoneKind.DECISION, dt.date(2024, 5, 1))
        sam = session.scalar(select(Case).where(Case.reference == "DHR-2024-02"))
        assert sam.date_of_death == dt.date(2024, 1, 9)  # Excel serial 45300
        assert sam.csp_area.name == "Dartford and Gravesham"  # a district names its CSP area
        assert sam.stage is Stage.DECISION  # Excel serial 45420 = 09/05/2024, its decision date
        jo = session.scalar(select(Case).where(Case.reference == "DHR-2024-03"))
        assert jo.notified_on == dt.date(2024, 6, 1)  # the value Excel saved for the formula
        assert jo.stage is Stage.NOTIFICATION

        recs = {
            rec.number: rec for rec in session.scalars(select(Recommendation).where(Recommendation.case_id == alex.id))
        }
        assert sorted(recs) == ["1", "2", "3"]  # the reference merged down applies to each row
        assert recs["1"].lead_agency.name == "Kent Police" and recs["1"].status is RecommendationStatus.IN_PROGRESS
        assert sorted(a.name for a in recs["1"].supporting_agencies) == [
            "KCC Adult Social Care",
            "Kent and Medway Partnership Trust (KMPT)",
        ]
        assert recs["2"].lead_agency.name == "NHS Kent and Medway ICB (GP practices)"  # "&" for "and"
        assert (recs["2"].completed_on, recs["2"].outcome) == (dt.date(2025, 5, 12), "audit completed")
        assert recs["2"].target_on == dt.date(2025, 9, 1)
        assert recs["3"].scope is Scope.NATIONAL and recs["3"].source is RecommendationSource.OVERVIEW_REPORT


def test_problems_are_all_reported_with_suggestions_and_nothing_is_written(database, tmp_path):
    sheet_file = read_sheet_file(messy_workbook(tmp_path / "caseload.xlsx", problems=True))
    with database.transaction() as session:
        result = import_sheets(session, sheet_file, today=TODAY)
    assert not result.ok and not result.committed
    errors = problems_of(result)
    by_column = {(row, column): (problem, suggestion) for _, row, column, problem, suggestion in errors}
    assert "also on row 6" in by_column[(9, "DHR Ref")][0]  # the duplicate reference
    assert "Did you mean 'Kent Police'?" in by_column[(6, "Lead agency")][1]  # the misspelt agency
    assert "two-digit year" in by_column[(9, "Date notified")][0]  # the duplicate row is checked all the same
    assert "no day 31" in by_column[(9, "Date of death")][0]
    assert "Did you mean 'Swale'?" in by_column[(9, "CSP")][1]
    assert result.errors[-1].sheet == "Action plan" and result.errors[-1].cell == "F6"
    with database.transaction() as session:
        assert (count(session, Case), count(session, Recommendation), count(session, Milestone)) == (0, 0, 0)


def test_a_row_with_bad_dates_area_and_stage_is_reported_cell_by_cell(database, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(CASE_HEADERS)
    sheet.append(
        ["DHR-2025-09", "Robin", REAL_NAMES[0], None, "04/03/25", "31/02/2024", "Swalle", "Drafted", None, None]
    )
    book.save(tmp_path / "bad.xlsx")
    with database.transaction() as session:
        result = import_sheets(session, read_sheet_file(tmp_path / "bad.xlsx"), dry_run=True, today=TODAY)
    found = {p.cell: (p.problem, p.suggestion) for p in result.errors}
    assert "two-digit year" in found["E2"][0] and "04/03/2025" in found["E2"][1]
    assert "February 2024 has no day 31" in found["F2"][0]
    assert "not a CSP area" in found["G2"][0] and "Swale" in found["G2"][1]
    assert "Drafted" in found["H2"][0] and "Panel meetings and drafting" in found["H2"][1]


def test_the_dry_run_writes_nothing_and_the_report_holds_no_real_name(database, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(CASE_HEADERS)
    # The pseudonym repeats the real name: create_case refuses it, and the report must not quote the name.
    sheet.append(
        ["DHR-2025-01", REAL_NAMES[0], REAL_NAMES[0], REAL_NAMES[1], "01/02/2025", None, "Thanet", None, None, None]
    )
    sheet.append(["DHR-2025-02", "Kit", "Someone Real", None, "02/02/2025", None, "Thanet", None, None, None])
    book.save(tmp_path / "names.xlsx")
    with database.transaction() as session:
        result = import_sheets(session, read_sheet_file(tmp_path / "names.xlsx"), dry_run=True, today=TODAY)
    assert [p.cell for p in result.errors] == ["B2"]
    assert "same as a real name" in result.errors[0].problem
    report = tmp_path / "report.csv"
    write_report(result, report)
    text = report.read_text(encoding="utf-8-sig")
    assert "same as a real name" in text
    for name in (*REAL_NAMES, "Someone Real", "Quillfeather"):
        assert name.casefold() not in text.casefold()
    assert report.stat().st_mode & 0o777 == 0o600
    with database.transaction() as session:
        assert count(session, Case) == 0

    # A sheet named after a victim already in the database: the report does not show the name either.
    with database.transaction() as session:
        create_case(
            session,
            today=TODAY,
            reference="DHR-2019-01",
            pseudonym="Remy",
            notified_on=dt.date(2019, 1, 1),
            csp_area="Dover",
            victim_real_name="Aurelia Brackenbury",
        )
    named = openpyxl.Workbook()
    named.active.title = "Brackenbury, Aurelia"
    named.active.append(["Case ref", "Recommendation", "Lead agency"])
    named.active.append(["DHR-2019-01", "Train staff", "Kent Polce"])
    named.save(tmp_path / "named.xlsx")
    with database.transaction() as session:
        result = import_sheets(session, read_sheet_file(tmp_path / "named.xlsx"), dry_run=True, today=TODAY)
    assert [(p.sheet, p.cell) for p in result.errors] == [("[real name]", "C2")]
    assert [s.name for s in result.sheets] == ["[real name]"]
    with database.transaction() as session:
        session.delete(session.scalar(select(Case)))

    # The same sheet without the problem row: the dry run finds nothing, and still writes nothing.
    book.active.delete_rows(2)
    book.save(tmp_path / "fine.xlsx")
    with database.transaction() as session:
        result = import_sheets(session, read_sheet_file(tmp_path / "fine.xlsx"), dry_run=True, today=TODAY)
    assert result.ok and result.dry_run and not result.committed and result.cases_added == 1
    assert "Dry run" in result.summary()
    with database.transaction() as session:
        assert count(session, Case) == 0


def test_a_reference_already_present_is_reported_not_overwritten(database, tmp_path):
    with database.transaction() as session:
        create_case(
            session,
            today=TODAY,
            reference="DHR-2024-01",
            pseudonym="Original",
            notified_on=dt.date(2024, 1, 1),
            csp_area="Ashford",
        )
    path = messy_workbook(tmp_path / "caseload.xlsx", problems=False)
    with database.transaction() as session:
        result = import_sheets(session, read_sheet_file(path), today=TODAY)
    assert result.ok and (result.cases_added, result.cases_skipped) == (2, 1)
    skipped = problems_of(result, "skipped")
    assert skipped[0][1] == 4 and "already in the database" in skipped[0][3]
    with database.transaction() as session:
        kept = session.scalar(select(Case).where(Case.reference == "DHR-2024-01"))
        assert (kept.pseudonym, kept.csp_area.name, kept.victim_real_name) == ("Original", "Ashford", None)
        assert count(session, Recommendation) == 4  # its recommendations were new, so they were added to it

    with database.transaction() as session:  # importing the same file again changes nothing
        again = import_sheets(session, read_sheet_file(path), today=TODAY)
    assert again.ok and (again.cases_added, again.recommendations_added) == (0, 0)
    assert (again.cases_skipped, again.recommendations_skipped) == (3, 4)
    with database.transaction() as session:
        assert (count(session, Case), count(session, Recommendation)) == (3, 4)


def test_recommendations_for_an_unknown_case_are_refused_with_a_suggestion(database, tmp_path):
    with database.transaction() as session:
        create_case(
            session,
            today=TODAY,
            reference="DHR-2023-07",
            pseudonym="Lee",
            notified_on=dt.date(2023, 1, 1),
            csp_area="Dover",
        )
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Recommendations"
    sheet.append(["Case ref", "Recommendation", "Lead agency", "Scope"])
    sheet.append(["DHR-2023-7", "Train staff", "Kent Police", "Local"])
    sheet.append(["DHR-2023-07", "Train staff", "Kent Police", "National"])
    sheet.append(["DHR-2023-07", "Review policy", "Kent Police", "Local"])
    book.save(tmp_path / "recs.xlsx")
    with database.transaction() as session:
        result = import_sheets(session, read_sheet_file(tmp_path / "recs.xlsx"), today=TODAY)
    found = {p.cell: p for p in result.errors}
    assert "no case DHR-2023-7" in found["A2"].problem and "DHR-2023-07" in found["A2"].suggestion
    assert "government department" in found["C3"].problem
    assert len(found) == 2
    with database.transaction() as session:
        assert count(session, Recommendation) == 0


def test_a_formula_without_a_saved_value_is_reported(database, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(CASE_HEADERS)
    sheet.append(["DHR-2025-05", "Rowan", None, None, "=TODAY()-30", None, "Maidstone", None, None, None])
    book.save(tmp_path / "formula.xlsx")
    with database.transaction() as session:
        result = import_sheets(session, read_sheet_file(tmp_path / "formula.xlsx"), today=TODAY)
    assert [(p.cell, p.problem) for p in result.errors] == [
        ("E2", "This cell holds a formula whose value was never saved in the file."),
    ]


def test_a_mapping_file_names_sheets_columns_and_agency_spellings(database, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Tracker"
    sheet.append(["Our ID", "Known as", "Referred", "Patch", "Whatever"])
    sheet.append(["DHR-2022-04", "Casey", "10/10/2022", "Canterbury", "x"])
    other = book.create_sheet("Actions")
    other.append(["Our ID", "What", "Who"])
    other.append(["DHR-2022-04", "Review the pathway", "KCC ASC"])
    book.save(tmp_path / "odd.xlsx")
    mapping = mapping_from_json(
        {
            "dhr_tracker_mapping": 1,
            "sheets": [
                {
                    "sheet": "Tracker",
                    "kind": "cases",
                    "header_row": 1,
                    "columns": {
                        "reference": "Our ID",
                        "pseudonym": "Known as",
                        "notified_on": "Referred",
                        "csp_area": "Patch",
                    },
                },
                {
                    "sheet": "actions",
                    "kind": "recommendations",
                    "columns": {"case_reference": "Our ID", "text": "What", "lead_agency": "Who"},
                },
            ],
            "agency_aliases": {"KCC ASC": "KCC Adult Social Care"},
        }
    )
    with database.transaction() as session:
        result = import_sheets(session, read_sheet_file(tmp_path / "odd.xlsx"), mapping, today=TODAY)
    assert result.ok, result.errors
    with database.transaction() as session:
        rec = session.scalar(select(Recommendation))
        assert (rec.number, rec.lead_agency.name, rec.case.reference) == ("1", "KCC Adult Social Care", "DHR-2022-04")


def test_the_wizard_remembers_a_mapping_for_the_next_file_laid_out_the_same_way(database, tmp_path):
    def workbook(path, reference):
        book = openpyxl.Workbook()
        sheet = book.active
        sheet.append(["Ident", "Alias", "Got it on", "Borough"])
        sheet.append([reference, "Quinn", "01/03/2025", "Sevenoaks"])
        book.save(path)
        return read_sheet_file(path)

    first = workbook(tmp_path / "first.xlsx", "DHR-2025-10")
    with database.transaction() as session:
        assert suggest_mapping(first, session).sheets == []  # nothing recognisable in those headers
        chosen = ImportMapping(
            [
                SheetMapping(
                    SheetKind.CASES,
                    columns={
                        "reference": "Ident",
                        "pseudonym": "Alias",
                        "notified_on": "Got it on",
                        "csp_area": "Borough",
                    },
                )
            ]
        )
        assert import_sheets(session, first, chosen, today=TODAY).ok
        assert remember_mapping(session, first, chosen) == 1

    second = workbook(tmp_path / "second.xlsx", "DHR-2025-11")
    with database.transaction() as session:
        suggested = suggest_mapping(second, session)
        assert suggested.sheets[0].kind is SheetKind.CASES and suggested.sheets[0].columns["notified_on"] == "Got it on"
        result = import_sheets(session, second, today=TODAY)  # no mapping given: the remembered one is used
    assert result.ok and result.cases_added == 1


@pytest.mark.slow
def test_a_ten_thousand_row_sheet_is_checked_quickly_and_one_bad_row_stops_it(database, tmp_path):
    with database.transaction() as session:
        for number in range(1, 21):
            create_case(
                session,
                today=TODAY,
                reference=f"DHR-2020-{number:02d}",
                pseudonym=f"P{number}",
                notified_on=dt.date(2020, 1, number),
                csp_area="Thanet",
            )
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Action plan")
    sheet.append(["DHR reference", "Rec No.", "Recommendation", "Scope", "Lead agency", "Target date", "Status"])
    agencies = [
        "Kent Police",
        "KCC Adult Social Care",
        "Thanet District Council (Housing)",
        "Probation Service (Kent, Surrey and Sussex)",
    ]
    for index in range(10_000):
        agency = "Kent Polise" if index == 9_876 else agencies[index % 4]
        target = (
            f"{1 + index % 28}/{1 + index % 12}/2026"
            if index % 2
            else dt.datetime(2026, 1 + index % 12, 1 + index % 28)
        )
        sheet.append(
            [
                f"DHR-2020-{1 + index % 20:02d}",
                str(index // 20 + 1),
                f"Recommendation {index}",
                "Local",
                agency,
                target,
                "Accepted",
            ]
        )
    book.save(tmp_path / "big.xlsx")
    sheet_file = read_sheet_file(tmp_path / "big.xlsx")
    with database.transaction() as session:
        result = import_sheets(session, sheet_file, today=TODAY)
    assert result.sheets[0].rows_read == 10_000
    assert [(p.row, p.cell) for p in result.errors] == [(9_878, "E9878")]
    with database.transaction() as session:
        assert count(session, Recommendation) == 0


def test_the_guess_finds_header_rows_and_kinds(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["Recommendations tracker"])
    book.active.append([])
    book.active.append(["Ref", "Recommendation", "Lead Agency", "Target Date ", "RAG"])
    book.active.title = "Recs"
    book.save(tmp_path / "guess.xlsx")
    [mapping] = suggest_mapping(read_sheet_file(tmp_path / "guess.xlsx")).sheets
    assert (mapping.kind, mapping.header_row) == (SheetKind.RECOMMENDATIONS, 3)
    assert mapping.columns == {
        "case_reference": "Ref",
        "text": "Recommendation",
        "lead_agency": "Lead Agency",
        "target_on": "Target Date",
    }
    assert not re.search("RAG", str(mapping.columns))


def test_a_home_office_template_without_numbers_is_numbered_and_imports_once(database, tmp_path):
    with database.transaction() as session:
        create_case(
            session,
            today=TODAY,
            reference="DHR-2021-02",
            pseudonym="Sky",
            notified_on=dt.date(2021, 5, 5),
            csp_area="Medway",
        )
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Action plan DHR-2021-02"
    sheet.append(
        [
            "Case",
            "Recommendation",
            "Scope (local, regional, national)",
            "Action to take",
            "Lead agency",
            "Key milestones achieved",
            "Target date",
            "Date of completion and outcome",
        ]
    )
    sheet.append(
        [
            "DHR-2021-02",
            "1. Agencies should record coercive control.",
            "Local",
            "Training",
            "KMPT",
            "",
            "01/03/2022",
            "14/02/2022 Training delivered",
        ]
    )
    sheet.append(
        [
            "DHR-2021-02",
            "Recommendation 2: Housing should share tenancy concerns.",
            "Local",
            "Protocol",
            "Medway Council (Housing)",
            "",
            "1 Jun 2022",
            "",
        ]
    )
    sheet.append(
        [
            "DHR-2021-02",
            "Probation should check records.",
            "Local",
            "Check",
            "Probation Service (Kent, Surrey and Sussex)",
            "",
            "",
            "",
        ]
    )
    book.save(tmp_path / "ho.xlsx")
    with database.transaction() as session:
        result = import_sheets(session, read_sheet_file(tmp_path / "ho.xlsx"), today=TODAY)
    assert result.ok, result.errors
    with database.transaction() as session:
        recs = {r.number: r for r in session.scalars(select(Recommendation))}
        assert sorted(recs) == ["1", "2", "3"]
        assert recs["1"].text == "Agencies should record coercive control."
        assert (recs["1"].completed_on, recs["1"].outcome) == (dt.date(2022, 2, 14), "Training delivered")
        assert recs["2"].text == "Housing should share tenancy concerns."
    with database.transaction() as session:
        again = import_sheets(session, read_sheet_file(tmp_path / "ho.xlsx"), today=TODAY)
    assert again.ok and again.recommendations_added == 0 and again.recommendations_skipped == 3
    with database.transaction() as session:
        assert count(session, Recommendation) == 3


def test_the_stage_is_derived_from_the_dates_and_the_home_office_told_column_is_read(database, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Reference", "Pseudonym", "Date notified", "Stage", "Decision date", "Home Office told", "CSP"])
    sheet.append(["DHR-2025-31", "Kit", "02/06/2025", "Drafting", "30/06/2025", "07/07/2025", "Swale"])
    sheet.append(["DHR-2025-32", "Lee", "02/06/2025", None, "01/07/2025", None, "Swale"])
    sheet.append(["DHR-2025-33", "Max", "02/06/2025", None, None, None, "Swale"])
    path = tmp_path / "stages.xlsx"
    book.save(path)
    with database.transaction() as session:
        dry = import_sheets(session, read_sheet_file(path), dry_run=True, today=TODAY)
    assert dry.ok and not dry.committed
    assert dry.stages == {
        "DHR-2025-31": Stage.DECISION,
        "DHR-2025-32": Stage.DECISION,
        "DHR-2025-33": Stage.NOTIFICATION,
    }
    notes = [p for p in dry.problems if p.severity == "note" and "will be at the stage" in p.problem]
    assert [p.row for p in notes] == [2, 3, 4]
    assert "'Decision'" in notes[0].problem and "The sheet says 'Panel meetings and drafting'" in notes[0].suggestion
    with database.transaction() as session:
        assert import_sheets(session, read_sheet_file(path), today=TODAY).committed
    with database.session() as session:
        kit = session.scalar(select(Case).where(Case.reference == "DHR-2025-31"))
        assert kit.decision is Decision.REVIEW and kit.stage is Stage.DECISION
        assert sorted((m.kind, m.occurred_on) for m in kit.milestones) == sorted(
            [
                (MilestoneKind.DECISION, dt.date(2025, 6, 30)),
                (MilestoneKind.HOME_OFFICE_INFORMED, dt.date(2025, 7, 7)),
            ]
        )


def test_the_home_office_told_before_the_decision_is_refused(database, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Reference", "Pseudonym", "Date notified", "Decision date", "Home Office told", "CSP"])
    sheet.append(["DHR-2025-34", "Kit", "02/06/2025", "30/06/2025", "20/06/2025", "Swale"])
    path = tmp_path / "told.xlsx"
    book.save(path)
    with database.transaction() as session:
        result = import_sheets(session, read_sheet_file(path), today=TODAY)
    assert not result.ok and [p.cell for p in result.errors] == ["E2"]


STATUS_HEADERS = [
    "Case ref",
    "Rec No.",
    "Recommendation",
    "Lead agency",
    "Status",
    "Status date",
    "Date of completion",
    "Signed off",
    "Minute reference",
    "Reason not accepted",
    "Evidence reference",
    "Evidence seen on",
    "Evidence checked by",
]


def status_workbook(path: Path, rows: list[list]) -> Path:
    book = openpyxl.Workbook()
    cases = book.active
    cases.title = "Cases"
    cases.append(["Reference", "Pseudonym", "Date notified", "Decision date", "CSP"])
    cases.append(["DHR-2024-40", "Ash", "02/01/2024", "01/02/2024", "Swale"])
    recs = book.create_sheet("Recommendations")
    recs.append(STATUS_HEADERS)
    for row in rows:
        recs.append(["DHR-2024-40", *row])
    book.save(path)
    return path


def test_imported_statuses_are_reached_by_the_moves_the_app_allows(database, tmp_path):
    path = status_workbook(
        tmp_path / "statuses.xlsx",
        [
            ["1", "Train call handlers.", "Kent Police", "Accepted", None, None, None, None, None, None, None, None],
            [
                "2",
                "Audit GP records.",
                "Kent Police",
                "In progress",
                "10/03/2025",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
            [
                "3",
                "Write a new protocol.",
                "Kent Police",
                "Not accepted",
                "15/03/2025",
                None,
                None,
                None,
                "Covered by the county protocol",
                None,
                None,
                None,
            ],
            [
                "4",
                "Share risk at first contact.",
                "Kent Police",
                "Completed, awaiting evidence",
                None,
                "12/05/2025",
                None,
                None,
                None,
                None,
                None,
                None,
            ],
            [
                "5",
                "Flag tenancies at risk.",
                "Kent Police",
                "Signed off",
                None,
                "01/06/2025",
                "17/09/2025",
                "SG 17/09/2025 item 6",
                None,
                "Audit report AR-12",
                "10/09/2025",
                "Dana Quinn",
            ],
        ],
    )
    with database.transaction() as session:  # the dry run replays the statuses too, then writes nothing
        dry = import_sheets(session, read_sheet_file(path), dry_run=True, today=TODAY)
    assert dry.ok and dry.recommendations_added == 5
    with database.session() as session:
        assert count(session, Recommendation) == 0
    with database.transaction() as session:
        result = import_sheets(session, read_sheet_file(path), today=TODAY)
    assert result.ok, result.errors
    assert result.recommendations_added == 5
    # Only recommendation 1 gives a status without its date: one note for the sheet says so.
    [undated] = [p for p in result.problems if p.severity == "note" and "earliest date" in p.problem]
    assert undated.sheet == "Recommendations" and undated.problem.startswith("1 recommendation(s)")
    with database.session() as session:
        recs = {r.number: r for r in session.scalars(select(Recommendation))}
        got = {n: (r.status, r.status_changed_on, r.completed_on, r.signed_off_on) for n, r in recs.items()}
    assert got == {
        # No date given: dated from the decision to review (01/02/2024), the earliest the rules allow.
        "1": (RecommendationStatus.ACCEPTED, dt.date(2024, 2, 1), None, None),
        "2": (RecommendationStatus.IN_PROGRESS, dt.date(2025, 3, 10), None, None),
        "3": (RecommendationStatus.NOT_ACCEPTED, dt.date(2025, 3, 15), None, None),
        "4": (RecommendationStatus.COMPLETED_AWAITING_EVIDENCE, dt.date(2025, 5, 12), dt.date(2025, 5, 12), None),
        "5": (RecommendationStatus.IMPLEMENTED, dt.date(2025, 9, 17), dt.date(2025, 6, 1), dt.date(2025, 9, 17)),
    }
    with database.session() as session:
        from dhr_tracker.learning.implementation import evidence_for

        rec5 = session.scalar(select(Recommendation).where(Recommendation.number == "5"))
        assert [(e.reference, e.seen_on, e.checked_by) for e in evidence_for(session, rec5)] == [
            ("Audit report AR-12", dt.date(2025, 9, 10), "Dana Quinn")
        ]
        assert rec5.signoff_minute_reference == "SG 17/09/2025 item 6"
        rec3 = session.scalar(select(Recommendation).where(Recommendation.number == "3"))
        assert rec3.not_accepted_reason == "Covered by the county protocol"
        # Every change went through the services: the audit trail holds each one and verifies.
        from dhr_tracker.security.audit import verify_chain

        assert verify_chain(session).ok


def test_a_status_the_rules_refuse_is_a_row_level_problem_in_the_dry_run(database, tmp_path):
    path = status_workbook(
        tmp_path / "refused.xlsx",
        [
            # Signed off with no evidence recorded: the app refuses such a sign-off, so does the import.
            [
                "1",
                "Train call handlers.",
                "Kent Police",
                "Signed off",
                None,
                "01/06/2025",
                "17/09/2025",
                "SG 6",
                None,
                None,
                None,
                None,
            ],
            # The evidence was seen on 20/09/2025, after the meeting of 17/09/2025: the sign-off cannot rest on it.
            [
                "2",
                "Audit GP records.",
                "Kent Police",
                "Signed off",
                None,
                "01/06/2025",
                "17/09/2025",
                "SG 7",
                None,
                "AR-13",
                "20/09/2025",
                "Dana Quinn",
            ],
            # Signed off without the minute that records it.
            [
                "3",
                "Share risk.",
                "Kent Police",
                "Signed off",
                None,
                "01/06/2025",
                "17/09/2025",
                None,
                None,
                "AR-14",
                "10/09/2025",
                "Dana Quinn",
            ],
            # Completed on 15/01/2024, before the decision to review of 01/02/2024.
            [
                "4",
                "Flag tenancies.",
                "Kent Police",
                "Completed, awaiting evidence",
                None,
                "15/01/2024",
                None,
                None,
                None,
                None,
                None,
                None,
            ],
            # Completed, but no date of completion anywhere.
            [
                "5",
                "Review policy.",
                "Kent Police",
                "Completed, awaiting evidence",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
            # In progress, yet a date of completion: which is it?
            [
                "6",
                "Check records.",
                "Kent Police",
                "In progress",
                None,
                "01/03/2025",
                None,
                None,
                None,
                None,
                None,
                None,
            ],
            ["7", "Fine as it is.", "Kent Police", "Accepted", "01/03/2025", None, None, None, None, None, None, None],
            # Not accepted, with no reason.
            [
                "8",
                "Rewrite the strategy.",
                "Kent Police",
                "Not accepted",
                "01/03/2025",
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
            # Signed off on 01/05/2025, a month before its completion on 01/06/2025.
            [
                "9",
                "Train staff.",
                "Kent Police",
                "Signed off",
                None,
                "01/06/2025",
                "01/05/2025",
                "SG 9",
                None,
                "AR-15",
                "20/04/2025",
                "Dana Quinn",
            ],
            # Completed on 12/05/2025, yet a status date of 20/05/2025: which day did it become completed?
            [
                "10",
                "Audit.",
                "Kent Police",
                "Completed, awaiting evidence",
                "20/05/2025",
                "12/05/2025",
                None,
                None,
                None,
                None,
                None,
                None,
            ],
        ],
    )
    with database.transaction() as session:
        result = import_sheets(session, read_sheet_file(path), dry_run=True, today=TODAY)
    assert not result.ok and result.recommendations_added == 0
    found = {p.row: (p.column, p.problem) for p in result.errors}
    assert sorted(found) == [2, 3, 4, 5, 6, 7, 9, 10, 11]  # spreadsheet rows of recommendations 1-6, 8-10; 7 is fine
    assert found[2][0] == "Evidence reference" and "no evidence of implementation" in found[2][1]
    assert found[3][0] == "Evidence reference" and "no evidence of implementation seen by then" in found[3][1]
    assert found[4][0] == "Minute reference" and "minute reference" in found[4][1]
    # The steps before it are dated from the decision (01/02/2024), so the completion comes before them.
    assert found[5][0] == "Date of completion" and "became 'In progress' on 01/02/2024" in found[5][1]
    assert "dated from the case's decision to review (or notification), 01/02/2024" in found[5][1]
    assert "dated from" not in found[10][1]  # recommendation 9's earlier step was the completion date it gave
    assert found[6][0] == "Date of completion" and "needs its date of completion" in found[6][1]
    assert found[7][0] == "Status" and "date of completion, but the status 'In progress'" in found[7][1]
    assert found[9][0] == "Reason not accepted" and "Give the reason the recommendation was not accepted" in found[9][1]
    assert (
        found[10][0] == "Signed off"
        and ("cannot be dated 01/05/2025: recommendation 9 became 'Completed, awaiting evidence' on 01/06/2025")
        in found[10][1]
    )
    assert found[11][0] == "Status date" and "20/05/2025 differs from the date the status" in found[11][1]
    with database.transaction() as session:
        assert (count(session, Case), count(session, Recommendation)) == (0, 0)
