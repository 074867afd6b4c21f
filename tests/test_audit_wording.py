"""The audit trail read as sentences: what was done, to what, with dd/mm/yyyy dates and names, never ids or columns."""

from __future__ import annotations

import datetime as dt
import re

from sqlalchemy import select

from dhr_tracker.casework.cases import find_case
from dhr_tracker.cli import main
from dhr_tracker.escalation.rounds import ReplyEntry, record_reply
from dhr_tracker.lifecycle.services import start_pause
from dhr_tracker.model import Agency
from dhr_tracker.security.audit import entries_for_case
from dhr_tracker.security.audit_wording import AuditNames, describe, describe_changes
from tests.conftest import PASSPHRASE
from tests.test_letters import TODAY, build

D = dt.date
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
RAW_COLUMN = re.compile(r"\b[a-z]+_[a-z_]+\b")  # settled_on, progress_update_id, ...


def trail(database, reference):
    with database.session() as session:
        entries = entries_for_case(session, find_case(session, reference).id)
        names = AuditNames.load(session, entries)
        return [(describe(e, names), describe_changes(e, names)) for e in entries]


def test_the_trail_of_a_case_reads_as_sentences(database):
    with database.transaction() as session:
        police, _kmpt, round_ = build(session)
        case = find_case(session, "DHR-2024-07")
        request = next(r for r in round_.requests if r.agency_id == police.id)
        record_reply(
            session,
            request,
            received_on=D(2026, 2, 3),
            contact_name="Pat Lead",
            entries=[ReplyEntry(request.items[0].recommendation_id, "Grading reviewed")],
            today=TODAY,
        )
        start_pause(session, case, "Criminal trial", D(2026, 3, 2), today=TODAY)

    sentences = trail(database, "DHR-2024-07")
    whats = [what for what, _ in sentences]
    # Recommendation 1 of DHR-2024-07 is Kent Police's; the reply of 03/02/2026 settled it.
    assert "Settled Kent Police's update request for recommendation 1" in whats
    assert "Recorded an update on recommendation 1 received on 03/02/2026" in whats
    assert "Paused the case from 02/03/2026: Criminal trial" in whats
    assert "Added recommendation 1" in whats and "Opened the case" in whats
    settled = dict(sentences)["Settled Kent Police's update request for recommendation 1"]
    assert settled == "Settled on: (empty) → 03/02/2026"
    for what, changes in sentences:
        text = f"{what} {changes}"
        assert not ISO_DATE.search(text), text
        assert not RAW_COLUMN.search(text), text
        assert "Jane Hartley" not in text and "John Pemberton" not in text  # real names stay withheld


def test_the_audit_case_command_prints_sentences_with_uk_times(database, database_path, monkeypatch, capsys):
    monkeypatch.setenv("DHR_TRACKER_PASSPHRASE", PASSPHRASE)
    with database.transaction() as session:
        build(session)
        assert session.scalar(select(Agency).where(Agency.name == "Kent Police")) is not None
    database.close()
    assert main(["audit", "case", "--db", str(database_path), "DHR-2024-07"]) == 0
    out = capsys.readouterr().out
    assert "When (UK time)" in out and "Added recommendation 1" in out and "Opened the case" in out
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", out)  # dd/mm/yyyy hh:mm, UK local time
    assert not ISO_DATE.search(out) and "update_request_item" not in out and "dhr_case" not in out
