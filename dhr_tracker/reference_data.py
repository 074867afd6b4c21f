"""The starter reference data every new database gets: Kent and Medway CSP areas, common agencies, learning themes.

The lists live in resources/reference/ as JSON and stay editable in the app afterwards.
"""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from dhr_tracker.model import Agency, CspArea, Theme
from dhr_tracker.resources import resource_path
from dhr_tracker.vocabulary import AgencyKind, ThemeFacet


def load_json(name: str) -> list[dict]:
    return json.loads(resource_path("reference", name).read_text(encoding="utf-8"))


def seed_reference_data(session: Session) -> None:
    """Add the starter CSP areas, agencies and themes that are not already present (by name)."""
    areas = set(session.scalars(select(CspArea.name)))
    for row in load_json("csp_areas.json"):
        if row["name"] not in areas:
            session.add(CspArea(name=row["name"], districts=row.get("districts", "")))
    agencies = set(session.scalars(select(Agency.name)))
    for row in load_json("agencies.json"):
        if row["name"] not in agencies:
            session.add(Agency(name=row["name"], kind=AgencyKind(row["kind"])))
    themes = {name.casefold() for name in session.scalars(select(Theme.name))}
    for row in load_json("themes.json"):
        if row["name"].casefold() not in themes:
            session.add(Theme(name=row["name"], facet=ThemeFacet(row["facet"]), description="", active=True))
