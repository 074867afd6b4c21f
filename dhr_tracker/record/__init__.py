"""Recording the life of reviews from a file of events (JSON Lines) or a terminal command.

Each event goes through the same validated service the desktop app uses; a file is applied all or
nothing in one transaction. See docs/record-format.md for the format.
"""

from dhr_tracker.record.events import EVENT_TYPES, RecordEvent
from dhr_tracker.record.runner import LineOutcome, RecordRefused, RecordRun, apply_events, apply_lines, read_events

__all__ = [
    "EVENT_TYPES",
    "LineOutcome",
    "RecordEvent",
    "RecordRefused",
    "RecordRun",
    "apply_events",
    "apply_lines",
    "read_events",
]
