"""Shared fixtures: real encrypted databases in temporary folders, and an offscreen Qt platform."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # GUI tests run headless, set by the tests themselves

from dhr_tracker.storage.database import Database, create_database, open_database  # noqa: E402

PASSPHRASE = "test passphrase for dhr tracker"


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


@pytest.fixture
def database(database_path: Path):
    db: Database = open_database(database_path, PASSPHRASE)
    yield db
    db.close()
