"""The fields an event may carry, and how a value written in a record file becomes what a service takes."""

from __future__ import annotations

import datetime as dt
import difflib
from dataclasses import dataclass
from typing import Any

from dhr_tracker.dates import parse_date
from dhr_tracker.errors import ValidationError
from dhr_tracker.vocabulary import LabelledEnum

# Field kinds: how the value is written in JSON.
DATE, TEXT, CHOICE, INTEGER, TEXTS, ATTENDEES, REPLY_UPDATES = (
    "date",
    "text",
    "choice",
    "integer",
    "texts",
    "attendees",
    "reply_updates",
)


@dataclass(frozen=True)
class Field:
    name: str
    kind: str
    help: str
    required: bool = False
    choices: type[LabelledEnum] | None = None

    @property
    def options(self) -> type[LabelledEnum]:
        """The choices of a CHOICE field (declared with it: a field of another kind has none)."""
        if self.choices is None:
            raise TypeError(f"the field '{self.name}' is not a choice")
        return self.choices

    def convert(self, value: Any, today: dt.date) -> Any:
        """The value as the service takes it; a ValidationError (rule, field) for a value of the wrong kind."""
        if value is None:
            return None
        if self.kind == DATE:
            return parse_date(value, label=f"'{self.name}' date", field=self.name, today=today)
        if self.kind == TEXT:
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                return str(value)
            _expect(isinstance(value, str), self, "text in quotes")
            return value
        if self.kind == INTEGER:
            _expect(isinstance(value, int) and not isinstance(value, bool) and 0 < value < 1000, self, "a whole number")
            return value
        if self.kind == CHOICE:
            _expect(isinstance(value, str), self, f"one of: {', '.join(m.value for m in self.options)}")
            return choice(self.options, value, self.name)
        if self.kind == TEXTS:
            _expect(
                isinstance(value, list) and all(isinstance(v, str) for v in value),
                self,
                'a list of names, e.g. ["Kent Police"]',
            )
            return value
        if self.kind == ATTENDEES:
            _expect(
                isinstance(value, list) and all(_is_person(v) for v in value),
                self,
                'a list of people, e.g. [{"name": "A. Chair", "organisation": "KCC"}]',
            )
            return [(v["name"], v.get("organisation", "")) for v in value]
        if self.kind == REPLY_UPDATES:
            _expect(
                isinstance(value, list) and bool(value) and all(_is_reply_update(v) for v in value),
                self,
                'a list of updates, e.g. [{"case": "DHR-2025-01", "number": "1", "text": "..."}]',
            )
            return value
        raise AssertionError(self.kind)


def _expect(ok: bool, field: Field, what: str) -> None:
    if not ok:
        raise ValidationError(f"'{field.name}' must be {what}.", field=field.name, rule="wrong_kind_of_value")


def _is_person(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and isinstance(value.get("name"), str)
        and set(value) <= {"name", "organisation"}
        and isinstance(value.get("organisation", ""), str)
    )


def _is_reply_update(value: Any) -> bool:
    return (
        isinstance(value, dict)
        and set(value) <= {"case", "number", "text", "evidence_reference"}
        and all(isinstance(value.get(key), str) for key in ("case", "number", "text"))
        and isinstance(value.get("evidence_reference", ""), str)
    )


def choice(enum: type[LabelledEnum], text: str, field: str) -> LabelledEnum:
    """A member from its value or label (any case); refused naming the choices and the nearest one."""
    try:
        return enum.from_text(text)
    except ValueError:
        values = [member.value for member in enum]
        near = difflib.get_close_matches(text.strip().casefold(), values, n=1, cutoff=0.6)
        hint = f" Did you mean '{near[0]}'?" if near else ""
        raise ValidationError(
            f"'{field}' is '{text}', which is not one of: {', '.join(values)}.{hint}",
            field=field,
            rule=f"unknown_{field}",
        ) from None


def did_you_mean(text: str, known: list[str]) -> str:
    near = difflib.get_close_matches(text.strip().upper(), [k.upper() for k in known], n=1, cutoff=0.6)
    if not near:
        return ""
    return f" Did you mean '{next(k for k in known if k.upper() == near[0])}'?"
