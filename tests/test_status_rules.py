"""The recommendation status rules, checked as plain values: no database needed."""

from __future__ import annotations

import datetime as dt

import pytest

from dhr_tracker.actionplan import recommendations, status_rules
from dhr_tracker.actionplan.status_rules import Standing, check_move, path_from_proposed
from dhr_tracker.errors import ValidationError
from dhr_tracker.vocabulary import RecommendationStatus as S

TODAY = dt.date(2026, 11, 23)
DECIDED = dt.date(2025, 3, 3)


def rule_of(standing, wanted, on, **kwargs) -> str:
    with pytest.raises(ValidationError) as refused:
        check_move(standing, wanted, on, today=TODAY, decided_on=DECIDED, **kwargs)
    return refused.value.rule


def test_the_only_way_to_each_status_from_a_new_recommendation():
    assert path_from_proposed(S.PROPOSED) == ()
    assert path_from_proposed(S.NOT_ACCEPTED) == (S.NOT_ACCEPTED,)
    assert path_from_proposed(S.IN_PROGRESS) == (S.ACCEPTED, S.IN_PROGRESS)
    assert path_from_proposed(S.IMPLEMENTED) == (
        S.ACCEPTED,
        S.IN_PROGRESS,
        S.COMPLETED_AWAITING_EVIDENCE,
        S.IMPLEMENTED,
    )


def test_each_rule_is_refused_by_name():
    new = Standing("1", S.PROPOSED)
    assert rule_of(new, S.IN_PROGRESS, dt.date(2025, 9, 1)) == "invalid_transition"  # accepted first
    assert rule_of(new, S.ACCEPTED, dt.date(2027, 1, 1)) == "in_future"
    assert rule_of(new, S.ACCEPTED, None) == "required"
    assert rule_of(new, S.ACCEPTED, dt.date(2025, 3, 2)) == "date_before_decision"  # the day before 03/03/2025
    assert rule_of(new, S.NOT_ACCEPTED, dt.date(2025, 9, 1), reason="  ") == "reason_required"
    accepted = Standing("1", S.ACCEPTED, changed_on=dt.date(2025, 9, 1))
    assert rule_of(accepted, S.IN_PROGRESS, dt.date(2025, 8, 31)) == "date_before_last_change"
    done = Standing("1", S.COMPLETED_AWAITING_EVIDENCE, dt.date(2025, 10, 1), dt.date(2025, 10, 1))
    assert (
        rule_of(done, S.IMPLEMENTED, dt.date(2025, 11, 1), evidence_seen_on=[dt.date(2025, 10, 2)]) == "minute_required"
    )
    assert (
        rule_of(
            done,
            S.IMPLEMENTED,
            dt.date(2025, 11, 1),
            minute_reference="x" * 121,
            evidence_seen_on=[dt.date(2025, 10, 2)],
        )
        == "too_long"
    )
    # Evidence seen on 02/11/2025 is after a sign-off on 01/11/2025: the meeting cannot have rested on it.
    assert (
        rule_of(
            done, S.IMPLEMENTED, dt.date(2025, 11, 1), minute_reference="SG 4", evidence_seen_on=[dt.date(2025, 11, 2)]
        )
        == "evidence_required"
    )
    assert check_move(
        done,
        S.IMPLEMENTED,
        dt.date(2025, 11, 1),
        today=TODAY,
        decided_on=DECIDED,
        minute_reference="SG 4",
        evidence_seen_on=[dt.date(2025, 11, 1)],
    ) == dt.date(2025, 11, 1)
    assert (
        rule_of(Standing("1", S.IMPLEMENTED, dt.date(2025, 11, 1)), S.IN_PROGRESS, dt.date(2025, 12, 1))
        == "invalid_transition"
    )


def test_the_service_uses_these_rules_and_not_a_copy():
    assert recommendations.TRANSITIONS is status_rules.TRANSITIONS
    assert recommendations.check_move is status_rules.check_move
