"""The record as it stood on a past date, and honest units, in hand-worked scenarios (issue #14).

Each scenario is written as a JSON Lines file (docs/record-format.md), entered with `dhr-tracker record FILE`
and read back through the command line, as a coordinator would.
Dates are worked by hand from the England and Wales bank-holiday rules; the working is in the comments.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from dhr_tracker.cli import main
from dhr_tracker.lifecycle.deadlines import compute_deadlines
from dhr_tracker.lifecycle.facts import CaseFacts, MilestoneFact
from dhr_tracker.storage.database import open_database
from dhr_tracker.vocabulary import Decision, Stage
from dhr_tracker.vocabulary import MilestoneKind as K
from tests.conftest import PASSPHRASE

D = dt.date
TODAY = D(2026, 11, 23)

BETWEEN_ROUNDS = [
    {
        "event": "case_created",
        "reference": "DHR-2025-11",
        "pseudonym": "Robin",
        "notified_on": "2025-01-06",
        "csp_area": "Swale",
    },
    {
        "event": "decision",
        "case": "DHR-2025-11",
        "decision": "review",
        "on": "2025-01-31",
        "home_office_informed_on": "2025-02-03",
    },
    {"event": "milestone", "case": "DHR-2025-11", "kind": "partnership_signoff", "on": "2025-07-01"},
    {"event": "qa_submission", "case": "DHR-2025-11", "on": "2025-07-07"},
    {
        "event": "qa_outcome",
        "case": "DHR-2025-11",
        "round": 1,
        "outcome": "resubmission_required",
        "letter_on": "2025-09-15",
    },
    {"event": "milestone", "case": "DHR-2025-11", "kind": "partnership_signoff", "on": "2025-10-02"},
    {"event": "qa_submission", "case": "DHR-2025-11", "on": "2025-10-06"},
    {"event": "qa_outcome", "case": "DHR-2025-11", "round": 2, "outcome": "approved", "letter_on": "2025-11-10"},
]
CLOSED_LATER = [
    {
        "event": "case_created",
        "reference": "DHR-2025-12",
        "pseudonym": "Casey",
        "notified_on": "2025-03-03",
        "csp_area": "Swale",
    },
    # A decision not to review closes the case on the day the Home Office is told: Thu 10/04/2025.
    {
        "event": "decision",
        "case": "DHR-2025-12",
        "decision": "no_review",
        "on": "2025-03-31",
        "home_office_informed_on": "2025-04-10",
    },
]
COMPLETED_LATE = [
    {
        "event": "case_created",
        "reference": "DHR-2024-13",
        "pseudonym": "Quinn",
        "notified_on": "2024-05-20",
        "csp_area": "Swale",
    },
    {
        "event": "decision",
        "case": "DHR-2024-13",
        "decision": "review",
        "on": "2024-06-14",
        "home_office_informed_on": "2024-06-17",
    },
    {"event": "milestone", "case": "DHR-2024-13", "kind": "partnership_signoff", "on": "2025-04-01"},
]
PAUSED_OVER_EASTER = [
    {
        "event": "case_created",
        "reference": "DHR-2025-14",
        "pseudonym": "Rowan",
        "notified_on": "2025-03-03",
        "csp_area": "Swale",
    },
    {
        "event": "decision",
        "case": "DHR-2025-14",
        "decision": "review",
        "on": "2025-03-10",
        "home_office_informed_on": "2025-03-11",
    },
    {"event": "milestone", "case": "DHR-2025-14", "kind": "imr_requested", "on": "2025-04-01", "agency": "Kent Police"},
    {"event": "pause_start", "case": "DHR-2025-14", "reason": "Awaiting the inquest opening", "on": "2025-04-17"},
    {"event": "pause_end", "case": "DHR-2025-14", "on": "2025-04-22"},
    {"event": "milestone", "case": "DHR-2025-14", "kind": "imr_received", "on": "2025-05-21", "agency": "Kent Police"},
]


@pytest.fixture
def caseload(database_path, monkeypatch, tmp_path, capsys):
    """The four scenarios entered only through `dhr-tracker record FILE`, one event a line."""
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    events = BETWEEN_ROUNDS + CLOSED_LATER + COMPLETED_LATE + PAUSED_OVER_EASTER
    file = tmp_path / "scenarios.jsonl"
    file.write_text("".join(json.dumps(event) + "\n" for event in events), encoding="utf-8")
    assert main(["record", str(file), "--db", str(database_path)]) == 0
    assert f"Recorded all {len(events)} events" in capsys.readouterr().out
    return database_path


def run_json(capsys, *args: str):
    assert main([*args, "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)


def show(capsys, caseload, reference: str, as_of: str) -> dict:
    return run_json(capsys, "case", "show", reference, "--db", str(caseload), "--as-of", as_of)


def test_between_two_home_office_rounds_the_case_is_amber_for_resubmission(caseload, capsys):
    # On Wed 01/10/2025 round 1 had come back (letter 15/09/2025) asking for resubmission, and round 2 was not
    # sent until 06/10/2025. Every deadline was met on time: decision due 06/02/2025 (06/01 + 1 month), met
    # 31/01; Home Office told Mon 03/02, due Fri 07/02 (5 working days after Fri 31/01); completion due
    # 31/07/2025 (31/01 + 6 months), met by the sign-off of 01/07. So the one reason is the resubmission.
    shown = show(capsys, caseload, "DHR-2025-11", "2025-10-01")
    assert (shown["stage"], shown["rag"]) == ("drafting", "amber")
    assert shown["rag_reasons"] == ["Home Office asked for resubmission (round 1), letter of 15/09/2025"]
    # Round 2 was approved by the letter of 10/11/2025: that is today's position, not 1 October's.
    today = show(capsys, caseload, "DHR-2025-11", "2026-11-23")
    assert (today["stage"], today["rag"], today["rag_reasons"]) == ("publication", "green", [])
    # The day before the first letter the round was awaiting its outcome: Home Office QA, no resubmission yet.
    before = show(capsys, caseload, "DHR-2025-11", "2025-09-14")
    assert (before["stage"], before["rag"]) == ("home_office_qa", "green")


def test_case_show_on_a_past_date_gives_that_days_stage_and_no_later_events(caseload, capsys):
    assert main(["case", "show", "DHR-2025-11", "--db", str(caseload), "--as-of", "2025-10-01"]) == 0
    out = capsys.readouterr().out
    assert "as it stood on 01/10/2025" in out and "Stage: Panel meetings and drafting" in out
    assert "RAG as of 01/10/2025: Amber" in out
    shown = show(capsys, caseload, "DHR-2025-11", "2025-10-01")
    events = [(event["on"], event["kind"]) for event in shown["timeline"]]
    assert events == [
        ("2025-01-06", "notification"),
        ("2025-01-31", "decision"),
        ("2025-02-03", "home_office_informed"),
        ("2025-07-01", "partnership_signoff"),
        ("2025-07-07", "qa_submitted"),
        ("2025-09-15", "qa_letter"),
    ]  # not the sign-off of 02/10, the resubmission of 06/10 or the approval of 10/11/2025


def test_a_case_closed_after_the_as_of_date_is_listed_with_its_deadlines_as_they_stood(caseload, capsys):
    # Notified Mon 03/03/2025; decided (no review) Mon 31/03; decision due 03/04/2025 (03/03 + 1 month): met.
    # Home Office due 5 working days after Mon 31/03: Tue 01, Wed 02, Thu 03, Fri 04, Mon 07/04/2025.
    # Told (and so closed) Thu 10/04/2025.
    on_the_4th = [
        row
        for row in run_json(capsys, "deadlines", "--db", str(caseload), "--as-of", "2025-04-04")
        if row["reference"] == "DHR-2025-12"
    ]
    assert [(r["milestone"], r["due"], r["status"], r["rag"]) for r in on_the_4th] == [
        ("decision", "2025-04-03", "met", "amber"),  # amber: the Home Office deadline due within 14 days
        ("home_office_informed", "2025-04-07", "due", "amber"),
    ]
    # Wed 09/04: overdue since Mon 07/04 by Tue 08 and Wed 09: 2 working days.
    on_the_9th = {
        row["milestone"]: row
        for row in run_json(capsys, "deadlines", "--db", str(caseload), "--as-of", "2025-04-09")
        if row["reference"] == "DHR-2025-12"
    }
    informed = on_the_9th["home_office_informed"]
    assert (informed["status"], informed["days_overdue"], informed["unit"], informed["rag"]) == (
        "overdue",
        2,
        "working_days",
        "red",
    )
    assert informed["verdict"] == "Overdue by 2 working days"
    shown = show(capsys, caseload, "DHR-2025-12", "2025-04-09")
    assert shown["stage"] == "decision"
    assert shown["rag_reasons"] == ["Home Office informed of decision overdue by 2 working days (due 07/04/2025)"]
    # From Thu 10/04/2025 the case is closed: no longer in the open set.
    for as_of in ("2025-04-10", "2026-11-23"):
        rows = run_json(capsys, "deadlines", "--db", str(caseload), "--as-of", as_of)
        assert "DHR-2025-12" not in {row["reference"] for row in rows}
    # Nor was it there before it was notified.
    rows = run_json(capsys, "deadlines", "--db", str(caseload), "--as-of", "2025-03-02")
    assert "DHR-2025-12" not in {row["reference"] for row in rows}


def test_a_completion_met_late_says_so_and_is_not_on_track(caseload, capsys):
    # Decided Fri 14/06/2024: completion due 14/12/2024 (+ 6 months). Signed off Tue 01/04/2025:
    # 17 days to 31/12, then 31 + 28 + 31 + 1 = 108 days late.
    shown = show(capsys, caseload, "DHR-2024-13", "2025-04-02")
    completion = next(d for d in shown["deadlines"] if d["milestone"] == "completion")
    assert (completion["due"], completion["met_on"], completion["slippage_days"], completion["unit"]) == (
        "2024-12-14",
        "2025-04-01",
        108,
        "calendar_days",
    )
    assert completion["verdict"] == "Met late (108 days)"
    assert shown["rag"] == "green"  # nothing is at risk now...
    assert shown["rag_reasons"] == ["Review completed: met late (108 days), due 14/12/2024, met 01/04/2025"]
    assert main(["case", "show", "DHR-2024-13", "--db", str(caseload), "--as-of", "2025-04-02"]) == 0
    out = capsys.readouterr().out
    assert "On track" not in out  # ...but it is not "On track"
    assert "Met late (108 days)" in out and "calendar days" in out
    # On 31/03/2025, before the sign-off, the same deadline was overdue: 17 + 31 + 28 + 31 = 107 days.
    before = show(capsys, caseload, "DHR-2024-13", "2025-03-31")
    completion = next(d for d in before["deadlines"] if d["milestone"] == "completion")
    assert (completion["status"], completion["days_overdue"], before["rag"]) == ("overdue", 107, "red")


def test_a_working_day_deadline_paused_across_easter_counts_paused_working_days(caseload, capsys):
    # IMR requested Tue 01/04/2025; 30 working days: 02-04/04 (3), 07-11 (8), 14-17 (12; Good Friday 18/04),
    # 22-25 (16; Easter Monday 21/04), 28-30 (19), 01-02/05 (21; early May bank holiday 05/05), 06-09 (25),
    # 12-16 (30): Fri 16/05/2025.
    # Paused Thu 17/04 to Tue 22/04: 6 calendar days, of which Thu 17 and Tue 22 are working days (Good Friday,
    # the weekend and Easter Monday are not): 2 working days, so due Tue 20/05/2025.
    # Received Wed 21/05: 1 working day late.
    shown = show(capsys, caseload, "DHR-2025-14", "2025-06-30")
    imr = next(d for d in shown["deadlines"] if d["milestone"] == "imr")
    assert (imr["base_due"], imr["due"], imr["paused_days"], imr["unit"]) == (
        "2025-05-16",
        "2025-05-20",
        2,
        "working_days",
    )
    assert (imr["status"], imr["slippage_days"], imr["verdict"]) == ("met", 1, "Met late (1 working day)")
    # While the pause was in force (Tue 22/04 is its last day), its days counted up to the as-of date:
    # on Tue 22/04 the same 2 working days; on Thu 17/04 only Thu 17 itself, 1.
    during = show(capsys, caseload, "DHR-2025-14", "2025-04-17")
    imr = next(d for d in during["deadlines"] if d["milestone"] == "imr")
    assert (imr["status"], imr["paused_days"], imr["due"]) == ("paused", 1, "2025-05-19")
    assert during["stage"] == "information_gathering" and during["rag"] == "amber"
    assert main(["case", "show", "DHR-2025-14", "--db", str(caseload), "--as-of", "2025-06-30"]) == 0
    out = capsys.readouterr().out
    assert "Counted in" in out and "working days" in out


def test_a_pause_stops_counting_for_a_deadline_once_it_is_met(database_path, monkeypatch, tmp_path, capsys):
    # IMR requested Tue 01/04/2025, due Fri 16/05/2025 (worked above). A pause from Tue 06/05 still in force;
    # the IMR came in Fri 09/05: the pause counted Tue 06 to Fri 09 (Mon 05/05 is the early May bank holiday,
    # and the pause began after it anyway): 4 working days, and no more on 30/06/2025.
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    file = tmp_path / "pause-in-force.jsonl"
    file.write_text(
        "\n".join(
            json.dumps(event)
            for event in [
                {
                    "event": "case_created",
                    "reference": "DHR-2025-15",
                    "pseudonym": "Sasha",
                    "notified_on": "2025-03-03",
                    "csp_area": "Swale",
                },
                {
                    "event": "decision",
                    "case": "DHR-2025-15",
                    "decision": "review",
                    "on": "2025-03-10",
                    "home_office_informed_on": "2025-03-11",
                },
                {
                    "event": "milestone",
                    "case": "DHR-2025-15",
                    "kind": "imr_requested",
                    "on": "2025-04-01",
                    "agency": "Kent Police",
                },
                {
                    "event": "pause_start",
                    "case": "DHR-2025-15",
                    "reason": "Awaiting the criminal trial",
                    "on": "2025-05-06",
                },
                {
                    "event": "milestone",
                    "case": "DHR-2025-15",
                    "kind": "imr_received",
                    "on": "2025-05-09",
                    "agency": "Kent Police",
                },
            ]
        ),
        encoding="utf-8",
    )
    assert main(["record", str(file), "--db", str(database_path)]) == 0
    capsys.readouterr()
    shown = show(capsys, database_path, "DHR-2025-15", "2025-06-30")
    imr = next(d for d in shown["deadlines"] if d["milestone"] == "imr")
    # Due Fri 16/05 + 4 working days = Thu 22/05/2025; met 09/05, on time.
    assert (imr["status"], imr["paused_days"], imr["due"], imr["slippage_days"]) == ("met", 4, "2025-05-22", 0)


def test_the_briefing_position_as_at_a_past_date(caseload):
    from dhr_tracker.meetings.meetings import find_meeting
    from dhr_tracker.record import apply_lines
    from dhr_tracker.reports.briefing_data import gather_briefing

    with open_database(caseload, PASSPHRASE) as database, database.transaction() as session:
        # The meeting too is entered through `record` (its session is needed to gather the briefing).
        apply_lines(session, ['{"event": "meeting", "on": "10/04/2025", "agenda_item": "6"}'], today=TODAY)
        data = gather_briefing(session, find_meeting(session, D(2025, 4, 10)), as_of=D(2025, 4, 9))
    reviews = {review.reference: review for review in data.reviews}
    # Notified by 09/04/2025: all four; DHR-2025-12 was closed on 10/04, so it was still open and is reported.
    assert set(reviews) == {"DHR-2025-11", "DHR-2025-12", "DHR-2024-13", "DHR-2025-14"}
    assert reviews["DHR-2025-12"].rag == "Red" and reviews["DHR-2025-12"].stage.value == "decision"
    # DHR-2025-11 had not been signed off or submitted yet (sign-off 01/07/2025).
    assert (
        reviews["DHR-2025-11"].qa_position == "Not yet submitted to the Home Office Quality Assurance Panel."
    )  # the QA body setting (issue 17)
    # DHR-2024-13's completion, due 14/12/2024, was met by the sign-off of 01/04/2025: 108 days late (worked above).
    assert "Review completed: due 14/12/2024, met late 01/04/2025 (108 days)." in reviews["DHR-2024-13"].deadlines


def test_the_rag_engine_itself_ignores_a_home_office_round_dated_after_the_as_of_date():
    from dhr_tracker.lifecycle.facts import QARoundFact
    from dhr_tracker.lifecycle.rag import Rag, rag_for
    from dhr_tracker.vocabulary import QAOutcome

    # The facts as loaded today (round 2 approved on 10/11/2025), asked about 01/10/2025 without being cut first.
    case = CaseFacts(
        reference="DHR-2025-11",
        notified_on=D(2025, 1, 6),
        decision=Decision.REVIEW,
        stage=Stage.PUBLICATION,
        milestones=(
            MilestoneFact(K.DECISION, D(2025, 1, 31)),
            MilestoneFact(K.HOME_OFFICE_INFORMED, D(2025, 2, 3)),
            MilestoneFact(K.PARTNERSHIP_SIGNOFF, D(2025, 7, 1)),
            MilestoneFact(K.PARTNERSHIP_SIGNOFF, D(2025, 10, 2)),
        ),
        qa_rounds=(
            QARoundFact(1, D(2025, 7, 7), feedback_letter_on=D(2025, 9, 15), outcome=QAOutcome.RESUBMISSION_REQUIRED),
            QARoundFact(2, D(2025, 10, 6), feedback_letter_on=D(2025, 11, 10), outcome=QAOutcome.APPROVED),
        ),
    )
    as_of = D(2025, 10, 1)
    rag = rag_for(case, compute_deadlines(case, as_of), as_of)
    assert rag.rating is Rag.AMBER and rag.reasons == (
        "Home Office asked for resubmission (round 1), letter of 15/09/2025",
    )
    assert case.as_of(as_of).stage.value == "drafting" and case.as_of(D(2025, 11, 10)).stage.value == "publication"


def test_calendar_months_agree_with_relativedelta_over_eleven_years():
    from dateutil.relativedelta import relativedelta

    from dhr_tracker.lifecycle.deadlines import add_months

    day = D(2019, 1, 1)
    while day < D(2030, 1, 1):  # every day, including 29 February 2020, 2024 and 2028
        for months in (1, 6, 12, 13):
            assert add_months(day, months) == day + relativedelta(months=months), (day, months)
        day += dt.timedelta(days=1)
