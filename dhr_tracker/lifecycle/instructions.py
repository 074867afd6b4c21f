"""What the coordinator must do about a deadline, said as an instruction ("Chase the IMR from Kent Police"). Pure Python."""

from __future__ import annotations

from dhr_tracker.lifecycle.deadlines import Deadline, DeadlineKind
from dhr_tracker.vocabulary import Stage

_INSTRUCTIONS = {
    DeadlineKind.DECISION: "Decide whether to hold a review",
    DeadlineKind.HOME_OFFICE_INFORMED: "Tell the Home Office of the decision in writing",
    DeadlineKind.SCOPING: "Complete the scoping",
    DeadlineKind.IMR: "Chase the IMR",
    DeadlineKind.COMPLETION: "Complete the review (sign-off or Home Office submission)",
    DeadlineKind.COPY_TO_SECRETARY_OF_STATE: "Send a copy of the completed report to the Secretary of State and the "
    "Domestic Abuse Commissioner",
}


def deadline_instruction(deadline: Deadline) -> str:
    """The step that meets `deadline`, in the imperative; an IMR names the agency it is chased from."""
    text = _INSTRUCTIONS[deadline.milestone]
    if deadline.milestone is DeadlineKind.IMR and deadline.agency:
        return f"{text} from {deadline.agency}"
    return f"{text} ({deadline.agency})" if deadline.agency else text


# The next step of a review in a stage the deadline engine sets no timescale for (from partnership sign-off on).
_NEXT_STEP = {
    Stage.PARTNERSHIP_SIGNOFF: "Submit the report to the Home Office QA Panel",
    Stage.HOME_OFFICE_QA: "Await the QA Panel's feedback, then make any revisions",
    Stage.PUBLICATION: "Publish the report and tell the family",
    Stage.ACTION_PLAN_MONITORING: "Collect updates on the action plan",
    Stage.CLOSED: "nothing, the case is closed",
}


def next_step(stage: Stage) -> str:
    """What comes next for a review with no deadline running: never a blank."""
    return _NEXT_STEP.get(stage, "Record the next step")
