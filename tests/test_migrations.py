"""Schema migrations: from nothing to the head, and from every released schema with nothing lost."""

from __future__ import annotations

import shutil
from pathlib import Path

from sqlalchemy import func, inspect, select

from dhr_tracker.model import Base, Case, Milestone, ProgressUpdate, Recommendation
from dhr_tracker.storage import migrate
from dhr_tracker.storage.database import create_database, open_database
from dhr_tracker.storage.sqlcipher import sqlcipher_engine
from tests.conftest import PASSPHRASE

FIXTURES = Path(__file__).parent / "fixtures"


def test_migrations_from_empty_build_exactly_the_model(tmp_path):
    engine = sqlcipher_engine(tmp_path / "empty.dhrdb", PASSPHRASE)
    try:
        with engine.begin() as connection:
            migrate.upgrade_to_head(connection)
            assert migrate.current_revision(connection) == migrate.head_revision()
            inspector = inspect(connection)
            for table in Base.metadata.sorted_tables:
                stored = {column["name"] for column in inspector.get_columns(table.name)}
                assert stored == set(table.columns.keys()), f"{table.name} differs from the model"
    finally:
        engine.dispose()


def test_every_released_schema_upgrades_with_its_data_and_a_backup(tmp_path):
    fixtures = sorted(FIXTURES.glob("schema-*.dhrdb"))
    assert fixtures, "a fixture database of each released schema lives in tests/fixtures"
    for fixture in fixtures:
        path = tmp_path / fixture.name
        shutil.copyfile(fixture, path)
        revision = fixture.stem.removeprefix("schema-")
        with open_database(path, PASSPHRASE) as database, database.transaction() as session:
            with database.engine.connect() as connection:
                assert migrate.current_revision(connection) == migrate.head_revision()
            assert session.scalar(select(func.count(Case.id))) == 12
            assert session.scalar(select(func.count(Milestone.id))) > 50
            assert session.scalar(select(func.count(Recommendation.id))) > 5
            assert session.scalar(select(func.count(ProgressUpdate.id))) > 5
        backups = list(tmp_path.glob(f"{path.stem}.before-upgrade-from-{revision}-*"))
        if revision != migrate.head_revision():
            assert len(backups) == 1
            with open_database(backups[0], PASSPHRASE, upgrade=False) as backup, backup.engine.connect() as connection:
                assert migrate.current_revision(connection) == revision
        else:
            assert backups == []


def test_an_upgrade_first_writes_an_encrypted_backup(tmp_path, monkeypatch):
    """With a future migration in place, opening an older database backs it up, then upgrades it."""
    scripts = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head = migrate.head_revision()
    at_head = FIXTURES / f"schema-{head}.dhrdb"
    if not at_head.exists():  # the head schema is not released yet: a new database of it stands in
        at_head = tmp_path / "at-head.dhrdb"
        create_database(at_head, PASSPHRASE).close()
    (scripts / "versions" / "9000_future.py").write_text(
        "from alembic import op\nimport sqlalchemy as sa\n"
        f"revision = '9000'\ndown_revision = '{head}'\nbranch_labels = None\ndepends_on = None\n"
        "def upgrade():\n    with op.batch_alter_table('csp_area') as batch:\n"
        "        batch.add_column(sa.Column('future_note', sa.String(), nullable=True))\n"
        "def downgrade():\n    with op.batch_alter_table('csp_area') as batch:\n        batch.drop_column('future_note')\n"
    )
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", scripts)
    migrate.script_directory.cache_clear()
    try:
        path = tmp_path / "old.dhrdb"
        shutil.copyfile(at_head, path)
        with open_database(path, PASSPHRASE) as database, database.engine.connect() as connection:
            assert migrate.current_revision(connection) == "9000"
            assert "future_note" in {column["name"] for column in inspect(connection).get_columns("csp_area")}
        [backup] = tmp_path.glob(f"old.before-upgrade-from-{head}-*.dhrdb")
        assert not backup.read_bytes().startswith(b"SQLite format 3")
        with open_database(backup, PASSPHRASE, upgrade=False) as old, old.engine.connect() as connection:
            assert migrate.current_revision(connection) == head
            assert "future_note" not in {column["name"] for column in inspect(connection).get_columns("csp_area")}
    finally:
        migrate.script_directory.cache_clear()
