"""The record format described from the event table itself: a JSON Schema and the field tables of
docs/record-format.md (a test keeps both files equal to what this module writes)."""

from __future__ import annotations

import json
from typing import Any

from dhr_tracker.dates import TYPED_FORMS
from dhr_tracker.record.events import EVENTS
from dhr_tracker.record.fields import ATTENDEES, CHOICE, DATE, INTEGER, REPLY_UPDATES, TEXT, TEXTS, Field

DATE_PATTERN_HELP = f"a date: {TYPED_FORMS}"


def _field_schema(f: Field) -> dict[str, Any]:
    if f.kind == DATE:
        return {"type": "string", "description": f"{f.help} ({DATE_PATTERN_HELP})"}
    if f.kind == TEXT:
        return {"type": "string", "description": f.help}
    if f.kind == CHOICE:
        return {"type": "string", "enum": [m.value for m in f.options], "description": f.help}
    if f.kind == INTEGER:
        return {"type": "integer", "minimum": 1, "description": f.help}
    if f.kind == TEXTS:
        return {"type": "array", "items": {"type": "string"}, "description": f.help}
    if f.kind == ATTENDEES:
        return {
            "type": "array",
            "description": f.help,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {"name": {"type": "string"}, "organisation": {"type": "string"}},
            },
        }
    if f.kind == REPLY_UPDATES:
        return {
            "type": "array",
            "minItems": 1,
            "description": f.help,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["case", "number", "text"],
                "properties": {key: {"type": "string"} for key in ("case", "number", "text", "evidence_reference")},
            },
        }
    raise AssertionError(f.kind)


def json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) for one line of a record file."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "DHR Tracker record file: one event per line",
        "description": "Each line of the file is one of these objects. See docs/record-format.md.",
        "oneOf": [
            {
                "title": event.title,
                "type": "object",
                "additionalProperties": False,
                "required": ["event", *(f.name for f in event.fields if f.required)],
                "properties": {"event": {"const": event.name}, **{f.name: _field_schema(f) for f in event.fields}},
            }
            for event in EVENTS
        ],
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def _kind_words(f: Field) -> str:
    if f.kind == CHOICE:
        return "one of " + ", ".join(f"`{m.value}`" for m in f.options)
    return {
        DATE: "date",
        TEXT: "text",
        INTEGER: "whole number",
        TEXTS: "list of names",
        ATTENDEES: "list of people",
        REPLY_UPDATES: "list of updates",
    }[f.kind]


def markdown_fields() -> str:
    """One section per event: its title, the service it goes through and its fields."""
    parts = []
    for event in EVENTS:
        rows = "\n".join(
            f"| `{f.name}` | {'yes' if f.required else ''} | {_kind_words(f)} | {f.help} |" for f in event.fields
        )
        parts.append(
            f"### `{event.name}`: {event.title}\n\nService: `dhr_tracker.{event.service}`\n\n"
            f"| field | required | value | meaning |\n|---|---|---|---|\n{rows}\n"
        )
    return "\n".join(parts)


GENERATED_START = (
    "<!-- generated from dhr_tracker/record/events.py by dhr_tracker.record.schema.markdown_fields(); "
    "a test keeps it equal -->"
)
GENERATED_END = "<!-- end of generated fields -->"
