"""Errors the user can cause through the core's services. The message always says what to do."""

from __future__ import annotations


class UserError(Exception):
    """Something the user asked for cannot be done; `str(error)` is the sentence to show them."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class ValidationError(UserError):
    """A value or change that a rule refuses. Nothing was saved.

    `field` names the form field to show the message beside (None for the whole record);
    `rule` is a short stable name of the rule, for tests and logs.
    """

    def __init__(self, message: str, *, field: str | None = None, rule: str = ""):
        super().__init__(message)
        self.field = field
        self.rule = rule


class NotFound(UserError):
    """The thing named (a case reference, an agency) does not exist."""
