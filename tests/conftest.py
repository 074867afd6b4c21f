"""Shared fixtures: real encrypted databases in temporary folders, and an offscreen Qt platform.

Modules marked `pytestmark = pytest.mark.both_engines` run every test that uses `database` (or
`database_target`) twice: on the encrypted local file and on a team database in a throw-away
PostgreSQL cluster (tests/postgres_server.py; skipped with the reason where the server is missing).
"""

from __future__ import annotations

import itertools
import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # GUI tests run headless, set by the tests themselves

from dhr_tracker.storage.database import Database, create_database, open_database  # noqa: E402
from tests import postgres_server  # noqa: E402

PASSPHRASE = "test passphrase for dhr tracker"
ENGINES = ("sqlcipher", "postgresql")
TEMPLATE_NAME = "dhr_template"
_database_numbers = itertools.count(1)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine_kind" in metafunc.fixturenames and metafunc.definition.get_closest_marker("both_engines"):
        metafunc.parametrize("engine_kind", ENGINES, indirect=True)


@pytest.fixture
def engine_kind(request: pytest.FixtureRequest) -> str:
    """Which engine `database` and `database_target` use: the local file unless the module runs on both."""
    return getattr(request, "param", "sqlcipher")


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A freshly created, migrated, reference-seeded database, built once and copied per test."""
    path = tmp_path_factory.mktemp("template") / "template.dhrdb"
    create_database(path, PASSPHRASE, PASSPHRASE).close()
    return path


@pytest.fixture
def database_path(tmp_path: Path, template_database: Path) -> Path:
    path = tmp_path / "data" / "cases.dhrdb"
    path.parent.mkdir()
    shutil.copyfile(template_database, path)
    return path


@pytest.fixture(scope="session")
def postgres_cluster():
    """One throw-away PostgreSQL cluster per test process (so per xdist worker), stopped at the end."""
    reason = postgres_server.skip_reason()
    if reason:
        pytest.skip(reason)
    cluster = postgres_server.start_cluster()
    yield cluster
    cluster.stop()


def run_sql(cluster: postgres_server.Cluster, *statements: str, database: str = "postgres") -> None:
    """Run statements as the cluster's superuser, outside a transaction (CREATE/DROP DATABASE need that)."""
    import psycopg

    with psycopg.connect(cluster.url(database), autocommit=True) as connection:
        for statement in statements:
            connection.execute(statement)


@pytest.fixture(scope="session")
def postgres_template(postgres_cluster) -> str:
    """A migrated, reference-seeded team database, built once; each test gets a copy (CREATE DATABASE ... TEMPLATE)."""
    run_sql(postgres_cluster, f"CREATE DATABASE {TEMPLATE_NAME}")
    create_database(postgres_cluster.url(TEMPLATE_NAME), "").close()
    return TEMPLATE_NAME


@pytest.fixture
def team_database_url(postgres_cluster, postgres_template) -> str:
    """A new team database for one test (dropped afterwards), as a URL over the cluster's socket."""
    name = f"dhr_test_{next(_database_numbers)}"
    run_sql(postgres_cluster, f"CREATE DATABASE {name} TEMPLATE {postgres_template}")
    yield postgres_cluster.url(name)
    run_sql(postgres_cluster, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def empty_team_database_url(postgres_cluster):
    """An empty database on the server, as the DBA creates it for DHR Tracker (before `init`, `demo` or `move`)."""
    name = f"dhr_empty_{next(_database_numbers)}"
    run_sql(postgres_cluster, f"CREATE DATABASE {name}")
    yield postgres_cluster.url(name)
    run_sql(postgres_cluster, f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


@pytest.fixture
def database_target(engine_kind: str, request: pytest.FixtureRequest) -> Path | str:
    """What --db names: the local file's path, or the team database's URL."""
    if engine_kind == "postgresql":
        return request.getfixturevalue("team_database_url")
    return request.getfixturevalue("database_path")


@pytest.fixture
def database(database_target: Path | str):
    db: Database = open_database(database_target, PASSPHRASE)
    yield db
    db.close()
