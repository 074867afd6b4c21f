"""The escalation ladder: its levels as plain data, read from and checked for the ladder setting. Pure Python.

Below `dhr_tracker.settings`, which declares the ladder setting from `DEFAULT_LADDER` and `clean_ladder_setting`;
the escalation engine and services (`dhr_tracker.escalation`) read the levels from here.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from dhr_tracker.vocabulary import ContactLevel, LabelledEnum

NEXT_KCSP_MEETING = "next_kcsp_meeting"


class RecipientRole(LabelledEnum):
    """Whom a level of the ladder goes to."""

    LEAD_CONTACT = "lead_contact", "Agency lead contact"
    SENIOR_MANAGER = "senior_manager", "Agency senior manager"
    STEERING_GROUP_MEMBER = "steering_group_member", "Agency's DHR Steering Group member"
    KCSP_WORKING_GROUP = "kcsp_working_group", "KCSP Working Group"
    CHIEF_OFFICER = "chief_officer", "Agency chief officer (letter from the KCSP Chair)"

    @property
    def contact_levels(self) -> tuple[ContactLevel, ...]:
        """The agency contacts to address, best first."""
        return {
            RecipientRole.LEAD_CONTACT: (ContactLevel.LEAD,),
            RecipientRole.SENIOR_MANAGER: (ContactLevel.SENIOR_MANAGER, ContactLevel.STEERING_GROUP_MEMBER),
            RecipientRole.STEERING_GROUP_MEMBER: (ContactLevel.STEERING_GROUP_MEMBER, ContactLevel.SENIOR_MANAGER),
            # The Working Group is told; the agency's senior manager gets the letter saying so.
            RecipientRole.KCSP_WORKING_GROUP: (ContactLevel.SENIOR_MANAGER, ContactLevel.STEERING_GROUP_MEMBER),
            RecipientRole.CHIEF_OFFICER: (ContactLevel.CHIEF_OFFICER,),
        }[self]


@dataclass(frozen=True)
class LadderLevel:
    """One step of the ladder. `working_days` is None for the 'at the next KCSP meeting' step."""

    level: int
    working_days: int | None
    recipient: RecipientRole
    label: str

    @property
    def at_next_kcsp_meeting(self) -> bool:
        return self.working_days is None

    @property
    def when_text(self) -> str:
        if self.at_next_kcsp_meeting:
            return "at the next KCSP meeting with the update still missing"
        if self.working_days == 0:
            return "when the request is sent"
        return f"{self.working_days} working days after the due date"

    @property
    def instruction(self) -> str:
        """What the coordinator must do now this level is reached, in the imperative (see `action_instruction`)."""
        return action_instruction(self)

    def to_json(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "when": NEXT_KCSP_MEETING if self.at_next_kcsp_meeting else self.working_days,
            "recipient": self.recipient.value,
            "label": self.label,
        }


_SEND_TO = {
    RecipientRole.LEAD_CONTACT: "to the lead contact",
    RecipientRole.SENIOR_MANAGER: "to the senior manager",
    RecipientRole.STEERING_GROUP_MEMBER: "to the Steering Group member",
    RecipientRole.CHIEF_OFFICER: "from the KCSP Chair to the chief officer",
}


def action_instruction(level: LadderLevel) -> str:
    """The action a reached level asks for, said as an instruction: "Send the level-4 letter from the KCSP Chair
    to the chief officer". Built from the level's number and recipient, never its editable label, so that a
    label written as a past event ("Reported to ...") still reads as something to do.
    """
    if level.working_days == 0:
        return "Send the update request to the lead contact"
    if level.recipient is RecipientRole.KCSP_WORKING_GROUP:
        return f"Report to the KCSP Working Group; send the level-{level.level} letter to the senior manager"
    return f"Send the level-{level.level} letter {_SEND_TO[level.recipient]}"


DEFAULT_LADDER: list[dict[str, Any]] = [
    {"level": 0, "when": 0, "recipient": "lead_contact", "label": "Update requested"},
    {"level": 1, "when": 5, "recipient": "lead_contact", "label": "Reminder to the lead contact"},
    {
        "level": 2,
        "when": 15,
        "recipient": "senior_manager",
        "label": "Escalated to the senior manager or Steering Group member",
    },
    {"level": 3, "when": 25, "recipient": "kcsp_working_group", "label": "Reported to the KCSP Working Group"},
    {
        "level": 4,
        "when": NEXT_KCSP_MEETING,
        "recipient": "chief_officer",
        "label": "Letter from the KCSP Chair to the chief officer",
    },
]


def parse_ladder(value: Any) -> tuple[LadderLevel, ...]:
    """The ladder from its JSON form; ValueError saying what is wrong if it is not a usable ladder.

    Rules: a non-empty list; the first level is the request itself (when 0); levels rise; the
    working-day thresholds rise; 'next_kcsp_meeting' may be used by any level but the first.
    """
    if not isinstance(value, list) or not value:
        raise ValueError("The escalation ladder must be a list of at least one level.")
    levels: list[LadderLevel] = []
    for position, entry in enumerate(value, start=1):
        if not isinstance(entry, dict):
            raise ValueError(
                f"Step {position} of the escalation ladder is not a level (level, when, recipient, label)."
            )
        unknown = set(entry) - {"level", "when", "recipient", "label"}
        if unknown:
            raise ValueError(
                f"Step {position} of the escalation ladder has unknown keys: {', '.join(sorted(unknown))}."
            )
        level = entry.get("level")
        if isinstance(level, bool) or not isinstance(level, int) or level < 0:
            raise ValueError(f"Step {position} of the escalation ladder needs a level number (0 or more).")
        when = entry.get("when")
        if when == NEXT_KCSP_MEETING:
            working_days = None
        elif isinstance(when, int) and not isinstance(when, bool) and 0 <= when <= 250:
            working_days = when
        else:
            raise ValueError(
                f"Level {level}: 'when' must be a number of working days after the due date (0 to 250) "
                f"or '{NEXT_KCSP_MEETING}'."
            )
        recipient_value = entry.get("recipient")
        try:
            recipient = RecipientRole(recipient_value) if isinstance(recipient_value, str) else None
        except ValueError:
            recipient = None
        if recipient is None:
            choices = ", ".join(role.value for role in RecipientRole)
            raise ValueError(f"Level {level}: the recipient must be one of {choices}.")
        label = entry.get("label")
        if not isinstance(label, str) or not label.strip():
            raise ValueError(f"Level {level} needs a label saying what happens at it.")
        levels.append(LadderLevel(level, working_days, recipient, label.strip()))

    if levels[0].working_days != 0:
        raise ValueError("The first level of the escalation ladder is the request itself: its 'when' must be 0.")
    previous_days = 0
    for before, after in zip(levels, levels[1:]):
        if after.level <= before.level:
            raise ValueError(f"The ladder's levels must rise: level {after.level} comes after level {before.level}.")
        if after.working_days is not None:
            if after.working_days <= previous_days:
                raise ValueError(
                    f"Level {after.level} ({after.working_days} working days) must come later than the levels before it "
                    f"({previous_days} working days)."
                )
            previous_days = after.working_days
    return tuple(levels)


def clean_ladder_setting(value: Any) -> list[dict[str, Any]]:
    """The settings check: the ladder in its normal JSON form, or ValueError."""
    return [level.to_json() for level in parse_ladder(value)]
