"""Creating and changing cases: validation that names the problem and saves nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from dhr_tracker.casework.cases import create_case, find_case, list_cases, update_case
from dhr_tracker.errors import NotFound, ValidationError
from dhr_tracker.model import Case
from dhr_tracker.vocabulary import GuidanceProfile, Stage

pytestmark = pytest.mark.both_engines


TODAY = dt.date(2026, 11, 23)


def new_case(session, **overrides):
    values = dict(
        reference="DHR-2025-03",
        pseudonym="Alex",
        notified_on=dt.date(2025, 3, 4),
        csp_area="Swale",
        victim_real_name="Jane Realname",
        perpetrator_real_name="John Realname",
    )
    values.update(overrides)
    return create_case(session, today=TODAY, **values)


def test_a_new_case_starts_at_notification_and_is_listed(database):
    with database.transaction() as session:
        case = new_case(session, reference="dhr-2025-03")
        assert case.stage is Stage.NOTIFICATION
        assert case.reference == "DHR-2025-03"
        assert case.guidance_profile is GuidanceProfile.DHR_2016
    with database.transaction() as session:
        [summary] = list_cases(session)
        assert (summary.reference, summary.pseudonym, summary.csp_area) == ("DHR-2025-03", "Alex", "Swale")
        assert find_case(session, "dhr-2025-03").id == summary.id


@pytest.mark.parametrize(
    ("overrides", "field", "words"),
    [
        ({"reference": ""}, "reference", "required"),
        ({"reference": "DHR 2025 03!"}, "reference", "letters, digits"),
        ({"pseudonym": "  "}, "pseudonym", "required"),
        ({"pseudonym": "jane realname"}, "pseudonym", "same as a real name"),
        ({"notified_on": dt.date(2027, 1, 1)}, "notified_on", "in the future"),
        ({"date_of_death": dt.date(2025, 3, 5)}, "date_of_death", "after the notification date 04/03/2025"),
        ({"csp_area": "Atlantis"}, "csp_area", "not a CSP area"),
        ({"csp_area": None}, "csp_area", "Choose the CSP area"),
        ({"guidance_profile": "DHR-1999"}, "guidance_profile", "not one of"),
    ],
)
def test_invalid_case_is_refused_with_a_message_and_nothing_saved(database, overrides, field, words):
    with pytest.raises(ValidationError) as refused, database.transaction() as session:
        new_case(session, **overrides)
    assert refused.value.field == field
    assert words in refused.value.message
    with database.transaction() as session:
        assert session.scalar(select(func.count(Case.id))) == 0


def test_cross_border_case_needs_no_kent_area(database):
    with database.transaction() as session:
        case = new_case(session, csp_area=None, commissioning_partnership="East Sussex CSP")
        assert case.is_cross_border


def test_duplicate_reference_is_refused(database):
    with database.transaction() as session:
        new_case(session)
    with pytest.raises(ValidationError, match="already exists"), database.transaction() as session:
        new_case(session, pseudonym="Sam")


def test_a_refused_change_leaves_the_case_as_it_was(database):
    with database.transaction() as session:
        case = new_case(session)
    with database.transaction() as session:
        case = find_case(session, "DHR-2025-03")
        with pytest.raises(ValidationError):
            update_case(session, case, today=TODAY, pseudonym="Robin", notified_on=dt.date(2030, 1, 1))
        assert case.pseudonym == "Alex"
        assert case.notified_on == dt.date(2025, 3, 4)


def test_unknown_reference_is_reported(database):
    with pytest.raises(NotFound, match="no case with reference DHR-1900-01"), database.transaction() as session:
        find_case(session, "dhr-1900-01")


@pytest.mark.parametrize(("field", "value"), [("independent_chair", 1.5), ("notes", ["a list"]), ("pseudonym", True)])
def test_values_of_the_wrong_type_are_refused_not_stored(database, field, value):
    with pytest.raises(ValidationError, match="must be text") as refused, database.transaction() as session:
        new_case(session, **{field: value})
    assert refused.value.field == field
