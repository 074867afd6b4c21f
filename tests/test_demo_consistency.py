"""The demo caseload agrees with itself: rounds for meetings that exist, IMRs asked for on working days, no
"progress as planned" once a recommendation is complete."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dhr_tracker.demo import create_demo_database
from dhr_tracker.meetings.meetings import list_meetings
from dhr_tracker.model import Milestone, ProgressUpdate, Recommendation, UpdateRound
from dhr_tracker.vocabulary import MilestoneKind
from dhr_tracker.workdays import calendar_for

ANCHOR = dt.date(2026, 12, 1)


def test_the_demo_caseload_agrees_with_itself(tmp_path):
    with create_demo_database(tmp_path / "demo.dhrdb", "a demo passphrase 42", cases=24, anchor=ANCHOR) as database:
        with database.session() as session:
            meeting_days = {meeting.held_on for meeting in list_meetings(session)}
            rounds = list(session.scalars(select(UpdateRound)))
            assert len(rounds) == 2
            for round_ in rounds:
                assert round_.meeting_on in meeting_days, round_.meeting_on

            calendar = calendar_for(session)
            for kind in (MilestoneKind.IMR_REQUESTED, MilestoneKind.IMR_RECEIVED):
                days = list(session.scalars(select(Milestone.occurred_on).where(Milestone.kind == kind)))
                assert days and all(calendar.is_working_day(day) for day in days), (kind, days)

            for recommendation in session.scalars(
                select(Recommendation).where(Recommendation.completed_on.is_not(None))
            ):
                later = session.scalars(
                    select(ProgressUpdate).where(
                        ProgressUpdate.recommendation_id == recommendation.id,
                        ProgressUpdate.received_on >= recommendation.completed_on,
                    )
                ).all()
                assert not any("progress as planned" in update.text.casefold() for update in later), (
                    recommendation.number
                )
