"""Escalation letters: one per agency with every outstanding item across cases, read back from the PDF."""

from __future__ import annotations

import datetime as dt
import json
import stat

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from dhr_tracker.actionplan.recommendations import add_recommendation, change_status
from dhr_tracker.casework.cases import create_case
from dhr_tracker.cli import main
from dhr_tracker.escalation.rounds import ReplyEntry, create_update_round, record_reply
from dhr_tracker.escalation.service import escalations, record_escalation_action
from dhr_tracker.model import Agency, AgencyContact, EscalationAction, Milestone, Recommendation
from dhr_tracker.reports import RealNameFound
from dhr_tracker.reports.letters import letter_text, letters_due, write_letters
from dhr_tracker.settings import LETTER_TEMPLATES, SettingError, Settings
from dhr_tracker.vocabulary import ContactLevel, MilestoneKind
from dhr_tracker.vocabulary import RecommendationStatus as S
from tests.conftest import PASSPHRASE

TODAY = dt.date(2026, 11, 23)
D = dt.date
REAL_NAMES = ("Jane Hartley", "John Pemberton", "Mary Okafor", "Peter Quinlan")


def build(session):
    """Kent Police leads recommendations on two cases; KMPT on one. Requests sent 19/01/2026, due 02/02/2026."""
    police = session.scalar(select(Agency).where(Agency.name == "Kent Police"))
    kmpt = session.scalar(select(Agency).where(Agency.name == "Kent and Medway Partnership Trust (KMPT)"))
    session.add_all(
        [
            AgencyContact(agency=police, level=ContactLevel.LEAD, name="Pat Lead"),
            AgencyContact(agency=police, level=ContactLevel.SENIOR_MANAGER, name="Supt Morgan"),
            AgencyContact(agency=kmpt, level=ContactLevel.LEAD, name="Dr Lee"),
        ]
    )
    cases = (
        (
            "DHR-2024-07",
            "Sam",
            REAL_NAMES[:2],
            [("1", police, "Review call grading for repeat callers"), ("2", kmpt, "Audit care plans")],
        ),
        ("DHR-2025-03", "Alex", REAL_NAMES[2:], [("4", police, "Train officers on coercive control")]),
    )
    for reference, pseudonym, (victim, perpetrator), specs in cases:
        case = create_case(
            session,
            today=TODAY,
            reference=reference,
            pseudonym=pseudonym,
            notified_on=D(2024, 6, 1),
            csp_area="Swale",
            victim_real_name=victim,
            perpetrator_real_name=perpetrator,
        )
        session.add(Milestone(case=case, kind=MilestoneKind.DECISION, occurred_on=D(2024, 7, 1)))
        for number, lead, text in specs:
            rec = add_recommendation(session, case, number=number, text=text, lead_agency=lead)
            change_status(session, rec, S.ACCEPTED, on=D(2025, 1, 6), today=TODAY)
    round_ = create_update_round(session, meeting_on=D(2026, 3, 19), requested_on=D(2026, 1, 19), due_on=D(2026, 2, 2))
    return police, kmpt, round_


def pdf_text(path):
    return "\n".join(page.extract_text() for page in PdfReader(path).pages)


def test_an_agency_with_items_across_cases_gets_one_letter(database, tmp_path):
    with database.transaction() as session:
        police, kmpt, round_ = build(session)
        for request in round_.requests:
            record_escalation_action(session, request, level=0, taken_on=D(2026, 1, 19), today=TODAY)
        kmpt_request = next(r for r in round_.requests if r.agency_id == kmpt.id)
        record_reply(
            session,
            kmpt_request,
            received_on=D(2026, 2, 2),
            contact_name="Dr Lee",
            entries=[ReplyEntry(kmpt_request.items[0].recommendation_id, "Audit done")],
            today=TODAY,
        )
    with database.transaction() as session:
        paths = write_letters(session, D(2026, 2, 23), tmp_path / "letters")
    assert [p.name for p in paths] == ["2026-02-23-level-2-kent-police.pdf", "2026-02-23-level-2-kent-police.txt"]
    assert all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in paths)
    assert stat.S_IMODE((tmp_path / "letters").stat().st_mode) == 0o700

    text = pdf_text(paths[0])
    assert "Dear Supt Morgan" in text and "Kent Police" in text
    for expected in (
        "DHR-2024-07",
        "Sam",
        "Review call grading",
        "DHR-2025-03",
        "Alex",
        "Train officers",
        "02/02/2026",
        "15 working days late",
    ):
        assert expected in text, expected
    assert "Audit care plans" not in text and "KMPT" not in text  # another agency's item, already answered
    assert text.count("OFFICIAL-SENSITIVE") == 2  # header and footer of the one page
    plain = paths[1].read_text(encoding="utf-8")
    assert plain.startswith("OFFICIAL-SENSITIVE\n") and plain.rstrip().endswith("OFFICIAL-SENSITIVE")
    assert (
        "- DHR-2024-07 (Sam), recommendation 1, update due 02/02/2026: Review call grading for repeat callers" in plain
    )
    for real_name in REAL_NAMES:
        for part in real_name.split():
            assert part not in text and part not in plain


def test_each_level_uses_its_own_editable_wording(database):
    with database.transaction() as session:
        build(session)
        Settings(session).set(
            LETTER_TEMPLATES["level_1"], "Dear $recipient,\n\nStill waiting since $due_date.\n\n$items\n\nThanks"
        )
        with pytest.raises(SettingError, match=r"unknown placeholder \$victim"):
            Settings(session).set(LETTER_TEMPLATES["level_1"], "Dear $victim")
        letters = {letter.agency_name: letter for letter in letters_due(session, D(2026, 2, 9))}
        police = letters["Kent Police"]
        assert police.level.level == 1 and police.salutation == "Pat Lead"
        text = letter_text(police, "OFFICIAL-SENSITIVE")
        assert "Still waiting since 2 February 2026." in text and "Thanks" in text  # letters use long dates
        kmpt = letter_text(letters["Kent and Medway Partnership Trust (KMPT)"], "OFFICIAL-SENSITIVE")
        assert "Dear Dr Lee" in kmpt and "Still waiting" in kmpt


def test_a_missing_contact_gets_a_generic_address_and_the_chief_officer_letter_comes_from_the_chair(database):
    from dhr_tracker.model import Meeting
    from dhr_tracker.vocabulary import MeetingKind

    with database.transaction() as session:
        build(session)
        session.add(Meeting(kind=MeetingKind.KCSP, held_on=D(2026, 6, 18)))
        session.flush()
        [letter] = [each for each in letters_due(session, D(2026, 6, 18)) if each.agency_name == "Kent Police"]
        assert letter.level.level == 4 and letter.recipient == "Chief Officer, Kent Police"
        text = letter_text(letter, "RESTRICTED")
        assert "Dear Chief Officer," in text and "Chair, Kent Community Safety Partnership" in text


# Kent Police on the default ladder, due Mon 02/02/2026 (requested Mon 19/01/2026): level 1 five working days after
# the due date (Mon 09/02), level 2 fifteen (Mon 23/02), level 3 twenty-five (Mon 09/03/2026; no bank holiday in
# between), level 4 at the next KCSP meeting after that (put on Thu 18/06/2026). Kent Police has a lead contact and a
# senior manager but no chief officer on record; KMPT has only a lead contact.
LEVELS = (
    (0, D(2026, 1, 19), "Pat Lead", "Pat Lead", "", "From: DHR Coordinator"),
    (1, D(2026, 2, 9), "Pat Lead", "Pat Lead", "", "From: DHR Coordinator"),
    (2, D(2026, 2, 23), "Supt Morgan", "Supt Morgan", "", "From: DHR Coordinator"),
    (3, D(2026, 3, 9), "Supt Morgan", "Supt Morgan", "Copy to: KCSP Working Group", "From: DHR Coordinator"),
    (4, D(2026, 6, 18), "The Chief Officer", "Chief Officer", "", "From: Chair, Kent Community Safety Partnership"),
)


@pytest.mark.parametrize("level, as_of, first_address_line, dear, copy_line, sender", LEVELS)
def test_each_level_is_addressed_to_the_person_it_greets(
    database, tmp_path, level, as_of, first_address_line, dear, copy_line, sender
):
    from dhr_tracker.model import Meeting
    from dhr_tracker.vocabulary import MeetingKind

    with database.transaction() as session:
        build(session)
        session.add(Meeting(kind=MeetingKind.KCSP, held_on=D(2026, 6, 18)))
    with database.transaction() as session:
        paths = write_letters(session, as_of, tmp_path / "letters")
    police_pdf = next(p for p in paths if p.suffix == ".pdf" and "kent-police" in p.name)
    lines = [line.strip() for line in pdf_text(police_pdf).splitlines() if line.strip()]
    # The address block comes straight after the letterhead (whose last line is the address in the settings).
    start = lines.index("Sessions House, County Road, Maidstone ME14 1XQ") + 1
    assert lines[start] == first_address_line and "Kent Police" in lines[start : start + 3]
    assert f"Dear {dear}," in lines
    if first_address_line != "The Chief Officer":
        assert dear == lines[start]  # the greeting names the person the letter is addressed to
    assert (copy_line in lines) if copy_line else not any(line.startswith("Copy to:") for line in lines)
    assert any(line.startswith(sender) for line in lines)
    assert "OFFICIAL-SENSITIVE" in lines and "Kent Community Safety Partnership" in lines  # marking; letterhead
    long_date = f"{as_of.day} {as_of:%B %Y}"  # e.g. "9 February 2026"
    assert f"Date: {long_date}" in lines and f"Our reference: KCST/DHR/L{level}/KP/{as_of:%Y%m%d}" in lines
    assert any("please contact the DHR Coordinator" in line for line in lines)
    plain = police_pdf.with_suffix(".txt").read_text(encoding="utf-8")
    assert f"Dear {dear}," in plain and f"To: {first_address_line}" in plain

    if level == 2:  # KMPT has no senior manager or Steering Group member on record: the letter goes to the role
        kmpt = next(p for p in paths if p.suffix == ".txt" and "kmpt" in p.name).read_text(encoding="utf-8")
        assert "To: The Senior Manager, Kent and Medway Partnership Trust (KMPT)" in kmpt
        assert "Dear Senior Manager," in kmpt


def test_a_real_name_in_a_recommendation_stops_the_letters(database, tmp_path):
    with database.transaction() as session:
        build(session)
        rec = session.scalar(select(Recommendation).where(Recommendation.number == "4"))
        rec.text = "Train officers about Mary Okafor's case"
    with pytest.raises(RealNameFound, match="DHR-2025-03"), database.transaction() as session:
        write_letters(session, D(2026, 2, 9), tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())


def test_cli_escalations_and_letters(database_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    from dhr_tracker.storage.database import open_database

    with open_database(database_path, PASSPHRASE) as database, database.transaction() as session:
        build(session)
    assert main(["escalations", "--db", str(database_path), "--as-of", "2026-02-23", "--format", "json"]) == 0
    rows = {row["agency"]: row for row in json.loads(capsys.readouterr().out)}
    police = rows["Kent Police"]
    assert (police["level"], police["action_due"], police["due"], police["working_days_late"]) == (
        2,
        2,
        "2026-02-02",
        15,
    )
    assert police["references"] == ["DHR-2024-07", "DHR-2025-03"] and police["next_level"] == 3
    assert police["next_level_on"] == "2026-03-09"

    assert main(["escalations", "--db", str(database_path), "--as-of", "2026-02-23"]) == 0
    table = capsys.readouterr().out
    assert "Kent Police" in table and "02/02/2026" in table and "Jane" not in table

    assert main(["escalations", "--db", str(database_path), "--as-of", "23/02/2026"]) == 0  # the UK form reads the same
    assert capsys.readouterr().out == table

    out = tmp_path / "letters"
    assert main(["letters", "--db", str(database_path), "--as-of", "2026-02-23", "--out", str(out), "--record"]) == 0
    assert "Wrote 2 letters" in capsys.readouterr().out
    assert len(list(out.iterdir())) == 4
    assert main(["letters", "--db", str(database_path), "--as-of", "2026-02-23", "--out", str(out)]) == 0
    assert "No escalation action is due" in capsys.readouterr().out  # recorded: nothing more due that day
    with open_database(database_path, PASSPHRASE) as database, database.transaction() as session:
        assert sorted(session.scalars(select(EscalationAction.level))) == [2, 2]
        assert all(p.action_due is None for p in escalations(session, D(2026, 2, 23)))


def test_cli_one_agency_in_full(database_path, monkeypatch, capsys):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    from dhr_tracker.storage.database import open_database

    with open_database(database_path, PASSPHRASE) as database, database.transaction() as session:
        police, kmpt, round_ = build(session)
        request = next(r for r in round_.requests if r.agency_id == police.id)
        record_escalation_action(session, request, level=1, taken_on=D(2026, 2, 9), today=TODAY)
    assert (
        main(
            [
                "escalations",
                "--db",
                str(database_path),
                "--as-of",
                "2026-02-23",
                "--agency",
                "kent police",
                "--format",
                "json",
            ]
        )
        == 0
    )
    data = json.loads(capsys.readouterr().out)
    assert (data["agency"], data["level"], data["outstanding"], data["overdue"]) == ("Kent Police", 2, 2, 2)
    assert [(h["level"], h["recipient"]) for h in data["history"]] == [(1, "Pat Lead")]
    assert data["rounds"] == [
        {
            "meeting": "2026-03-19",
            "due": "2026-02-02",
            "items": 2,
            "on_time": 0,
            "share_on_time": 0.0,
            "received_on": None,
        }
    ]
    assert main(["escalations", "--db", str(database_path), "--as-of", "2026-02-23", "--agency", "Kent Police"]) == 0
    out = capsys.readouterr().out
    assert "2 outstanding, 2 overdue; level 2" in out and "Pat Lead" in out and "Hartley" not in out
    assert main(["escalations", "--db", str(database_path), "--agency", "Nobody Ltd"]) == 1
    assert "not an agency" in capsys.readouterr().err
