"""Action plans: recommendations in the Home Office template's terms, status moves, progress updates."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from dhr_tracker.actionplan.progress import add_progress_update, current_updates
from dhr_tracker.actionplan.recommendations import action_plan, add_recommendation, change_status, edit_recommendation
from dhr_tracker.casework.cases import create_case
from dhr_tracker.errors import ValidationError
from dhr_tracker.learning.implementation import record_evidence
from dhr_tracker.model import Agency, AgencyContact, Milestone, ProgressUpdate, Recommendation
from dhr_tracker.vocabulary import ContactLevel, MilestoneKind, RecommendationSource, Scope
from dhr_tracker.vocabulary import RecommendationStatus as S

pytestmark = pytest.mark.both_engines


TODAY = dt.date(2026, 11, 23)
DECIDED = dt.date(2025, 4, 1)


def make_case(session, reference="DHR-2025-03", pseudonym="Alex"):
    case = create_case(
        session,
        today=TODAY,
        reference=reference,
        pseudonym=pseudonym,
        notified_on=dt.date(2025, 3, 4),
        csp_area="Swale",
        victim_real_name="Jane Realname",
        perpetrator_real_name="John Realname",
    )
    session.add(Milestone(case=case, kind=MilestoneKind.DECISION, occurred_on=DECIDED))
    session.flush()
    return case


def add(session, case, **overrides):
    values = dict(
        number="1",
        text="Train call handlers on coercive control.",
        lead_agency="Kent Police",
        target_on=dt.date(2026, 3, 31),
        action="Deliver training to all call handlers.",
    )
    values.update(overrides)
    return add_recommendation(session, case, **values)


def test_a_recommendation_holds_the_template_columns(database):
    with database.transaction() as session:
        case = make_case(session)
        add(
            session,
            case,
            number="2",
            supporting_agencies=["KCC Adult Social Care"],
            key_milestones="Course written",
            source=RecommendationSource.IMR,
            source_agency="Kent Police",
        )
        add(session, case, number="10", text="Review DASH forms.", lead_agency="Home Office", scope=Scope.NATIONAL)
    with database.transaction() as session:
        [second, tenth] = action_plan(session, case)
        assert (second.number, tenth.number) == ("2", "10")
        assert second.lead_agency == "Kent Police" and second.supporting_agencies == ("KCC Adult Social Care",)
        assert second.source_agency == "Kent Police" and second.status is S.PROPOSED
        assert tenth.scope is Scope.NATIONAL and tenth.lead_agency == "Home Office"


@pytest.mark.parametrize(
    ("overrides", "field", "rule", "words"),
    [
        ({"scope": "national"}, "lead_agency", "national_lead", "government department"),
        (
            {"target_on": dt.date(2025, 3, 31)},
            "target_on",
            "target_before_decision",
            "before the decision to review (01/04/2025)",
        ),
        ({"lead_agency": "Nobody Ltd"}, "lead_agency", "unknown_agency", "not an agency"),
        ({"text": " "}, "text", "required", "required"),
        ({"source": "imr"}, "source_agency", "imr_agency_required", "Individual Management Review"),
        ({"supporting_agencies": ["Kent Police"]}, "supporting_agencies", "lead_also_supporting", "lead agency"),
    ],
)
def test_invalid_recommendations_are_refused_and_nothing_is_saved(database, overrides, field, rule, words):
    with database.transaction() as session:
        case = make_case(session)
    with pytest.raises(ValidationError) as refused, database.transaction() as session:
        add(session, session.merge(case), **overrides)
    assert (refused.value.field, refused.value.rule) == (field, rule)
    assert words in refused.value.message
    with database.transaction() as session:
        assert session.scalar(select(func.count(Recommendation.id))) == 0


def test_duplicate_number_and_a_refused_edit_leave_things_as_they_were(database):
    with database.transaction() as session:
        case = make_case(session)
        rec = add(session, case)
        with pytest.raises(ValidationError, match="already has a recommendation numbered 1"):
            add(session, case, text="Another")
        with pytest.raises(ValidationError, match="government department"):
            edit_recommendation(session, rec, scope="national", text="Changed")
        assert rec.text == "Train call handlers on coercive control." and rec.scope is Scope.LOCAL
        edit_recommendation(session, rec, scope="national", lead_agency="Ministry of Justice")
        assert rec.lead_agency.name == "Ministry of Justice"


def test_status_moves_through_to_sign_off(database):
    with database.transaction() as session:
        rec = add(session, make_case(session))
        change_status(session, rec, S.ACCEPTED, on=dt.date(2025, 9, 1), today=TODAY)
        change_status(session, rec, S.IN_PROGRESS, on=dt.date(2025, 10, 1), today=TODAY)
        change_status(
            session, rec, S.COMPLETED_AWAITING_EVIDENCE, on=dt.date(2026, 2, 2), outcome="All trained", today=TODAY
        )
        record_evidence(
            session,
            rec,
            reference="Training register Feb 2026",
            seen_on=dt.date(2026, 3, 1),
            checked_by="DHR coordinator",
            today=TODAY,
        )
        change_status(
            session, rec, S.IMPLEMENTED, on=dt.date(2026, 3, 10), minute_reference="SG 10/03/2026 item 4", today=TODAY
        )
        assert (rec.completed_on, rec.signed_off_on) == (dt.date(2026, 2, 2), dt.date(2026, 3, 10))
        assert rec.signoff_minute_reference == "SG 10/03/2026 item 4" and rec.outcome == "All trained"


def test_invalid_status_moves_are_refused_with_a_clear_message(database):
    with database.transaction() as session:
        rec = add(session, make_case(session))
        with pytest.raises(ValidationError, match="signed off only once it is completed") as refused:
            change_status(session, rec, S.IMPLEMENTED, on=dt.date(2025, 9, 1), minute_reference="SG1", today=TODAY)
        assert refused.value.rule == "invalid_transition"
        with pytest.raises(ValidationError, match="reason"):
            change_status(session, rec, S.NOT_ACCEPTED, on=dt.date(2025, 9, 1), today=TODAY)
        with pytest.raises(ValidationError, match="before the decision to review"):
            change_status(session, rec, S.ACCEPTED, on=dt.date(2025, 3, 1), today=TODAY)
        with pytest.raises(ValidationError, match="in the future"):
            change_status(session, rec, S.ACCEPTED, on=dt.date(2027, 1, 1), today=TODAY)
        change_status(session, rec, S.ACCEPTED, on=dt.date(2025, 9, 1), today=TODAY)
        change_status(session, rec, S.IN_PROGRESS, on=dt.date(2025, 9, 2), today=TODAY)
        change_status(session, rec, S.COMPLETED_AWAITING_EVIDENCE, on=dt.date(2025, 10, 1), today=TODAY)
        with pytest.raises(ValidationError, match="minute reference"):
            change_status(session, rec, S.IMPLEMENTED, on=dt.date(2025, 11, 1), today=TODAY)
        with pytest.raises(ValidationError, match="became 'Completed, awaiting evidence' on 01/10/2025"):
            change_status(session, rec, S.IMPLEMENTED, on=dt.date(2025, 9, 30), minute_reference="SG", today=TODAY)
        assert rec.status is S.COMPLETED_AWAITING_EVIDENCE
        rec2 = add(session, rec.case, number="2")
        change_status(
            session, rec2, S.NOT_ACCEPTED, on=dt.date(2025, 9, 1), reason="Covered by national guidance", today=TODAY
        )
        with pytest.raises(ValidationError, match="final"):
            change_status(session, rec2, S.ACCEPTED, on=dt.date(2025, 9, 2), today=TODAY)


def test_progress_updates_are_kept_and_corrected_by_new_entries(database):
    with database.transaction() as session:
        rec = add(session, make_case(session))
        police = session.scalar(select(Agency).where(Agency.name == "Kent Police"))
        lead = AgencyContact(agency=police, level=ContactLevel.LEAD, name="Pat Lead")
        session.add(lead)
        first = add_progress_update(
            session,
            rec,
            received_on=dt.date(2025, 10, 1),
            contact=lead,
            text="Course drafted",
            evidence_reference="EV-1",
            today=TODAY,
        )
        fix = add_progress_update(
            session,
            rec,
            received_on=dt.date(2025, 10, 3),
            contact_name="Pat Lead",
            text="Course drafted and approved",
            corrects=first,
            today=TODAY,
        )
        assert first.contact_name == "Pat Lead"
        assert current_updates(rec) == [fix]
        assert [u.text for u in rec.updates] == ["Course drafted", "Course drafted and approved"]
        with pytest.raises(ValidationError, match="before the update it corrects"):
            add_progress_update(
                session,
                rec,
                received_on=dt.date(2025, 9, 30),
                contact_name="Pat",
                text="x",
                corrects=first,
                today=TODAY,
            )
        with pytest.raises(ValidationError, match="name of the person"):
            add_progress_update(session, rec, received_on=dt.date(2025, 10, 4), text="x", today=TODAY)
        other = session.scalar(select(Agency).where(Agency.name == "Home Office"))
        stranger = AgencyContact(agency=other, level=ContactLevel.LEAD, name="Sam Other")
        session.add(stranger)
        with pytest.raises(ValidationError, match="neither the lead nor a supporting agency"):
            add_progress_update(session, rec, received_on=dt.date(2025, 10, 4), contact=stranger, text="x", today=TODAY)
    with database.transaction() as session:
        assert session.scalar(select(func.count(ProgressUpdate.id))) == 2
