"""The same data on both engines: identical listings from the same demo seed, and `move` either way."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select, text

from dhr_tracker.casework.cases import create_case, update_case
from dhr_tracker.cli import main
from dhr_tracker.model import AuditEntry, Case
from dhr_tracker.security.audit import verify_chain
from dhr_tracker.settings import Settings
from dhr_tracker.storage.database import open_database
from dhr_tracker.vocabulary import AuditAction
from tests.conftest import PASSPHRASE

NEW_PASSPHRASE = "another passphrase for the moved file"
LISTINGS = (
    ["cases", "--format", "json"],
    ["deadlines", "--format", "json", "--as-of", "2026-11-23", "--all-cases"],
    ["escalations", "--format", "json", "--as-of", "2026-11-23"],
)


@pytest.fixture
def passphrases(monkeypatch):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("DHR_TRACKER_NEW_PASSPHRASE", NEW_PASSPHRASE)


def listing(target, arguments, capsys) -> bytes:
    assert main([*arguments, "--db", str(target)]) == 0, capsys.readouterr().err
    return capsys.readouterr().out.encode("utf-8")


def test_the_same_demo_seed_gives_byte_identical_listings_on_both_engines(
    tmp_path, empty_team_database_url, passphrases, capsys
):
    local = tmp_path / "demo.dhrdb"
    assert main(["demo", "--db", str(local), "--cases", "14", "--seed", "3"]) == 0
    assert main(["demo", "--db", empty_team_database_url, "--cases", "14", "--seed", "3"]) == 0
    capsys.readouterr()
    for arguments in LISTINGS:
        on_file, on_server = listing(local, arguments, capsys), listing(empty_team_database_url, arguments, capsys)
        assert on_file == on_server, arguments
        assert len(on_file) > 200  # a real listing, not two empty ones


def _segment(session, table="audit_imported_entry") -> list[tuple[int, str]]:
    return [
        tuple(row) for row in session.execute(text(f"SELECT id, entry_hash FROM {table} ORDER BY archive_sha256, id"))
    ]


def test_move_to_the_server_and_back_keeps_everything_and_the_audit_trail(
    tmp_path, empty_team_database_url, passphrases, capsys, monkeypatch
):
    local = tmp_path / "local.dhrdb"
    assert main(["demo", "--db", str(local), "--cases", "6", "--seed", "2"]) == 0
    with open_database(local, PASSPHRASE, read_only=True) as database, database.session() as session:
        trail = [(entry.id, entry.entry_hash) for entry in session.scalars(select(AuditEntry).order_by(AuditEntry.id))]
    assert len(trail) > 50
    capsys.readouterr()

    assert main(["move", "--from", str(local), "--to", empty_team_database_url]) == 0
    out = capsys.readouterr().out
    assert f"with the audit trail ({len(trail)} entries, verified)" in out
    before = [listing(local, arguments, capsys) for arguments in LISTINGS]
    assert [listing(empty_team_database_url, arguments, capsys) for arguments in LISTINGS] == before
    # The server verifies: its rows' digests, computed by PostgreSQL, are those the file's trail recorded.
    assert main(["audit", "verify", "--db", empty_team_database_url]) == 0
    assert "the audit trail is intact" in capsys.readouterr().out

    # The file's trail arrived entry for entry as a closed segment; the server's own chain opens with the move
    # (the entry naming the archive and that segment's head), then a baseline of what arrived...
    with open_database(empty_team_database_url, "") as team, team.transaction() as session:
        assert _segment(session) == trail
        actions = list(session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)))
        assert actions[0] is AuditAction.IMPORT and set(actions[1:]) == {AuditAction.BASELINE}
        opening = json.loads(
            session.scalar(select(AuditEntry.changes_json).where(AuditEntry.action == AuditAction.IMPORT))
        )
        assert opening["segment_head"] == f"{len(trail)}:{trail[-1][1]}"
        server_trail_length = len(actions)
        # ...and a change on the server extends that chain.
        case = session.scalars(select(Case).order_by(Case.id).limit(1)).one()
        update_case(session, case, notes="Changed on the server")
    # Moving back brings the server's trail, verified, into a new file with its own passphrase.
    back = tmp_path / "back.dhrdb"
    assert main(["move", "--from", empty_team_database_url, "--to", str(back)]) == 0, capsys.readouterr().err
    capsys.readouterr()
    with open_database(back, NEW_PASSPHRASE, read_only=True) as moved, moved.session() as session:
        report = verify_chain(session)
        assert report.ok and report.end_recorded, report.problems()
        kept = session.execute(
            text(
                "SELECT count(*), max(os_user) FROM audit_imported_entry "
                "WHERE action = 'update' AND entity = 'dhr_case'"
            )
        ).one()
        assert kept == (1, "postgres")  # the server's change, with the server's user, in the kept segment
        segment_rows = session.scalar(text("SELECT count(*) FROM audit_imported_entry"))
        assert segment_rows == len(trail) + server_trail_length + 1  # both segments: the file's, then the server's
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", NEW_PASSPHRASE)
    for where in (back, empty_team_database_url):  # each end verifies, with the command a user runs
        assert main(["audit", "verify", "--db", str(where)]) == 0, capsys.readouterr()
        assert "the audit trail is intact" in capsys.readouterr().out


def test_a_row_has_the_same_digest_on_both_engines(tmp_path, empty_team_database_url, passphrases):
    """One canonical serialisation: the same stored row gives byte-identical state text on SQLite and PostgreSQL,
    odd text included (quotes, backslashes, every control character the server stores, look-alikes, emoji,
    line separators), with booleans, dates, timestamps and NULLs in every table's columns."""
    from dhr_tracker.exchange.move import fill_from, read_whole
    from dhr_tracker.security import row_digest
    from dhr_tracker.storage.database import create_database
    from dhr_tracker.storage.postgres import create_team_database

    odd = (
        "".join(chr(code) for code in range(1, 32)) + "\"\\/ \x7f é ŉ Ǆ ﬁ \u2028\u2029 \U0001f600 \ufeff 𝔄 Jöhn O'Brien"
    )
    local = tmp_path / "odd.dhrdb"
    with create_database(local, PASSPHRASE, PASSPHRASE) as database:
        with database.transaction() as session:
            case = create_case(
                session, reference="DHR-2026-77", pseudonym="Robin", notified_on=dt.date(2026, 3, 2), csp_area="Dover"
            )
            update_case(session, case, notes=odd)
            # Text keys whose byte order differs from a language's collation ("_" before "h"; en_GB puts
            # letterhead first): a table's digest reads rows in byte order on both engines.
            settings = Settings(session)
            settings.set("reports.letterhead", "Kent Community Safety Partnership")
            settings.set("reports.letter_reference_prefix", "KCSP/DHR")
    with open_database(local, PASSPHRASE) as database:
        archive = read_whole(database)
        with database.transaction() as session:
            on_file = {
                table.name: row_digest.table_digests(session.connection(), table.name)
                for table in row_digest.audited_tables()
            }
            file_tables = {
                table.name: row_digest.table_state(session.connection(), table.name)
                for table in row_digest.audited_tables()
            }
            state_sql, _ = row_digest.state_sql("dhr_case", "sqlite")
            file_text = session.execute(text(f"SELECT {state_sql} FROM dhr_case AS t")).scalar()
    create_team_database(empty_team_database_url, fill=fill_from(archive)).close()  # refuses a row whose digest differs
    with open_database(empty_team_database_url, "") as team, team.transaction() as session:
        on_server = {
            table.name: row_digest.table_digests(session.connection(), table.name)
            for table in row_digest.audited_tables()
        }
        server_tables = {
            table.name: row_digest.table_state(session.connection(), table.name)
            for table in row_digest.audited_tables()
        }
        state_sql, _ = row_digest.state_sql("dhr_case", "postgresql")
        server_text = session.execute(text(f"SELECT {state_sql} FROM dhr_case AS t")).scalar()
    assert server_text == file_text
    assert "\\u0001" in file_text and "\\n" in file_text and "😀" in file_text  # escaped as JSON, the rest as itself
    assert on_server == on_file
    # A baseline's blocks and kept digests, rows in key order (text keys byte by byte on both): the same.
    assert server_tables == file_tables and file_tables["setting_value"].row_count == 2
    assert sum(len(rows) for rows in on_file.values()) > 20  # the reference data and the case: real rows compared


def test_a_move_that_fails_part_way_leaves_the_server_database_empty(
    tmp_path, empty_team_database_url, passphrases, capsys, monkeypatch
):
    local = tmp_path / "local.dhrdb"
    assert main(["demo", "--db", str(local), "--cases", "3", "--seed", "2"]) == 0
    from dhr_tracker.exchange import move

    def broken(session):
        raise OSError(28, "No space left on device")  # the server fills up after the rows went in

    monkeypatch.setattr(move, "record_chain_head", broken)
    assert main(["move", "--from", str(local), "--to", empty_team_database_url]) == 1
    assert "No space left on device" in capsys.readouterr().err
    import psycopg

    with psycopg.connect(empty_team_database_url) as connection:
        tables = connection.execute(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'"
        ).fetchone()
    assert tables == (0,)  # not even the schema: the whole move was one transaction


def test_move_refuses_an_existing_file_and_a_server_that_already_holds_dhr_tracker(
    tmp_path, team_database_url, passphrases, capsys
):
    existing = tmp_path / "existing.dhrdb"
    existing.write_bytes(b"keep me")
    assert main(["move", "--from", team_database_url, "--to", str(existing)]) == 1
    assert "already exists" in capsys.readouterr().err and existing.read_bytes() == b"keep me"
    local = tmp_path / "local.dhrdb"
    assert main(["demo", "--db", str(local), "--cases", "2"]) == 0
    assert main(["move", "--from", str(local), "--to", team_database_url]) == 1
    assert "already holds a DHR Tracker database" in capsys.readouterr().err
    assert main(["move", "--from", str(local), "--to", str(tmp_path / "copy.dhrdb")]) == 1
    assert "from a file to a team database on a server" in capsys.readouterr().err


def test_the_output_commands_work_on_a_team_database(tmp_path, empty_team_database_url, capsys):
    from pypdf import PdfReader

    url = empty_team_database_url
    assert main(["demo", "--db", url, "--cases", "8", "--seed", "4"]) == 0
    out = tmp_path / "out"
    out.mkdir()
    # The demo's next KCSP meeting and its escalations are relative to today; take them from the listings.
    assert main(["meetings", "--db", url]) == 0
    assert main(["letters", "--db", url, "--as-of", "2026-11-23", "--out", str(out / "letters"), "--record"]) == 0
    assert main(["export", "--db", url, "--format", "xlsx", "--out", str(out / "tables.xlsx")]) == 0
    assert main(["export", "--db", url, "--format", "json", "--out", str(out / "all.json")]) == 0
    capsys.readouterr()
    references = [row["reference"] for row in json.loads(listing(url, ["cases", "--format", "json"], capsys))]
    assert main(["action-plan", "--db", url, "--case", references[0], "--out", str(out / "plan.pdf")]) == 0
    assert main(["audit", "case", references[0], "--db", url]) == 0
    capsys.readouterr()
    assert PdfReader(out / "plan.pdf").pages and (out / "tables.xlsx").stat().st_size > 1000
    # --record wrote escalation actions: audited on the server, and the chain still verifies.
    assert main(["audit", "verify", "--db", url]) == 0
    assert "the audit trail is intact" in capsys.readouterr().out


def test_a_json_archive_imports_into_an_empty_team_database(tmp_path, empty_team_database_url, passphrases, capsys):
    local = tmp_path / "local.dhrdb"
    archive = tmp_path / "all.json"
    assert main(["demo", "--db", str(local), "--cases", "4", "--seed", "5"]) == 0
    assert main(["export", "--db", str(local), "--format", "json", "--out", str(archive)]) == 0
    capsys.readouterr()
    assert main(["import", str(archive), "--db", empty_team_database_url]) == 0
    assert "Imported 4 cases" in capsys.readouterr().out
    assert listing(empty_team_database_url, LISTINGS[0], capsys) == listing(local, LISTINGS[0], capsys)
    # New rows after the imported ones get fresh ids (the server's id sequences were moved past them).
    with open_database(empty_team_database_url, "") as team, team.transaction() as session:
        case = create_case(
            session, reference="DHR-2026-50", pseudonym="New", notified_on=dt.date(2026, 3, 2), csp_area="Dover"
        )
        assert case.id == 5


def test_a_team_database_is_verified_block_by_block_with_text_and_date_keys(
    tmp_path, empty_team_database_url, passphrases, monkeypatch
):
    """Blocks of one row, so every block's key range is a bound of its own on the server: whole numbers, dates
    (closure days) and text (settings, compared byte by byte whatever the server's collation)."""
    from dhr_tracker.closure_days import add_closure_day
    from dhr_tracker.exchange.move import fill_from, read_whole
    from dhr_tracker.storage.database import create_database
    from dhr_tracker.storage.postgres import create_team_database

    monkeypatch.setattr("dhr_tracker.security.row_digest.BLOCK_ROWS", 1)
    local = tmp_path / "blocks.dhrdb"
    with create_database(local, PASSPHRASE, PASSPHRASE) as database, database.transaction() as session:
        settings = Settings(session)
        settings.set("reports.letterhead", "Kent Community Safety Partnership")
        settings.set("reports.letter_reference_prefix", "KCSP/DHR")
        for day in (dt.date(2026, 12, 24), dt.date(2026, 12, 29), dt.date(2026, 12, 30)):
            add_closure_day(session, day, "Christmas closure")
    with open_database(local, PASSPHRASE) as database:
        archive = read_whole(database)
    create_team_database(empty_team_database_url, fill=fill_from(archive)).close()  # verified there, block by block
    with open_database(empty_team_database_url, "") as team, team.transaction() as session:
        assert verify_chain(session).ok
        # Behind the app's back: a setting, a closure day and an agency, each in a block of its own.
        session.execute(
            text("UPDATE setting_value SET value_json = '\"Someone else\"' WHERE key = 'reports.letterhead'")
        )
        session.execute(text("UPDATE closure_day SET description = 'changed' WHERE day = '2026-12-29'"))
        session.execute(text("UPDATE agency SET notes = 'quietly' WHERE id = 3"))
        found = {(problem.table, problem.row, problem.kind) for problem in verify_chain(session).row_problems}
        session.rollback()
    assert found == {
        ("setting_value", "reports.letterhead", "changed"),
        ("closure_day", "2026-12-29", "changed"),
        ("agency", "3", "changed"),
    }
