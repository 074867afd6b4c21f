"""The JSON archive: exact round trip, real names only on request, clear refusals of bad files."""

from __future__ import annotations

import hashlib
import json
import stat

import pytest

from dhr_tracker.cli import main
from tests.conftest import PASSPHRASE


@pytest.fixture
def demo_path(tmp_path, monkeypatch):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    path = tmp_path / "demo.dhrdb"
    assert main(["demo", "--db", str(path), "--cases", "14", "--seed", "2"]) == 0
    return path


def real_names(path):
    from sqlalchemy import select

    from dhr_tracker.model import Case
    from dhr_tracker.storage.database import open_database

    with open_database(path, PASSPHRASE) as database, database.transaction() as session:
        return [
            name for row in session.execute(select(Case.victim_real_name, Case.perpetrator_real_name)) for name in row
        ]


def test_round_trip_is_exact_with_real_names(tmp_path, demo_path, capsys):
    first, second, copy = tmp_path / "first.json", tmp_path / "second.json", tmp_path / "copy.dhrdb"
    assert (
        main(["export", "--db", str(demo_path), "--format", "json", "--out", str(first), "--include-real-names"]) == 0
    )
    assert "WARNING" in capsys.readouterr().out
    assert main(["import", "--db", str(copy), str(first)]) == 0
    assert main(["export", "--db", str(copy), "--format", "json", "--out", str(second), "--include-real-names"]) == 0
    a, b = json.loads(first.read_text()), json.loads(second.read_text())
    trail = ("audit_entry", "audit_imported_entry")
    assert {name: rows for name, rows in a["tables"].items() if name not in trail} == {
        name: rows for name, rows in b["tables"].items() if name not in trail
    }
    # The first archive's trail travels on as the copy's closed, imported segment, under the archive's SHA-256.
    sha = hashlib.sha256(first.read_bytes()).hexdigest()
    assert [
        {k: v for k, v in row.items() if k != "archive_sha256"} for row in b["tables"]["audit_imported_entry"]
    ] == a["tables"]["audit_entry"]
    assert {row["archive_sha256"] for row in b["tables"]["audit_imported_entry"]} == {sha}
    assert len(a["tables"]["dhr_case"]) == 14 and a["tables"]["milestone"] and a["tables"]["progress_update"]
    assert real_names(copy) == real_names(demo_path)
    assert stat.S_IMODE(first.stat().st_mode) == 0o600


def test_export_leaves_real_names_out_by_default(tmp_path, demo_path, capsys):
    out = tmp_path / "archive.json"
    assert main(["export", "--db", str(demo_path), "--format", "json", "--out", str(out)]) == 0
    assert "left out" in capsys.readouterr().out
    text = out.read_text()
    names = real_names(demo_path)
    assert names and all(name not in text for name in names)
    cases = json.loads(text)["tables"]["dhr_case"]
    assert all(case["victim_real_name"] is None and case["perpetrator_real_name"] is None for case in cases)


def test_export_never_overwrites(tmp_path, demo_path, capsys):
    out = tmp_path / "archive.json"
    out.write_text("keep me")
    assert main(["export", "--db", str(demo_path), "--format", "json", "--out", str(out)]) == 1
    assert "already exists" in capsys.readouterr().err
    assert out.read_text() == "keep me"


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (b"\xff\xfe\x00not utf8", "not UTF-8"),
        (b"{broken", "not valid JSON"),
        (b'{"format": "something-else"}', "not a DHR Tracker archive"),
        (
            b'{"format": "dhr-tracker-archive", "format_version": 1, "schema_revision": "0000", "tables": {}}',
            "schema 0000",
        ),
    ],
)
def test_bad_archives_are_refused_before_any_database_is_made(tmp_path, monkeypatch, capsys, content, words):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    archive = tmp_path / "bad.json"
    archive.write_bytes(content)
    assert main(["import", "--db", str(tmp_path / "new.dhrdb"), str(archive)]) == 1
    assert words in capsys.readouterr().err
    assert not (tmp_path / "new.dhrdb").exists()


def test_a_bad_row_rolls_the_whole_import_back(tmp_path, demo_path, capsys):
    out = tmp_path / "archive.json"
    main(["export", "--db", str(demo_path), "--format", "json", "--out", str(out)])
    archive = json.loads(out.read_text())
    archive["tables"]["milestone"][-1]["occurred_on"] = "31/02/2025"
    out.write_text(json.dumps(archive))
    capsys.readouterr()
    assert main(["import", "--db", str(tmp_path / "new.dhrdb"), str(out)]) == 1
    assert "milestone.occurred_on" in capsys.readouterr().err
    assert not (tmp_path / "new.dhrdb").exists()
