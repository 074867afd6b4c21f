"""The briefing, action-plan, meetings and copies commands, end to end on a real encrypted demo database."""

from __future__ import annotations

import datetime as dt
import io

import pikepdf
import pypdf
import pytest
from sqlalchemy import select

from dhr_tracker.cli import main
from dhr_tracker.demo import build_demo_caseload
from dhr_tracker.model import Case, Recommendation
from tests.conftest import PASSPHRASE

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def demo(database, database_path, tmp_path):
    with database.transaction() as session:
        build_demo_caseload(session, cases=10, anchor=TODAY)
        reference = session.scalar(
            select(Case.reference)
            .join(Recommendation, Recommendation.case_id == Case.id)
            .order_by(Case.reference)
            .limit(1)
        )
    secret = tmp_path / "passphrase.txt"
    secret.write_text(PASSPHRASE + "\n", encoding="utf-8")
    out = tmp_path / "out"
    out.mkdir()
    return ["--db", str(database_path), "--passphrase-file", str(secret)], out, reference


def test_meeting_briefing_copies_register(demo, capsys):
    db, out, _ = demo
    attendees = out.parent / "attendees.csv"
    attendees.write_text("Name,Organisation\nPat Example,Kent Police\nKim Sample,\n", encoding="utf-8")
    assert main(["meetings", *db, "--add", "2026-06-03", "--item", "4", "--attendees", str(attendees)]) == 0
    recipients = out.parent / "recipients.csv"
    recipients.write_text("name,organisation\nLesley Specimen,Medway Council\nJan Sample,KCC\nTerry Mockford,ICB\n")
    password = out.parent / "pdf-password.txt"
    password.write_text("briefing password\n")
    assert (
        main(
            [
                "briefing",
                *db,
                "--meeting",
                "2026-06-03",
                "--out",
                str(out / "kcsp.pdf"),
                "--recipients",
                str(recipients),
                "--password-file",
                str(password),
                "--as-of",
                "2026-11-23",
                "--decision",
                "Agree the new protocol.",
            ]
        )
        == 0
    )
    files = sorted(out.iterdir())
    assert [f.name for f in files] == [f"kcsp-copy-0{n}-of-03.pdf" for n in (1, 2, 3)]
    with pikepdf.open(files[1], password="briefing password") as document:
        plain = io.BytesIO()
        document.save(plain)
    text = " ".join(page.extract_text() for page in pypdf.PdfReader(plain).pages)
    assert "Copy 2 of 3 \u2013 Jan Sample, KCC" in text and "Agree the new protocol." in text

    assert (
        main(["briefing", *db, "--meeting", "2026-06-03", "--out", str(out / "one.pdf"), "--as-of", "2026-11-23"]) == 0
    )
    assert len(list(out.glob("one-copy-*-of-02.pdf"))) == 2  # the meeting's two attendees
    capsys.readouterr()
    assert main(["copies", *db, "--meeting", "2026-06-03", "--edition", "1", "--returned", "1", "3"]) == 0
    shown = capsys.readouterr().out
    assert "Marked 2 copies as returned on 03/06/2026" in shown and "1 of 3 copies not yet returned" in shown
    assert "NOT RETURNED" in shown and "Jan Sample, KCC" in shown


def test_action_plan_and_clear_errors(demo, capsys):
    db, out, reference = demo
    assert (
        main(["action-plan", *db, "--case", reference.lower(), "--out", str(out / "plan.pdf"), "--as-of", "2026-11-23"])
        == 0
    )
    reader = pypdf.PdfReader(out / "plan.pdf")
    assert reader.pages[0].mediabox.width > reader.pages[0].mediabox.height  # landscape
    text = reader.pages[0].extract_text()
    assert "Date of completion" in text and reference in text
    capsys.readouterr()
    assert main(["action-plan", *db, "--case", reference, "--out", str(out / "plan.pdf")]) == 1
    assert "already exists" in capsys.readouterr().err
    with pytest.raises(SystemExit) as usage:
        main(["briefing", *db, "--meeting", "2031-02-30", "--out", str(out / "b.pdf")])
    assert usage.value.code == 2 and "impossible date" in capsys.readouterr().err
    assert main(["briefing", *db, "--meeting", "2031-02-03", "--out", str(out / "b.pdf")]) == 1
    assert "no Kent Community Safety Partnership meeting on 03/02/2031" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["briefing", *db, "--meeting", "2031-02-03", "--out", "b.pdf", "--copies", "2", "--recipients", "r.csv"])
