"""The KCSP briefing: every copy marked, numbered and complete, no real name anywhere, copies registered."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import stat

import pikepdf
import pypdf
import pytest
from sqlalchemy import select

from dhr_tracker.demo import build_demo_caseload
from dhr_tracker.errors import UserError
from dhr_tracker.meetings import Recipient, copy_register, find_meeting, list_meetings, mark_returned
from dhr_tracker.model import (
    Agency,
    Case,
    EscalationAction,
    Pause,
    Recommendation,
    UpdateRequest,
    UpdateRequestItem,
    UpdateRound,
)
from dhr_tracker.reports import RealNameFound
from dhr_tracker.reports.briefing import write_briefing
from dhr_tracker.reports.briefing_data import gather_briefing

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def caseload(database):
    """The demo caseload (fictional real names on purpose) plus agency updates overdue by different amounts."""
    with database.transaction() as session:
        build_demo_caseload(session, cases=14, anchor=TODAY)
        agencies = list(
            session.scalars(
                select(Agency)
                .join(Recommendation, Recommendation.lead_agency_id == Agency.id)
                .group_by(Agency.id)
                .order_by(Agency.name)
            )
        )[:4]
        meeting_on = sorted(m.held_on for m in list_meetings(session))[1]
        round_ = UpdateRound(meeting_on=meeting_on, requested_on=dt.date(2026, 9, 1), due_on=dt.date(2026, 9, 30))
        # 38, 8 and 1 working days late on 23/11/2026 (levels 3, 1 and 0 of the default ladder); one answered.
        for agency, due_on, received_on in zip(
            agencies,
            (dt.date(2026, 9, 30), dt.date(2026, 11, 11), dt.date(2026, 11, 20), dt.date(2026, 9, 30)),
            (None, None, None, dt.date(2026, 9, 25)),
        ):
            request = UpdateRequest(
                agency=agency, requested_on=round_.requested_on, due_on=due_on, received_on=received_on
            )
            for recommendation in session.scalars(
                select(Recommendation).where(Recommendation.lead_agency_id == agency.id)
            ):
                request.items.append(UpdateRequestItem(recommendation=recommendation))
            round_.requests.append(request)
        round_.requests[0].actions.append(
            EscalationAction(level=1, taken_on=dt.date(2026, 10, 8), recipient="Lead contact")
        )
        session.add(round_)
    return database, meeting_on


def real_names(session) -> list[str]:
    rows = session.execute(select(Case.victim_real_name, Case.perpetrator_real_name)).all()
    names = [name for row in rows for name in row if name]
    assert len(names) >= 20
    return names


def read_pdf(data: bytes) -> tuple[list[str], dict]:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [page.extract_text() for page in reader.pages], {k: str(v) for k, v in (reader.metadata or {}).items()}


def test_every_copy_is_marked_numbered_complete_and_free_of_real_names(caseload, tmp_path):
    database, meeting_on = caseload
    recipients = [Recipient("Pat Example", "Kent Police"), Recipient("Kim Sample", "Medway Council"), Recipient()]
    with database.transaction() as session:
        meeting = find_meeting(session, meeting_on)
        result = write_briefing(session, meeting, tmp_path / "briefing.pdf", recipients=recipients, as_of=TODAY)
    assert [p.name for p in result.files] == [f"briefing-copy-0{n}-of-03.pdf" for n in (1, 2, 3)]
    with database.transaction() as session:
        names = real_names(session)
        open_cases = session.execute(select(Case.reference, Case.pseudonym).where(Case.stage != "closed")).all()
        register = copy_register(session, find_meeting(session, meeting_on))
    assert len(open_cases) >= 10
    for number, path in enumerate(result.files, start=1):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        data = path.read_bytes()
        pages, metadata = read_pdf(data)
        assert len(pages) >= 5
        for page_number, text in enumerate(pages, start=1):
            assert text.count("OFFICIAL-SENSITIVE") >= 2, f"copy {number} page {page_number}"
            assert f"Page {page_number} of {len(pages)}" in text
            assert text.count(f"Copy {number} of 3") >= 2
            assert "Schedule 12A" in text
        everything = " ".join(pages) + " " + " ".join(metadata.values())
        flattened = " ".join(everything.split())
        for reference, pseudonym in open_cases:
            assert reference in flattened and pseudonym in flattened
        for name in names:
            assert name.casefold() not in flattened.casefold(), f"real name in copy {number}"
            assert name.split()[-1].casefold() not in flattened.casefold()  # not even the surname
        assert "Level 3" in flattened and "Agree escalation to the KCSP Chair" in flattened
        entry = register[number - 1]
        assert (entry.edition, entry.copy_number, entry.total_copies) == (1, number, 3)
        assert entry.recipient == recipients[number - 1]
        assert entry.file_sha256 == hashlib.sha256(data).hexdigest()
        assert entry.returned_on is None
    assert "Pat Example, Kent Police" in read_pdf(result.files[0].read_bytes())[0][0]


def test_the_data_objects_never_touch_a_real_name(caseload):
    database, meeting_on = caseload
    with database.transaction() as session:
        data = gather_briefing(session, find_meeting(session, meeting_on), as_of=TODAY)
        names = real_names(session)
    text = repr(data)
    assert all(name not in text for name in names)
    assert len(data.reviews) == sum(count for _, count in data.open_by_stage)
    assert sum(count for _, count in data.overdue_by_level) == len(data.escalations)
    with database.transaction() as session:
        [ours] = session.scalars(select(UpdateRound).where(UpdateRound.requested_on == dt.date(2026, 9, 1))).all()
        names = [request.agency.name for request in ours.requests]
    position = {e.agency: e for e in data.escalations}
    assert [position[name].level for name in names[:3]] == [3, 1, 0]
    assert position[names[0]].working_days_late == 38
    assert position[names[0]].action_due.startswith("Level 3")  # level 1 was recorded, level 3 not yet


def test_a_real_name_typed_into_a_reason_stops_every_copy(caseload, tmp_path):
    database, meeting_on = caseload
    (tmp_path / "out").mkdir()
    with database.transaction() as session:
        case = session.scalars(select(Case).where(Case.stage == "drafting")).first()
        case.pauses.append(
            Pause(reason=f"Awaiting {case.perpetrator_real_name.upper()}'s trial", starts_on=dt.date(2026, 6, 1))
        )
        reference = case.reference
    with pytest.raises(RealNameFound, match=reference), database.transaction() as session:
        write_briefing(session, find_meeting(session, meeting_on), tmp_path / "out" / "b.pdf", copies=2, as_of=TODAY)
    assert list((tmp_path / "out").iterdir()) == []
    with database.transaction() as session:
        assert copy_register(session, find_meeting(session, meeting_on)) == []


def test_attendees_give_the_copies_and_the_register_is_ticked_off(caseload, tmp_path):
    database, meeting_on = caseload
    with database.transaction() as session:
        meeting = find_meeting(session, meeting_on)
        attendees = len(meeting.attendees)
        first = write_briefing(session, meeting, tmp_path / "first.pdf", as_of=TODAY)
        second = write_briefing(session, meeting, tmp_path / "second.pdf", copies=1, as_of=TODAY)
    assert len(first.files) == attendees and first.edition == 1
    assert second.edition == 2 and second.files == (tmp_path / "second.pdf",)
    with database.transaction() as session:
        meeting = find_meeting(session, meeting_on)
        after = meeting_on + dt.timedelta(days=1)
        mark_returned(session, meeting, [1, 3], returned_on=meeting_on, edition=1, today=after)
        with pytest.raises(UserError, match="no copy 99"):
            mark_returned(session, meeting, [2, 99], returned_on=meeting_on, edition=1, today=after)
        with pytest.raises(UserError, match="before the meeting"):
            mark_returned(session, meeting, [2], returned_on=meeting_on - dt.timedelta(days=1), edition=1, today=after)
        with pytest.raises(UserError, match="after today"):
            mark_returned(session, meeting, [2], returned_on=meeting_on, edition=1, today=TODAY)
    with database.transaction() as session:
        register = copy_register(session, find_meeting(session, meeting_on), edition=1)
    assert [c.copy_number for c in register if c.returned] == [1, 3]
    assert register[0].recipient.organisation == "Kent County Council"


def test_an_encrypted_copy_opens_only_with_its_password(caseload, tmp_path):
    database, meeting_on = caseload
    with database.transaction() as session:
        result = write_briefing(
            session,
            find_meeting(session, meeting_on),
            tmp_path / "locked.pdf",
            copies=1,
            password="tabled paper password",
            as_of=TODAY,
        )
    [path] = result.files
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(path)
    with pytest.raises(pikepdf.PasswordError):
        pikepdf.open(path, password="guess")
    with pikepdf.open(path, password="tabled paper password") as document:
        assert document.encryption.R == 6
        plain = io.BytesIO()
        document.save(plain)
    pages, metadata = read_pdf(plain.getvalue())
    assert "Copy 1 of 1" in pages[0] and metadata["/Title"].startswith("DHR progress report")


def test_existing_files_are_never_replaced(caseload, tmp_path):
    database, meeting_on = caseload
    out = tmp_path / "out"
    out.mkdir()
    (out / "b-copy-02-of-02.pdf").write_bytes(b"keep me")
    with pytest.raises(UserError, match="already exists"), database.transaction() as session:
        write_briefing(session, find_meeting(session, meeting_on), out / "b.pdf", copies=2, as_of=TODAY)
    assert sorted(p.name for p in out.iterdir()) == ["b-copy-02-of-02.pdf"]
    assert (out / "b-copy-02-of-02.pdf").read_bytes() == b"keep me"


def test_the_first_page_is_the_overview_a_board_member_scans(caseload, tmp_path):
    database, meeting_on = caseload
    with database.transaction() as session:
        result = write_briefing(session, find_meeting(session, meeting_on), tmp_path / "b.pdf", copies=1, as_of=TODAY)
        open_cases = session.execute(select(Case.reference, Case.pseudonym).where(Case.stage != "closed")).all()
        paused = {
            reference for (reference,) in session.execute(select(Case.reference).join(Pause, Pause.case_id == Case.id))
        }
    pages, _ = read_pdf(result.files[0].read_bytes())
    overview = " ".join(pages[0].split())
    assert "1. Open reviews at a glance" in overview
    # The condensed cover sits above it: the meeting, the marking, the copy and what to do with it.
    assert "OFFICIAL-SENSITIVE" in overview and "Copy 1 of 1" in overview and "Page 1 of" in overview
    assert "return this copy to the clerk" in overview and "Contents" not in overview
    for header in ("Reference", "Pseudonym", "Stage", "RAG", "Next deadline", "Days beyond timescale"):
        assert header in overview
    for reference, pseudonym in open_cases:  # every open review, on the one page
        assert reference in overview and pseudonym in overview
    assert "2. Summary figures" not in overview  # the overview has the page to itself
    everything = "\n".join(pages)
    assert "Pauses and reasons" not in everything and "Last update: None" not in everything
    # A review never paused says so, even when a parallel process (an inquest) is running.
    sections = everything.split("DHR-")
    for section in sections:
        reference = "DHR-" + section.split()[0] if section.split() else ""
        if "Pauses" in section and reference not in paused and "Guidance" in section:
            after = section.split("Pauses", 1)[1].split()
            assert after[0] == "None.", (reference, after[:6])
    # No page is only a repeated table header and a totals row.
    for number, text in enumerate(pages, start=1):
        body = [
            line
            for line in text.splitlines()
            if line.strip()
            and "OFFICIAL-SENSITIVE" not in line
            and "Copy 1 of 1" not in line
            and "Schedule 12A" not in line
            and "DHR progress report" not in line
        ]
        if any(line.startswith("All agencies") for line in body):
            assert len(body) > 12, f"page {number} holds only the header and the totals: {body}"


def test_numbers_are_right_aligned_in_the_tables(caseload, tmp_path):
    """The agencies table's figures end at the same x position, whatever their width (read from the PDF)."""
    database, meeting_on = caseload
    with database.transaction() as session:
        result = write_briefing(session, find_meeting(session, meeting_on), tmp_path / "b.pdf", copies=1, as_of=TODAY)
    reader = pypdf.PdfReader(io.BytesIO(result.files[0].read_bytes()))
    ends: dict[str, list[float]] = {}
    for page in reader.pages:
        if "All agencies" not in (page.extract_text() or ""):
            continue
        from reportlab.pdfbase.pdfmetrics import stringWidth

        from dhr_tracker.reports.fonts import BOLD

        def visit(text, cm, tm, font_dict, font_size):  # noqa: ANN001 - pypdf's visitor
            if text.strip().isdigit():
                ends.setdefault(text.strip(), []).append(round(tm[4] + stringWidth(text.strip(), BOLD, font_size), 0))

        page.extract_text(visitor_text=visit)
    by_digits: dict[int, set[float]] = {}
    for number, edges in ends.items():
        by_digits.setdefault(len(number), set()).update(edges)
    # Right-aligned, a one-digit and a two-digit figure in the same column end at the same x; left-aligned, they
    # would start together and end a digit's width apart.
    assert by_digits.get(1) and by_digits.get(2)
    assert by_digits[1] & by_digits[2]
