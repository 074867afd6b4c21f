"""What the coordinator must do about a deadline, said as an instruction ("Chase the IMR from Kent Police"). Pure Python."""

from __future__ import annotations

from dhr_tracker.lifecycle.deadlines import Deadline, DeadlineKind

_INSTRUCTIONS = {
    DeadlineKind.DECISION: "Decide whether to hold a review",
    DeadlineKind.HOME_OFFICE_INFORMED: "Tell the Home Office of the decision in writing",
    DeadlineKind.SCOPING: "Complete the scoping",
    DeadlineKind.IMR: "Chase the IMR",
    DeadlineKind.COMPLETION: "Complete the review (sign-off or Home Office submission)",
}


def deadline_instruction(deadline: Deadline) -> str:
    """The step that meets `deadline`, in the imperative; an IMR names the agency it is chased from."""
    text = _INSTRUCTIONS[deadline.milestone]
    if deadline.milestone is DeadlineKind.IMR and deadline.agency:
        return f"{text} from {deadline.agency}"
    return f"{text} ({deadline.agency})" if deadline.agency else text
