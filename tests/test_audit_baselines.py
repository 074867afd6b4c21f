"""Baselines from schema 0007 on: one digest over a table's row states in the entry's hashed content, and each
row's digest kept beside the entry to name a row that differs (docs/SECURITY.md, "Baselines").

The expected digests are worked out here from SQLite's own json_array() and hashlib, never taken from the
code under test; every tampering goes through a plain sqlcipher3 connection with the key, as an insider would.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from dhr_tracker.cli import main
from dhr_tracker.storage.database import create_database, open_database
from tests.conftest import PASSPHRASE
from tests.test_audit_tampering import one, report_of, restore_guards, shell, working_copy


@pytest.fixture(scope="module")
def fresh_template(tmp_path_factory):
    """A new database: its reference data came in outside any audited session, so every table is at its baseline."""
    path = tmp_path_factory.mktemp("baselines") / "new.dhrdb"
    create_database(path, PASSPHRASE, PASSPHRASE).close()
    return path


@pytest.fixture
def fresh(tmp_path, fresh_template, monkeypatch):
    return working_copy(fresh_template, tmp_path, monkeypatch)


def states_by_hand(path, table):
    """(id, state) of every row: SQLite's json_array() of the stored values, columns in alphabetical order."""
    columns = sorted(name for (_, name, *_rest) in shell(path, f"PRAGMA table_info({table})", drop_guards=False)[0])
    listed = ", ".join(f'"{name}"' for name in columns)
    return shell(path, f'SELECT id, json_array({listed}) FROM "{table}" ORDER BY id', drop_guards=False)[0]


def baseline_of(path, table):
    (entry_id, content, kept), *_ = shell(
        path,
        f"SELECT id, changes_json, baseline_rows FROM audit_entry WHERE action = 'baseline' AND entity = '{table}'",
        drop_guards=False,
    )[0]
    return entry_id, json.loads(content), kept


@pytest.mark.parametrize("table", ["agency", "csp_area"])
def test_a_baseline_holds_the_tables_blocks_and_keeps_each_rows_digest_beside_it(fresh, table):
    entry_id, content, kept = baseline_of(fresh, table)
    states = states_by_hand(fresh, table)
    assert 5 < len(states) <= 1024  # the seeded reference data: real rows, one block of them
    # The hashed content: the count, the block (its first key, its rows, one SHA-256 over every state followed by
    # a line feed in key order) and the SHA-256 of the kept digests; no row digest in it.
    stream = b"".join(state.encode("utf-8") + b"\n" for _, state in states)
    assert content == {
        "reason": "new database: the reference data it starts with",
        "row_count": len(states),
        "blocks": [[[states[0][0]], len(states), hashlib.sha256(stream).hexdigest()]],
        "digests_sha256": hashlib.sha256(kept.encode("utf-8")).hexdigest(),
    }
    # The kept digests: each row's, the rows in key order.
    assert list(json.loads(kept).items()) == [
        (str(key), hashlib.sha256(state.encode("utf-8")).hexdigest()) for key, state in states
    ]
    assert report_of(fresh).ok


@pytest.fixture
def small_blocks(tmp_path, monkeypatch):
    """A new database whose baselines cut tables into blocks of 4 rows, so a table of reference data has several."""
    monkeypatch.setattr("dhr_tracker.security.row_digest.BLOCK_ROWS", 4)
    path = tmp_path / "blocks.dhrdb"
    create_database(path, PASSPHRASE, PASSPHRASE).close()
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    return path


def test_rows_are_checked_block_by_block_and_named_in_any_block(small_blocks):
    from dhr_tracker.model import Agency

    path = small_blocks
    entry_id, content, _ = baseline_of(path, "agency")
    ids = [key for key, _ in states_by_hand(path, "agency")]
    # Blocks of 4 rows in key order, each named by its first key (hand-worked from the ids).
    assert [block[:2] for block in content["blocks"]] == [
        [[ids[i]], len(ids[i : i + 4])] for i in range(0, len(ids), 4)
    ]
    assert len(content["blocks"]) >= 6
    # A write through the app to a row of the third block: that block is checked row by row, the rest by hash.
    with open_database(path, PASSPHRASE) as database, database.transaction() as session:
        session.get(Agency, ids[9]).notes = "changed through the app"
    assert report_of(path).ok
    # Behind the app's back: a row of another block changed, one of the written block's neighbours changed, a row
    # of a fourth block deleted, a row put before the first key and one after the last.
    shell(
        path,
        f"UPDATE agency SET notes = 'quietly' WHERE id IN ({ids[1]}, {ids[10]})",
        f"DELETE FROM agency WHERE id = {ids[14]}",
        f"CREATE TEMP TABLE copied AS SELECT * FROM agency WHERE id = {ids[0]}",
        "UPDATE copied SET id = 0, name = 'Before the first'",
        "INSERT INTO agency SELECT * FROM copied",
        "UPDATE copied SET id = 9001, name = 'After the last'",
        "INSERT INTO agency SELECT * FROM copied",
        drop_guards=False,
    )
    found = {(problem.row, problem.kind) for problem in report_of(path).row_problems if problem.table == "agency"}
    assert found == {
        (str(ids[1]), "changed"),
        (str(ids[10]), "changed"),
        (str(ids[14]), "deleted"),
        ("0", "added"),
        ("9001", "added"),
    }


def test_a_direct_edit_of_a_row_at_its_baseline_is_named_with_that_entry(fresh, capsys):
    entry_id, _, _ = baseline_of(fresh, "agency")
    target = one(fresh, "SELECT max(id) FROM agency")
    shell(fresh, f"UPDATE agency SET notes = 'quietly changed' WHERE id = {target}", drop_guards=False)
    report = report_of(fresh)
    assert [(problem.table, problem.row, problem.kind, problem.entry_id) for problem in report.row_problems] == [
        ("agency", str(target), "changed", entry_id)
    ]
    assert main(["audit", "verify", "--db", str(fresh)]) == 1
    assert f"agency row {target} was changed outside DHR Tracker" in capsys.readouterr().out


def test_rows_added_and_deleted_at_a_baseline_are_named(fresh):
    first = one(fresh, "SELECT min(id) FROM csp_area")
    shell(
        fresh,
        f"CREATE TEMP TABLE copied AS SELECT * FROM csp_area WHERE id = {first}",
        "UPDATE copied SET id = 9001, name = 'Nowhere'",
        "INSERT INTO csp_area SELECT * FROM copied",
        f"DELETE FROM csp_area WHERE id = {first}",
        drop_guards=False,
    )
    found = {(problem.table, problem.row, problem.kind) for problem in report_of(fresh).row_problems}
    assert found == {("csp_area", str(first), "deleted"), ("csp_area", "9001", "added")}


def test_the_kept_digests_rewritten_with_the_data_untouched_are_caught(fresh, capsys):
    """The kept digests are not inside the hashed content: changing them must still show, or they could later be
    made to hide a changed row."""
    entry_id, _, kept = baseline_of(fresh, "agency")
    rows = json.loads(kept)
    first = next(iter(rows))
    rows[first] = "0" * 64
    rewritten = json.dumps(rows, sort_keys=True, separators=(",", ":")).replace("'", "''")
    shell(fresh, f"UPDATE audit_entry SET baseline_rows = '{rewritten}' WHERE id = {entry_id}")
    restore_guards(fresh)
    report = report_of(fresh)
    assert not report.ok
    assert [(problem.table, problem.kind, problem.entry_id) for problem in report.row_problems] == [
        ("agency", "baseline altered", entry_id)
    ]
    assert main(["audit", "verify", "--db", str(fresh)]) == 1
    assert f"the row digests kept with the agency baseline (entry {entry_id})" in capsys.readouterr().out


def test_a_row_changed_and_its_kept_digest_forged_to_match_is_still_caught(fresh):
    entry_id, _, kept = baseline_of(fresh, "agency")
    target = one(fresh, "SELECT max(id) FROM agency")
    shell(fresh, f"UPDATE agency SET notes = 'quietly changed' WHERE id = {target}", drop_guards=False)
    ((state,),) = [row[1:] for row in states_by_hand(fresh, "agency") if row[0] == target]
    rows = json.loads(kept)
    rows[str(target)] = hashlib.sha256(state.encode("utf-8")).hexdigest()  # as the changed row now hashes
    forged = json.dumps(rows, sort_keys=True, separators=(",", ":")).replace("'", "''")
    shell(fresh, f"UPDATE audit_entry SET baseline_rows = '{forged}' WHERE id = {entry_id}")
    restore_guards(fresh)
    problems = report_of(fresh).row_problems
    assert [(problem.table, problem.kind) for problem in problems] == [("agency", "baseline altered")]


def test_the_kept_digests_wiped_are_caught(fresh):
    entry_id, _, _ = baseline_of(fresh, "csp_area")
    shell(fresh, f"UPDATE audit_entry SET baseline_rows = NULL WHERE id = {entry_id}")
    restore_guards(fresh)
    problems = report_of(fresh).row_problems
    assert [(problem.table, problem.kind, problem.entry_id) for problem in problems] == [
        ("csp_area", "baseline altered", entry_id)
    ]


def test_a_table_changed_after_its_baseline_through_the_app_is_checked_row_by_row(fresh):
    """Once an entry follows the baseline, the table is compared row by row: the kept digests, then the entries."""
    from dhr_tracker.model import Agency
    from dhr_tracker.vocabulary import AgencyKind

    with open_database(fresh, PASSPHRASE) as database, database.transaction() as session:
        added = Agency(name="Kent Fire and Rescue Service Trading", kind=next(iter(AgencyKind)))
        session.add(added)
        session.flush()
        added_id = added.id
    assert report_of(fresh).ok
    first = one(fresh, "SELECT min(id) FROM agency")
    shell(fresh, f"UPDATE agency SET notes = 'quietly changed' WHERE id IN ({first}, {added_id})", drop_guards=False)
    found = {(problem.row, problem.kind) for problem in report_of(fresh).row_problems}
    assert found == {(str(first), "changed"), (str(added_id), "changed")}


def test_an_archive_whose_kept_digests_were_edited_is_refused_with_the_entry_named(fresh, tmp_path, capsys):
    archive, copy = tmp_path / "all.json", tmp_path / "copy.dhrdb"
    assert main(["export", "--db", str(fresh), "--format", "json", "--out", str(archive)]) == 0
    data = json.loads(archive.read_text())
    baseline = next(row for row in data["tables"]["audit_entry"] if row["entity"] == "agency")
    rows = json.loads(baseline["baseline_rows"])
    rows[next(iter(rows))] = "f" * 64
    baseline["baseline_rows"] = json.dumps(rows, sort_keys=True, separators=(",", ":"))
    archive.write_text(json.dumps(data))
    capsys.readouterr()
    assert main(["import", "--db", str(copy), str(archive)]) == 1
    assert f"kept with the archive's agency baseline (entry {baseline['id']})" in capsys.readouterr().err
    assert not copy.exists()


def test_an_archive_round_trip_keeps_the_kept_digests_with_the_imported_trail(fresh, tmp_path, capsys):
    archive, copy = tmp_path / "all.json", tmp_path / "copy.dhrdb"
    assert main(["export", "--db", str(fresh), "--format", "json", "--out", str(archive)]) == 0
    assert main(["import", "--db", str(copy), str(archive)]) == 0
    exported = {row["id"]: row["baseline_rows"] for row in json.loads(archive.read_text())["tables"]["audit_entry"]}
    kept = dict(shell(copy, "SELECT id, baseline_rows FROM audit_imported_entry", drop_guards=False)[0])
    assert kept == exported and any(kept.values())
    assert report_of(copy).ok


def test_a_database_upgraded_with_older_baselines_still_names_a_changed_row(tmp_path):
    """Baselines written before schema 0007 hold the row digests in their content; they stay, and still work."""
    from tests.test_audit_tampering import old_database_with_a_trail

    path = old_database_with_a_trail(tmp_path)
    open_database(path, PASSPHRASE).close()  # 0001 -> head: 0006 records its baseline the old way
    entry_id, content = shell(
        path,
        "SELECT id, changes_json FROM audit_entry WHERE action = 'baseline' AND entity = 'agency'",
        drop_guards=False,
    )[0][0]
    assert (
        "rows" in json.loads(content)
        and one(path, f"SELECT baseline_rows FROM audit_entry WHERE id = {entry_id}") is None
    )
    assert report_of(path).ok
    target = one(path, "SELECT max(id) FROM agency")
    shell(path, f"UPDATE agency SET name = name || ' Ltd' WHERE id = {target}", drop_guards=False)
    problems = report_of(path).row_problems
    assert [(problem.table, problem.row, problem.kind, problem.entry_id) for problem in problems] == [
        ("agency", str(target), "changed", entry_id)
    ]


def test_a_baseline_rewritten_into_content_no_version_wrote_is_a_broken_entry_not_a_crash(fresh, capsys):
    """A careful insider recomputes every hash after a baseline whose blocks they removed."""
    from tests.test_audit_tampering import rechain_from

    entry_id, content, _ = baseline_of(fresh, "agency")
    del content["blocks"]
    rechain_from(fresh, entry_id, edit_changes=lambda _: json.dumps(content, sort_keys=True, separators=(",", ":")))
    report = report_of(fresh)
    assert report.broken_at == entry_id and "cannot be read" in report.problem
    assert main(["audit", "verify", "--db", str(fresh)]) == 1
    assert f"BROKEN at entry {entry_id}" in capsys.readouterr().out
