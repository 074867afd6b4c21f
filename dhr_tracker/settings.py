"""Typed, declared settings: each one declared once here, with its default, type and an explanation.

Values the user changes are stored in the database (table setting_value) as JSON; anything not
stored takes its declared default, so a new release can add settings without a migration.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from dhr_tracker.errors import UserError
from dhr_tracker.escalation_ladder import DEFAULT_LADDER, clean_ladder_setting
from dhr_tracker.letter_wording import DEFAULT_LETTERS, check_template
from dhr_tracker.model import SettingValue


class SettingError(UserError, ValueError):
    """A value that the setting does not accept; the message says what would be accepted."""


@dataclass(frozen=True)
class Setting:
    key: str
    label: str
    default: Any
    description: str
    kind: type = str
    minimum: int | None = None
    maximum: int | None = None
    check: Callable[[Any], Any] | None = field(default=None, compare=False)

    def clean(self, value: Any) -> Any:
        """Return the value in its declared type, or raise SettingError saying what is wrong."""
        if self.kind is int:
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise SettingError(f"{self.label} must be a whole number.")
            try:
                value = int(str(value).strip())
            except ValueError:
                raise SettingError(f"{self.label} must be a whole number, not '{value}'.") from None
            if self.minimum is not None and value < self.minimum:
                raise SettingError(f"{self.label} must be at least {self.minimum}.")
            if self.maximum is not None and value > self.maximum:
                raise SettingError(f"{self.label} must be at most {self.maximum}.")
        elif self.kind is str:
            if not isinstance(value, str) or not value.strip():
                raise SettingError(f"{self.label} cannot be empty.")
            value = value.strip()
        elif self.kind is bool:
            if not isinstance(value, bool):
                raise SettingError(f"{self.label} must be yes or no.")
        if self.check is not None:
            value = self.check(value)
        return value


SETTINGS: dict[str, Setting] = {}


def declare(setting: Setting) -> Setting:
    if setting.key in SETTINGS:
        raise RuntimeError(f"setting {setting.key} declared twice")
    SETTINGS[setting.key] = setting
    return setting


# --- Security -------------------------------------------------------------------------------------
IDLE_LOCK_MINUTES = declare(
    Setting(
        "security.idle_lock_minutes",
        "Lock after idle (minutes)",
        5,
        "The app locks itself, and asks for the passphrase again, after this many minutes without a key press or mouse movement.",
        kind=int,
        minimum=1,
        maximum=120,
    )
)
CLIPBOARD_CLEAR_SECONDS = declare(
    Setting(
        "security.clipboard_clear_seconds",
        "Clear the clipboard after (seconds)",
        30,
        "Anything the app copied is removed from the clipboard after this many seconds, if it is still there, and when the app closes.",
        kind=int,
        minimum=5,
        maximum=600,
    )
)
BACKUPS_KEPT = declare(
    Setting(
        "backup.keep",
        "Automatic backups kept",
        10,
        "How many automatic encrypted backups to keep; the oldest beyond this number are removed.",
        kind=int,
        minimum=1,
        maximum=100,
    )
)

# --- Real-name guard -------------------------------------------------------------------------------
SURNAME_COMMON_PER_MILLION = declare(
    Setting(
        "privacy.surname_common_per_million",
        "A surname alone is a common word at (uses per million words)",
        3,
        "A stored surname met on its own (no forename, no title) stops an output unless it is a common English word: "
        "used at least this many times per million words (resources/privacy/common-words-en.tsv). Raise it to catch "
        "more surnames alone (Hale, Patel) at the cost of refusing ordinary words; see docs/SECURITY.md.",
        kind=int,
        minimum=1,
        maximum=10000,
    )
)

# --- Reports ---------------------------------------------------------------------------------------
PROTECTIVE_MARKING = declare(
    Setting(
        "reports.protective_marking",
        "Protective marking",
        "OFFICIAL-SENSITIVE",
        "Printed in bold capitals at the top and bottom of every page of every report (some partners still use RESTRICTED).",
        check=lambda value: value.upper(),
    )
)
HANDLING_LINE = declare(
    Setting(
        "reports.handling_line",
        "Handling line",
        "Not for publication by virtue of paragraphs 1 and 2 of Part 1 of Schedule 12A to the Local Government Act 1972",
        "Printed under the marking on every page of a briefing: why the paper is exempt from publication.",
    )
)
PACK_RETURN_TO = declare(
    Setting(
        "packs.return_to",
        "Return update packs to",
        "The DHR Coordinator, Kent Community Safety Team, by secure e-mail",
        "Printed on every update pack and in its covering e-mail: who the agencies send the completed pack back to.",
    )
)

LETTERHEAD = declare(
    Setting(
        "reports.letterhead",
        "Letterhead",
        "Kent Community Safety Partnership\nKent Community Safety Team\nKent County Council\nSessions House, County Road, "
        "Maidstone ME14 1XQ",
        "The lines at the top right of every escalation letter, first line in bold: the partnership, the team and the address.",
    )
)
LETTER_CONTACT = declare(
    Setting(
        "reports.letter_contact",
        "Letter contact line",
        "If you have any questions about this letter, please contact the DHR Coordinator, Kent Community Safety Team.",
        "Printed at the foot of every escalation letter: whom to contact about it (add the e-mail address and telephone).",
    )
)
LETTER_SENDER = declare(
    Setting(
        "reports.letter_sender",
        "Letters are sent by",
        "DHR Coordinator, Kent Community Safety Team",
        "Who sends the escalation letters, shown under 'From' (the letter from the KCSP Chair names the Chair instead).",
    )
)
CHAIR_SENDER = declare(
    Setting(
        "reports.chair_sender",
        "Letters from the Chair are sent by",
        "Chair, Kent Community Safety Partnership",
        "Who sends the letter to an agency's chief officer, shown under 'From'.",
    )
)
LETTER_REFERENCE_PREFIX = declare(
    Setting(
        "reports.letter_reference_prefix",
        "Letter reference prefix",
        "KCST/DHR",
        "The start of 'Our reference' on every escalation letter; the level, the agency and the date follow it.",
    )
)

# --- Timescales ------------------------------------------------------------------------------------
PUBLICATION_MONTHS = declare(
    Setting(
        "timescales.publication_months",
        "Keep published reports online (months)",
        12,
        "How long a published overview report stays on the partnership's website; sets the default removal date.",
        kind=int,
        minimum=1,
        maximum=120,
    )
)


# --- Escalation ------------------------------------------------------------------------------------
def _check_ladder(value: Any) -> list:
    try:
        return clean_ladder_setting(value)
    except ValueError as error:
        raise SettingError(str(error)) from None


def _letter_template(level: str, label: str, default: str) -> Setting:
    def check(value: str) -> str:
        try:
            return check_template(value)
        except ValueError as error:
            raise SettingError(f"{label}: {error}") from None

    return declare(
        Setting(
            f"escalation.letter.{level}",
            label,
            default,
            "The wording of the letter sent at this escalation level. $items marks where the list of outstanding "
            "recommendations goes; $recipient, $agency, $requested_date, $due_date, $working_days_late, $item_count, "
            "$meeting_date and $date are filled in.",
            check=check,
        )
    )


ESCALATION_LADDER = declare(
    Setting(
        "escalation.ladder",
        "Escalation ladder",
        DEFAULT_LADDER,
        "The steps taken when an agency's update is late: for each level its number, when it is reached "
        "(working days after the due date, or 'next_kcsp_meeting'), to whom it goes (lead_contact, senior_manager, "
        "steering_group_member, kcsp_working_group, chief_officer) and a label. Level 0 is the request itself.",
        kind=list,
        check=_check_ladder,
    )
)
LETTER_TEMPLATES = {level: _letter_template(level, label, text) for level, (label, text) in DEFAULT_LETTERS.items()}


# Review timescales, one set per guidance profile (read by dhr_tracker.lifecycle.deadlines).
# `months` are calendar months (31 January + 1 month = 28/29 February); `working_days` skip weekends,
# England and Wales bank holidays and closure days. Pauses extend every deadline they cover.
for _profile, _label in (("dhr_2016", "DHR 2016"), ("dardr", "DARDR")):
    declare(
        Setting(
            f"timescales.{_profile}.decision_months",
            f"{_label}: decide whether to review within (months)",
            1,
            "Months after the notification by which the partnership should decide whether the criteria are met.",
            kind=int,
            minimum=1,
            maximum=24,
        )
    )
    declare(
        Setting(
            f"timescales.{_profile}.home_office_informed_working_days",
            f"{_label}: tell the Home Office of the decision within (working days)",
            5,
            "Working days after the decision by which the Home Office should be told of it in writing (local practice).",
            kind=int,
            minimum=1,
            maximum=120,
        )
    )
    declare(
        Setting(
            f"timescales.{_profile}.imr_working_days",
            f"{_label}: IMRs due within (working days)",
            30,
            "Working days after an agency is asked for its Individual Management Review (or chronology) by which it is due.",
            kind=int,
            minimum=1,
            maximum=250,
        )
    )
    declare(
        Setting(
            f"timescales.{_profile}.completion_months",
            f"{_label}: complete the review within (months)",
            6,
            "Months after the decision to review by which the report should be complete (partnership sign-off or first Home Office submission).",
            kind=int,
            minimum=1,
            maximum=60,
        )
    )
DARDR_SCOPING_MONTHS = declare(
    Setting(
        "timescales.dardr.scoping_months",
        "DARDR: complete scoping within (months)",
        1,
        "Months after the decision to review by which a DARDR's scoping step should be complete.",
        kind=int,
        minimum=1,
        maximum=24,
    )
)
RAG_DUE_SOON_DAYS = declare(
    Setting(
        "rag.due_soon_days",
        "Amber when a deadline is due within (days)",
        14,
        "A case is amber when one of its deadlines falls due within this many days.",
        kind=int,
        minimum=0,
        maximum=365,
    )
)
RAG_RED_AFTER_DAYS = declare(
    Setting(
        "rag.red_after_days_overdue",
        "Red when a deadline is overdue by more than (days)",
        0,
        "A case is red when a deadline is overdue by more than this many days (0: as soon as it is overdue); "
        "overdue by fewer days, it is amber.",
        kind=int,
        minimum=0,
        maximum=365,
    )
)


# --- Learning (dhr_tracker/learning/) ----------------------------------------------------------------
SIMILARITY_THRESHOLD = declare(
    Setting(
        "learning.similarity_threshold",
        "Similar recommendations: match score at least (0-100)",
        80,
        "Two recommendations count as similar (shown when one is added, grouped in the repeated-recommendations report) "
        "when their wording scores at least this much out of 100 after normalising case, punctuation and agency names. "
        "Higher: fewer, closer matches.",
        kind=int,
        minimum=50,
        maximum=100,
    )
)
SMALL_NUMBER_THRESHOLD = declare(
    Setting(
        "learning.small_number_threshold",
        "Show counts below this as 'fewer than'",
        5,
        "In anything shared beyond the coordinator (the seminar pack), a count of 1 up to one less than this is printed as "
        "'fewer than N', so that a family cannot be identified from small numbers. 1 shows every count.",
        kind=int,
        minimum=1,
        maximum=50,
    )
)
DARDR_COPY_WORKING_DAYS = declare(
    Setting(
        "timescales.dardr.copy_to_secretary_of_state_working_days",
        "DARDR: copy the completed report to the Secretary of State and the Commissioner within (working days)",
        20,
        "The Victims and Prisoners Act 2024 s.19 asks for the copy 'as soon as reasonably practicable' after completion "
        "(not publication); this is the working days the tracker allows before it shows the step overdue.",
        kind=int,
        minimum=1,
        maximum=250,
    )
)
QA_BODY_NAME = declare(
    Setting(
        "reports.home_office_qa_body",
        "Name of the Home Office quality assurance body",
        "Quality Assurance Panel",
        "What the Home Office calls the body that quality-assures reviews ('Quality Assurance Panel'; 'Quality Assurance "
        "Board' from 2025). Printed after 'Home Office' in reports.",
    )
)


class Settings:
    """Read and change settings through a session; changes are part of the caller's transaction."""

    def __init__(self, session: Session):
        self._session = session

    def get(self, setting: Setting | str) -> Any:
        setting = SETTINGS[setting] if isinstance(setting, str) else setting
        stored = self._session.get(SettingValue, setting.key)
        if stored is None:
            return setting.default
        try:
            return setting.clean(json.loads(stored.value_json))
        except (SettingError, ValueError):
            return setting.default  # a value the current rules refuse falls back to the default

    def set(self, setting: Setting | str, value: Any) -> Any:
        setting = SETTINGS[setting] if isinstance(setting, str) else setting
        value = setting.clean(value)
        stored = self._session.get(SettingValue, setting.key)
        encoded = json.dumps(value, sort_keys=True)
        if stored is None:
            self._session.add(SettingValue(key=setting.key, value_json=encoded))
        else:
            stored.value_json = encoded
        return value

    def reset(self, setting: Setting | str) -> None:
        setting = SETTINGS[setting] if isinstance(setting, str) else setting
        stored = self._session.get(SettingValue, setting.key)
        if stored is not None:
            self._session.delete(stored)
