"""The leak matrix: every way a real name is written x every output channel, on a real encrypted database.

Each variant is put where a careless or hostile edit would put it: straight into a case's pseudonym
(a direct edit through the ORM, past the service's own check), so that every listing and report that
names the case carries it. Each channel must then refuse (RealNameFound, or for the command line exit
1 with nothing on stdout), or, read back (pypdf, openpyxl, csv, stdout), hold no trace of the name.
"""

from __future__ import annotations

import csv
import datetime as dt
import io

import pypdf
import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from dhr_tracker.cli import main
from dhr_tracker.errors import UserError
from dhr_tracker.reports.letters import write_letters
from dhr_tracker.exchange.archive import write_archive
from dhr_tracker.exchange.sheets.export import export_file
from dhr_tracker.meetings import find_meeting
from dhr_tracker.model import Agency, Case, Meeting, Recommendation
from dhr_tracker.privacy.normalise import folded_words
from dhr_tracker.reports.action_plan import write_action_plan
from dhr_tracker.reports.briefing import write_briefing
from tests.conftest import PASSPHRASE
from tests.test_briefing import TODAY, caseload  # noqa: F401  (the fixture)

NAMES_A = ("PENDRAGON-HALE, Philippa Rose", "Zoë O'Brien")
NAMES_B = ("SMITH, Jane", "Günther Straßmann")

# (what the variant is, the text). Every one of these is a real name as a reader of the output sees it.
VARIANTS = [
    ("stored 'SMITH, Jane' written forename first", "Jane Smith"),
    ("reversed hyphenated surname", "Pendragon-Hale, Philippa"),
    ("forename surname of 'SURNAME, Forename'", "Philippa Pendragon-Hale"),
    ("stored middle name dropped... and kept", "Philippa Rose Pendragon-Hale"),
    ("a middle initial that was never stored", "Jane A. Smith"),
    ("title with the surname alone", "Mrs Pendragon-Hale"),
    ("uncommon surname alone across a line break", "Pendragon-\nHale"),
    ("Word's curly apostrophe", "Zoë O\u2019Brien"),
    ("accent dropped, apostrophe dropped", "ZOE OBRIEN"),
    ("decomposed accent", "Zoe\u0308 O'Brien"),
    ("ß written SS", "GUNTHER STRASSMANN"),
    ("soft hyphen inside the forename", "Phil\u00adippa Pendragon-Hale"),
    ("zero-width space and bidi marks", "\u200fJane\u200b \u202aSmith\u202c"),
    ("Cyrillic look-alike letters", "J\u0430ne Sm\u0456th"),
    ("Greek look-alike capitals", "\u0397\u0391LE PENDRAGON-\u0397ALE, PHILIPPA"),
    ("two spaces and a pseudonym in brackets", "Riley (Philippa  Pendragon-Hale)"),
    ("non-breaking hyphen and full-width letters", "Ｐｈｉｌｉｐｐａ Pendragon\u2011Hale"),
]


def _pdf_text(path) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(str(path)).pages)


def _leaked(variant: str, text: str) -> bool:
    wanted = folded_words(variant)[-2:]
    got = folded_words(text)
    return any(got[i:i + len(wanted)] == wanted for i in range(len(got)))


def _library_channels(database, tmp_path, reference: str, meeting_on: dt.date):
    """(channel, producer) pairs; each producer returns the output's text, read back from the file."""

    def briefing():
        (tmp_path / "b").mkdir(exist_ok=True)
        with database.transaction() as session:
            result = write_briefing(session, find_meeting(session, meeting_on), tmp_path / "b" / "briefing.pdf",
                                    copies=1, as_of=TODAY)
        return "\n".join(_pdf_text(path) for path in result.files)

    def action_plan():
        with database.transaction() as session:
            path = write_action_plan(session, reference, tmp_path / "plan.pdf", as_of=TODAY)
        return _pdf_text(path)

    def letters():
        with database.transaction() as session:
            paths = write_letters(session, TODAY, tmp_path / "letters")
        return "\n".join(_pdf_text(p) if p.suffix == ".pdf" else p.read_text(encoding="utf-8") for p in paths)

    def csv_export():
        with database.transaction() as session:
            result = export_file(session, "csv", tmp_path / "csv")
        return "\n".join(",".join(row) for path in result.paths for row in csv.reader(io.StringIO(path.read_text("utf-8-sig"))))

    def xlsx_export():
        with database.transaction() as session:
            result = export_file(session, "xlsx", tmp_path / "export.xlsx")
        book = load_workbook(result.paths[0])
        return "\n".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row if cell)

    def json_export():
        with database.transaction() as session:
            write_archive(session, tmp_path / "archive.json")
        return (tmp_path / "archive.json").read_text(encoding="utf-8")

    return [("briefing", briefing), ("action plan", action_plan), ("letters", letters), ("csv export", csv_export),
            ("xlsx export + Home Office return", xlsx_export), ("json export", json_export)]


CLI_CHANNELS = [
    ("cases", ["cases"]),
    ("cases --format json", ["cases", "--format", "json"]),
    ("case show", ["case", "show", "{reference}", "--as-of", TODAY.isoformat()]),
    ("deadlines", ["deadlines", "--as-of", TODAY.isoformat()]),
    ("escalations --agency", ["escalations", "--agency", "{agency}", "--as-of", TODAY.isoformat()]),
    ("audit case --format json", ["audit", "case", "{reference}", "--format", "json"]),
    ("meetings", ["meetings"]),
]


@pytest.mark.parametrize(("what", "variant"), VARIANTS, ids=[what for what, _ in VARIANTS])
def test_every_channel_refuses_or_hides_every_way_of_writing_a_name(caseload, database_path, tmp_path, capsys,  # noqa: F811
                                                                    monkeypatch, what, variant):
    database, meeting_on = caseload
    with database.transaction() as session:
        cases = list(session.scalars(select(Case).order_by(Case.id)))
        other = next(c for c in cases if c.id != cases[0].id)
        cases[0].victim_real_name, cases[0].perpetrator_real_name = NAMES_A
        other.victim_real_name, other.perpetrator_real_name = NAMES_B
        first = session.scalar(select(Recommendation).join(Agency, Recommendation.lead_agency_id == Agency.id)
                               .order_by(Agency.name, Recommendation.id))
        target = first.case
        agency = first.lead_agency.name
        target.pseudonym = variant  # a direct edit, past the case service
        reference = target.reference
        meeting = session.scalar(select(Meeting).where(Meeting.held_on == meeting_on))
        meeting.location = f"Home of {variant}"  # the meetings listing shows where
    problems, refused = [], set()
    for channel, produce in _library_channels(database, tmp_path, reference, meeting_on):
        try:
            text = produce()
        except UserError as refusal:
            assert "real name" in str(refusal), f"{channel} failed for another reason: {refusal}"
            assert variant not in str(refusal)
            refused.add(channel)
            continue
        if _leaked(variant, text):
            problems.append(f"{channel}: the name was written")
    database.close()
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    for channel, args in CLI_CHANNELS:
        args = [arg.format(reference=reference, agency=agency) for arg in args]
        capsys.readouterr()
        code = main([*args, "--db", str(database_path)])
        out, err = capsys.readouterr()
        if code == 0 and _leaked(variant, out):
            problems.append(f"dhr-tracker {channel}: the name was printed")
        if code != 0:
            assert out == "", f"{channel}: a refused command printed part of its output"
            assert "real name" in err and variant not in err, (channel, err)
            refused.add(channel)
    assert problems == []
    # Not vacuous: these outputs all name the case (or the meeting), so each must have been refused.
    assert refused >= {"briefing", "action plan", "letters", "csv export", "xlsx export + Home Office return",
                       "json export", "cases", "cases --format json", "case show", "deadlines",
                       "escalations --agency", "meetings"}, refused  # (the audit trail withheld it: nothing to refuse)


def test_the_reported_bug_a_name_at_the_end_of_a_line_stops_the_action_plan_and_briefing(caseload, tmp_path):  # noqa: F811
    """Issue 12's own example: a progress update "Met the family of Philippa Pendragon-Hale" followed by
    another update (the action plan joins them with <br/>), and the same in a parallel-process note."""
    from dhr_tracker.model import ParallelProcess, ProgressUpdate

    database, meeting_on = caseload
    with database.transaction() as session:
        recommendation = session.scalar(select(Recommendation).order_by(Recommendation.id))
        case = recommendation.case
        case.victim_real_name = NAMES_A[0]
        reference = case.reference
        for received_on, text in ((dt.date(2026, 3, 2), "Met the family of Philippa Pendragon-Hale"),
                                  (dt.date(2026, 3, 9), "Training plan agreed")):
            session.add(ProgressUpdate(recommendation_id=recommendation.id, received_on=received_on,
                                       contact_name="Pat Example", text=text))
    with pytest.raises(UserError, match=reference) as refusal, database.transaction() as session:
        write_action_plan(session, reference, tmp_path / "plan.pdf", as_of=TODAY)
    assert "Pendragon" not in str(refusal.value)
    assert "milestones" in str(refusal.value)  # the field: the plan's "key milestones achieved" column
    assert not (tmp_path / "plan.pdf").exists()
    with database.transaction() as session:
        session.query(ProgressUpdate).filter(ProgressUpdate.text.like("Met the family%")).delete()
        process = session.scalar(select(ParallelProcess).where(ParallelProcess.case_id == case.id))
        if process is None:
            process = session.scalar(select(ParallelProcess))
            process.case.victim_real_name = NAMES_A[0]
            reference = process.case.reference
        process.note = "Inquest opened on the death of Philippa Pendragon-Hale\nnext hearing in May"
    (tmp_path / "b").mkdir()
    with pytest.raises(UserError, match=reference) as refusal, database.transaction() as session:
        write_briefing(session, find_meeting(session, meeting_on), tmp_path / "b" / "briefing.pdf", copies=2, as_of=TODAY)
    assert "parallel processes" in str(refusal.value) and "Pendragon" not in str(refusal.value)
    assert not list(tmp_path.glob("b/*.pdf"))


def test_ordinary_text_near_a_real_name_is_not_refused(caseload, tmp_path):  # noqa: F811
    """False positives, end to end: the forename of a victim as an agency's first word, everyday words
    that are also parts of names."""
    from dhr_tracker.model import Agency

    database, meeting_on = caseload
    with database.transaction() as session:
        cases = list(session.scalars(select(Case).order_by(Case.id)))
        cases[0].victim_real_name, cases[0].perpetrator_real_name = "Marchbanks Okonkwo-Reid", "Mark Tillotson"
        cases[1].victim_real_name, cases[1].perpetrator_real_name = "Rose Hathaway", "PENDRAGON-HALE, Philippa"
        session.scalar(select(Agency).order_by(Agency.id)).name = "Marchbanks Housing"
        recommendation = session.scalar(select(Recommendation).order_by(Recommendation.id))
        recommendation.text = "Hale and hearty: mark the Rose Garden visit in the plan. Philippa from the council attends."
        reference = recommendation.case.reference
    with database.transaction() as session:
        write_action_plan(session, reference, tmp_path / "plan.pdf", as_of=TODAY)
        export_file(session, "xlsx", tmp_path / "export.xlsx")
        write_briefing(session, find_meeting(session, meeting_on), tmp_path / "briefing.pdf", copies=1, as_of=TODAY)
    assert "Hale and hearty" in _pdf_text(tmp_path / "plan.pdf")


def test_copies_are_removed_when_the_save_of_their_register_fails(caseload, tmp_path):  # noqa: F811
    """The copy register is written in the same transaction as the copies: when the final save (COMMIT)
    fails, no copy is left on disk and the register is unchanged."""
    import sqlalchemy.exc
    from sqlalchemy import text

    from dhr_tracker.meetings import copy_register

    database, meeting_on = caseload
    out = tmp_path / "b" / "briefing.pdf"
    out.parent.mkdir()
    with pytest.raises(sqlalchemy.exc.IntegrityError):
        with database.transaction() as session:
            result = write_briefing(session, find_meeting(session, meeting_on), out, copies=2, as_of=TODAY)
            assert all(path.exists() for path in result.files)  # written, not yet saved
            # A real failure at COMMIT: a deferred foreign-key violation is only checked when the transaction ends.
            session.execute(text("PRAGMA defer_foreign_keys = ON"))
            session.execute(text("INSERT INTO progress_update (recommendation_id, received_on, contact_name, text, "
                                 "evidence_reference, recorded_at) VALUES (999999, '2026-01-01', 'x', 'x', '', '2026-01-01')"))
    assert not list(out.parent.glob("*.pdf"))
    with database.transaction() as session:
        assert copy_register(session, find_meeting(session, meeting_on)) == []
