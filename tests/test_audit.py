"""The audit trail: every create, change and delete recorded by the sessions themselves, chained by hashes."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pwd
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import exc, select

from dhr_tracker.casework.cases import create_case, find_case, update_case
from dhr_tracker.cli import main
from dhr_tracker.model import Agency, AuditEntry, Case, ProgressUpdate, Recommendation
from dhr_tracker.security.audit import entries_for_case, verify_chain
from dhr_tracker.settings import BACKUPS_KEPT, Settings
from dhr_tracker.vocabulary import AuditAction
from tests.conftest import PASSPHRASE

TODAY = dt.date(2026, 11, 23)
REAL_NAMES = ("Victoria Realname", "Peter Realname", "Corrected Realname")


def add_case(session, reference="DHR-2025-03", pseudonym="Alex"):
    return create_case(
        session,
        today=TODAY,
        reference=reference,
        pseudonym=pseudonym,
        notified_on=dt.date(2025, 3, 4),
        csp_area="Swale",
        victim_real_name=REAL_NAMES[0],
        perpetrator_real_name=REAL_NAMES[1],
    )


def all_entries(database) -> list[AuditEntry]:
    """The entries the app's own changes wrote (not the baseline a new database starts its trail with)."""
    with database.session() as session:
        return list(
            session.scalars(select(AuditEntry).where(AuditEntry.action != AuditAction.BASELINE).order_by(AuditEntry.id))
        )


def baseline_entries(database) -> int:
    with database.session() as session:
        return len(list(session.scalars(select(AuditEntry.id).where(AuditEntry.action == AuditAction.BASELINE))))


def tamper(database, *statements: str) -> None:
    """What someone with the passphrase and a SQLite shell could do: drop the guard triggers and edit."""
    with database.engine.begin() as connection:
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS audit_entry_no_update")
        connection.exec_driver_sql("DROP TRIGGER IF EXISTS audit_entry_no_delete")
        for statement in statements:
            connection.exec_driver_sql(statement)


def test_create_change_and_delete_are_recorded_with_who_when_and_values(database):
    with database.transaction() as session:
        case_id = add_case(session).id
    with database.transaction() as session:
        update_case(session, find_case(session, "DHR-2025-03"), today=TODAY, pseudonym="Sam", notes="Chair appointed")
    with database.transaction() as session:
        session.delete(session.get(Case, case_id))
    created, changed, deleted = all_entries(database)
    assert [entry.action for entry in (created, changed, deleted)] == [
        AuditAction.CREATE,
        AuditAction.UPDATE,
        AuditAction.DELETE,
    ]
    for entry in (created, changed, deleted):
        assert (entry.entity, entry.entity_id, entry.case_id) == ("dhr_case", str(case_id), case_id)
        assert entry.os_user == pwd.getpwuid(os.geteuid()).pw_name
        assert entry.at.tzinfo is not None
    assert json.loads(created.changes_json)["pseudonym"] == "Alex"
    assert json.loads(changed.changes_json) == {"notes": ["", "Chair appointed"], "pseudonym": ["Alex", "Sam"]}
    assert json.loads(deleted.changes_json)["pseudonym"] == "Sam"


def test_real_names_are_recorded_as_changed_but_their_values_never_enter_the_trail(database):
    with database.transaction() as session:
        add_case(session)
    with database.transaction() as session:
        update_case(session, find_case(session, "DHR-2025-03"), today=TODAY, victim_real_name=REAL_NAMES[2])
    entries = all_entries(database)
    old, new = json.loads(entries[1].changes_json)["victim_real_name"]
    # Recorded as changed, with a keyed digest of each value: two different names, two different digests.
    assert old.startswith("(withheld real name; keyed digest ") and new.startswith("(withheld real name; keyed digest ")
    assert old != new
    with database.engine.connect() as connection:
        dump = "\n".join(str(row) for row in connection.exec_driver_sql("SELECT * FROM audit_entry"))
    for name in REAL_NAMES:
        assert name not in dump and name.split()[0] not in dump


def test_a_rolled_back_change_leaves_no_entry(database):
    with pytest.raises(RuntimeError), database.transaction() as session:
        add_case(session)
        raise RuntimeError("the user cancelled")
    assert all_entries(database) == []


def test_entries_of_records_belonging_to_a_case_carry_its_id_and_links_are_recorded(database):
    with database.transaction() as session:
        case = add_case(session)
        other = add_case(session, reference="DHR-2025-04", pseudonym="Robin")
        police, probation = session.scalars(select(Agency).order_by(Agency.id).limit(2))
        recommendation = Recommendation(case=case, number="1", lead_agency=police, text="Train staff")
        session.add(recommendation)
        session.flush()
        recommendation.supporting_agencies.append(probation)
        session.add(
            ProgressUpdate(recommendation=recommendation, received_on=TODAY, contact_name="Pat", text="Started")
        )
        case_id, other_id = case.id, other.id
    with database.transaction() as session:
        trail = entries_for_case(session, case_id)
        assert {entry.entity for entry in trail} == {"dhr_case", "recommendation", "progress_update"}
        assert trail[0].id > trail[-1].id  # newest first
        [link] = [entry for entry in trail if "supporting_agencies" in entry.changes]
        assert link.changes["supporting_agencies"]["added"] == [str(probation.id)]
        assert [entry.entity for entry in entries_for_case(session, other_id)] == ["dhr_case"]
        assert "Created case" in trail[-1].summary


def test_settings_changes_are_audited_without_a_case(database):
    with database.transaction() as session:
        Settings(session).set(BACKUPS_KEPT, 4)
    [entry] = all_entries(database)
    assert (entry.entity, entry.entity_id, entry.case_id) == ("setting_value", "backup.keep", None)


def test_the_database_refuses_to_change_or_remove_an_entry(database):
    with database.transaction() as session:
        add_case(session)
    with pytest.raises(exc.IntegrityError, match="cannot be changed"), database.engine.begin() as connection:
        connection.exec_driver_sql("UPDATE audit_entry SET os_user = 'someone else'")
    with pytest.raises(exc.IntegrityError, match="cannot be deleted"), database.engine.begin() as connection:
        connection.exec_driver_sql("DELETE FROM audit_entry")


@pytest.fixture
def three_changes(database):
    with database.transaction() as session:
        add_case(session)
    for notes in ("first", "second"):
        with database.transaction() as session:
            update_case(session, find_case(session, "DHR-2025-03"), today=TODAY, notes=notes)
    with database.session() as session:
        assert verify_chain(session).ok
    return database


@pytest.mark.parametrize(
    ("statement", "broken_at", "words"),
    [
        (
            "UPDATE audit_entry SET changes_json = replace(changes_json, 'second', 'other') WHERE id = 3",
            3,
            "changed after",
        ),
        ("UPDATE audit_entry SET os_user = 'mallory' WHERE id = 1", 1, "changed after"),
        ("UPDATE audit_entry SET at = '2020-01-01 00:00:00.000000' WHERE id = 2", 2, "changed after"),
        (  # one microsecond later or earlier
            "UPDATE audit_entry SET at = substr(at, 1, 25) || (CASE substr(at, 26, 1) WHEN '9' THEN '8' ELSE '9' END) "
            "WHERE id = 2",
            2,
            "changed after",
        ),
        ("DELETE FROM audit_entry WHERE id = 2", 3, "missing"),
        ("DELETE FROM audit_entry WHERE id = 3", 3, "removed from the end"),
        ("DELETE FROM audit_entry WHERE id = 1", 2, "missing"),
    ],
)
def test_an_altered_or_removed_entry_is_found(three_changes, statement, broken_at, words):
    # The ids in the cases are of the app's three entries; a new database's trail starts with its baseline.
    shift = baseline_entries(three_changes)
    statement = re.sub(r"id = (\d)", lambda m: f"id = {int(m.group(1)) + shift}", statement)
    broken_at += shift
    tamper(three_changes, statement)
    with three_changes.session() as session:
        report = verify_chain(session)
    assert not report.ok
    assert report.broken_at == broken_at
    assert words in report.problem


@pytest.mark.parametrize(
    "instant",
    [
        dt.datetime(2026, 3, 29, 0, 59, 59, 999999, tzinfo=dt.UTC),  # the last microsecond of GMT before BST
        dt.datetime(2026, 10, 25, 1, 0, 0, 0, tzinfo=dt.UTC),  # the hour that repeats, to the microsecond
        dt.datetime(2000, 2, 29, 23, 59, 59, 1, tzinfo=dt.UTC),
    ],
)
def test_entries_written_at_any_instant_verify(database, monkeypatch, instant):
    monkeypatch.setattr("dhr_tracker.security.audit.utc_now", lambda: instant)
    with database.transaction() as session:
        add_case(session)
    with database.session() as session:
        stored = session.scalars(select(AuditEntry.at).order_by(AuditEntry.id.desc())).first()
        assert stored.replace(tzinfo=dt.UTC) == instant
        assert verify_chain(session).ok


def test_a_rewritten_hash_does_not_hide_the_change(three_changes):
    second = all_entries(three_changes)[1].id
    tamper(three_changes, f"UPDATE audit_entry SET previous_hash = entry_hash WHERE id = {second}")
    with three_changes.session() as session:
        assert verify_chain(session).broken_at == second


def test_cli_audit_verify_and_case(three_changes, database_path, monkeypatch, capsys):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    assert main(["audit", "verify", "--db", str(database_path)]) == 0
    # 3 baselines (the agencies, areas and themes a new database is seeded with), then the 3 changes
    assert "intact (6 entries" in capsys.readouterr().out
    assert main(["audit", "case", "--db", str(database_path), "dhr-2025-03", "--format", "json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [entry["action"] for entry in shown] == ["update", "update", "create"]
    assert main(["audit", "case", "--db", str(database_path), "DHR-2025-03"]) == 0
    assert "Changed the case's notes" in capsys.readouterr().out  # a sentence, not 'Changed dhr_case 1: notes'
    tamper(three_changes, "UPDATE audit_entry SET entity_id = '99' WHERE id = 4")  # the first change
    assert main(["audit", "verify", "--db", str(database_path)]) == 1
    assert "BROKEN at entry 4" in capsys.readouterr().out


def test_a_trail_imported_with_an_archive_verifies(tmp_path, monkeypatch, capsys):
    """An archive carries the audit trail; the new database's chain must verify, its end recorded or not."""
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    source, archive, copy = tmp_path / "source.dhrdb", tmp_path / "all.json", tmp_path / "copy.dhrdb"
    assert main(["demo", "--db", str(source), "--cases", "3"]) == 0
    assert main(["export", "--db", str(source), "--format", "json", "--out", str(archive)]) == 0
    assert main(["import", "--db", str(copy), str(archive)]) == 0
    capsys.readouterr()
    assert main(["audit", "verify", "--db", str(copy)]) == 0
    assert "intact" in capsys.readouterr().out
    from dhr_tracker.storage.database import open_database

    with open_database(copy, PASSPHRASE, read_only=True) as database, database.session() as session:
        report = verify_chain(session)
        opening = session.scalars(select(AuditEntry).where(AuditEntry.action == AuditAction.IMPORT)).one()
        segment = session.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert report.ok
    assert opening.id == 1  # the new database's trail starts with the entry that names the archive
    assert json.loads(opening.changes_json)["archive_sha256"] == hashlib.sha256(archive.read_bytes()).hexdigest()
    exported = json.loads(archive.read_text())["tables"]["audit_entry"]
    assert json.loads(opening.changes_json)["segment_head"] == f"{len(exported)}:{exported[-1]['entry_hash']}"
    assert segment.action is AuditAction.BASELINE


TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=40)  # any text UTF-8 can hold


@settings(max_examples=300, deadline=None)
@given(
    entry_id=st.integers(min_value=1, max_value=2**40),
    fields=st.tuples(TEXT, TEXT, TEXT, TEXT, TEXT),
    case_id=st.none() | st.integers(min_value=-(2**40), max_value=2**40),
    digest=st.none() | TEXT,
)
def test_an_entry_hash_is_the_documented_sha256_of_its_json_content(entry_id, fields, case_id, digest):
    """docs/SECURITY.md: SHA-256 of the previous hash, a line feed and the JSON array of the entry's fields
    (compact, non-ASCII as itself), the row digest last when there is one. Quotes, backslashes, control
    characters, line separators and emoji in any field."""
    from dhr_tracker.security.audit import GENESIS_HASH, entry_hash

    os_user, action, entity, name, changes = fields
    at = dt.datetime(2026, 11, 23, 9, 30, 0, 123456, tzinfo=dt.UTC)
    listed = [entry_id, "2026-11-23T09:30:00.123456Z", os_user, action, entity, name, case_id, changes]
    if digest is not None:
        listed.append(digest)
    content = json.dumps(listed, ensure_ascii=False, separators=(",", ":"))
    expected = hashlib.sha256((GENESIS_HASH + "\n" + content).encode("utf-8")).hexdigest()
    assert entry_hash(GENESIS_HASH, entry_id, at, os_user, action, entity, name, case_id, changes, digest) == expected
