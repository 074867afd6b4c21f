"""The trail's head leaves the database: on every briefing, in every letter, beside every backup."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdf

from dhr_tracker.cli import main
from dhr_tracker.meetings.meetings import find_meeting
from dhr_tracker.reports.briefing import write_briefing
from dhr_tracker.reports.letters import write_letters
from dhr_tracker.security.audit import Checkpoint, current_checkpoint, verify_chain
from dhr_tracker.settings import BACKUPS_KEPT, Settings
from dhr_tracker.storage.backups import automatic_backup, backup_to, checkpoint_sidecar
from tests.conftest import PASSPHRASE
from tests.test_briefing import TODAY, caseload  # noqa: F401 - the fixture
from tests.test_letters import build as build_letters_world

CHECKPOINT = re.compile(r"audit checkpoint (\d+:[0-9a-f]{64})", re.IGNORECASE)


def head(database) -> str:
    with database.session() as session:
        return str(current_checkpoint(session))


def test_every_briefing_copy_carries_the_checkpoint_in_its_metadata_and_on_its_last_page(caseload, tmp_path):  # noqa: F811
    database, meeting_on = caseload
    before = head(database)
    with database.transaction() as session:
        result = write_briefing(session, find_meeting(session, meeting_on), tmp_path / "b.pdf", copies=2, as_of=TODAY)
    for path in result.files:
        reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
        assert CHECKPOINT.search(str(reader.metadata["/Subject"])).group(1) == before
        last_page = " ".join(reader.pages[-1].extract_text().split())
        assert CHECKPOINT.search(last_page).group(1) == before
    # The checkpoint on paper is a prefix of the trail, which has grown since (the copy register).
    with database.session() as session:
        assert verify_chain(session, checkpoint=Checkpoint.parse(before)).ok
        assert str(current_checkpoint(session)) != before


def test_every_letters_text_file_carries_the_checkpoint(database, tmp_path):
    with database.transaction() as session:
        build_letters_world(session)
    before = head(database)
    with database.transaction() as session:
        paths = write_letters(session, dt.date(2026, 2, 23), tmp_path / "letters")
    texts = [path for path in paths if path.suffix == ".txt"]
    assert texts
    for path in texts:
        assert CHECKPOINT.search(path.read_text()).group(1) == before


def test_every_backup_has_a_sidecar_with_its_own_checkpoint_and_rotation_removes_it(database, tmp_path):
    with database.transaction() as session:
        Settings(session).set(BACKUPS_KEPT, 2)
    check = backup_to(database, tmp_path / "one.dhrbak")
    sidecar = checkpoint_sidecar(check.path)
    assert CHECKPOINT.search(sidecar.read_text()).group(1) == check.checkpoint == head(database)
    assert oct(sidecar.stat().st_mode & 0o777) == "0o600"
    folder = tmp_path / "auto"
    made = [automatic_backup(database, folder, keep=2) for _ in range(3)]
    assert not made[0].exists() and not checkpoint_sidecar(made[0]).exists()
    assert all(checkpoint_sidecar(path).exists() for path in made[1:])


def test_cli_backup_names_the_checkpoint(database_path, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    assert main(["backup", "--db", str(database_path), "--out", str(tmp_path / "b.dhrbak")]) == 0
    printed = CHECKPOINT.search(capsys.readouterr().out).group(1)
    assert main(["audit", "verify", "--db", str(database_path), "--checkpoint", printed]) == 0
