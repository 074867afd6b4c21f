"""Tampering as an insider with the passphrase and a SQLCipher shell would do it, and what `audit verify` says.

Every edit here goes through a plain sqlcipher3 connection opened with the key, never through the app.
Each case must be found with the first broken link or the changed record named.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil

import pytest
import sqlcipher3

from dhr_tracker.cli import main
from dhr_tracker.demo import create_demo_database
from dhr_tracker.security.audit import Checkpoint, current_checkpoint, entry_hash, verify_chain
from dhr_tracker.storage.database import open_database
from tests.conftest import PASSPHRASE

ANCHOR = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("tamper") / "demo.dhrdb"
    create_demo_database(path, PASSPHRASE, cases=8, seed=3, anchor=ANCHOR).close()
    return path


def working_copy(template, tmp_path, monkeypatch):
    """A copy of a module's template database to tamper with, the command line given its passphrase."""
    path = tmp_path / template.name
    shutil.copyfile(template, path)
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    return path


@pytest.fixture
def demo(tmp_path, demo_template, monkeypatch):
    return working_copy(demo_template, tmp_path, monkeypatch)


def shell(path, *statements, drop_guards=True):
    """A SQLCipher shell session with the key: drop the guard triggers (as an attacker must), then edit."""
    connection = sqlcipher3.connect(str(path))
    try:
        connection.execute(f"PRAGMA key = '{PASSPHRASE}'")
        if drop_guards:
            connection.execute("DROP TRIGGER IF EXISTS audit_entry_no_update")
            connection.execute("DROP TRIGGER IF EXISTS audit_entry_no_delete")
        results = [connection.execute(statement).fetchall() for statement in statements]
        connection.commit()
        return results
    finally:
        connection.close()


def restore_guards(path):
    """Put the triggers back exactly as they were, so a test isolates the data edit it is about."""
    from dhr_tracker.security.audit_guard import GUARD_TRIGGERS

    shell(
        path, *(GUARD_TRIGGERS[name] for name in ("audit_entry_no_update", "audit_entry_no_delete")), drop_guards=False
    )


def report_of(path, **options):
    with open_database(path, PASSPHRASE, read_only=True) as database, database.session() as session:
        return verify_chain(session, **options)


def one(path, sql):
    """The single value a query returns."""
    return shell(path, sql, drop_guards=False)[0][0][0]


def test_an_untouched_demo_database_verifies_and_prints_a_checkpoint(demo, capsys):
    report = report_of(demo)
    assert report.ok, report.problems()
    assert main(["audit", "verify", "--db", str(demo)]) == 0
    assert "intact" in capsys.readouterr().out
    assert main(["audit", "checkpoint", "--db", str(demo)]) == 0
    printed = capsys.readouterr().out.strip()
    count = one(demo, "SELECT count(*) FROM audit_entry")
    last = one(demo, "SELECT entry_hash FROM audit_entry ORDER BY id DESC LIMIT 1")
    assert printed == f"{count}:{last}"
    assert main(["audit", "verify", "--db", str(demo), "--checkpoint", printed]) == 0
    assert f"still holds the checkpoint {printed}" in capsys.readouterr().out


def test_a_direct_edit_of_a_pseudonym_names_the_case_row_and_the_field(demo, capsys):
    case_id = one(demo, "SELECT id FROM dhr_case ORDER BY id LIMIT 1")
    shell(demo, f"UPDATE dhr_case SET pseudonym = 'Someone Else' WHERE id = {case_id}", drop_guards=False)
    [problem] = report_of(demo).row_problems
    assert (problem.table, problem.row, problem.kind) == ("dhr_case", str(case_id), "changed")
    assert problem.fields == ("pseudonym",)
    assert main(["audit", "verify", "--db", str(demo)]) == 1
    out = capsys.readouterr().out
    assert f"dhr_case row {case_id} was changed outside DHR Tracker (differs in pseudonym)" in out


def test_a_direct_edit_of_a_recommendation_status_is_named(demo):
    rec_id, status = shell(demo, "SELECT id, status FROM recommendation ORDER BY id LIMIT 1", drop_guards=False)[0][0]
    shell(
        demo,
        f"UPDATE recommendation SET status = '{'implemented' if status != 'implemented' else 'accepted'}' WHERE id = {rec_id}",
        drop_guards=False,
    )
    [problem] = report_of(demo).row_problems
    assert (problem.table, problem.row, problem.kind, problem.fields) == (
        "recommendation",
        str(rec_id),
        "changed",
        ("status",),
    )


def test_a_deleted_progress_update_and_an_inserted_closure_day_are_named(demo):
    update_id = one(
        demo,
        "SELECT max(id) FROM progress_update WHERE id NOT IN "
        "(SELECT corrects_id FROM progress_update WHERE corrects_id IS NOT NULL) AND id NOT IN "
        "(SELECT progress_update_id FROM update_request_item WHERE progress_update_id IS NOT NULL)",
    )
    shell(
        demo,
        f"DELETE FROM progress_update WHERE id = {update_id}",
        "INSERT INTO closure_day (day, description) VALUES ('2026-12-29', 'Office closed')",
        drop_guards=False,
    )
    problems = {(p.table, p.row, p.kind) for p in report_of(demo).row_problems}
    assert problems == {("progress_update", str(update_id), "deleted"), ("closure_day", "2026-12-29", "added")}


def test_a_supporting_agency_added_behind_the_apps_back_shows_on_its_recommendation(demo):
    rec_id = one(demo, "SELECT id FROM recommendation ORDER BY id LIMIT 1")
    agency_id = one(
        demo,
        f"SELECT id FROM agency WHERE id NOT IN (SELECT agency_id FROM recommendation_supporting_agency "
        f"WHERE recommendation_id = {rec_id}) ORDER BY id LIMIT 1",
    )
    shell(demo, f"INSERT INTO recommendation_supporting_agency VALUES ({rec_id}, {agency_id})", drop_guards=False)
    [problem] = report_of(demo).row_problems
    assert (problem.table, problem.row, problem.kind) == ("recommendation", str(rec_id), "changed")


def test_truncation_with_the_head_row_deleted_is_caught(demo, capsys):
    """Cut the last entries and the record of the end: the missing head, and the records they changed, are named."""
    count = one(demo, "SELECT count(*) FROM audit_entry")
    cut = shell(demo, f"SELECT entity, entity_id FROM audit_entry WHERE id > {count - 3} AND row_digest IS NOT NULL")[0]
    shell(
        demo, f"DELETE FROM audit_entry WHERE id > {count - 3}", "DELETE FROM app_meta WHERE key = 'audit_chain_head'"
    )
    restore_guards(demo)
    report = report_of(demo)
    assert not report.ok
    assert report.broken_at == count - 2  # the first entry that should follow the trail's surviving end
    assert "audit_chain_head" in report.problem and "was deleted" in report.problem
    named = {(p.table, p.row) for p in report.row_problems}
    assert set(map(tuple, cut)) <= named
    assert main(["audit", "verify", "--db", str(demo)]) == 1
    assert f"BROKEN at entry {count - 2}" in capsys.readouterr().out


def test_truncation_with_a_forged_head_still_shows_in_the_records(demo):
    count = one(demo, "SELECT count(*) FROM audit_entry")
    entity, entity_id = shell(demo, f"SELECT entity, entity_id FROM audit_entry WHERE id = {count}", drop_guards=False)[
        0
    ][0]
    shell(
        demo,
        f"DELETE FROM audit_entry WHERE id = {count}",
        f"UPDATE app_meta SET value = (SELECT id || ' ' || entry_hash FROM audit_entry WHERE id = {count - 1}) "
        "WHERE key = 'audit_chain_head'",
    )
    restore_guards(demo)
    report = report_of(demo)
    assert report.broken_at is None and not report.problem  # the links and the head now agree...
    assert (entity, entity_id) in {(p.table, p.row) for p in report.row_problems}  # ...but the record does not


@pytest.mark.parametrize("head_too", [True, False])
def test_a_wiped_trail_is_caught(demo, head_too):
    records = one(demo, "SELECT count(*) FROM dhr_case")
    shell(
        demo, "DELETE FROM audit_entry", *(["DELETE FROM app_meta WHERE key = 'audit_chain_head'"] if head_too else [])
    )
    restore_guards(demo)
    report = report_of(demo)
    assert not report.ok
    if not head_too:
        assert report.broken_at == 1 and "removed from the end" in report.problem
    cases = [p for p in report.row_problems if p.table == "dhr_case"]
    assert len(cases) == records and all(p.kind == "added" for p in cases)


@pytest.mark.parametrize(
    "replacement",
    [
        None,
        "CREATE TRIGGER audit_entry_no_delete BEFORE DELETE ON audit_entry WHEN 0 "
        "BEGIN SELECT RAISE(ABORT, 'audit entries cannot be deleted'); END",
    ],
)
def test_a_dropped_or_defused_guard_trigger_is_caught(demo, capsys, replacement):
    shell(demo, "DROP TRIGGER audit_entry_no_delete", *([replacement] if replacement else []), drop_guards=False)
    report = report_of(demo)
    assert not report.ok
    [problem] = report.trigger_problems
    assert "audit_entry_no_delete" in problem
    assert ("replaced" if replacement else "dropped") in problem
    assert main(["audit", "verify", "--db", str(demo)]) == 1
    assert "audit_entry_no_delete" in capsys.readouterr().out


def rechain_from(path, first_id, *, edit=lambda user: user, edit_changes=lambda changes: changes):
    """A careful insider: change an entry, then recompute every hash after it and the head, so the links hold."""
    rows = shell(
        path,
        "SELECT id, at, os_user, action, entity, entity_id, case_id, changes_json, previous_hash, entry_hash, "
        "row_digest FROM audit_entry ORDER BY id",
    )[0]
    from dhr_tracker.security.audit import _parse_stored_time

    statements, previous = [], "0" * 64  # the first entry follows the genesis hash
    for row in rows:
        entry_id, at, user, action, entity, name, case_id, changes, prev_hash, stored, digest = row
        if entry_id < first_id:
            previous = stored
            continue
        if entry_id == first_id:
            user, changes = edit(user), edit_changes(changes)
        new = entry_hash(
            previous, entry_id, _parse_stored_time(at), user, action, entity, name, case_id, changes, digest
        )
        user_sql, changes_sql = user.replace("'", "''"), changes.replace("'", "''")
        statements.append(
            f"UPDATE audit_entry SET os_user = '{user_sql}', changes_json = '{changes_sql}', "
            f"previous_hash = '{previous}', entry_hash = '{new}' WHERE id = {entry_id}"
        )
        previous = new
    statements.append(f"UPDATE app_meta SET value = '{rows[-1][0]} {previous}' WHERE key = 'audit_chain_head'")
    shell(path, *statements)
    restore_guards(path)


def test_a_careful_rewrite_passes_inside_the_file_but_not_against_a_checkpoint(demo, capsys):
    with open_database(demo, PASSPHRASE, read_only=True) as database, database.session() as session:
        handed_out = current_checkpoint(session)
    rechain_from(demo, 5, edit=lambda user: "mallory")
    assert report_of(demo).ok  # the threat model: with the passphrase, the inside of the file can be made to agree
    report = report_of(demo, checkpoint=handed_out)
    assert not report.ok and report.broken_at == handed_out.count
    assert "rewritten at or before" in report.problem
    assert main(["audit", "verify", "--db", str(demo), "--checkpoint", str(handed_out)]) == 1
    assert f"BROKEN at entry {handed_out.count}" in capsys.readouterr().out


def test_a_stale_checkpoint_from_before_a_restored_older_copy_is_caught(demo, tmp_path, capsys):
    older = tmp_path / "older.dhrdb"
    shutil.copyfile(demo, older)
    with open_database(demo, PASSPHRASE) as database, database.transaction() as session:
        from dhr_tracker.settings import BACKUPS_KEPT, Settings

        Settings(session).set(BACKUPS_KEPT, 3)
    assert main(["audit", "checkpoint", "--db", str(demo)]) == 0
    later = capsys.readouterr().out.strip()
    shutil.copyfile(older, demo)  # the file swapped for a copy from before the change: consistent in itself
    assert report_of(demo).ok
    assert main(["audit", "verify", "--db", str(demo), "--checkpoint", later]) == 1
    assert "entries were cut from the end" in capsys.readouterr().out


def test_a_checkpoint_that_is_not_one_is_refused_clearly(demo, capsys):
    assert main(["audit", "verify", "--db", str(demo), "--checkpoint", "12:nothex"]) == 1
    assert "is not an audit checkpoint" in capsys.readouterr().err
    assert Checkpoint.parse(" 3:" + "A" * 64 + " ") == Checkpoint(3, "a" * 64)


def test_an_archive_edited_and_reimported_is_refused_with_the_row_named(demo, tmp_path, capsys):
    archive, copy = tmp_path / "all.json", tmp_path / "copy.dhrdb"
    assert main(["export", "--db", str(demo), "--format", "json", "--out", str(archive)]) == 0
    data = json.loads(archive.read_text())
    rec = data["tables"]["recommendation"][0]
    rec["text"] = rec["text"] + " (quietly changed)"
    archive.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["import", "--db", str(copy), str(archive)]) == 1
    assert (
        f"recommendation row {rec['id']} is not in the state its own audit trail last recorded"
        in capsys.readouterr().err
    )
    assert not copy.exists()


def test_an_archive_whose_trail_was_edited_is_refused_with_the_entry_named(demo, tmp_path, capsys):
    archive, copy = tmp_path / "all.json", tmp_path / "copy.dhrdb"
    assert main(["export", "--db", str(demo), "--format", "json", "--out", str(archive)]) == 0
    data = json.loads(archive.read_text())
    data["tables"]["audit_entry"][6]["os_user"] = "mallory"
    archive.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["import", "--db", str(copy), str(archive)]) == 1
    assert "trail is broken at entry 7" in capsys.readouterr().err
    assert not copy.exists()


def test_an_imported_segment_changed_later_is_caught(demo, tmp_path, capsys):
    archive, copy = tmp_path / "all.json", tmp_path / "copy.dhrdb"
    assert main(["export", "--db", str(demo), "--format", "json", "--out", str(archive)]) == 0
    assert main(["import", "--db", str(copy), str(archive)]) == 0
    assert report_of(copy).ok
    shell(
        copy,
        "DROP TRIGGER audit_imported_entry_no_delete",
        "DELETE FROM audit_imported_entry WHERE id = (SELECT max(id) FROM audit_imported_entry)",
        drop_guards=False,
    )
    report = report_of(copy)
    sha = hashlib.sha256(archive.read_bytes()).hexdigest()
    assert f"archive {sha[:12]}" in report.problem and "changed" in report.problem


def test_the_database_itself_deleting_dependents_is_recorded(demo):
    """Deleting a case lets the database cascade to its recommendations and their updates: all in the trail."""
    from dhr_tracker.model import Case

    with open_database(demo, PASSPHRASE) as database:
        with database.transaction() as session:
            case = session.get(Case, one(demo, "SELECT case_id FROM recommendation ORDER BY id LIMIT 1"))
            session.delete(case)
        with database.session() as session:
            report = verify_chain(session)
    assert report.ok, report.problems()


def test_the_os_user_comes_from_the_os_not_the_environment(database, monkeypatch):
    import os
    import pwd

    from dhr_tracker.casework.cases import create_case

    for variable in ("LOGNAME", "USER", "LNAME", "USERNAME"):
        monkeypatch.setenv(variable, "someone-else")
    with database.transaction() as session:
        create_case(
            session,
            today=ANCHOR,
            reference="DHR-2025-09",
            pseudonym="Kit",
            notified_on=dt.date(2025, 3, 4),
            csp_area="Swale",
        )
    who = {
        row[0]
        for row in shell(database.path, "SELECT os_user FROM audit_entry WHERE action = 'create'", drop_guards=False)[0]
    }
    assert who == {pwd.getpwuid(os.geteuid()).pw_name}


def old_database_with_a_trail(tmp_path):
    """A copy of the schema-0001 fixture with three entries chained the way version 0001 chained them."""
    from tests.test_migrations import FIXTURES

    path = tmp_path / "old.dhrdb"
    shutil.copyfile(FIXTURES / "schema-0001.dhrdb", path)
    at = dt.datetime(2026, 11, 23, 9, 30, tzinfo=dt.UTC)
    previous, statements = "0" * 64, []
    for entry_id in (1, 2, 3):
        changes = json.dumps({"notes": ["", f"note {entry_id}"]}, separators=(",", ":"))
        digest = entry_hash(previous, entry_id, at, "coordinator", "update", "dhr_case", "1", 1, changes)
        statements.append(
            "INSERT INTO audit_entry (id, at, os_user, action, entity, entity_id, case_id, changes_json, previous_hash, entry_hash) "
            f"VALUES ({entry_id}, '2026-11-23 09:30:00.000000', 'coordinator', 'update', 'dhr_case', '1', 1, '{changes}', "
            f"'{previous}', '{digest}')"
        )
        previous = digest
    statements.append(f"INSERT INTO app_meta (key, value) VALUES ('audit_chain_head', '3 {previous}')")
    shell(path, *statements, drop_guards=False)
    return path


def test_upgrading_a_0001_database_records_a_baseline_that_verifies(tmp_path):
    path = old_database_with_a_trail(tmp_path)
    before = one(path, "SELECT count(*) FROM audit_entry")
    open_database(path, PASSPHRASE).close()
    report = report_of(path)
    assert report.ok, report.problems()
    baselines = shell(path, "SELECT entity FROM audit_entry WHERE action = 'baseline'", drop_guards=False)[0]
    assert {"dhr_case", "recommendation", "agency"} <= {entity for (entity,) in baselines}
    assert before == 3 and report.entries == before + len(baselines)


def test_a_0001_database_whose_trail_is_broken_is_not_upgraded(tmp_path):
    from dhr_tracker.storage.errors import StorageError

    path = old_database_with_a_trail(tmp_path)
    shell(path, "UPDATE audit_entry SET os_user = 'mallory' WHERE id = 3")
    restore_guards(path)
    with pytest.raises(StorageError, match="does not verify .*entry 3"):
        open_database(path, PASSPHRASE)
    assert one(path, "SELECT version_num FROM alembic_version") == "0001"


def test_changes_the_app_makes_to_links_and_through_set_null_keep_the_trail_whole(demo):
    """A recommendation's supporting agencies changed, and a contact removed (the database blanks the updates
    that named it): the trail follows both, so verify stays clean."""
    from sqlalchemy import select

    from dhr_tracker.actionplan.recommendations import edit_recommendation
    from dhr_tracker.model import Agency, AgencyContact, Recommendation

    with open_database(demo, PASSPHRASE) as database:
        with database.transaction() as session:
            rec = session.scalars(select(Recommendation).order_by(Recommendation.id)).first()
            others = [a for a in session.scalars(select(Agency).order_by(Agency.id)) if a.id != rec.lead_agency_id][:2]
            edit_recommendation(session, rec, supporting_agencies=others)
        contact_id = one(demo, "SELECT contact_id FROM progress_update WHERE contact_id IS NOT NULL LIMIT 1")
        with database.transaction() as session:
            session.delete(session.get(AgencyContact, contact_id))
        with database.session() as session:
            report = verify_chain(session)
    assert report.ok, report.problems()
    assert one(demo, f"SELECT count(*) FROM progress_update WHERE contact_id = {contact_id}") == 0


def test_an_orphan_the_orm_deletes_has_its_database_dependents_recorded_too(demo):
    from sqlalchemy import select

    from dhr_tracker.model import ProgressUpdate, Recommendation

    update_id = one(
        demo,
        "SELECT progress_update_id FROM update_request_item WHERE progress_update_id IS NOT NULL AND "
        "progress_update_id NOT IN (SELECT corrects_id FROM progress_update WHERE corrects_id IS NOT NULL) "
        "LIMIT 1",
    )
    with open_database(demo, PASSPHRASE) as database:
        with database.transaction() as session:
            update = session.get(ProgressUpdate, update_id)
            rec = session.get(Recommendation, update.recommendation_id)
            rec.updates.remove(update)  # delete-orphan: the ORM deletes it at the flush; the database blanks the item
        with database.session() as session:
            report = verify_chain(session)
            assert session.scalar(select(ProgressUpdate.id).where(ProgressUpdate.id == update_id)) is None
    assert report.ok, report.problems()
