"""The case form kept open while a colleague saves the same case (a team database has several writers)."""

from __future__ import annotations

import datetime as dt

import pytest

from dhr_tracker.casework.cases import create_case, find_case, update_case
from dhr_tracker.errors import ValidationError
from ui.models.loaders import load_case_detail  # noqa: I001
from ui.screens.case.screen import _save_case  # first: ui.models.loaders and ui.screens import each other

pytestmark = pytest.mark.both_engines
TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def case_id(database):
    with database.transaction() as session:
        return create_case(
            session,
            reference="DHR-2026-07",
            pseudonym="Kit",
            notified_on=dt.date(2026, 2, 2),
            csp_area="Dover",
            today=TODAY,
        ).id


def form_values(detail, **changes):
    values = {key: detail.values[key] for key in ("reference", "pseudonym", "notified_on", "csp_area", "notes")}
    return values | changes


def test_a_save_over_a_colleagues_change_to_the_form_is_refused_and_theirs_kept(database, case_id):
    with database.transaction() as session:
        opened = load_case_detail(session, case_id, TODAY)  # I open the case...
    with database.transaction() as session:  # ...a colleague changes its chair and saves...
        update_case(session, find_case(session, "DHR-2026-07"), independent_chair="Dr A Chair", today=TODAY)
    with pytest.raises(
        ValidationError, match=r"This case was changed by \S+ at \d\d/\d\d/\d{4} \d\d:\d\d since you opened it"
    ):
        with database.transaction() as session:  # ...then I save my notes.
            _save_case(session, case_id, form_values(opened, notes="Mine"), TODAY, opened)
    with database.transaction() as session:
        case = find_case(session, "DHR-2026-07")
        assert (case.independent_chair, case.notes) == ("Dr A Chair", "")


def test_a_change_elsewhere_does_not_stop_the_save(database, case_id):
    from dhr_tracker.lifecycle import services
    from dhr_tracker.vocabulary import Decision

    with database.transaction() as session:
        opened = load_case_detail(session, case_id, TODAY)
    with database.transaction() as session:  # a decision moves the stage on: not a field of the form
        services.record_decision(
            session, find_case(session, "DHR-2026-07"), Decision.REVIEW, dt.date(2026, 3, 2), today=TODAY
        )
    with database.transaction() as session:
        _save_case(session, case_id, form_values(opened, notes="Mine"), TODAY, opened)
    with database.transaction() as session:
        case = find_case(session, "DHR-2026-07")
        assert case.notes == "Mine" and case.decision is Decision.REVIEW


def test_a_recommendation_edited_meanwhile_is_not_overwritten(database, case_id):
    from sqlalchemy import select

    from dhr_tracker.actionplan.recommendations import add_recommendation, edit_recommendation
    from dhr_tracker.actionplan.records import get_stored_recommendation
    from dhr_tracker.model import Agency, Case, Recommendation
    from ui.screens.case.actions import _edit_recommendation

    with database.transaction() as session:
        police = session.scalars(select(Agency).where(Agency.name.like("Kent Police%"))).first()
        rec_id = add_recommendation(
            session, session.get(Case, case_id), number="1", text="Train staff", lead_agency=police
        ).id
    with database.transaction() as session:  # my dialog opens
        opened = get_stored_recommendation(session, rec_id)
    with database.transaction() as session:  # a colleague rewords it
        edit_recommendation(session, session.get(Recommendation, rec_id), text="Train every officer")
    with pytest.raises(ValidationError, match="This recommendation was changed by .* since you opened it"):
        with database.transaction() as session:
            _edit_recommendation(session, rec_id, opened, {"text": "Train staff yearly"})
    with database.transaction() as session:
        assert session.get(Recommendation, rec_id).text == "Train every officer"
