"""Update packs out and back: made for the demo caseload, filled in with openpyxl as an agency would
(and with the mistakes agencies make), imported, and the escalations and audit trail checked."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import hashlib
import io
import shutil
import stat
import zipfile
from pathlib import Path

import msoffcrypto
import msoffcrypto.exceptions
import openpyxl
import pytest
from sqlalchemy import func, select

from dhr_tracker.demo import create_demo_database
from dhr_tracker.errors import UserError, ValidationError
from dhr_tracker.escalation.rounds import create_update_round
from dhr_tracker.escalation.service import escalations
from dhr_tracker.exchange.packs.content import find_agency
from dhr_tracker.exchange.packs.importer import PackRefused, check_pack_file, import_pack_file
from dhr_tracker.exchange.packs.make import make_packs
from dhr_tracker.exchange.packs.proposals import accept_proposal, list_proposals, reject_proposal
from dhr_tracker.exchange.packs.reader import PackFileError
from dhr_tracker.exchange.packs.register import mark_sent, returns_awaiting_import, round_pack_statuses
from dhr_tracker.model import (
    AuditEntry,
    Case,
    ProgressUpdate,
    Recommendation,
    StatusProposal,
    UpdatePack,
    UpdatePackEntry,
    UpdateRequest,
    UpdateRequestItem,
    UpdateRound,
)
from dhr_tracker.reports.pseudonyms import RealNameFound
from dhr_tracker.storage.database import open_database
from dhr_tracker.vocabulary import RecommendationStatus as S
from tests.conftest import PASSPHRASE

TODAY = dt.date(2026, 11, 23)
# The pack's layout as an agency sees it: the header row is row 9, the first recommendation row 10;
# column A is the hidden row key, K..P are the columns to fill.
FIRST_ROW = 10
KEY, PROGRESS, EVIDENCE, PROPOSED, COMPLETED, NAME, ROLE = 1, 11, 12, 13, 14, 15, 16


@pytest.fixture(scope="session")
def demo_packs_template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("packs") / "demo.dhrdb"
    create_demo_database(path, PASSPHRASE, cases=14, anchor=TODAY).close()
    return path


@pytest.fixture
def demo(demo_packs_template, tmp_path):
    path = tmp_path / "demo.dhrdb"
    shutil.copyfile(demo_packs_template, path)
    database = open_database(path, PASSPHRASE)
    yield database
    database.close()


def current_round(session) -> UpdateRound:
    return session.scalars(select(UpdateRound).order_by(UpdateRound.meeting_on.desc())).first()


def make(database, out: Path, **options):
    with database.transaction() as session:
        return make_packs(session, current_round(session), out, **options)


def fill(
    source: Path,
    target: Path,
    rows: dict[int, dict[int, object]] | None = None,
    *,
    every_row: dict[int, object] | None = None,
):
    """Fill the pack as an agency would in Excel: type into the white cells, save under a new name."""
    book = openpyxl.load_workbook(source)
    sheet = book["Update pack"]
    row = FIRST_ROW
    while sheet.cell(row, KEY).value:
        for column, value in (every_row or {}).items():
            sheet.cell(row, column, value)
        row += 1
    for number, values in (rows or {}).items():
        for column, value in values.items():
            sheet.cell(number, column, value)
    book.save(target)
    return target


def full_update(text="Policy revised; 40 staff trained.") -> dict[int, object]:
    return {PROGRESS: text, EVIDENCE: "EV-77", NAME: "Sam Lead", ROLE: "DHR lead"}


def status_rows(workbook: Path) -> dict[str, int]:
    """Current status label -> the first row showing it."""
    sheet = openpyxl.load_workbook(workbook)["Update pack"]
    found: dict[str, int] = {}
    for number in range(FIRST_ROW, sheet.max_row + 1):
        if sheet.cell(number, KEY).value:
            found.setdefault(sheet.cell(number, 8).value, number)
    return found


def a_proposal(workbook: Path) -> dict[int, dict[int, object]]:
    """The next step for the first row that has one: accepted -> in progress, in progress -> completed."""
    rows = status_rows(workbook)
    if "Accepted" in rows:
        return {rows["Accepted"]: {PROPOSED: "In progress"}}
    return {rows["In progress"]: {PROPOSED: "Completed, awaiting evidence", COMPLETED: dt.datetime(2026, 11, 2)}}


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def escalated_agency_with_pack(database, made):
    """An agency that, on TODAY, is on the ladder (level 1 or above) and got a pack."""
    with database.transaction() as session:
        levels = {p.agency_name: p.level.level for p in escalations(session, TODAY) if p.level is not None}
    return next(m for m in made if levels.get(m.agency_name, 0) >= 1), levels


# --- Packs out ------------------------------------------------------------------------------------------


def test_one_marked_protected_pack_and_draft_per_agency_with_outstanding_items(demo, tmp_path):
    with demo.transaction() as session:
        round_ = current_round(session)
        # Counted independently of the pack code: requests of the round with at least one item unsettled.
        owing = sorted(
            session.scalars(
                select(UpdateRequest.agency_id)
                .join(UpdateRequestItem)
                .where(UpdateRequest.round_id == round_.id, UpdateRequestItem.settled_on.is_(None))
                .distinct()
            ).all()
        )
        real_names = [
            name
            for pair in session.execute(select(Case.victim_real_name, Case.perpetrator_real_name))
            for name in pair
            if name
        ]
    made = make(demo, tmp_path / "out")
    assert len(made) == len(owing) and len(made) >= 3
    for pack in made:
        for path in (pack.workbook, pack.draft):
            assert stat.S_IMODE(path.stat().st_mode) == 0o600

    first = made[0]
    book = openpyxl.load_workbook(first.workbook)
    sheet = book["Update pack"]
    assert sheet["B1"].value.startswith("OFFICIAL-SENSITIVE - Not for publication")
    assert "OFFICIAL-SENSITIVE" in sheet.oddHeader.center.text and "Schedule 12A" in sheet.oddFooter.center.text
    assert sheet["C2"].value == first.agency_name
    assert isinstance(sheet["C4"].value, dt.datetime)
    assert sheet["C6"].value == first.identifier and book["Pack"].sheet_state == "hidden"
    assert sheet.column_dimensions["A"].hidden and sheet.protection.sheet and book.security.lockStructure
    assert sheet.cell(FIRST_ROW, KEY).protection.locked and sheet.cell(FIRST_ROW, 5).protection.locked
    assert not sheet.cell(FIRST_ROW, PROGRESS).protection.locked and not sheet.cell(FIRST_ROW, NAME).protection.locked
    rows = [row for row in sheet.iter_rows(min_row=FIRST_ROW, values_only=True) if row[0]]
    assert len(rows) == first.rows
    assert all(row[0].startswith("R") for row in rows) and all(row[1].startswith("DHR-") for row in rows)
    validations = {dv.type: dv for dv in sheet.data_validations.dataValidation}
    assert validations["list"].formula1 == "'Pack'!$D$1:$D$2"
    assert [book["Pack"]["D1"].value, book["Pack"]["D2"].value] == ["In progress", "Completed, awaiting evidence"]
    assert str(validations["date"].sqref).startswith(f"N{FIRST_ROW}")
    every_text = "\n".join(
        str(cell) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for cell in row if cell
    )
    assert real_names and not any(name in every_text for name in real_names)

    message = email.message_from_bytes(first.draft.read_bytes(), policy=email.policy.default)
    with demo.transaction() as session:
        lead = find_agency(session, first.agency_name).contacts[0]
    assert lead.email and lead.email in message["To"]
    assert message["Subject"].startswith("OFFICIAL-SENSITIVE: DHR action plan updates") and message["X-Unsent"] == "1"
    body = message.get_body(("plain",)).get_content()
    assert first.identifier in body and "Demo: the current round" in body
    attachment = next(message.iter_attachments())
    assert attachment.get_filename() == first.workbook.name and attachment.get_content() == first.workbook.read_bytes()

    with demo.transaction() as session:
        statuses = {s.agency_name: s for s in round_pack_statuses(session, current_round(session))}
    assert statuses[first.agency_name].stage == "pack made"


def test_packs_are_refused_whole_when_a_real_name_would_go_out(demo, tmp_path):
    with demo.transaction() as session:
        rec = session.scalars(
            select(Recommendation)
            .join(UpdateRequestItem, UpdateRequestItem.recommendation_id == Recommendation.id)
            .join(UpdateRequest)
            .where(UpdateRequest.round_id == current_round(session).id, UpdateRequestItem.settled_on.is_(None))
        ).first()
        rec.action = f"Brief staff on the case of {rec.case.victim_real_name}."
    with pytest.raises(RealNameFound):
        make(demo, tmp_path / "out")
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").iterdir())
    with demo.transaction() as session:
        assert session.scalar(select(func.count(UpdatePack.id))) == 0


def test_an_encrypted_pack_opens_with_its_password_only_and_imports(demo, tmp_path):
    with pytest.raises(UserError, match="at least 8 characters"):
        make(demo, tmp_path / "short", password="1234567")
    assert not (tmp_path / "short").exists()
    made = make(demo, tmp_path / "out", password="correct horse battery")
    data = made[0].workbook.read_bytes()
    assert data.startswith(b"\xd0\xcf\x11\xe0")  # an OLE container: the encrypted package, not a readable ZIP
    office = msoffcrypto.OfficeFile(io.BytesIO(data))
    office.load_key(password="correct horse battery")
    plain = io.BytesIO()
    office.decrypt(plain)
    assert openpyxl.load_workbook(plain)["Update pack"]["C2"].value == made[0].agency_name
    with pytest.raises((msoffcrypto.exceptions.InvalidKeyError, msoffcrypto.exceptions.DecryptionError)):
        wrong = msoffcrypto.OfficeFile(io.BytesIO(data))
        wrong.load_key(password="wrong password")
        wrong.decrypt(io.BytesIO())
    # Returned still encrypted: the import needs the password, and says so without it.
    with demo.transaction() as session, pytest.raises(PackFileError, match="password-protected"):
        check_pack_file(session, made[0].workbook, today=TODAY)
    with demo.transaction() as session:
        review = check_pack_file(session, made[0].workbook, today=TODAY, password="correct horse battery")
    assert review.ok and review.updates == 0  # nothing filled in: every row is "no update"


# --- Packs back -----------------------------------------------------------------------------------------


def test_a_filled_pack_imports_settles_the_request_and_drops_the_level_once(demo, tmp_path):
    made = make(demo, tmp_path / "out")
    pack, levels_before = escalated_agency_with_pack(demo, made)
    proposal = a_proposal(pack.workbook)
    returned = fill(pack.workbook, tmp_path / "returned.xlsx", every_row=full_update(), rows=proposal)
    with demo.transaction() as session:
        updates_before = session.scalar(select(func.count(ProgressUpdate.id)))
        audit_before = session.scalar(select(func.max(AuditEntry.id)))
        review = check_pack_file(session, returned, today=TODAY)
    assert review.ok and review.updates == pack.rows
    assert sorted(row.outcome for row in review.rows)[:-1] == ["update"] * (pack.rows - 1)
    assert sorted(row.outcome for row in review.rows)[-1].startswith("update, proposes")
    with demo.transaction() as session:  # the dry run recorded nothing
        assert session.scalar(select(func.count(ProgressUpdate.id))) == updates_before

    with demo.transaction() as session:
        result = import_pack_file(session, returned, today=TODAY)
    assert result.changed
    with demo.transaction() as session:
        assert session.scalar(select(func.count(ProgressUpdate.id))) == updates_before + pack.rows
        entries = session.scalars(select(UpdatePackEntry)).all()
        assert len(entries) == pack.rows and {e.progress_update.contact_name for e in entries} == {
            "Sam Lead (DHR lead)"
        }
        assert {e.progress_update.received_on for e in entries} == {TODAY}
        assert {e.pack.identifier for e in entries} == {pack.identifier.split("/")[0]}
        levels_after = {p.agency_name: p.level for p in escalations(session, TODAY)}
        audit = session.execute(
            select(AuditEntry.entity, func.count()).where(AuditEntry.id > audit_before).group_by(AuditEntry.entity)
        ).all()
        statuses = {s.agency_name: s for s in round_pack_statuses(session, current_round(session))}
        pending = list_proposals(session)
    assert levels_before[pack.agency_name] >= 1 and pack.agency_name not in levels_after
    audited = dict(audit)
    assert audited["progress_update"] == pack.rows and audited["update_pack_entry"] == pack.rows
    assert audited["status_proposal"] == 1 and audited["update_pack"] >= 1
    assert statuses[pack.agency_name].stage == "imported" and statuses[pack.agency_name].outstanding == 0
    assert [(p.agency, p.proposed_status.label) for p in pending] == [
        (pack.agency_name, next(iter(proposal.values()))[PROPOSED])
    ]

    with demo.transaction() as session:
        again = import_pack_file(session, returned, today=TODAY)
    assert not again.changed and "already imported" in again.summary() and "nothing was changed" in again.summary()
    with demo.transaction() as session:
        assert session.scalar(select(func.count(ProgressUpdate.id))) == updates_before + pack.rows


def test_blank_rows_are_no_update_and_stay_outstanding(demo, tmp_path):
    made = make(demo, tmp_path / "out")
    pack = next(m for m in made if m.rows >= 2)
    returned = fill(pack.workbook, tmp_path / "one-row.xlsx", {FIRST_ROW: full_update()})
    with demo.transaction() as session:
        result = import_pack_file(session, returned, today=TODAY)
        assert result.review.updates == 1
        assert [row.outcome for row in result.review.rows] == ["update"] + ["no update"] * (pack.rows - 1)
        status = next(
            s for s in round_pack_statuses(session, current_round(session)) if s.agency_name == pack.agency_name
        )
    assert status.outstanding == pack.rows - 1 and status.stage == "imported"


def test_proposals_wait_for_the_coordinator_then_change_the_status_through_the_service(demo, tmp_path):
    made = make(demo, tmp_path / "out")
    with demo.transaction() as session:
        statuses = {}
        for m in made:
            book = openpyxl.load_workbook(m.workbook)
            statuses[m.agency_name] = [
                row[7] for row in book["Update pack"].iter_rows(min_row=FIRST_ROW, values_only=True) if row[0]
            ]
    pack = next(m for m in made if "In progress" in statuses[m.agency_name])
    row = FIRST_ROW + statuses[pack.agency_name].index("In progress")
    returned = fill(
        pack.workbook,
        tmp_path / "r.xlsx",
        {row: {**full_update(), PROPOSED: "Completed, awaiting evidence", COMPLETED: dt.datetime(2026, 11, 2)}},
    )
    with demo.transaction() as session:
        import_pack_file(session, returned, today=TODAY)
        proposal = list_proposals(session)[0]
        rec = session.get(StatusProposal, proposal.id).recommendation
        assert rec.status is S.IN_PROGRESS  # unchanged until accepted
    with demo.transaction() as session:
        accept_proposal(session, proposal.id, today=TODAY)
    with demo.transaction() as session:
        rec = session.get(StatusProposal, proposal.id).recommendation
        assert (rec.status, rec.completed_on, rec.status_changed_on) == (
            S.COMPLETED_AWAITING_EVIDENCE,
            dt.date(2026, 11, 2),
            dt.date(2026, 11, 2),
        )
        assert list_proposals(session) == []
        with pytest.raises(ValidationError, match="already accepted"):
            reject_proposal(session, proposal.id, reason="x", today=TODAY)


def test_a_rejected_proposal_needs_a_reason_and_leaves_the_status(demo, tmp_path):
    made = make(demo, tmp_path / "out")
    returned = fill(made[0].workbook, tmp_path / "r.xlsx", every_row=full_update(), rows=a_proposal(made[0].workbook))
    with demo.transaction() as session:
        assert import_pack_file(session, returned, today=TODAY).review.proposals == 1
    with demo.transaction() as session:
        proposal = list_proposals(session)[0]
        with pytest.raises(ValidationError, match="reason"):
            reject_proposal(session, proposal.id, reason="  ", today=TODAY)
        reject_proposal(session, proposal.id, reason="No evidence of the training yet.", today=TODAY)
        assert session.get(StatusProposal, proposal.id).recommendation.status is proposal.from_status


# --- Mistakes: each refused whole, the file left as it came, nothing recorded -----------------------------


def _refused(database, path: Path, words: str, **options):
    before = sha(path)
    with database.transaction() as session:
        updates = session.scalar(select(func.count(ProgressUpdate.id)))
    with database.transaction() as session, pytest.raises((PackRefused, PackFileError)) as refused:
        import_pack_file(session, path, today=TODAY, **options)
    assert words in str(refused.value)
    assert sha(path) == before  # the refused file is left exactly as it came
    with database.transaction() as session:
        assert session.scalar(select(func.count(ProgressUpdate.id))) == updates
        assert session.scalar(select(func.count(UpdatePackEntry.pack_id))) == 0
    return refused.value


def test_a_changed_row_key_is_refused(demo, tmp_path):
    made = make(demo, tmp_path / "out")
    path = fill(made[0].workbook, tmp_path / "r.xlsx", {FIRST_ROW: {**full_update(), KEY: "R1-000000000000"}})
    error = _refused(demo, path, "row key was changed")
    assert "R1-000000000000" not in str(error)  # the agency's text is never repeated


def test_rows_copied_from_another_agencys_pack_are_refused(demo, tmp_path):
    made = make(demo, tmp_path / "out")
    other = openpyxl.load_workbook(made[1].workbook)["Update pack"]
    path = fill(
        made[0].workbook, tmp_path / "r.xlsx", {FIRST_ROW: {**full_update(), KEY: other.cell(FIRST_ROW, KEY).value}}
    )
    _refused(demo, path, "copied from another pack")


def test_another_agencys_pack_is_refused_when_the_sender_is_named(demo, tmp_path):
    made = make(demo, tmp_path / "out")
    path = fill(made[0].workbook, tmp_path / "r.xlsx", every_row=full_update())
    with demo.transaction() as session:
        sender = find_agency(session, made[1].agency_name)
    _refused(demo, path, f"This is {made[0].agency_name}'s pack, not {made[1].agency_name}'s", from_agency=sender)


def test_a_pack_of_a_superseded_round_is_refused(demo, tmp_path):
    made = make(demo, tmp_path / "out")
    path = fill(made[0].workbook, tmp_path / "r.xlsx", every_row=full_update())
    with demo.transaction() as session:
        later = current_round(session).meeting_on + dt.timedelta(days=90)
        create_update_round(session, meeting_on=later, requested_on=TODAY, due_on=TODAY + dt.timedelta(days=20))
    _refused(demo, path, f"superseded by the round for the meeting on {later:%d/%m/%Y}")


def test_a_replaced_pack_is_refused(demo, tmp_path):
    made = make(demo, tmp_path / "out")
    path = fill(made[0].workbook, tmp_path / "r.xlsx", every_row=full_update())
    with demo.transaction() as session:
        make_packs(
            session, current_round(session), tmp_path / "again", agency_id=find_agency(session, made[0].agency_name).id
        )
    _refused(demo, path, "this one was replaced")


def test_a_real_name_in_an_update_is_refused(demo, tmp_path):
    made = make(demo, tmp_path / "out")
    with demo.transaction() as session:
        book = openpyxl.load_workbook(made[0].workbook)
        reference = book["Update pack"].cell(FIRST_ROW, 2).value
        real = session.scalar(select(Case.victim_real_name).where(Case.reference == reference))
    shouting = real.upper().replace(" ", "  ")  # typed differently: still that person's name
    path = fill(made[0].workbook, tmp_path / "r.xlsx", {FIRST_ROW: full_update(f"Family of {shouting} contacted.")})
    error = _refused(demo, path, f"names a real person stored for case {reference}")
    assert real.casefold() not in str(error).casefold()  # the refusal never repeats the name


def test_a_formula_is_refused(demo, tmp_path):
    made = make(demo, tmp_path / "out")
    path = fill(made[0].workbook, tmp_path / "r.xlsx", {FIRST_ROW: {**full_update(), COMPLETED: "=TODAY()"}})
    _refused(demo, path, "holds a formula")


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("31/02/2026", "the completion date"),  # there is no 31 February
        (dt.datetime(2030, 1, 1), "is after today"),
    ],
)
def test_an_impossible_completion_date_is_refused(demo, tmp_path, value, words):
    made = make(demo, tmp_path / "out")
    path = fill(
        made[0].workbook,
        tmp_path / "r.xlsx",
        {FIRST_ROW: {**full_update(), PROPOSED: "Completed, awaiting evidence", COMPLETED: value}},
    )
    _refused(demo, path, words)


def test_a_status_an_agency_may_not_propose_is_refused(demo, tmp_path):
    made = make(demo, tmp_path / "out")
    path = fill(
        made[0].workbook, tmp_path / "r.xlsx", {FIRST_ROW: {**full_update(), PROPOSED: "Implemented and signed off"}}
    )
    _refused(demo, path, "is not one an agency may propose")


def test_an_update_without_who_gave_it_is_refused(demo, tmp_path):
    made = make(demo, tmp_path / "out")
    path = fill(made[0].workbook, tmp_path / "r.xlsx", {FIRST_ROW: {PROGRESS: "Done."}})
    _refused(demo, path, "give the name of whoever updated it")


def _bomb(path: Path) -> Path:
    """A valid-looking workbook whose sheet inflates from ~200 KB to 200 MB (a 'ZIP bomb')."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"<worksheet>" + b" " * (200 * 1024 * 1024) + b"</worksheet>")
    return path


def test_a_zip_bomb_a_renamed_pdf_and_a_damaged_zip_are_refused_clearly(demo, tmp_path):
    bomb = _bomb(tmp_path / "bomb.xlsx")
    assert bomb.stat().st_size < 1024 * 1024
    _refused(demo, bomb, "too large to read")
    pdf = tmp_path / "pack.xlsx"
    pdf.write_bytes(b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\n")
    _refused(demo, pdf, "is a PDF document, not the update pack")
    made = make(demo, tmp_path / "out")
    damaged = tmp_path / "damaged.xlsx"
    damaged.write_bytes(made[0].workbook.read_bytes()[:3000])
    _refused(demo, damaged, "damaged or incomplete")


def test_a_pack_saved_again_by_another_program_still_imports(demo, tmp_path):
    """Another program's save drops the protection and formatting and moves cells' styles about; what counts
    is the identifier, the header names and the row keys."""
    made = make(demo, tmp_path / "out")
    book = openpyxl.load_workbook(made[0].workbook)
    sheet = book["Update pack"]
    sheet.protection.sheet = False
    sheet.data_validations.dataValidation.clear()
    book.properties.creator = "LibreOffice"
    for number in range(FIRST_ROW, FIRST_ROW + made[0].rows):
        sheet.cell(number, PROGRESS, "Reviewed at the practice forum.")
        sheet.cell(number, NAME, "Sam Lead")
        sheet.cell(number, PROGRESS).number_format = "@"
    resaved = tmp_path / "resaved.xlsx"
    book.save(resaved)
    with demo.transaction() as session:
        assert import_pack_file(session, resaved, today=TODAY).review.updates == made[0].rows


# --- The register ---------------------------------------------------------------------------------------


def test_sent_and_returned_are_ticked_and_counted(demo, tmp_path):
    made = make(demo, tmp_path / "out")
    with demo.transaction() as session:
        pack = session.scalar(select(UpdatePack).where(UpdatePack.identifier == made[0].identifier.split("/")[0]))
        with pytest.raises(ValidationError, match="in the future"):
            mark_sent(session, pack.id, on=TODAY + dt.timedelta(days=1), today=TODAY)
        mark_sent(session, pack.id, on=TODAY, today=TODAY)
    path = fill(made[0].workbook, tmp_path / "r.xlsx", {FIRST_ROW: {PROGRESS: "Done."}})  # no name: refused
    from dhr_tracker.exchange.packs.register import note_returned

    with demo.transaction() as session:
        note_returned(session, made[0].identifier.split("/")[0], on=TODAY)
    with demo.transaction() as session:
        assert returns_awaiting_import(session) == 1
        status = next(
            s for s in round_pack_statuses(session, current_round(session)) if s.agency_name == made[0].agency_name
        )
    assert status.stage == "returned, awaiting import" and status.sent_on is not None
    assert path.exists()


def test_a_removed_row_or_a_forged_identifier_is_refused(demo, tmp_path):
    made = make(demo, tmp_path / "out")
    pack = next(m for m in made if m.rows >= 2)
    book = openpyxl.load_workbook(pack.workbook)
    book["Update pack"].delete_rows(FIRST_ROW + 1)  # one recommendation's row gone: its update would be lost unseen
    removed = tmp_path / "removed.xlsx"
    book.save(removed)
    _refused(demo, removed, "rows added, removed or copied in from another pack")

    book = openpyxl.load_workbook(pack.workbook)
    forged = "UP-0000000000/0123456789abcdef"
    book["Update pack"]["C6"] = forged
    book["Pack"]["B1"] = forged
    path = tmp_path / "forged.xlsx"
    book.save(path)
    _refused(demo, path, "is not one this database made")


def test_pack_file_names_are_plain_whatever_the_agency_is_called(demo, tmp_path):
    from dhr_tracker.exchange.packs.content import pack_contents
    from dhr_tracker.exchange.packs.make import pack_file_stem

    with demo.transaction() as session:
        content = pack_contents(session, current_round(session))[0]
        session.rollback()
    odd = content.__class__(**{**content.__dict__, "agency_name": "Sérvice “Nord” /../etc\\passwd\u202e"})
    stem = pack_file_stem(odd)
    assert stem.endswith("s-rvice-nord-etc-passwd") and "/" not in stem and "\\" not in stem and ".." not in stem


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed here")
def test_a_pack_filled_in_and_saved_by_libreoffice_imports(demo, tmp_path):
    import subprocess

    made = make(demo, tmp_path / "out")
    filled = fill(made[0].workbook, tmp_path / "filled.xlsx", every_row=full_update())
    saved = tmp_path / "libreoffice"
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'profile'}",
            "--headless",
            "--calc",
            "--convert-to",
            "xlsx:Calc MS Excel 2007 XML",
            "--outdir",
            str(saved),
            str(filled),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    resaved = saved / "filled.xlsx"
    assert zipfile.ZipFile(resaved).read("docProps/app.xml").find(b"LibreOffice") >= 0  # really saved by LibreOffice
    with demo.transaction() as session:
        assert import_pack_file(session, resaved, today=TODAY).review.updates == made[0].rows


def test_making_and_importing_packs_leaves_nothing_in_the_temporary_folder(demo, tmp_path, monkeypatch):
    import tempfile

    made = make(demo, tmp_path / "first")
    returned = fill(made[0].workbook, tmp_path / "r.xlsx", every_row=full_update())  # the agency's side
    watched = tmp_path / "tmp"
    watched.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(watched))
    monkeypatch.setenv("TMPDIR", str(watched))
    # Also files made and deleted again at once (as openpyxl's own save does): every named or unnamed
    # temporary file of the standard library is created through tempfile._mkstemp_inner or TemporaryFile.
    created = []
    inner, unnamed = tempfile._mkstemp_inner, tempfile.TemporaryFile
    monkeypatch.setattr(tempfile, "_mkstemp_inner", lambda *a, **k: created.append(a) or inner(*a, **k))
    monkeypatch.setattr(tempfile, "TemporaryFile", lambda *a, **k: created.append(a) or unnamed(*a, **k))
    with demo.transaction() as session:  # another agency's pack made again, encrypted this time
        make_packs(
            session,
            current_round(session),
            tmp_path / "again",
            password="a long pack password",
            agency_id=find_agency(session, made[1].agency_name).id,
        )
    with demo.transaction() as session:
        assert import_pack_file(session, returned, today=TODAY).changed
    assert list(watched.iterdir()) == [] and created == []


def test_a_row_whose_recommendation_changed_lead_agency_is_refused(demo, tmp_path):
    made = make(demo, tmp_path / "out")
    path = fill(made[0].workbook, tmp_path / "r.xlsx", every_row=full_update())
    key = openpyxl.load_workbook(made[0].workbook)["Update pack"].cell(FIRST_ROW, KEY).value
    with demo.transaction() as session:  # the lead moved to another agency after the pack went out
        rec = session.get(Recommendation, int(key[1:].split("-")[0]))
        rec.lead_agency = find_agency(session, made[1].agency_name)
    _refused(demo, path, f"is now led by {made[1].agency_name}, not {made[0].agency_name}")


def test_an_encrypted_return_with_the_wrong_password_is_refused_untouched(demo, tmp_path):
    made = make(demo, tmp_path / "out", password="the right password")
    _refused(demo, made[0].workbook, "could not be opened with the password given", password="a wrong password")


class SaveFailed(Exception):
    pass


@pytest.mark.parametrize("failure", ["the final save", "a step after the packs"])
def test_packs_whose_register_entries_are_not_saved_are_not_left_on_disk(demo, tmp_path, failure):
    """A pack the register does not hold is refused when the agency returns it: it must not be there to send."""
    from sqlalchemy import event

    out = tmp_path / "out"
    with pytest.raises(SaveFailed), demo.transaction() as session:
        made = make_packs(session, current_round(session), out)
        assert made and all(pack.workbook.exists() and pack.draft.exists() for pack in made)  # written, so far
        if failure == "the final save":

            def refuse(_session):
                raise SaveFailed("disk full")

            event.listen(session, "before_commit", refuse)
        else:
            raise SaveFailed("the listing after the packs was refused")
    assert list(out.iterdir()) == []
    with demo.session() as session:
        assert session.scalar(select(func.count()).select_from(UpdatePack)) == 0
    # And when the save succeeds the packs stay, every one registered.
    made = make(demo, out)
    assert sorted(path.name for path in out.iterdir()) == sorted(
        name for pack in made for name in (pack.workbook.name, pack.draft.name)
    )
