"""The benchmark's plain-SQLite baseline asks the same questions as the app, of the same data.

A tiny synthetic caseload (bench/synthetic.py) is built in a real encrypted database, copied to plain
SQLite as bench/run.py does, and each question is answered both ways: the answers must be equal, or
the ratios in the benchmark's table would compare different work.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "bench"
sys.path.insert(0, str(BENCH))

import baseline  # noqa: E402
import run  # noqa: E402
import synthetic  # noqa: E402

from dhr_tracker.storage.database import create_database, open_database  # noqa: E402

AS_OF = dt.date(2026, 11, 23)


@pytest.fixture(scope="module")
def databases(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("bench")
    encrypted, plain = folder / "tiny.dhrdb", folder / "tiny.sqlite"
    with create_database(encrypted, run.PASSPHRASE) as database:
        counts = synthetic.build(database, synthetic.SCALES["tiny"], seed=3, anchor=AS_OF)
    run.export_plain(encrypted, plain)
    database = open_database(encrypted, run.PASSPHRASE)
    connection = baseline.connect(plain)
    yield database, connection, counts
    connection.close()
    database.close()


def test_the_synthetic_caseload_has_the_sizes_asked_for(databases) -> None:
    _, connection, counts = databases
    scale = synthetic.SCALES["tiny"]
    assert counts["dhr_case"] == scale.cases
    assert counts["recommendation"] == scale.recommendations
    assert counts["progress_update"] == scale.progress_updates
    assert counts["escalation_action"] == scale.escalation_actions
    assert connection.execute("SELECT count(*) FROM progress_update").fetchone()[0] == scale.progress_updates
    stages = {stage for (stage,) in connection.execute("SELECT DISTINCT stage FROM dhr_case")}
    assert len(stages) == 10  # every stage of a review appears


def test_the_plain_copy_is_readable_without_a_key_and_the_original_is_not(databases) -> None:
    database, connection, _ = databases
    assert database.path.read_bytes()[:16] != b"SQLite format 3\x00"
    assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_case_list_and_case_facts_are_the_same_both_ways(databases) -> None:
    from dhr_tracker.casework.cases import list_cases
    from dhr_tracker.lifecycle.facts import load_case_facts

    database, connection, _ = databases
    with database.session() as session:
        assert list_cases(session) == baseline.case_list(connection)
        assert load_case_facts(session) == baseline.case_facts(connection)
        assert load_case_facts(session, open_only=True) == baseline.case_facts(connection, open_only=True)


def test_deadlines_are_the_same_both_ways(databases) -> None:
    from dhr_tracker.lifecycle.deadlines import deadlines_for_cases, timescales_from_settings
    from dhr_tracker.lifecycle.facts import load_case_facts
    from dhr_tracker.workdays import calendar_for

    database, connection, _ = databases
    with database.session() as session:
        app = deadlines_for_cases(
            load_case_facts(session), AS_OF, timescales_from_settings(session), calendar_for(session)
        )
    assert app and app == baseline.deadlines(connection, AS_OF)


def test_escalations_are_the_same_both_ways(databases) -> None:
    from dhr_tracker.escalation.service import escalations, load_open_requests

    database, connection, _ = databases
    with database.session() as session:
        requests = load_open_requests(session, AS_OF)
        positions = escalations(session, AS_OF)
    key = lambda request: request.request_id  # noqa: E731
    assert sorted(requests, key=key) == sorted(baseline.open_requests(connection, AS_OF), key=key)
    assert positions and positions == baseline.escalations(connection, AS_OF)
