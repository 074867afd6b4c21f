"""The default wording of the escalation letters, one editable template per level. Pure Python.

A template is plain text with `$name` placeholders (Python's string.Template); a blank line starts a
new paragraph; a line holding only `$items` is where the list of outstanding recommendations goes.
"""

from __future__ import annotations

from string import Template

PLACEHOLDERS = (
    "recipient",
    "agency",
    "requested_date",
    "due_date",
    "working_days_late",
    "item_count",
    "meeting_date",
    "date",
    "items",
)

_COORDINATOR = "Yours sincerely,\n\nDHR Coordinator\nKent Community Safety Team, on behalf of the Kent Community Safety Partnership"

DEFAULT_LETTERS: dict[str, tuple[str, str]] = {
    "level_0": (
        "Letter at level 0 (update request)",
        f"""Dear $recipient,

Domestic Homicide Reviews: request for an update on recommendations

Ahead of the meeting on $meeting_date, please send an update on each of the $item_count recommendations below for which $agency is the lead agency, by $due_date.

$items

For each recommendation please say what has been done since your last update and give a reference for any evidence (for example a revised policy, a training record or an audit).

{_COORDINATOR}""",
    ),
    "level_1": (
        "Letter at level 1 (reminder)",
        f"""Dear $recipient,

Domestic Homicide Reviews: reminder, update overdue

On $requested_date we asked $agency for an update by $due_date on the recommendations below. We have not yet received it: it is now $working_days_late working days late. Please send it as soon as possible.

$items

{_COORDINATOR}""",
    ),
    "level_2": (
        "Letter at level 2 (senior manager)",
        f"""Dear $recipient,

Domestic Homicide Reviews: update overdue, escalation under the KCSP process

Under the escalation process agreed by the Kent Community Safety Partnership, I am writing to let you know that the update $agency was asked for on $requested_date, due by $due_date, has not been received despite a reminder. It is now $working_days_late working days late. It covers the recommendations below.

$items

I would be grateful if you could make sure the update is sent within the next five working days.

{_COORDINATOR}""",
    ),
    "level_3": (
        "Letter at level 3 (KCSP Working Group)",
        f"""Dear $recipient,

Domestic Homicide Reviews: update overdue, reported to the KCSP Working Group

The update $agency was asked for on $requested_date, due by $due_date, is now $working_days_late working days late. In line with the escalation process agreed by the Kent Community Safety Partnership, this has been reported to the KCSP Working Group, and $agency will be named in the briefing to the next meeting of the Partnership unless the update is received before then. The outstanding recommendations are listed below.

$items

{_COORDINATOR}""",
    ),
    "level_4": (
        "Letter at level 4 (from the KCSP Chair)",
        """Dear $recipient,

Domestic Homicide Reviews: outstanding updates from $agency

The Kent Community Safety Partnership has noted that the update $agency was asked for on $requested_date, due by $due_date, remains outstanding: it is now $working_days_late working days late, despite reminders to your lead contact and senior manager and a report to the KCSP Working Group. The recommendations concerned are listed below.

$items

These recommendations arise from reviews of deaths in our communities, and the Partnership must be able to assure itself, the families and the Home Office that they are being acted on. I would ask you personally to make sure that a full update is sent to the DHR Coordinator within ten working days.

Yours sincerely,

Chair, Kent Community Safety Partnership""",
    ),
    "other_levels": (
        "Letter at any other level",
        f"""Dear $recipient,

Domestic Homicide Reviews: update overdue

The update $agency was asked for on $requested_date, due by $due_date, is now $working_days_late working days late. It covers the recommendations below. Please send it as soon as possible.

$items

{_COORDINATOR}""",
    ),
}


def template_key(level: int) -> str:
    key = f"level_{level}"
    return key if key in DEFAULT_LETTERS else "other_levels"


def check_template(text: str) -> str:
    """The template, or ValueError naming an unknown placeholder or a stray '$'."""
    template = Template(text)
    if not template.is_valid():
        raise ValueError("a '$' is not followed by a placeholder name; write $$ for a dollar sign.")
    unknown = sorted(set(template.get_identifiers()) - set(PLACEHOLDERS))
    if unknown:
        known = ", ".join(f"${name}" for name in PLACEHOLDERS)
        raise ValueError(f"unknown placeholder ${unknown[0]}; the placeholders are {known}.")
    return text
