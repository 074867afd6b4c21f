"""The audit trail holds no real name: new entries are recorded without them, and migration 0002 takes
them out of entries written before, re-anchoring the chain with a redaction entry that verifies."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from types import SimpleNamespace

from sqlalchemy import select, text

from dhr_tracker.casework.cases import find_case, update_case
from dhr_tracker.model import AuditEntry, Case
from dhr_tracker.privacy.normalise import folded_words
from dhr_tracker.security.audit import entry_hash, verify_chain, walk_segment
from dhr_tracker.storage.database import open_database
from tests.conftest import PASSPHRASE

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
TODAY = dt.date(2026, 11, 23)


def _holds(name: str, blob: str) -> bool:
    wanted, got = folded_words(name), folded_words(blob)
    return any(got[i : i + len(wanted)] == wanted for i in range(len(got)))


def test_a_note_that_named_the_victim_is_recorded_withheld(database):
    from dhr_tracker.casework.cases import create_case

    with database.transaction() as session:
        create_case(
            session,
            today=TODAY,
            reference="DHR-2025-03",
            pseudonym="Remy",
            notified_on=dt.date(2025, 1, 6),
            csp_area="Dover",
            victim_real_name="QUILLFEATHER, Aurelia",
        )
    with database.transaction() as session:
        case = find_case(session, "DHR-2025-03")
        case.notes = "Spoke to the sister of Aurelia Quill\u00adfeather."  # typed by mistake...
    with database.transaction() as session:
        update_case(
            session, find_case(session, "DHR-2025-03"), today=TODAY, notes="Spoke to Remy's sister."
        )  # ...corrected
    with database.transaction() as session:
        trail = "\n".join(entry.changes_json for entry in session.scalars(select(AuditEntry)))
        assert not _holds("Aurelia Quillfeather", trail) and "Quillfeather" not in trail
        assert "withheld text that held a real name; keyed digest" in trail
        assert verify_chain(session).ok


def test_migration_0002_redacts_old_entries_and_the_chain_still_verifies(tmp_path):
    path = tmp_path / "old.dhrdb"
    shutil.copyfile(FIXTURES / "schema-0001.dhrdb", path)
    with open_database(path, PASSPHRASE, upgrade=False) as database, database.engine.begin() as connection:
        reference, name = connection.execute(text("SELECT reference, victim_real_name FROM dhr_case LIMIT 1")).one()
        case_id = connection.execute(text("SELECT id FROM dhr_case WHERE reference = :r"), {"r": reference}).scalar()
        last = connection.execute(text("SELECT id, entry_hash FROM audit_entry ORDER BY id DESC LIMIT 1")).first()
        if last is None:  # the fixture's caseload was loaded without a trail: this is its first entry
            last = SimpleNamespace(id=0, entry_hash="0" * 64)
        at = dt.datetime(2026, 1, 5, 9, 30, tzinfo=dt.UTC)
        # An entry as an earlier version wrote it: the note's old value names the victim, in plain text.
        changes = json.dumps(
            {"notes": [f"Met {name}'s mother", "Met Remy's mother"]},
            sort_keys=True,
            ensure_ascii=False,
            separators=(",", ":"),
        )
        digest = entry_hash(
            last.entry_hash, last.id + 1, at, "coordinator", "update", "dhr_case", str(case_id), case_id, changes
        )
        connection.execute(
            text(
                "INSERT INTO audit_entry (id, at, os_user, action, entity, entity_id, case_id, changes_json, previous_hash, entry_hash) "
                "VALUES (:id, :at, 'coordinator', 'update', 'dhr_case', :eid, :cid, :changes, :previous, :hash)"
            ),
            {
                "id": last.id + 1,
                "at": "2026-01-05 09:30:00.000000",
                "eid": str(case_id),
                "cid": case_id,
                "changes": changes,
                "previous": last.entry_hash,
                "hash": digest,
            },
        )
        connection.execute(
            text(
                "INSERT INTO app_meta (key, value) VALUES ('audit_chain_head', :v) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value"
            ),
            {"v": f"{last.id + 1} {digest}"},
        )
    # The planted entry fits the old chain: an honest old database. (Walked by hand: today's verify_chain reads
    # the row digests and segments later migrations add, which a schema-0001 file does not have.)
    with open_database(path, PASSPHRASE, upgrade=False) as database, database.engine.connect() as connection:
        count, broken_at, problem, head, _ = walk_segment(
            connection.exec_driver_sql(
                "SELECT id, at, os_user, action, entity, entity_id, case_id, changes_json, previous_hash, entry_hash, NULL "
                "FROM audit_entry ORDER BY id"
            )
        )
        assert broken_at is None and count == last.id + 1 and head == digest, problem

    with open_database(path, PASSPHRASE) as database, database.transaction() as session:  # upgrades to the head
        report = verify_chain(session)
        assert report.ok, report.problem
        entries = list(session.scalars(select(AuditEntry).order_by(AuditEntry.id)))
        assert not any(_holds(name, entry.changes_json) for entry in entries)
        # The redaction entry follows the rewritten ones (later migrations, such as 0003's baseline, come after it).
        [redaction] = [entry for entry in entries if entry.action.value == "redact"]
        assert redaction.id == last.id + 2 and redaction.entity == "audit_entry"
        record = json.loads(redaction.changes_json)
        assert record["redacted_entries"] == [last.id + 1]
        assert record["previous_hashes"] == {str(last.id + 1): digest}
        assert record["previous_chain_end"] == f"{last.id + 1} {digest}"
        # The chain goes on after the redaction entry.
        session.get(Case, case_id).notes = "Checked after the upgrade."
    with open_database(path, PASSPHRASE) as database, database.transaction() as session:
        assert verify_chain(session).ok
