"""Property: generated names (middle names, hyphens, apostrophes, accents, either order), stored one way
and written another, are stopped by the real outputs of a real encrypted database: the CSV/XLSX export
tables, the action plan's data, a command-line listing, the update pack (workbook and e-mail draft) and the
seminar pack."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from dhr_tracker.casework.cases import create_case
from dhr_tracker.cli.common import OUTPUT_GUARD, print_table
from dhr_tracker.errors import UserError
from dhr_tracker.exchange.packs.content import find_round
from dhr_tracker.exchange.packs.make import make_packs
from dhr_tracker.exchange.sheets.export import export_tables
from dhr_tracker.learning.themes import set_case_themes, set_recommendation_themes
from dhr_tracker.model import (
    Agency,
    Case,
    ProgressUpdate,
    Recommendation,
    Theme,
    UpdateRequest,
    UpdateRequestItem,
    UpdateRound,
)
from dhr_tracker.privacy.channels import ACTION_PLAN
from dhr_tracker.reports.action_plan import gather_action_plan
from dhr_tracker.reports.learning_pack import write_pack
from dhr_tracker.reports.pseudonyms import RealNameFound, RealNameGuard
from dhr_tracker.vocabulary import RecommendationStatus
from tests.privacy.test_matching import FORENAMES, MIDDLES, SURNAMES, _variants

TODAY = dt.date(2026, 11, 23)
MEETING_ON = dt.date(2026, 12, 10)


@pytest.fixture
def one_case(database):
    with database.transaction() as session:
        case = create_case(
            session,
            today=TODAY,
            reference="DHR-2025-01",
            pseudonym="Remy",
            notified_on=dt.date(2025, 1, 6),
            csp_area="Dover",
        )
        agency = session.scalar(select(Agency).order_by(Agency.id))
        recommendation = Recommendation(
            case=case, number="1", text="Train staff", lead_agency=agency, status=RecommendationStatus.IN_PROGRESS
        )  # open and agreed: it goes in a pack
        session.add(recommendation)
        session.flush()
        # The review touches a learning theme (the seminar pack) and its agency is asked for an update (the pack).
        theme = session.scalar(select(Theme).where(Theme.active.is_(True)).order_by(Theme.id))
        set_case_themes(session, case, [theme.name])
        set_recommendation_themes(session, recommendation, [theme.name])
        round_ = UpdateRound(meeting_on=MEETING_ON, requested_on=dt.date(2026, 11, 2), due_on=dt.date(2026, 11, 30))
        request = UpdateRequest(agency=agency, requested_on=round_.requested_on, due_on=round_.due_on)
        request.items.append(UpdateRequestItem(recommendation=recommendation))
        round_.requests.append(request)
        session.add(round_)
    return database


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
@given(forename=FORENAMES, middles=MIDDLES, surname=SURNAMES, stored_reversed=st.booleans(), data=st.data())
def test_generated_names_are_stopped_in_every_channel(
    one_case, capsys, tmp_path, forename, middles, surname, stored_reversed, data
):
    middle = " ".join(middles)
    stored = f"{surname.upper()}, {forename} {middle}".strip() if stored_reversed else f"{forename} {middle} {surname}"
    written = data.draw(st.sampled_from(_variants(forename, middles, surname)))
    with one_case.session() as session, session.begin():
        case = session.scalar(select(Case))
        case.victim_real_name = " ".join(stored.split())
        recommendation = session.scalar(select(Recommendation))
        session.add(
            ProgressUpdate(
                recommendation=recommendation,
                received_on=dt.date(2026, 3, 2),
                contact_name="Pat Example",
                text=f"Met the family of {written}",
            )
        )
        session.flush()
        with pytest.raises(UserError, match="DHR-2025-01"):
            export_tables(session)
        guard = RealNameGuard.from_session(session)
        with pytest.raises(RealNameFound, match="DHR-2025-01"):
            guard.check_data(gather_action_plan(session, "DHR-2025-01", as_of=TODAY), where=ACTION_PLAN)
        OUTPUT_GUARD.guard = guard
        try:
            with pytest.raises(RealNameFound, match="DHR-2025-01"):
                print_table([("DHR-2025-01", f"Remy ({written})")], ("Reference", "Pseudonym"))
        finally:
            OUTPUT_GUARD.guard = None
        assert capsys.readouterr().out == ""
        # The update pack shows the latest update; nothing is written, neither the workbook nor the draft.
        packs = tmp_path / "packs"
        with pytest.raises(RealNameFound, match="DHR-2025-01"):
            make_packs(session, find_round(session, MEETING_ON), packs)
        assert not packs.exists() or not list(packs.iterdir())
        # The seminar pack shows the recommendations under its theme.
        session.execute(update(Recommendation).values(text=f"Write to the family of {written}"))
        seminar = tmp_path / "seminar.pdf"
        with pytest.raises(RealNameFound, match="DHR-2025-01"):
            write_pack(
                session, session.scalar(select(Theme.name).where(Theme.active.is_(True)).order_by(Theme.id)), seminar
            )
        assert not seminar.exists()
        session.rollback()
