"""A case's timeline (pure): every dated event in order, including QA rounds, publication, processes and pauses."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dhr_tracker.lifecycle.facts import CaseFacts

# Ties on the same day keep the life-of-a-review order: notification first, closure last.
_ORDER = {
    "notification": 0,
    "decision": 1,
    "home_office_informed": 2,
    "pause_started": 3,
    "process_started": 3,
    "qa_submitted": 5,
    "qa_panel": 6,
    "qa_letter": 7,
    "qa_revisions_made": 8,
    "family_told": 9,
    "published": 10,
    "sent_to_library": 11,
    "sent_to_commissioner": 11,
    "pause_ended": 12,
    "process_concluded": 12,
    "reopened": 13,
    "closed": 14,
}


@dataclass(frozen=True)
class TimelineEvent:
    on: dt.date
    kind: str  # a MilestoneKind value, or qa_submitted, qa_panel, qa_letter, qa_revisions_made, published,
    #            sent_to_library, family_told, sent_to_commissioner, website_removal, process_started,
    #            process_expected_end, process_concluded, pause_started, pause_ended, home_office_told_of_pause,
    #            notification
    label: str
    detail: str = ""

    def to_dict(self) -> dict:
        return {"on": self.on.isoformat(), "kind": self.kind, "label": self.label, "detail": self.detail}


def build_timeline(facts: CaseFacts, *, include_planned: bool = True) -> list[TimelineEvent]:
    """Every dated event of the case, earliest first.

    With `include_planned`, dates that are plans rather than events (a parallel process's expected end,
    the website removal date) are included and say so in their label.
    """
    events = [TimelineEvent(facts.notified_on, "notification", "Notification received")]
    for m in facts.milestones:
        detail = "; ".join(part for part in (m.agency, m.note) if part)
        events.append(TimelineEvent(m.occurred_on, m.kind.value, m.kind.label, detail))

    for r in facts.qa_rounds:
        n = r.round_number
        events.append(
            TimelineEvent(r.submitted_on, "qa_submitted", f"Submitted to the Home Office QA Panel (round {n})")
        )
        if r.panel_on:
            events.append(TimelineEvent(r.panel_on, "qa_panel", f"Home Office QA Panel met (round {n})"))
        if r.feedback_letter_on:
            outcome = r.outcome.label if r.outcome else "outcome not recorded"
            detail = "; ".join(
                part
                for part in (
                    f"reference {r.feedback_reference}" if r.feedback_reference else "",
                    f"revisions: {r.revisions_listed}" if r.revisions_listed else "",
                )
                if part
            )
            events.append(
                TimelineEvent(
                    r.feedback_letter_on, "qa_letter", f"Home Office feedback letter (round {n}): {outcome}", detail
                )
            )
        if r.revisions_made_on:
            events.append(TimelineEvent(r.revisions_made_on, "qa_revisions_made", f"Revisions made (round {n})"))

    p = facts.publication
    if p is not None:
        for on, kind, label in (
            (p.family_told_on, "family_told", "Family told of publication"),
            (p.published_on, "published", "Published on the partnership's website"),
            (p.sent_to_library_on, "sent_to_library", "Sent to the Home Office DHR Library"),
            (p.sent_to_commissioner_on, "sent_to_commissioner", "Sent to the Domestic Abuse Commissioner"),
        ):
            if on:
                events.append(TimelineEvent(on, kind, label))
        if p.website_removal_on and include_planned:
            events.append(
                TimelineEvent(p.website_removal_on, "website_removal", "Due to be removed from the website (planned)")
            )

    for process in facts.parallel_processes:
        name = process.kind.label
        if process.started_on:
            events.append(TimelineEvent(process.started_on, "process_started", f"{name} began", process.note))
        if process.concluded_on:
            events.append(TimelineEvent(process.concluded_on, "process_concluded", f"{name} concluded"))
        elif process.expected_end_on and include_planned:
            events.append(
                TimelineEvent(process.expected_end_on, "process_expected_end", f"{name} expected to end (planned)")
            )

    for pause in facts.pauses:
        cause = f" ({pause.parallel_process.label})" if pause.parallel_process else ""
        events.append(TimelineEvent(pause.starts_on, "pause_started", f"Review paused{cause}", pause.reason))
        if pause.home_office_told_on:
            events.append(
                TimelineEvent(pause.home_office_told_on, "home_office_told_of_pause", "Home Office told of the pause")
            )
        if pause.ends_on:
            events.append(TimelineEvent(pause.ends_on, "pause_ended", "Review resumed after the pause"))

    return sorted(events, key=lambda e: (e.on, _ORDER.get(e.kind, 4)))
