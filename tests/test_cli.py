"""The command line: each sub-command's output and exit codes, and never a traceback."""

from __future__ import annotations

import csv
import io
import json

import pytest

from dhr_tracker.cli import main
from tests.conftest import PASSPHRASE


@pytest.fixture
def passphrase_env(monkeypatch):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)


@pytest.fixture
def demo_path(tmp_path, passphrase_env):
    path = tmp_path / "demo.dhrdb"
    assert main(["demo", "--db", str(path), "--cases", "12", "--seed", "4"]) == 0
    return path


@pytest.fixture
def demo_target(engine_kind, request, passphrase_env):
    """The same demo as `demo_path`, in a file or (for tests marked both_engines) on a team database too."""
    if engine_kind == "postgresql":
        target = request.getfixturevalue("empty_team_database_url")
    else:
        target = str(request.getfixturevalue("tmp_path") / "demo.dhrdb")
    assert main(["demo", "--db", target, "--cases", "12", "--seed", "4"]) == 0
    return target


def test_init_creates_an_empty_database(tmp_path, passphrase_env, capsys):
    path = tmp_path / "new.dhrdb"
    assert main(["init", "--db", str(path)]) == 0
    assert "Created an empty encrypted database" in capsys.readouterr().out
    assert main(["cases", "--db", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_init_refuses_a_short_passphrase_and_writes_nothing(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", "too short")
    assert main(["init", "--db", str(tmp_path / "new.dhrdb")]) == 1
    assert "at least 12" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


def test_passphrase_file_is_read(tmp_path, demo_path, monkeypatch, capsys):
    monkeypatch.delenv("DHR_TRACKER_PASSPHRASE")
    secret = tmp_path / "secret.txt"
    secret.write_text(PASSPHRASE + "\n")
    assert main(["cases", "--db", str(demo_path), "--passphrase-file", str(secret)]) == 0
    assert "DHR-" in capsys.readouterr().out


def test_no_passphrase_without_a_terminal_is_a_clear_error(demo_path, monkeypatch, capsys):
    monkeypatch.delenv("DHR_TRACKER_PASSPHRASE")
    monkeypatch.setattr("sys.stdin", io.StringIO(""))
    assert main(["cases", "--db", str(demo_path)]) == 1
    assert "No passphrase given" in capsys.readouterr().err


@pytest.mark.both_engines
def test_cases_json_has_the_documented_fields_and_no_real_names(demo_target, capsys):
    capsys.readouterr()
    assert main(["cases", "--db", demo_target, "--format", "json"]) == 0
    cases = json.loads(capsys.readouterr().out)
    assert len(cases) == 12
    for case in cases:
        assert {"reference", "pseudonym", "stage", "csp_area", "notified_on"} <= set(case)
        assert "victim_real_name" not in case
    stages = {case["stage"] for case in cases}
    assert {"notification", "drafting", "home_office_qa", "closed"} <= stages


@pytest.mark.both_engines
def test_cases_csv_and_table(demo_target, capsys):
    capsys.readouterr()
    assert main(["cases", "--db", demo_target, "--format", "csv"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert len(rows) == 12 and rows[0]["reference"].startswith("DHR-")
    assert main(["cases", "--db", demo_target]) == 0
    table = capsys.readouterr().out
    assert "Reference" in table and "/20" in table  # dates as dd/mm/yyyy


def test_the_same_seed_gives_the_same_caseload(tmp_path, demo_path, capsys):
    other = tmp_path / "again.dhrdb"
    assert main(["demo", "--db", str(other), "--cases", "12", "--seed", "4"]) == 0
    capsys.readouterr()
    outputs = []
    for path in (demo_path, other):
        main(["cases", "--db", str(path), "--format", "json"])
        outputs.append(capsys.readouterr().out)
    assert outputs[0] == outputs[1]


def test_check_reports_ok_then_damage(demo_path, capsys):
    assert main(["check", "--db", str(demo_path)]) == 0
    assert "OK" in capsys.readouterr().out
    data = bytearray(demo_path.read_bytes())
    data[-3000] ^= 0xFF  # flip a byte inside the last page
    demo_path.write_bytes(bytes(data))
    assert main(["check", "--db", str(demo_path)]) == 1
    assert "DAMAGED" in capsys.readouterr().out


def test_wrong_passphrase_exits_3(demo_path, monkeypatch, capsys):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", "definitely not it")
    assert main(["cases", "--db", str(demo_path)]) == 3
    err = capsys.readouterr().err
    assert "passphrase is wrong" in err and "Traceback" not in err


def test_missing_database_exits_1(tmp_path, passphrase_env, capsys):
    assert main(["cases", "--db", str(tmp_path / "absent.dhrdb")]) == 1
    assert "no database at" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv",
    [["frobnicate"], ["cases", "--format", "xml"], ["demo", "--cases", "many"], ["export", "--format", "json"]],
)
def test_usage_errors_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    assert "usage:" in capsys.readouterr().err


def test_passphrase_is_never_taken_from_an_argument(capsys):
    assert main(["cases", "--passphrase", "secret passphrase"]) == 2  # a usage error, and the secret not repeated
    assert "secret passphrase" not in capsys.readouterr().err


def test_reading_commands_run_while_another_process_holds_the_database(demo_path, capsys):
    import subprocess
    import sys
    import textwrap

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            textwrap.dedent(f"""
            import sys
            from dhr_tracker.storage.database import open_database
            database = open_database({str(demo_path)!r}, {PASSPHRASE!r})
            print("holding", flush=True)
            sys.stdin.readline()
            database.close()
        """),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "holding"
        assert main(["cases", "--db", str(demo_path), "--format", "json"]) == 0
        assert len(json.loads(capsys.readouterr().out)) == 12
        assert main(["check", "--db", str(demo_path)]) == 0
        assert (
            main(["export", "--db", str(demo_path), "--format", "json", "--out", str(demo_path.with_suffix(".json"))])
            == 0
        )
    finally:
        holder.communicate("\n", timeout=30)
