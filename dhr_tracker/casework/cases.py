"""The case service: every create and change of a case's own facts goes through here, validated."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, object_session

from dhr_tracker.dates import format_date, today_uk
from dhr_tracker.errors import NotFound, ValidationError
from dhr_tracker.model import KCSP, Case, CspArea
from dhr_tracker.storage.access import real_names_readable
from dhr_tracker.validation import clean_date, clean_text
from dhr_tracker.vocabulary import GuidanceProfile, Stage

REFERENCE_PATTERN = re.compile(r"^[A-Z0-9][A-Z0-9/-]{1,38}[A-Z0-9]$")
EDITABLE_FIELDS = (
    "reference",
    "pseudonym",
    "victim_real_name",
    "perpetrator_real_name",
    "date_of_death",
    "notified_on",
    "csp_area",
    "commissioning_partnership",
    "guidance_profile",
    "independent_chair",
    "notes",
)


@dataclass(frozen=True)
class CaseSummary:
    """One row of the case list: what a screen or an export needs, pseudonymised."""

    id: int
    reference: str
    pseudonym: str
    stage: Stage
    csp_area: str
    notified_on: dt.date
    guidance_profile: GuidanceProfile
    commissioning_partnership: str


def check_pseudonym(
    session: Session, pseudonym: str, own_names: list[str | None], *, case_id: int | None = None
) -> None:
    """Refuse a pseudonym that shares a word with a real name: this case's (as given) or any other case's.

    Words are compared the way the real-name guard reads text (case, accents, look-alikes, spacing
    aside): "Philippa  Pendragon-Hale" and "Riley PENDRAGON" are both refused for Philippa Pendragon-Hale.
    The refusal never repeats the real name.
    """
    from dhr_tracker.privacy.names import shared_name_words

    rows = session.execute(
        select(Case.reference, Case.victim_real_name, Case.perpetrator_real_name).where(Case.id != case_id)
        if case_id is not None
        else select(Case.reference, Case.victim_real_name, Case.perpetrator_real_name)
    )
    names = [(reference, name) for reference, *names in rows for name in names if name]
    names += [("this case", name) for name in own_names if name]
    clash = shared_name_words(pseudonym, names)
    if clash:
        whose = "this case's real names" if clash == ["this case"] else f"a real name stored for {', '.join(clash)}"
        raise ValidationError(
            f"The pseudonym shares a word with {whose}. Agree a pseudonym with no part of anyone's real name in it.",
            field="pseudonym",
            rule="pseudonym_contains_real_name",
        )


def _resolve_area(session: Session, value: Any) -> CspArea | None:
    if value in (None, ""):
        return None
    if isinstance(value, CspArea):
        return value
    name = str(value).strip()
    area = session.scalar(select(CspArea).where(CspArea.name.ilike(name)))
    if area is None:
        known = ", ".join(session.scalars(select(CspArea.name).order_by(CspArea.name)))
        raise ValidationError(
            f"'{name}' is not a CSP area. Choose one of: {known}.", field="csp_area", rule="unknown_area"
        )
    return area


def _apply(session: Session, case: Case, values: dict[str, Any], today: dt.date) -> None:
    unknown = set(values) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValidationError(f"These are not fields of a case: {', '.join(sorted(unknown))}.", rule="unknown_field")
    merged = {field: values.get(field, getattr(case, field, None)) for field in EDITABLE_FIELDS}

    reference = clean_text(merged["reference"], "reference", "The case reference", required=True, limit=40).upper()
    if not REFERENCE_PATTERN.match(reference):
        raise ValidationError(
            f"The case reference '{reference}' may hold only letters, digits, hyphens and slashes, "
            "for example DHR-2025-03.",
            field="reference",
            rule="reference_format",
        )
    clash = session.scalar(select(Case.id).where(Case.reference == reference, Case.id != case.id))
    if clash is not None:
        raise ValidationError(
            f"A case with reference {reference} already exists.", field="reference", rule="duplicate_reference"
        )

    pseudonym = clean_text(merged["pseudonym"], "pseudonym", "The agreed pseudonym", required=True, limit=120)
    victim = (
        clean_text(merged["victim_real_name"], "victim_real_name", "The victim's real name", required=False, limit=200)
        or None
    )
    perpetrator = (
        clean_text(
            merged["perpetrator_real_name"],
            "perpetrator_real_name",
            "The perpetrator's real name",
            required=False,
            limit=200,
        )
        or None
    )
    for real_name in (victim, perpetrator):
        if real_name and real_name.casefold() == pseudonym.casefold():
            raise ValidationError(
                "The pseudonym is the same as a real name. Agree a pseudonym that does not identify anyone.",
                field="pseudonym",
                rule="pseudonym_is_real_name",
            )
    check_pseudonym(session, pseudonym, [victim, perpetrator], case_id=case.id)

    notified_on = clean_date(merged["notified_on"], "notified_on", "The notification date", required=True)
    date_of_death = clean_date(merged["date_of_death"], "date_of_death", "The date of death", required=False)
    if notified_on > today:
        raise ValidationError(
            f"The notification date {format_date(notified_on)} is in the future (today is {format_date(today)}).",
            field="notified_on",
            rule="notified_in_future",
        )
    if date_of_death and date_of_death > notified_on:
        raise ValidationError(
            f"The date of death {format_date(date_of_death)} is after the notification date {format_date(notified_on)}; "
            "a death is notified after it happens.",
            field="date_of_death",
            rule="death_after_notification",
        )
    earliest_milestone = min((milestone.occurred_on for milestone in case.milestones), default=None)
    if earliest_milestone and notified_on > earliest_milestone:
        raise ValidationError(
            f"The notification date {format_date(notified_on)} is after the case's first recorded event "
            f"({format_date(earliest_milestone)}); nothing can happen before notification.",
            field="notified_on",
            rule="notified_after_events",
        )

    partnership = (
        clean_text(
            merged["commissioning_partnership"],
            "commissioning_partnership",
            "The commissioning partnership",
            required=False,
            limit=120,
        )
        or KCSP
    )
    area = _resolve_area(session, merged["csp_area"])
    if area is None and partnership.upper() == KCSP:
        raise ValidationError(
            "Choose the CSP area: every review the KCSP commissions belongs to one.",
            field="csp_area",
            rule="area_required",
        )
    profile = merged["guidance_profile"] or GuidanceProfile.DHR_2016
    try:
        profile = profile if isinstance(profile, GuidanceProfile) else GuidanceProfile.from_text(str(profile))
    except ValueError as error:
        raise ValidationError(f"Guidance profile: {error}.", field="guidance_profile", rule="unknown_profile") from None

    chair = clean_text(
        merged["independent_chair"], "independent_chair", "The independent chair", required=False, limit=200
    )
    notes = clean_text(merged["notes"], "notes", "The notes", required=False)

    case.reference = reference
    case.pseudonym = pseudonym
    case.victim_real_name = victim
    case.perpetrator_real_name = perpetrator
    case.notified_on = notified_on
    case.date_of_death = date_of_death
    case.csp_area = area
    case.commissioning_partnership = KCSP if partnership.upper() == KCSP else partnership
    case.guidance_profile = profile
    case.independent_chair = chair
    case.notes = notes


def create_case(session: Session, *, today: dt.date | None = None, **values: Any) -> Case:
    """Add a new case at the notification stage. Raises ValidationError, having added nothing."""
    case = Case(stage=Stage.NOTIFICATION, independent_chair="", notes="")
    _apply(session, case, values, today or today_uk())
    session.add(case)
    session.flush()
    return case


def update_case(session: Session, case: Case, *, today: dt.date | None = None, **changes: Any) -> Case:
    """Change a case's own facts. On a ValidationError the case is left exactly as it was."""
    _apply(session, case, changes, today or today_uk())
    session.flush()
    return case


def real_names_of(case: Case) -> tuple[str | None, str | None] | None:
    """The case's (victim, perpetrator) real names, or None where the signed-in role may not read them
    (a viewer of a team database: the server refuses those columns)."""
    if not real_names_readable(object_session(case)):
        return None
    return case.victim_real_name, case.perpetrator_real_name


def get_case(session: Session, case_id: int) -> Case:
    """The case with this id, for a service to change (screens hold ids, not ORM objects)."""
    case = session.get(Case, case_id)
    if case is None:
        raise NotFound("That case no longer exists. Choose another on the Cases screen.")
    return case


def find_case(session: Session, reference: str) -> Case:
    case = session.scalar(select(Case).where(Case.reference == reference.strip().upper()))
    if case is None:
        raise NotFound(
            f"There is no case with reference {reference.strip().upper()}. List the cases to see the references."
        )
    return case


def list_cases(session: Session) -> list[CaseSummary]:
    """Every case, newest notification first, in one query."""
    rows = session.execute(
        select(
            Case.id,
            Case.reference,
            Case.pseudonym,
            Case.stage,
            CspArea.name,
            Case.notified_on,
            Case.guidance_profile,
            Case.commissioning_partnership,
        )
        .outerjoin(CspArea, Case.csp_area_id == CspArea.id)
        .order_by(Case.notified_on.desc(), Case.reference)
    )
    return [
        CaseSummary(id, reference, pseudonym, stage, area or "", notified_on, profile, partnership)
        for id, reference, pseudonym, stage, area, notified_on, profile, partnership in rows
    ]
