"""A demo caseload database for screen tests, built once per test session and copied for each test.

from tests.ui.demo_fixture import demo_context  # noqa: F401  (a fixture)
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from dhr_tracker.demo import create_demo_database
from dhr_tracker.storage.database import open_database
from tests.conftest import PASSPHRASE
from tests.ui.conftest import TODAY


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.dhrdb"
    create_demo_database(path, PASSPHRASE, cases=14, anchor=TODAY).close()
    return path


@pytest.fixture
def demo_context(locked_context, demo_template: Path, tmp_path: Path):
    """The UI context unlocked on a copy of the demo caseload (today is conftest.TODAY)."""
    path = tmp_path / "demo.dhrdb"
    shutil.copyfile(demo_template, path)
    locked_context.set_database(open_database(path, PASSPHRASE))
    return locked_context
