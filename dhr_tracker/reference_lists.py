"""Read-only lists of the reference data (CSP areas, agencies) for screens and pickers.

Added for the desktop app, which may not write queries itself (ui/ never imports sqlalchemy).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from dhr_tracker.model import Agency, CspArea


def csp_area_names(session: Session, *, active_only: bool = True) -> list[str]:
    """The CSP area names, alphabetically."""
    query = select(CspArea.name).order_by(CspArea.name)
    if active_only:
        query = query.where(CspArea.active.is_(True))
    return list(session.scalars(query))


def list_agencies(session: Session, *, active_only: bool = True) -> list[Agency]:
    """Every agency with its contacts loaded, alphabetically."""
    query = select(Agency).options(selectinload(Agency.contacts)).order_by(Agency.name)
    if active_only:
        query = query.where(Agency.active.is_(True))
    return list(session.scalars(query))


def get_agency(session: Session, agency_id: int) -> Agency | None:
    return session.get(Agency, agency_id)
