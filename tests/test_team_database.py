"""A team database on a PostgreSQL server: URLs, roles enforced by the server, several writers at once.

Runs against the throw-away cluster of tests/postgres_server.py (skipped, with the reason, where the
PostgreSQL server binaries are missing). The URL and TLS rules need no server.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
import sqlalchemy.exc
from sqlalchemy import select, text

from dhr_tracker.casework.cases import create_case, find_case, list_cases, update_case
from dhr_tracker.cli import main
from dhr_tracker.errors import ValidationError
from dhr_tracker.model import AuditEntry, Case
from dhr_tracker.resources import resource_path
from dhr_tracker.security.audit import verify_chain
from dhr_tracker.storage.errors import StorageError
from dhr_tracker.storage.postgres import ServerRefused, open_team_database, server_url
from dhr_tracker.vocabulary import AuditAction
from tests.conftest import run_sql

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 23)


def as_role(url: str, role: str) -> str:
    return url.replace("postgresql://postgres@", f"postgresql://{role}@")


def with_roles(cluster, url: str, **people: str) -> None:
    """Run the DBA's roles script (as the tables' owner) and give each person a login role."""
    database = url.split("@/", 1)[1].split("?", 1)[0]
    script = resource_path("postgres", "roles.sql").read_text(encoding="utf-8")
    run_sql(
        cluster,
        script,
        *(
            f"CREATE ROLE {name} LOGIN IN ROLE {group}"
            for name, group in people.items()
            if not _role_exists(cluster, name)
        ),
        database=database,
    )


def _role_exists(cluster, name: str) -> bool:
    import psycopg

    with psycopg.connect(cluster.url()) as connection:
        return connection.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", (name,)).fetchone() is not None


def a_case(session, reference="DHR-2026-99", **values):
    values = (
        dict(
            pseudonym="Robin",
            notified_on=dt.date(2026, 1, 5),
            csp_area="Swale",
            victim_real_name="Jane Realname",
            perpetrator_real_name="John Realname",
        )
        | values
    )
    return create_case(session, reference=reference, today=TODAY, **values)


# --- URLs and TLS (no server needed) ---------------------------------------------------------------


def test_a_password_in_the_url_is_refused_before_any_connection(capsys):
    code = main(["cases", "--db", "postgresql://alice:s3cret@db.example.org/dhr"])
    err = capsys.readouterr().err
    assert code == 1
    assert "contains a password" in err and "~/.pgpass" in err
    assert "s3cret" not in err


def test_tls_with_full_verification_is_the_default_over_the_network(monkeypatch):
    monkeypatch.delenv("PGSSLMODE", raising=False)
    monkeypatch.delenv("PGHOST", raising=False)
    url, notes = server_url("postgresql://alice@db.example.org/dhr")
    assert url.query["sslmode"] == "verify-full" and notes == []


def test_a_weaker_tls_mode_is_kept_but_warned_about(monkeypatch):
    monkeypatch.delenv("PGSSLMODE", raising=False)
    url, [note] = server_url("postgresql://alice@db.example.org/dhr?sslmode=require")
    assert url.query["sslmode"] == "require"
    assert "WARNING" in note and "sslmode=require" in note and "verify-full" in note
    monkeypatch.setenv("PGSSLMODE", "disable")  # libpq's own environment counts as the user saying so
    url, [note] = server_url("postgresql://alice@db.example.org/dhr")
    assert "sslmode" not in url.query and "sslmode=disable" in note


def test_a_unix_socket_needs_no_tls_and_a_service_file_gets_it_asked_for(monkeypatch):
    monkeypatch.delenv("PGSSLMODE", raising=False)
    monkeypatch.delenv("PGHOST", raising=False)
    # On a socket libpq ignores sslmode, so asking costs nothing, and a weaker choice earns no warning.
    for target in ("postgresql://alice@/dhr?host=/run/postgresql", "postgresql:///dhr"):
        url, notes = server_url(target)
        assert url.query["sslmode"] == "verify-full" and notes == []
        url, notes = server_url(target + ("&" if "?" in target else "?") + "sslmode=disable")
        assert url.query["sslmode"] == "disable" and notes == []
    # A service file may name a remote host: verify-full is asked for (the URL's setting wins over the file's).
    url, notes = server_url("postgresql://alice@/?service=dhr")
    assert url.query["sslmode"] == "verify-full" and notes == []


def test_team_only_commands_say_so_for_a_file_and_file_only_commands_for_a_server(capsys):
    code = main(["check", "--db", "postgresql://alice@/dhr?host=/nonexistent"])
    assert code == 1 and "local database file" in capsys.readouterr().err


# --- On the server -------------------------------------------------------------------------------


def test_the_audit_trail_names_the_server_session_user(postgres_cluster, team_database_url):
    with_roles(postgres_cluster, team_database_url, alice="dhr_coordinator")
    with open_team_database(as_role(team_database_url, "alice")) as database:
        assert database.shared and database.label.startswith("alice@")
        with database.transaction() as session:
            a_case(session)
        with database.transaction() as session:
            # The baseline of the reference data was recorded by the role that set the database up (the DBA).
            users = dict(session.execute(select(AuditEntry.action, AuditEntry.os_user).distinct()).all())
            assert users == {AuditAction.BASELINE: "postgres", AuditAction.CREATE: "alice"}
            assert verify_chain(session).ok


def test_the_server_refuses_to_change_or_remove_audit_entries(team_database_url):
    with open_team_database(team_database_url) as database:
        with database.transaction() as session:
            a_case(session)
        with database.transaction() as session:  # an imported segment's entries are guarded the same way (0006)
            session.execute(
                text(
                    "INSERT INTO audit_imported_entry (archive_sha256, id, at, os_user, action, entity, entity_id, "
                    "changes_json, previous_hash, entry_hash) VALUES ('a', 1, now(), 'x', 'create', 'agency', '1', '{}', 'p', 'h')"
                )
            )
        for table in ("audit_entry", "audit_imported_entry"):
            for statement, words in (
                (f"UPDATE {table} SET os_user = 'mallory'", "cannot be changed"),
                (f"DELETE FROM {table}", "cannot be deleted"),
                (f"TRUNCATE {table}", "cannot be deleted"),
            ):
                with pytest.raises(sqlalchemy.exc.DBAPIError, match=words):
                    with database.transaction() as session:
                        session.execute(text(statement))


@pytest.mark.parametrize(
    "tampering, finding",
    [
        (
            "DROP TRIGGER audit_entry_no_delete ON audit_entry",
            "the trigger audit_entry_no_delete that keeps the trail append-only was dropped",
        ),
        (
            "ALTER TABLE audit_imported_entry DISABLE TRIGGER audit_imported_entry_no_update",
            "the trigger audit_imported_entry_no_update that keeps the trail append-only was disabled",
        ),
        (
            "DROP TRIGGER audit_entry_no_truncate ON audit_entry; CREATE TRIGGER audit_entry_no_truncate AFTER TRUNCATE ON "
            "audit_entry FOR EACH STATEMENT EXECUTE FUNCTION audit_entry_refuse_change()",
            "the trigger audit_entry_no_truncate was replaced by a different definition",
        ),
        (
            "CREATE OR REPLACE FUNCTION audit_entry_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN OLD; END $$",
            "the function audit_entry_refuse_change the append-only triggers call was replaced or dropped",
        ),
        (
            "CREATE OR REPLACE VIEW audit_row_digest_dhr_case AS SELECT t.id, 'x'::text AS row_digest FROM dhr_case AS t",
            "the view audit_row_digest_dhr_case through which the data is verified was redefined",
        ),
    ],
)
def test_audit_verify_names_a_dropped_disabled_or_redefined_guard_on_the_server(
    postgres_cluster, team_database_url, tampering, finding
):
    with open_team_database(team_database_url) as database:
        with database.transaction() as session:
            a_case(session)
            assert verify_chain(session).ok
        run_sql(postgres_cluster, tampering, database=team_database_url.split("@/", 1)[1].split("?", 1)[0])
        with database.transaction() as session:
            report = verify_chain(session)
        assert not report.ok and report.trigger_problems == (finding,)


def test_the_viewer_is_refused_real_names_and_writes_by_the_server(postgres_cluster, team_database_url):
    with open_team_database(team_database_url) as database, database.transaction() as session:
        a_case(session)
    with_roles(postgres_cluster, team_database_url, vera="dhr_viewer")
    with open_team_database(as_role(team_database_url, "vera"), read_only=True) as viewer:
        with viewer.transaction() as session:  # the position, by reference and pseudonym
            assert [(row.reference, row.pseudonym) for row in list_cases(session)] == [("DHR-2026-99", "Robin")]
        # The app does not ask for the names here: the query is raw SQL, so only the server stands in the way.
        with pytest.raises(ServerRefused, match="permission denied"):
            with viewer.transaction() as session:
                session.execute(text("SELECT victim_real_name FROM dhr_case")).all()
        with pytest.raises(ServerRefused, match="permission denied"):
            with viewer.transaction() as session:
                session.execute(text("SELECT * FROM dhr_case")).all()
    # Even opened for changes, so the session is not read-only, the server refuses the viewer's writes.
    with open_team_database(as_role(team_database_url, "vera")) as viewer:
        with pytest.raises(ServerRefused, match=r"refused this for your role \(permission denied for table dhr_case\)"):
            with viewer.transaction() as session:
                session.execute(text("UPDATE dhr_case SET pseudonym = 'Changed'"))
        with pytest.raises(ServerRefused, match="permission denied"):
            with viewer.transaction() as session:
                a_case(session, reference="DHR-2026-98", victim_real_name=None, perpetrator_real_name=None)
    with open_team_database(team_database_url) as database, database.transaction() as session:
        assert [case.pseudonym for case in session.scalars(select(Case))] == ["Robin"]


def test_the_auditor_verifies_the_trail_but_reads_no_case(postgres_cluster, team_database_url):
    with open_team_database(team_database_url) as database, database.transaction() as session:
        a_case(session)
    with_roles(postgres_cluster, team_database_url, omar="dhr_auditor")
    with open_team_database(as_role(team_database_url, "omar"), read_only=True) as auditor:
        with auditor.transaction() as session:
            report = verify_chain(session)
            # The reference data's baseline entries, then the case: every row checked, through digests only.
            assert report.ok, report.problems()
            assert report.entries == 1 + len(
                session.scalars(select(AuditEntry.id).where(AuditEntry.action == AuditAction.BASELINE)).all()
            )
        for query in (
            "SELECT pseudonym FROM dhr_case",
            "SELECT victim_real_name FROM dhr_case",
            "SELECT name FROM agency",
        ):
            with pytest.raises(ServerRefused, match="permission denied"):
                with auditor.transaction() as session:
                    session.execute(text(query)).all()
        # A real name changed behind the app's back (by the tables' owner) is named to the auditor, who still
        # never reads it.
        run_sql(
            postgres_cluster,
            "UPDATE dhr_case SET victim_real_name = 'Someone Else'",
            database=team_database_url.split("@/", 1)[1].split("?", 1)[0],
        )
        with auditor.transaction() as session:
            report = verify_chain(session)
            assert not report.ok
            assert [(problem.table, problem.kind, problem.fields) for problem in report.row_problems] == [
                ("dhr_case", "changed", ())
            ]
            assert "Someone Else" not in " ".join(report.problems())


def test_a_save_over_someone_elses_newer_save_is_refused_and_nothing_is_lost(team_database_url):
    with open_team_database(team_database_url) as database, database.transaction() as session:
        a_case(session)
    with open_team_database(team_database_url) as mine, open_team_database(team_database_url) as theirs:
        with pytest.raises(ValidationError) as refused:
            with mine.transaction() as session:
                case = find_case(session, "DHR-2026-99")  # I open the case...
                with theirs.transaction() as other:  # ...a colleague saves it meanwhile...
                    update_case(other, find_case(other, "DHR-2026-99"), notes="Their note", today=TODAY)
                update_case(session, case, notes="My note", today=TODAY)  # ...then I save.
        assert refused.value.rule == "changed_since_opened"
        message = str(refused.value)
        # The colleague is the cluster's 'postgres' role; the time is theirs, shown as dd/mm/yyyy hh:mm.
        assert "This case was changed by postgres at " in message and "since you opened it" in message
        assert "/" in message.split(" at ", 1)[1][:10]
        with mine.transaction() as session:
            case = find_case(session, "DHR-2026-99")
            assert case.notes == "Their note" and case.row_version == 2
            assert verify_chain(session).ok


def test_two_writers_in_two_processes_make_one_chain(postgres_cluster, team_database_url):
    with_roles(postgres_cluster, team_database_url, alice="dhr_coordinator", bob="dhr_coordinator")
    with open_team_database(team_database_url) as database, database.transaction() as session:
        a_case(session)
    count = 12
    writers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.team_writer", team_database_url, role, prefix, str(count)],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for role, prefix in (("alice", "1001"), ("bob", "2002"))
    ]
    outputs = [writer.communicate(timeout=300) for writer in writers]
    assert [writer.returncode for writer in writers] == [0, 0], outputs
    with open_team_database(team_database_url) as database, database.transaction() as session:
        report = verify_chain(session)
        assert report.ok, report
        # The reference data's baseline (one entry per seeded table), then 1 case created by postgres + per
        # writer 12 cases created and 12 changes of the shared case.
        baselines = len(session.scalars(select(AuditEntry.id).where(AuditEntry.action == AuditAction.BASELINE)).all())
        assert baselines >= 1
        assert report.entries == baselines + 1 + 2 * (count + count)
        users = list(session.scalars(select(AuditEntry.os_user).order_by(AuditEntry.id)))
        assert users.count("alice") == users.count("bob") == 2 * count
        shared = find_case(session, "DHR-2026-99")
        # Every change kept, none overwritten: 12 'a's and 12 'b's, and one version per save.
        assert sorted(shared.notes) == ["a"] * count + ["b"] * count
        assert shared.row_version == 1 + 2 * count
        assert len(list_cases(session)) == 1 + 2 * count


def test_a_server_that_is_not_there_is_one_clear_line(capsys, tmp_path):
    code = main(["cases", "--db", f"postgresql://alice@/dhr?host={tmp_path}"])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("Could not connect to the team database alice@") and err.count("\n") == 1


def test_an_empty_server_database_says_what_to_do(postgres_cluster, capsys):
    run_sql(postgres_cluster, "CREATE DATABASE dhr_empty")
    code = main(["cases", "--db", postgres_cluster.url("dhr_empty")])
    assert code == 1 and "holds no DHR Tracker data" in capsys.readouterr().err


def test_a_coordinator_cannot_upgrade_the_schema_and_is_told_to_ask_the_dba(postgres_cluster, team_database_url):
    with_roles(postgres_cluster, team_database_url, alice="dhr_coordinator")
    database = team_database_url.split("@/", 1)[1].split("?", 1)[0]
    run_sql(postgres_cluster, "UPDATE alembic_version SET version_num = '0001'", database=database)  # an older schema
    with pytest.raises(StorageError, match="Ask the database administrator to upgrade it"):
        open_team_database(as_role(team_database_url, "alice"))
    with pytest.raises(StorageError, match="older version of DHR Tracker"):
        open_team_database(as_role(team_database_url, "alice"), read_only=True)


def test_the_viewer_sees_the_position_on_the_command_line_and_a_refusal_is_one_clear_line(
    postgres_cluster, team_database_url, capsys
):
    with open_team_database(team_database_url) as database, database.transaction() as session:
        a_case(session)
    with_roles(postgres_cluster, team_database_url, vera="dhr_viewer")
    viewer = as_role(team_database_url, "vera")
    assert main(["cases", "--db", viewer, "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert "DHR-2026-99" in out and "Robin" in out and "Realname" not in out
    assert main(["deadlines", "--db", viewer]) == 0
    capsys.readouterr()
    assert main(["move", "--from", viewer, "--to", str(Path(postgres_cluster.socket_dir).parent / "never.dhrdb")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(
        "The team database's server refused this for your role (permission denied for table dhr_case)"
    )
    assert err.count("\n") == 1 and "restore" not in err


def test_the_viewer_opens_a_case_without_its_real_names(postgres_cluster, team_database_url, capsys):
    from ui.models.loaders import load_case_detail
    from ui.screens.case.screen import _save_case  # noqa: F401 - first: ui.models.loaders and ui.screens import each other

    with open_team_database(team_database_url) as database, database.transaction() as session:
        case_id = a_case(session).id
    with_roles(postgres_cluster, team_database_url, vera="dhr_viewer")
    viewer = as_role(team_database_url, "vera")
    with open_team_database(viewer, read_only=True) as database, database.transaction() as session:
        detail = load_case_detail(session, case_id, TODAY)
        assert detail.values["pseudonym"] == "Robin" and "victim_real_name" not in detail.values
    with open_team_database(team_database_url) as database, database.transaction() as session:
        detail = load_case_detail(session, case_id, TODAY)  # the coordinator's view still has them
        assert detail.values["victim_real_name"] == "Jane Realname"
    assert main(["case", "show", "DHR-2026-99", "--db", viewer]) == 0
    out = capsys.readouterr().out
    assert "DHR-2026-99 (Robin)" in out and "Realname" not in out


def test_over_tcp_tls_is_required_by_default_and_turning_it_off_is_warned_about(postgres_cluster, capsys, monkeypatch):
    monkeypatch.delenv("PGSSLMODE", raising=False)
    # The test server listens on 127.0.0.1 without TLS: a client that insists on verify-full must refuse it.
    code = main(["cases", "--db", postgres_cluster.tcp_url()])
    err = capsys.readouterr().err
    assert code == 1 and err.startswith("Could not connect to the team database postgres@127.0.0.1/postgres")
    assert "SSL" in err  # libpq's own reason: the server does not offer it, and it was required
    # Saying otherwise connects, with the warning first.
    code = main(["cases", "--db", postgres_cluster.tcp_url() + "?sslmode=disable"])
    err = capsys.readouterr().err
    assert err.startswith("WARNING: the connection to postgres@127.0.0.1/postgres uses sslmode=disable")
    assert code == 1 and "holds no DHR Tracker data" in err  # it got as far as the (empty) database


def test_the_same_migrations_build_exactly_the_model_on_the_server_and_go_back_down(postgres_cluster):
    from alembic import command
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import create_engine
    from sqlalchemy import inspect as inspect_schema

    from dhr_tracker.model import Base
    from dhr_tracker.storage import migrate

    run_sql(postgres_cluster, "CREATE DATABASE dhr_migrations")
    engine = create_engine(postgres_cluster.url("dhr_migrations").replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.begin() as connection:
            migrate.upgrade_to_head(connection)
            differences = compare_metadata(MigrationContext.configure(connection), Base.metadata)
            # Alembic finds nothing to change: every table, column, type, index and key as modelled.
            assert differences == []
            triggers = {
                name
                for (name,) in connection.execute(
                    text("SELECT tgname FROM pg_trigger WHERE tgrelid = 'audit_entry'::regclass AND NOT tgisinternal")
                )
            }
            assert triggers == {"audit_entry_no_update", "audit_entry_no_delete", "audit_entry_no_truncate"}
        with engine.begin() as connection:
            command.downgrade(migrate.alembic_config(connection), "base")
            assert set(inspect_schema(connection).get_table_names()) <= {"alembic_version"}
        with engine.begin() as connection:
            migrate.upgrade_to_head(connection)
            assert migrate.current_revision(connection) == migrate.head_revision()
    finally:
        engine.dispose()
        run_sql(postgres_cluster, "DROP DATABASE dhr_migrations WITH (FORCE)")


def test_upgrading_a_team_database_to_row_digests_records_the_same_digests_the_app_computes(empty_team_database_url):
    """Migration 0006 on PostgreSQL: its guards in plpgsql, and a baseline whose digests (built by the migration's
    own frozen copy of the canonical form) are the ones row_digest computes afterwards, real names included."""
    from alembic import command
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session

    from dhr_tracker.model import Agency
    from dhr_tracker.security import row_digest
    from dhr_tracker.storage import migrate
    from dhr_tracker.storage.postgres import server_url

    url, _ = server_url(empty_team_database_url)
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            command.upgrade(migrate.alembic_config(connection), "0005_row_versions")
            with Session(bind=connection) as session:  # data written by an older version, before row digests
                from dhr_tracker.reference_data import seed_reference_data

                seed_reference_data(session)  # as a new database of that version was set up
                session.add(Agency(name='Kent Police "K" \\ é 😀', notes="line one\nline\ttwo\x01", outside_kent=True))
                session.flush()
                a_case(session, reference="DHR-2025-01")  # a case: dates, timestamps, NULLs and both real names
                session.flush()
            migrate.upgrade_to_head(connection)
            recorded = {
                entity: json.loads(changes)["rows"]
                for entity, changes in connection.execute(
                    text("SELECT entity, changes_json FROM audit_entry WHERE action = 'baseline'")
                )
            }
            assert {"agency", "dhr_case"} <= set(recorded)
            for table, rows in recorded.items():
                assert rows == row_digest.table_digests(connection, table)
            triggers = set(
                connection.execute(
                    text("SELECT tgname FROM pg_trigger WHERE tgrelid = CAST('audit_imported_entry' AS regclass)")
                ).scalars()
            )
            assert triggers == {f"audit_imported_entry_no_{action}" for action in ("update", "delete", "truncate")}
    finally:
        engine.dispose()
