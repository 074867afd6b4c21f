"""Bad input, generated (hypothesis): every refusal is a clear message, never a traceback, and saves nothing.

Covers the case form's fields (create_case, update_case), every declared setting, recommendations
(add and edit), and the command line: any sub-command with any arguments, run in-process.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import sys

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from dhr_tracker.casework.cases import EDITABLE_FIELDS, create_case, find_case, update_case
from dhr_tracker.cli import build_parser, main
from dhr_tracker.errors import ValidationError
from dhr_tracker.model import AuditEntry, Case, Recommendation
from dhr_tracker.settings import SETTINGS, SettingError
from tests.conftest import PASSPHRASE

TODAY = dt.date(2026, 11, 23)
FAST = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
TRACEBACK_WORDS = ("Traceback", 'File "', "Error:", "sqlalchemy", "sqlcipher3")

# Text as a person could type or paste it (no NUL, no lone surrogates: neither survives a form or argv).
typed = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=60)
tricky = st.sampled_from(
    [
        "",
        " ",
        "-1",
        "0",
        "1",
        "99999999999999999999",
        "1e9",
        "31/02/2025",
        "2025-13-01",
        "29/02/2023",
        "01/01/2999",
        "DHR-2025-03",
        "dhr 2025 03",
        "Swale",
        "swale",
        "Atlantis",
        "DHR-2016",
        "DARDR",
        "None",
        "null",
        "true",
        "'; DROP TABLE dhr_case; --",
        "é" * 300,
        "\u202e",
        "../../etc/passwd",
        "x" * 5000,
    ]
)
values = st.one_of(
    typed,
    tricky,
    st.none(),
    st.booleans(),
    st.integers(),
    st.floats(allow_nan=True),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    st.lists(st.integers(), max_size=3),
)
# What a form, an import or the command line can hand the case service: text (or nothing) for text fields,
# or a wrongly typed value; for dates, a date or anything a date field might wrongly pass on.
text_value = st.one_of(typed, tricky, st.none(), st.integers(), st.booleans())
date_value = st.one_of(
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)),
    typed,
    tricky,
    st.none(),
    st.integers(),
)
DATE_FIELDS = ("date_of_death", "notified_on")


@st.composite
def case_changes(draw, fields=EDITABLE_FIELDS) -> dict:
    chosen = draw(st.lists(st.sampled_from(fields), min_size=1, max_size=4, unique=True))
    return {field: draw(date_value if field in DATE_FIELDS else text_value) for field in chosen}


VALID = dict(reference="DHR-2025-03", pseudonym="Alex", notified_on=dt.date(2025, 3, 4), csp_area="Swale")


def counts(database) -> tuple[int, int, int]:
    with database.session() as session:
        return tuple(session.scalar(select(func.count(model.id))) for model in (Case, Recommendation, AuditEntry))


def assert_clear(error: ValidationError) -> None:
    message = error.message
    assert len(message) >= 10 and not message[0].islower() and message.rstrip()[-1] in ".?)'", message
    assert error.field is None or error.field in EDITABLE_FIELDS or isinstance(error.field, str)
    assert not any(word in error.message for word in TRACEBACK_WORDS[:2])


@FAST
@given(changes=case_changes(EDITABLE_FIELDS + ("stage", "id", "unknown")))
def test_creating_a_case_from_any_input_saves_it_whole_or_refuses_clearly(database, changes):
    before = counts(database)
    try:
        with database.transaction() as session:
            case = create_case(session, today=TODAY, **{**VALID, **changes})
            session.delete(case)  # keep the database empty for the next example (audited: create + delete)
        created = True
    except ValidationError as error:
        assert_clear(error)
        created = False
    after = counts(database)
    if created:
        assert after[:2] == before[:2] and after[2] == before[2] + 2
    else:
        assert after == before  # nothing saved, not even an audit entry


@pytest.fixture
def existing_case(database):
    with database.transaction() as session:
        create_case(session, today=TODAY, **VALID, victim_real_name="Jane Realname")
    return database


def snapshot(database) -> dict:
    with database.session() as session:
        case = find_case(session, "DHR-2025-03")
        return {field: getattr(case, field) for field in EDITABLE_FIELDS if field != "csp_area"} | {
            "area": case.csp_area_id
        }


@FAST
@given(changes=case_changes())
def test_a_refused_change_to_a_case_leaves_it_exactly_as_it_was(existing_case, changes):
    database = existing_case
    before, before_counts = snapshot(database), counts(database)
    try:
        with database.transaction() as session:
            update_case(session, find_case(session, "DHR-2025-03"), today=TODAY, **changes)
            raise _Undo()  # a valid change is rolled back: this test is about refusals
    except _Undo:
        pass
    except ValidationError as error:
        assert_clear(error)
    assert snapshot(database) == before
    assert counts(database) == before_counts


class _Undo(Exception):
    pass


@settings(max_examples=150, deadline=None)
@given(key=st.sampled_from(sorted(SETTINGS)), value=values)
def test_every_setting_accepts_its_type_or_says_what_it_accepts(key, value):
    setting = SETTINGS[key]
    try:
        cleaned = setting.clean(value)
    except SettingError as error:
        message = str(error)
        assert (
            len(message) >= 10 and not message[0].islower() and not any(word in message for word in TRACEBACK_WORDS[:2])
        )
    else:
        assert setting.clean(cleaned) == cleaned  # what it keeps, it accepts again unchanged
        if setting.kind in (int, str, bool, list):
            assert isinstance(cleaned, setting.kind)


@FAST
@given(
    changes=st.dictionaries(
        st.sampled_from(
            [
                "number",
                "text",
                "lead_agency",
                "scope",
                "target_on",
                "status",
                "action",
                "source",
                "source_agency",
                "supporting_agencies",
                "bogus",
            ]
        ),
        values,
        min_size=1,
        max_size=4,
    )
)
def test_recommendations_from_any_input_are_saved_whole_or_refused_clearly(existing_case, changes):
    from dhr_tracker.actionplan.recommendations import add_recommendation

    database = existing_case
    before = counts(database)
    try:
        with database.transaction() as session:
            add_recommendation(
                session,
                find_case(session, "DHR-2025-03"),
                **{"number": "1", "text": "Train staff", "lead_agency": "Kent Police", **changes},
            )
            raise _Undo()
    except _Undo:
        pass
    except ValidationError as error:
        assert len(error.message) >= 10 and not error.message[0].islower()
    assert counts(database) == before


# --- The command line ------------------------------------------------------------------------------


def _commands() -> dict[str, list]:
    """Every sub-command (nested ones as 'audit verify') and its argparse actions."""
    found: dict[str, list] = {}

    def walk(prefix: list[str], command_parser) -> None:
        nested = [action for action in command_parser._actions if action.__class__.__name__ == "_SubParsersAction"]
        if prefix and not nested:
            found[" ".join(prefix)] = [action for action in command_parser._actions if action.dest != "help"]
        for action in nested:
            for name, sub in action.choices.items():
                walk(prefix + [name], sub)

    walk([], build_parser())
    return found


COMMANDS = _commands()
token = st.one_of(typed.filter(lambda text: not text.startswith("-") or len(text) < 2), tricky)


@st.composite
def command_lines(draw) -> list[str]:
    """Mostly well-formed command lines with bad values, so the values reach the commands' own checks."""
    if draw(st.integers(0, 19)) == 0:  # now and then, anything at all
        return draw(
            st.lists(
                st.one_of(token, st.sampled_from(["--help", "--version", "-x", "audit", "case"])),
                min_size=1,
                max_size=5,
            )
        )
    command = draw(st.sampled_from(sorted(COMMANDS)))
    argv = command.split()
    for action in COMMANDS[command]:
        if not action.option_strings:  # a positional argument
            argv.append(
                draw(st.sampled_from(sorted(action.choices))) if action.choices and draw(st.booleans()) else draw(token)
            )
        elif action.required or action.dest == "db" or draw(st.integers(0, 2)) == 0:
            argv.append(action.option_strings[-1])
            if action.nargs != 0:
                choices = sorted(map(str, action.choices)) if action.choices else []
                argv.append(draw(st.sampled_from(choices)) if choices and draw(st.booleans()) else draw(token))
    if draw(st.integers(0, 9)) == 0:
        argv.insert(draw(st.integers(1, len(argv))), draw(st.sampled_from(["--no-such-option", "extra"])))
    return argv


@pytest.fixture
def cli_world(database_path, tmp_path, monkeypatch):
    """A real database, a working folder of its own, and the raw key (so each open costs no key derivation)."""
    salt = database_path.read_bytes()[:16]
    key = "x'" + hashlib.pbkdf2_hmac("sha512", PASSPHRASE.encode(), salt, 256_000, 32).hex() + "'"
    work = tmp_path / "work"
    work.mkdir()
    monkeypatch.chdir(work)
    # A command line without --db uses the default database in the user data folder: keep that in the test.
    monkeypatch.setenv("HOME", str(work))
    monkeypatch.setenv("XDG_DATA_HOME", str(work / "user-data"))
    monkeypatch.setenv("APPDATA", str(work / "user-data"))
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", key)
    monkeypatch.delenv("DHR_TRACKER_NEW_PASSPHRASE", raising=False)
    monkeypatch.delenv("DHR_TRACKER_DEBUG", raising=False)
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    return database_path, work


def _tree(folder) -> dict[str, bytes]:
    return {str(path): path.read_bytes() for path in folder.rglob("*") if path.is_file()}


@FAST
@given(argv=command_lines())
def test_any_command_line_ends_with_a_message_and_an_exit_code_never_a_traceback(cli_world, capsys, argv):
    database_path, work = cli_world
    # Point --db at the real database most of the time, so the arguments after it are really checked.
    argv = [
        str(database_path)
        if previous == "--db" and os.sep not in value and value[:1] != "/" and len(value) % 3
        else value
        for previous, value in zip([""] + argv, argv)
    ]
    before, before_work = database_path.read_bytes(), _tree(work)
    try:
        code = main(argv)
    except SystemExit as exit_:  # argparse: --help, --version, usage errors
        code = exit_.code
    out, err = capsys.readouterr()
    event(f"exit code {code}")  # shown by --hypothesis-show-statistics
    assert code in (0, 1, 2, 3), (argv, code, err)
    assert "Traceback" not in err and "Traceback" not in out
    if code != 0:
        assert (err + out).strip(), f"{argv}: exit {code} without a message"
        assert database_path.read_bytes() == before, f"{argv}: refused but the database changed"
        assert _tree(work) == before_work, f"{argv}: refused but files were written"
