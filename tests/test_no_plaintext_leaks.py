"""Nothing leaks: after a whole working session no name or pseudonym is on disk outside the encrypted files,
except in what the user exported on purpose; real names are nowhere; logs hold no personal data;
everything written that holds case data is owner-only.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import stat
import tempfile
from pathlib import Path

import pypdf
import pytest
from sqlalchemy import select

from dhr_tracker.casework.cases import create_case, find_case, update_case
from dhr_tracker.demo import build_demo_caseload
from dhr_tracker.exchange.archive import write_archive
from dhr_tracker.meetings import find_meeting, list_meetings
from dhr_tracker.model import Case
from dhr_tracker.reports.briefing import write_briefing
from dhr_tracker.security.audit import verify_chain
from dhr_tracker.security.passphrase_change import change_passphrase
from dhr_tracker.storage.backups import automatic_backup, backup_to
from dhr_tracker.storage.database import create_database, open_database
from tests.conftest import PASSPHRASE

TODAY = dt.date(2026, 11, 23)
NEW_PASSPHRASE = "a second passphrase for the leak test"
# Distinctive on purpose: long enough that they cannot turn up by chance in encrypted bytes.
OWN_REAL_NAMES = ("Zebedee Quillfeather", "Ignatius Marchbanks", "Philippa Wolstenholme")
OWN_PSEUDONYMS = ("Ophelia Tangent", "Marigold Vanterpool")
MINIMUM_SCANNED = 6  # shorter demo pseudonyms ("Alex") would match random encrypted bytes by chance


def variants(name: str) -> list[bytes]:
    return [name.encode("utf-8"), name.encode("utf-16-le"), name.encode("utf-16-be")]


def files_under(folder: Path) -> list[Path]:
    return [path for path in folder.rglob("*") if path.is_file()]


def pdf_text(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return " ".join(page.extract_text() for page in reader.pages) + " ".join(
        str(v) for v in (reader.metadata or {}).values()
    )


@pytest.fixture
def folders(tmp_path, monkeypatch):
    made = {name: tmp_path / name for name in ("data", "temp", "exports", "logs")}
    for folder in made.values():
        folder.mkdir()
    monkeypatch.setenv("TMPDIR", str(made["temp"]))
    monkeypatch.setattr(tempfile, "tempdir", None)  # recomputed from TMPDIR
    assert tempfile.gettempdir() == str(made["temp"])
    return made


@pytest.fixture
def app_log(folders):
    """Logging as the app sets it up (warnings and above), and everything DHR Tracker's own code logs."""
    handler = logging.FileHandler(folders["logs"] / "dhr-tracker.log", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root, own = logging.getLogger(), logging.getLogger("dhr_tracker")
    saved = root.level, own.level
    root.addHandler(handler)
    root.setLevel(logging.WARNING)
    own.setLevel(logging.DEBUG)
    yield folders["logs"]
    root.removeHandler(handler)
    handler.close()
    root.setLevel(saved[0])
    own.setLevel(saved[1])


def test_a_working_session_leaves_no_names_outside_the_encrypted_files(folders, app_log):
    data, exports = folders["data"], folders["exports"]
    path = data / "cases.dhrdb"
    database = create_database(path, PASSPHRASE, PASSPHRASE)
    with database.transaction() as session:
        build_demo_caseload(session, cases=8, anchor=TODAY)
        create_case(
            session,
            today=TODAY,
            reference="DHR-2026-90",
            pseudonym=OWN_PSEUDONYMS[0],
            notified_on=dt.date(2026, 1, 5),
            csp_area="Swale",
            victim_real_name=OWN_REAL_NAMES[0],
            perpetrator_real_name=OWN_REAL_NAMES[1],
        )
    with database.transaction() as session:  # edit: a new pseudonym and a corrected real name
        case = find_case(session, "DHR-2026-90")
        update_case(
            session,
            case,
            today=TODAY,
            pseudonym=OWN_PSEUDONYMS[1],
            victim_real_name=OWN_REAL_NAMES[2],
            notes=f"Agreed pseudonym {OWN_PSEUDONYMS[1]}",
        )
    with database.transaction() as session:
        meeting = find_meeting(session, sorted(m.held_on for m in list_meetings(session))[-1])
        briefing = write_briefing(session, meeting, exports / "briefing.pdf", copies=2, as_of=TODAY)
        write_archive(session, exports / "archive.json")  # without real names
        rows = session.execute(select(Case.victim_real_name, Case.perpetrator_real_name, Case.pseudonym)).all()
        assert verify_chain(session).ok
    real_names = sorted({name for row in rows for name in row[:2] if name} | set(OWN_REAL_NAMES))
    pseudonyms = sorted({row[2] for row in rows} | set(OWN_PSEUDONYMS))
    automatic_backup(database)
    backup_to(database, exports / "copy.dhrbak")
    change_passphrase(database, PASSPHRASE, NEW_PASSPHRASE, NEW_PASSPHRASE)
    database.close()  # what locking the app does: engine disposed, key dropped
    with open_database(path, NEW_PASSPHRASE) as reopened, reopened.session() as session:
        assert session.scalar(select(Case.pseudonym).where(Case.reference == "DHR-2026-90")) == OWN_PSEUDONYMS[1]

    scanned = [name for name in real_names + pseudonyms if len(name) >= MINIMUM_SCANNED]
    assert len(scanned) >= 15
    # 1. The data folder (database, backups, lock), the temp folder and the logs: no name at all.
    for folder in (data, folders["temp"], app_log):
        for file in files_under(folder):
            content = file.read_bytes()
            for name in scanned:
                assert not any(variant in content for variant in variants(name)), f"{name!r} in {file}"
    assert len(files_under(data)) >= 3  # database, automatic backup, backup before the passphrase change
    # 2. Exports made on purpose may carry references and pseudonyms, never a real name.
    for file in files_under(exports):
        content = file.read_bytes()
        readable = pdf_text(file) if file.suffix == ".pdf" else content.decode("utf-8", "replace")
        for name in real_names:
            assert not any(variant in content for variant in variants(name)), f"real name {name!r} in {file}"
            assert name.casefold() not in " ".join(readable.split()).casefold(), f"real name {name!r} in {file}"
    assert OWN_PSEUDONYMS[1] in " ".join(pdf_text(briefing.files[0]).split())  # the scan would have seen it
    # 3. Owner-only: the database, backups, exports, and the folders made for backups.
    if os.name == "posix":
        for file in files_under(data) + files_under(exports):
            assert stat.S_IMODE(file.stat().st_mode) == 0o600, file
        assert stat.S_IMODE((data / "backups").stat().st_mode) == 0o700
