"""The Home Office action plan: landscape, the template's columns on every page, every recommendation, no real name."""

from __future__ import annotations

import datetime as dt

import pypdf
import pytest
from sqlalchemy import select

from dhr_tracker.demo import build_demo_caseload
from dhr_tracker.model import Agency, Case, ProgressUpdate, Recommendation
from dhr_tracker.reports import RealNameFound
from dhr_tracker.reports.action_plan import COLUMNS, write_action_plan
from dhr_tracker.vocabulary import RecommendationStatus

TODAY = dt.date(2026, 11, 23)


def test_a_long_plan_keeps_its_columns_and_markings_on_every_page(database, tmp_path):
    with database.transaction() as session:
        build_demo_caseload(session, cases=10, anchor=TODAY)
        case = session.scalars(select(Case).where(Case.stage == "drafting")).first()
        agency = session.scalars(select(Agency).order_by(Agency.name)).first()
        for number in range(1, 41):
            recommendation = Recommendation(
                case=case,
                number=str(number),
                lead_agency=agency,
                text=f"Recommendation text {number} for the panel.",
                action="Agree a protocol; audit it.",
                target_on=dt.date(2027, 3, 31),
                status=RecommendationStatus.IMPLEMENTED if number % 5 == 0 else RecommendationStatus.IN_PROGRESS,
                completed_on=dt.date(2026, 10, 1) if number % 5 == 0 else None,
                signed_off_on=dt.date(2026, 10, 20) if number % 5 == 0 else None,
                signoff_minute_reference="SG/2026/14" if number % 5 == 0 else "",
            )
            recommendation.updates.append(
                ProgressUpdate(
                    received_on=dt.date(2026, 9, 1), contact_name="Pat Example", text=f"Progress on item {number}."
                )
            )
            session.add(recommendation)
        reference, names = case.reference, [case.victim_real_name, case.perpetrator_real_name]
    with database.transaction() as session:
        path = write_action_plan(session, reference, tmp_path / "plan.pdf", as_of=TODAY)
    reader = pypdf.PdfReader(path)
    assert len(reader.pages) >= 3
    everything = ""
    for number, page in enumerate(reader.pages, start=1):
        assert page.mediabox.width > page.mediabox.height
        text = page.extract_text()
        everything += text
        assert text.count("OFFICIAL-SENSITIVE") == 2 and f"Page {number} of {len(reader.pages)}" in text
        flat = " ".join(text.split())
        for column in (
            "Recommendation",
            "Scope",
            "Action to take",
            "Lead agency",
            "Key milestones achieved",
            "Target date",
        ):
            assert column in flat, (number, column)
        assert "Date of completion" in flat
    flat = " ".join(everything.split())
    for number in range(1, 41):
        assert f"Recommendation text {number} for the panel." in flat
    assert "Signed off 20/10/2026 (minute SG/2026/14)" in flat and "01/09/2026: Progress on item 7." in flat
    assert all(name not in flat for name in names)
    assert len(COLUMNS) == 7


def test_a_real_name_in_a_progress_update_stops_the_plan(database, tmp_path):
    with database.transaction() as session:
        build_demo_caseload(session, cases=8, anchor=TODAY)
        recommendation = session.scalars(select(Recommendation).order_by(Recommendation.id)).first()
        real_name = recommendation.case.victim_real_name
        recommendation.updates.append(
            ProgressUpdate(
                received_on=TODAY, contact_name="Pat Example", text=f"Discussed with the family of {real_name}."
            )
        )
        reference = recommendation.case.reference
    with pytest.raises(RealNameFound, match=reference), database.transaction() as session:
        write_action_plan(session, reference, tmp_path / "plan.pdf", as_of=TODAY)
    assert not (tmp_path / "plan.pdf").exists()
