"""The caseload overview (`lifecycle.today`): computed once, brought up to date by the cases a commit touched."""

from __future__ import annotations

import datetime as dt

from dhr_tracker.casework.cases import find_case
from dhr_tracker.lifecycle import services
from dhr_tracker.lifecycle.today import caseload_for
from dhr_tracker.record import apply_lines
from dhr_tracker.settings import RAG_DUE_SOON_DAYS, Settings
from dhr_tracker.vocabulary import MilestoneKind

D = dt.date
TODAY = D(2025, 3, 20)

# Two cases decided on 10/03/2025: decision due 03/04 (notified 03/03 + 1 month), Home Office told the same day.
TWO_CASES = [
    {
        "event": "case_created",
        "reference": "DHR-2025-21",
        "pseudonym": "Ellis",
        "notified_on": "2025-03-03",
        "csp_area": "Swale",
    },
    {
        "event": "decision",
        "case": "DHR-2025-21",
        "decision": "review",
        "on": "2025-03-10",
        "home_office_informed_on": "2025-03-10",
    },
    {
        "event": "case_created",
        "reference": "DHR-2025-22",
        "pseudonym": "Harley",
        "notified_on": "2025-03-04",
        "csp_area": "Swale",
    },
    {
        "event": "decision",
        "case": "DHR-2025-22",
        "decision": "review",
        "on": "2025-03-10",
        "home_office_informed_on": "2025-03-10",
    },
]


def positions(database, as_of=TODAY, **options):
    with database.transaction() as session:
        return {p.reference: p for p in caseload_for(session).positions(session, as_of, **options)}


def test_a_write_recomputes_only_the_case_it_touched(database):
    with database.transaction() as session:
        apply_lines(session, TWO_CASES, today=TODAY)
    before = positions(database)
    assert positions(database)["DHR-2025-21"] is before["DHR-2025-21"]  # served from the cache
    version = database.changes.version
    with database.transaction() as session:
        services.record_milestone(
            session, find_case(session, "DHR-2025-21"), MilestoneKind.CHAIR_APPOINTED, D(2025, 3, 18), today=TODAY
        )
    assert database.changes.version == version + 1
    after = positions(database)
    assert after["DHR-2025-21"].facts.stage.value == "commissioning"  # the write is seen at once
    assert after["DHR-2025-21"] is not before["DHR-2025-21"]
    assert after["DHR-2025-22"] is before["DHR-2025-22"]  # the other case was not recomputed
    assert list(after) == ["DHR-2025-21", "DHR-2025-22"]


def test_a_rolled_back_write_leaves_the_overview_as_it_was_and_a_session_sees_its_own_changes(database):
    with database.transaction() as session:
        apply_lines(session, TWO_CASES, today=TODAY)
    before = positions(database)
    version = database.changes.version
    session = database.session()
    try:
        session.begin()
        services.record_milestone(
            session, find_case(session, "DHR-2025-22"), MilestoneKind.CHAIR_APPOINTED, D(2025, 3, 18), today=TODAY
        )
        seen = {p.reference: p for p in caseload_for(session).positions(session, TODAY)}
        assert seen["DHR-2025-22"].facts.stage.value == "commissioning"  # its own uncommitted change
        session.rollback()
    finally:
        session.close()
    assert database.changes.version == version
    assert positions(database)["DHR-2025-22"] is before["DHR-2025-22"]
    assert positions(database)["DHR-2025-22"].facts.stage.value == "decision"


def test_a_changed_setting_recomputes_every_case(database):
    with database.transaction() as session:
        apply_lines(session, TWO_CASES, today=TODAY)
    # On 20/03/2025 the decisions are met and nothing else is due: green, until "due soon" is long enough
    # to reach the completion deadline of 10/09/2025 (10/03 + 6 months): 174 days away.
    assert {p.rag.rating.value for p in positions(database).values()} == {"green"}
    with database.transaction() as session:
        Settings(session).set(RAG_DUE_SOON_DAYS, 180)
    assert {p.rag.rating.value for p in positions(database).values()} == {"amber"}


def test_positions_are_kept_per_as_of_date(database):
    with database.transaction() as session:
        apply_lines(session, TWO_CASES, today=TODAY)
    # On 03/03/2025 only the first case had been notified, and it had no decision yet.
    earlier = positions(database, D(2025, 3, 3))
    assert list(earlier) == ["DHR-2025-21"] and earlier["DHR-2025-21"].facts.stage.value == "notification"
    assert positions(database)["DHR-2025-21"].facts.stage.value == "decision"
    assert positions(database, D(2025, 3, 3))["DHR-2025-21"] is earlier["DHR-2025-21"]


def test_escalations_are_kept_across_a_milestone_but_not_across_other_writes(database):
    with database.transaction() as session:
        apply_lines(session, TWO_CASES, today=TODAY)
    with database.transaction() as session:
        first = caseload_for(session).escalations(session, TODAY)
    with database.transaction() as session:
        services.record_milestone(
            session, find_case(session, "DHR-2025-21"), MilestoneKind.CHAIR_APPOINTED, D(2025, 3, 18), today=TODAY
        )
    with database.transaction() as session:
        assert caseload_for(session).escalations(session, TODAY) is first
    with database.transaction() as session:
        Settings(session).set(RAG_DUE_SOON_DAYS, 20)
    with database.transaction() as session:
        assert caseload_for(session).escalations(session, TODAY) is not first


def test_a_bulk_statement_through_the_session_counts_as_a_change_to_everything(database):
    from sqlalchemy import update

    from dhr_tracker.model import Case

    with database.transaction() as session:
        apply_lines(session, TWO_CASES, today=TODAY)
    before = positions(database)
    with database.transaction() as session:
        session.execute(update(Case).where(Case.reference == "DHR-2025-22").values(pseudonym="Kit"))
    after = positions(database)
    assert after["DHR-2025-22"].facts.pseudonym == "Kit"
    assert after["DHR-2025-21"] is not before["DHR-2025-21"]  # it cannot say which case: all are reloaded


def test_closing_the_database_drops_the_overview(database_path):
    from dhr_tracker.storage.database import open_database
    from tests.conftest import PASSPHRASE

    database = open_database(database_path, PASSPHRASE)
    with database.transaction() as session:
        apply_lines(session, TWO_CASES, today=TODAY)
    assert len(positions(database)) == 2
    assert "caseload" in database.changes.views
    database.close()  # the app's lock closes the database: no view of its data may stay in memory
    assert database.changes.views == {}


def test_a_closed_case_is_loaded_only_for_a_day_it_may_have_been_open(database):
    from dhr_tracker.lifecycle.facts import ClosedCase

    with database.transaction() as session:
        apply_lines(
            session,
            TWO_CASES
            + [
                {
                    "event": "case_created",
                    "reference": "DHR-2025-23",
                    "pseudonym": "Lee",
                    "notified_on": "2025-03-03",
                    "csp_area": "Swale",
                },
                # No review, Home Office told Wed 12/03/2025: closed that day.
                {
                    "event": "decision",
                    "case": "DHR-2025-23",
                    "decision": "no_review",
                    "on": "2025-03-10",
                    "home_office_informed_on": "2025-03-12",
                },
            ],
            today=TODAY,
        )
    database.changes.close()  # start from an empty overview, as after unlocking
    assert list(positions(database, open_only=True)) == ["DHR-2025-21", "DHR-2025-22"]
    with database.transaction() as session:
        caseload = caseload_for(session)
        closed_id = find_case(session, "DHR-2025-23").id
    assert isinstance(caseload._facts[closed_id], ClosedCase)  # today's open set never needed its facts
    # On Tue 11/03/2025 it was open, at the decision stage, the Home Office not yet told (due Mon 17/03).
    on_the_11th = positions(database, D(2025, 3, 11), open_only=True)
    assert list(on_the_11th) == ["DHR-2025-21", "DHR-2025-22", "DHR-2025-23"]
    assert on_the_11th["DHR-2025-23"].facts.stage.value == "decision"
    assert positions(database)["DHR-2025-23"].rag.rating.value == "closed"  # every case: listed, no rating
