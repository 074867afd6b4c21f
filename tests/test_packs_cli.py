"""`dhr-tracker packs`: a round made, filled in, checked, imported and decided from the command line."""

from __future__ import annotations

import csv

import openpyxl
import pytest

from dhr_tracker.cli import main
from dhr_tracker.dates import today_uk
from tests.conftest import PASSPHRASE

FIRST_ROW, KEY, STATUS, PROGRESS, PROPOSED, NAME = 10, 1, 8, 11, 13, 15


@pytest.fixture
def demo_db(tmp_path, monkeypatch):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    path = tmp_path / "demo.dhrdb"
    assert main(["demo", "--db", str(path), "--cases", "14"]) == 0  # anchored today: the CLI works on today
    return path


def upcoming_round(db, capsys) -> str:
    """The meeting of the demo's current round: the first one whose status listing works."""
    assert main(["meetings", "--db", str(db)]) == 0
    dates = [line.split()[0] for line in capsys.readouterr().out.splitlines()[2:] if line.strip()]
    for shown in dates:
        day, month, year = shown.split("/")
        meeting = f"{year}-{month}-{day}"
        if main(["packs", "status", "--db", str(db), "--meeting", meeting]) == 0 and "pack" in capsys.readouterr().out:
            return meeting
    raise AssertionError("the demo has no update round")


def test_a_round_from_the_command_line(demo_db, tmp_path, capsys):
    meeting = upcoming_round(demo_db, capsys)
    out = tmp_path / "packs"
    password = tmp_path / "pw.txt"
    password.write_text("a pack password\n")
    assert main(["packs", "make", "--db", str(demo_db), "--meeting", meeting, "--out", str(out)]) == 0
    made = sorted(out.glob("*.xlsx"))
    assert made and len(made) == len(list(out.glob("*.eml")))
    assert "Made" in capsys.readouterr().out
    # Making them again into the same folder overwrites nothing.
    assert main(["packs", "make", "--db", str(demo_db), "--meeting", meeting, "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err

    book = openpyxl.load_workbook(made[0])
    sheet = book["Update pack"]
    row, proposed = FIRST_ROW, False
    while sheet.cell(row, KEY).value:
        sheet.cell(row, PROGRESS, "Pathway agreed with the IDVA service.")
        sheet.cell(row, NAME, "Pat Example")
        if not proposed and sheet.cell(row, STATUS).value == "Accepted":
            sheet.cell(row, PROPOSED, "In progress")
            proposed = True
        row += 1
    returned = tmp_path / "returned.xlsx"
    book.save(returned)
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"%PDF-1.7 not a pack")

    report = tmp_path / "check.csv"
    assert (
        main(["packs", "import", "--db", str(demo_db), str(returned), str(junk), "--dry-run", "--report", str(report)])
        == 1
    )
    captured = capsys.readouterr()
    assert (
        "Would record" in captured.out and "junk.xlsx: refused" in captured.err and "is a PDF document" in captured.err
    )
    with report.open(encoding="utf-8-sig") as handle:
        lines = list(csv.DictReader(handle))
    assert {line["outcome"] for line in lines if line["file"] == "returned.xlsx"} <= {
        "update",
        "update, proposes 'In progress'",
    }
    assert [line["outcome"] for line in lines if line["file"] == "junk.xlsx"] == ["refused"]

    assert main(["packs", "import", "--db", str(demo_db), str(returned)]) == 0
    assert "Recorded" in capsys.readouterr().out
    assert main(["packs", "import", "--db", str(demo_db), str(returned)]) == 0
    assert "already imported" in capsys.readouterr().out
    assert main(["packs", "status", "--db", str(demo_db), "--meeting", meeting]) == 0
    assert "imported" in capsys.readouterr().out

    assert main(["packs", "proposals", "--db", str(demo_db)]) == 0
    listing = capsys.readouterr().out
    if proposed:
        proposal_id = listing.splitlines()[2].split()[0]
        assert main(["packs", "accept", "--db", str(demo_db), proposal_id]) == 0
        assert "is now 'In progress'" in capsys.readouterr().out
        assert main(["packs", "reject", "--db", str(demo_db), proposal_id, "--reason", "x"]) == 1
        assert "already accepted" in capsys.readouterr().err
    else:
        assert "No proposed status changes" in listing
    today = today_uk().isoformat()
    agency = sheet["C2"].value
    assert main(["packs", "sent", "--db", str(demo_db), "--meeting", meeting, "--agency", agency, "--on", today]) == 0
