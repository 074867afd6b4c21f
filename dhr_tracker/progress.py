"""How slow core work reports its progress and learns it was cancelled, without knowing who is watching.

A core function takes `progress: Progress = NO_PROGRESS` and calls `step(progress, done, total, text)`
between steps. `step` raises `Cancelled` once the watcher has asked to stop, so the function stops at a
step boundary before it commits: the caller's transaction rolls back and the function's own clean-up
(removing files already written) runs, leaving nothing half-written. The app passes an object that
moves a progress bar; the command line and the tests pass nothing.
"""

from __future__ import annotations

from typing import Protocol

from dhr_tracker.errors import UserError

CANCELLED_MESSAGE = "Cancelled: nothing was saved and no file was left behind."


class Progress(Protocol):
    """What a watcher offers: where the work is, and whether it has been asked to stop."""

    @property
    def cancelled(self) -> bool: ...

    def report(self, done: int, total: int, text: str = "") -> None: ...


class Cancelled(UserError):
    """The person watching asked to stop; raised at a step boundary, so the work rolls back whole."""

    def __init__(self) -> None:
        super().__init__(CANCELLED_MESSAGE)


class _NoProgress:
    """Nobody watching: reports go nowhere and the work is never cancelled."""

    cancelled = False

    def report(self, done: int, total: int, text: str = "") -> None:
        pass


NO_PROGRESS: Progress = _NoProgress()


def step(progress: Progress, done: int, total: int, text: str = "") -> None:
    """Report `done` of `total` steps, then stop (raise Cancelled) if the watcher asked to."""
    if progress.cancelled:
        raise Cancelled()
    progress.report(done, total, text)
