"""The annual figures: hand-worked on a small caseload, and every figure recomputed independently from
`deadlines --all-cases --format json` and the JSON archive of the demo caseload."""

from __future__ import annotations

import datetime as dt
import json
import statistics
from collections import Counter, defaultdict

import pytest
from dateutil.relativedelta import relativedelta
from pypdf import PdfReader

from dhr_tracker.casework.cases import create_case
from dhr_tracker.cli import main
from dhr_tracker.demo import create_demo_database
from dhr_tracker.lifecycle import services
from dhr_tracker.storage.database import open_database
from dhr_tracker.vocabulary import Decision, ImplementationCategory, MilestoneKind, QAOutcome
from tests.conftest import PASSPHRASE

D = dt.date
TODAY = D(2026, 11, 23)


def _json(capsys, argv):
    assert main(argv) == 0, capsys.readouterr().err
    return json.loads(capsys.readouterr().out)


def _rows(figures: dict) -> dict[tuple[str, str], dict]:
    return {(f["name"], r["label"]): r for f in figures["figures"] for r in f["rows"]}


@pytest.fixture
def small_caseload(database_path, monkeypatch):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    database = open_database(database_path, PASSPHRASE)
    with database.transaction() as s:
        # A: notified 06/01/2025, decided 03/02/2025 (within a month: due 06/02), HO told 04/02 (1 working day: in time).
        #    Signed off 01/07/2025 = 4 months 28 days after the decision: within 6 and 12 months.
        #    QA round 1 letter 10/09/2025 approved; published 01/10/2025: 92 days after sign-off (1 Jul -> 1 Oct).
        a = create_case(
            s, today=TODAY, reference="DHR-2025-01", pseudonym="Alex", notified_on=D(2025, 1, 6), csp_area="Swale"
        )
        services.record_decision(
            s, a, Decision.REVIEW, D(2025, 2, 3), home_office_informed_on=D(2025, 2, 4), today=TODAY
        )
        services.record_milestone(s, a, MilestoneKind.PARTNERSHIP_SIGNOFF, D(2025, 7, 1), today=TODAY)
        services.record_qa_submission(s, a, D(2025, 7, 15), today=TODAY)
        services.record_qa_feedback(s, a, 1, outcome=QAOutcome.APPROVED, feedback_letter_on=D(2025, 9, 10), today=TODAY)
        services.record_publication(s, a, D(2025, 10, 1), today=TODAY)
        # B: notified 03/02/2025, decided 20/03/2025 (due 03/03: 17 days late); HO told 15/04/2025
        #    (5 working days after 20/03 is 27/03: late). Signed off 30/01/2026, 10 months 10 days after the
        #    decision, and in 2026, so not among 2025's completions. QA round 1 letter 2026: not in 2025.
        b = create_case(
            s, today=TODAY, reference="DHR-2025-02", pseudonym="Sam", notified_on=D(2025, 2, 3), csp_area="Dover"
        )
        services.record_decision(
            s, b, Decision.REVIEW, D(2025, 3, 20), home_office_informed_on=D(2025, 4, 15), today=TODAY
        )
        services.record_milestone(s, b, MilestoneKind.PARTNERSHIP_SIGNOFF, D(2026, 1, 30), today=TODAY)
        services.record_qa_submission(s, b, D(2026, 2, 2), today=TODAY)
        services.record_qa_feedback(
            s, b, 1, outcome=QAOutcome.RESUBMISSION_REQUIRED, feedback_letter_on=D(2026, 4, 1), today=TODAY
        )
        # C: notified 01/04/2024, decided 25/04/2024 (in 2024: not a 2025 decision); signed off 14/05/2025,
        #    1 year 19 days after the decision: over 12 months. QA round 1 resubmission (letter 2025), round 2 in 2025.
        c = create_case(
            s, today=TODAY, reference="DHR-2024-01", pseudonym="Jo", notified_on=D(2024, 4, 1), csp_area="Thanet"
        )
        services.record_decision(
            s, c, Decision.REVIEW, D(2024, 4, 25), home_office_informed_on=D(2024, 4, 26), today=TODAY
        )
        services.record_milestone(s, c, MilestoneKind.PARTNERSHIP_SIGNOFF, D(2025, 5, 14), today=TODAY)
        services.record_qa_submission(s, c, D(2025, 5, 20), today=TODAY)
        services.record_qa_feedback(
            s, c, 1, outcome=QAOutcome.RESUBMISSION_REQUIRED, feedback_letter_on=D(2025, 7, 1), today=TODAY
        )
        services.record_qa_submission(s, c, D(2025, 8, 1), today=TODAY)
        services.record_qa_feedback(s, c, 2, outcome=QAOutcome.APPROVED, feedback_letter_on=D(2025, 11, 3), today=TODAY)
    database.close()
    return database_path


def test_the_2025_figures_of_a_hand_worked_caseload(small_caseload, capsys):
    figures = _json(
        capsys, ["kpi", "--db", str(small_caseload), "--year", "2025", "--as-of", "2026-11-23", "--format", "json"]
    )
    rows = _rows(figures)
    decided = rows[("decisions_in_time", "Decided within 1 month of notification")]
    assert (decided["value"], decided["total"], decided["references"]) == (1, 2, ["DHR-2025-01", "DHR-2025-02"])
    told = rows[("home_office_told_in_time", "Told within the set time")]
    assert (told["value"], told["total"]) == (1, 2)  # A in time, B late; C's notification was in 2024
    six = rows[("completed_within_months", "Completed within 6 months of the decision")]
    twelve = rows[("completed_within_months", "Completed within 12 months of the decision")]
    assert (six["value"], six["total"], twelve["value"], twelve["total"]) == (1, 2, 1, 2)  # A within both; C over 12
    assert six["national"] == "about 1% nationally" and twelve["national"] == "about 18% nationally"
    qa = {label: r["value"] for (name, label), r in rows.items() if name == "qa_outcomes_by_round"}
    assert qa == {
        "Round 1: Approved for publication": 1,
        "Round 1: Resubmission required": 1,
        "Round 2: Approved for publication": 1,
    }  # B's letter is in 2026
    assert rows[("signoff_to_publication", "Median days")]["value"] == 92
    # The cases behind a figure, with what each contributes.
    assert (
        main(
            [
                "kpi",
                "--db",
                str(small_caseload),
                "--year",
                "2025",
                "--as-of",
                "2026-11-23",
                "--figure",
                "decisions_in_time",
            ]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "DHR-2025-02" in out and "17 days late" in out and "DHR-2024-01" not in out


def test_the_figures_as_pdf_and_xlsx(small_caseload, tmp_path, capsys):
    pdf, xlsx = tmp_path / "kpi.pdf", tmp_path / "kpi.xlsx"
    assert main(["kpi", "--db", str(small_caseload), "--year", "2025", "--as-of", "2026-11-23", "--out", str(pdf)]) == 0
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert "OFFICIAL-SENSITIVE" in text and "BBC analysis of the Home Office DHR library" in text
    assert "1 of 2 (50%)" in text and "Home Office Quality Assurance Panel" in text
    assert (
        main(["kpi", "--db", str(small_caseload), "--year", "2025", "--as-of", "2026-11-23", "--out", str(xlsx)]) == 0
    )
    from openpyxl import load_workbook

    book = load_workbook(xlsx)
    assert book.sheetnames == ["Figures 2025", "Cases behind each figure"]
    assert main(["kpi", "--db", str(small_caseload), "--year", "2025", "--out", str(xlsx)]) == 1  # never replaced
    assert main(["kpi", "--db", str(small_caseload), "--year", "2031", "--as-of", "2026-11-23"]) == 1


@pytest.fixture(scope="module")
def demo_path(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.dhrdb"
    create_demo_database(path, PASSPHRASE, cases=14, seed=1, anchor=TODAY).close()
    return path


def _recompute(
    deadlines: list[dict], archive: dict, year: int, as_of: D
) -> dict[tuple[str, str], tuple[int, int | None]]:
    """Each figure from the two plain outputs, written without the code under test."""
    in_year = lambda text: text is not None and D.fromisoformat(text).year == year and D.fromisoformat(text) <= as_of  # noqa: E731
    t = archive["tables"]
    result = {}
    for milestone, name, label in (
        ("decision", "decisions_in_time", "Decided within 1 month of notification"),
        ("home_office_informed", "home_office_told_in_time", "Told within the set time"),
    ):
        met = [d for d in deadlines if d["milestone"] == milestone and d["status"] == "met" and in_year(d["met_on"])]
        result[(name, label)] = (sum(d["slippage_days"] == 0 for d in met), len(met))
    done = [d for d in deadlines if d["milestone"] == "completion" and d["status"] == "met" and in_year(d["met_on"])]
    for months in (6, 12):
        within = sum(
            D.fromisoformat(d["met_on"]) <= D.fromisoformat(d["starts_on"]) + relativedelta(months=months) for d in done
        )
        result[("completed_within_months", f"Completed within {months} months of the decision")] = (within, len(done))
    labels = {o.value: o.label for o in QAOutcome}
    qa = Counter(
        (r["round_number"], r["outcome"])
        for r in t["qa_round"]
        if r["outcome"] and in_year(r["feedback_letter_on"] or r["panel_on"])
    )
    for (number, outcome), count in qa.items():
        result[("qa_outcomes_by_round", f"Round {number}: {labels[outcome]}")] = (count, None)
    signoff = {}
    for m in sorted(t["milestone"], key=lambda m: m["occurred_on"]):
        if m["kind"] == "partnership_signoff":
            signoff.setdefault(m["case_id"], D.fromisoformat(m["occurred_on"]))
    waits = [
        (D.fromisoformat(p["published_on"]) - signoff[p["case_id"]]).days
        for p in t["publication"]
        if in_year(p["published_on"]) and p["case_id"] in signoff
    ]
    if waits:
        result[("signoff_to_publication", "Median days")] = (round(statistics.median(waits)), None)
    latest = {}
    for a in sorted(t["implementation_assessment"], key=lambda a: (a["assessed_on"], a["id"])):
        if D.fromisoformat(a["assessed_on"]) <= as_of:
            latest[a["recommendation_id"]] = a["category"]
    categories = Counter(latest.get(r["id"], "not assessed") for r in t["recommendation"])
    for c in ImplementationCategory:
        result[("recommendations_by_category", c.label)] = (categories[c.value], len(t["recommendation"]))
    result[("recommendations_by_category", "Not assessed")] = (categories["not assessed"], len(t["recommendation"]))
    requests = defaultdict(list)
    for q in t["update_request"]:
        requests[q["round_id"]].append(q)
    for rnd in t["update_round"]:
        if in_year(rnd["due_on"]):
            asked = requests[rnd["id"]]
            on_time = sum(q["received_on"] is not None and q["received_on"] <= q["due_on"] for q in asked)
            result[("update_rate_by_round", f"Round due {D.fromisoformat(rnd['due_on']):%d/%m/%Y}")] = (
                on_time,
                len(asked),
            )
    for level, count in Counter(a["level"] for a in t["escalation_action"] if in_year(a["taken_on"])).items():
        result[("escalations_by_level", f"Level {level}")] = (count, None)
    result[("published_and_signed_off", "Reviews published after Home Office quality assurance")] = (
        sum(in_year(p["published_on"]) for p in t["publication"]),
        None,
    )
    result[("published_and_signed_off", "Recommendations implemented and signed off")] = (
        sum(in_year(r["signed_off_on"]) for r in t["recommendation"]),
        None,
    )
    return result


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_figure_matches_an_independent_recomputation(demo_path, tmp_path, monkeypatch, capsys, year):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    as_of = min(D(year, 12, 31), TODAY)
    db = ["--db", str(demo_path)]
    deadlines = _json(capsys, ["deadlines", *db, "--all-cases", "--as-of", as_of.isoformat(), "--format", "json"])
    archive_path = tmp_path / f"archive-{year}.json"
    assert main(["export", *db, "--format", "json", "--out", str(archive_path)]) == 0
    capsys.readouterr()
    archive = json.loads(archive_path.read_text(encoding="utf-8"))
    figures = _json(capsys, ["kpi", *db, "--year", str(year), "--as-of", TODAY.isoformat(), "--format", "json"])
    expected = _recompute(deadlines, archive, year, as_of)
    reported = {
        key: (row["value"], row["total"])
        for key, row in _rows(figures).items()
        if key[0] != "signoff_to_publication" or key[1] == "Median days"
    }
    assert reported == expected
    # The demo has something in most figures, so the comparison is not of empty lists.
    assert sum(value for value, _ in expected.values()) > 20
