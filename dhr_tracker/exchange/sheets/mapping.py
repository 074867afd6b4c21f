"""Which column holds what: guessing it from the headers, a mapping file for the command line, and
mappings the app's import wizard remembers (stored in the database, table setting_value, under the
key `exchange.sheet_mappings`: wizard memory, not a setting a person edits, so it is not declared in
dhr_tracker.settings and the settings screen does not show it).

A mapping file is JSON (docs/spreadsheet-import.md describes it):

    {"dhr_tracker_mapping": 1,
     "sheets": [{"sheet": "Caseload", "kind": "cases", "header_row": 2,
                 "columns": {"reference": "DHR Ref", "notified_on": "Date notified", "notes": null}}],
     "agency_aliases": {"KCC ASC": "KCC Adult Social Care"}}
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from dhr_tracker.errors import UserError
from dhr_tracker.exchange.sheets.fields import FIELD_BY_KEY, FIELDS, SheetKind, normalise_header
from dhr_tracker.exchange.sheets.source import Sheet, SheetFile
from dhr_tracker.model import SettingValue

MAPPING_FORMAT_KEY = "dhr_tracker_mapping"
MAPPING_FORMAT_VERSION = 1
HEADER_SEARCH_ROWS = 20
FUZZY_HEADER_CUTOFF = 0.88
REMEMBERED_LIMIT = 50
REMEMBERED_KEY = "exchange.sheet_mappings"
EXPORTED_IMPORTABLE = ("Cases", "Recommendations")

_SYNONYMS: dict[SheetKind, dict[str, str]] = {
    kind: {normalise_header(header): f.key for f in fields for header in f.headers} for kind, fields in FIELDS.items()
}
_ALL_SYNONYMS = set().union(*(synonyms.keys() for synonyms in _SYNONYMS.values()))


class MappingError(UserError):
    """A mapping file or a mapping that cannot be used; the message says what to change."""


@dataclass
class SheetMapping:
    """How to read one sheet: what it holds, where its header row is, and which header each field is under.

    `columns` maps a field key to the header text as it appears in the sheet, or to None to leave that
    field out on purpose. `header_row` is the spreadsheet's row number (1 = first row), None to find it.
    """

    kind: SheetKind
    sheet: str | None = None
    header_row: int | None = None
    columns: dict[str, str | None] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"kind": self.kind.value, "columns": dict(self.columns)}
        if self.sheet is not None:
            data["sheet"] = self.sheet
        if self.header_row is not None:
            data["header_row"] = self.header_row
        return data


@dataclass
class ImportMapping:
    """A whole import: the sheets to read (others are left alone) and agency spellings to accept."""

    sheets: list[SheetMapping] = field(default_factory=list)
    agency_aliases: dict[str, str] = field(default_factory=dict)
    set_aside: dict[str, str] = field(default_factory=dict)  # sheet name -> why the guess left it out

    def to_json(self) -> dict[str, Any]:
        return {
            MAPPING_FORMAT_KEY: MAPPING_FORMAT_VERSION,
            "sheets": [sheet.to_json() for sheet in self.sheets],
            "agency_aliases": dict(self.agency_aliases),
        }

    def for_sheet(self, sheet: Sheet, only_sheet: bool) -> SheetMapping | None:
        for mapping in self.sheets:
            if mapping.sheet is None and only_sheet:
                return mapping
            if mapping.sheet is not None and mapping.sheet.strip().casefold() == sheet.name.strip().casefold():
                return mapping
        return None


@dataclass(frozen=True)
class Layout:
    """A mapping applied to a sheet: the header row found and the column index (from 0) of each field."""

    kind: SheetKind
    header_row: int
    headers: tuple[str, ...]
    columns: dict[str, int]
    missing: tuple[str, ...] = ()  # headers named in the mapping that the sheet does not have

    def header_of(self, index: int) -> str:
        return self.headers[index] if index < len(self.headers) else ""


# --- guessing ------------------------------------------------------------------------------------


def _texts(values: tuple) -> list[str]:
    return ["" if value is None else " ".join(str(value).split()) for value in values]


def find_header_row(sheet: Sheet) -> int | None:
    """The row, among the first few, with the most cells that look like known headers (at least two)."""
    best, best_score = None, 1
    for number, values in sheet.rows[:HEADER_SEARCH_ROWS]:
        score = sum(1 for text in _texts(values) if normalise_header(text) in _ALL_SYNONYMS)
        if score > best_score:
            best, best_score = number, score
    return best


def guess_columns(kind: SheetKind, headers: list[str], fixed: dict[str, str | None] | None = None) -> dict[str, int]:
    """Field key -> column index, from exact synonyms first, then close spellings ('Date Notifed')."""
    fixed = fixed or {}
    synonyms = _SYNONYMS[kind]
    normalised = [normalise_header(text) for text in headers]
    chosen: dict[str, int] = {}
    used: set[int] = set()
    for key, header in fixed.items():
        if header is None:
            continue
        wanted = normalise_header(header)
        for index, text in enumerate(normalised):
            if text == wanted and index not in used:
                chosen[key] = index
                used.add(index)
                break
    skip = set(fixed)  # fields named in the mapping (found, missing or left out on purpose) are not guessed
    for index, text in enumerate(normalised):
        guessed = synonyms.get(text)
        if guessed and guessed not in chosen and guessed not in skip and index not in used:
            chosen[guessed] = index
            used.add(index)
    for index, text in enumerate(normalised):
        if index in used or len(text) < 4:
            continue
        match = difflib.get_close_matches(text, list(synonyms), n=1, cutoff=FUZZY_HEADER_CUTOFF)
        if match:
            key = synonyms[match[0]]
            if key not in chosen and key not in skip:
                chosen[key] = index
                used.add(index)
    return chosen


def _score(kind: SheetKind, columns: dict[str, int]) -> tuple[int, int]:
    required = sum(1 for f in FIELDS[kind] if f.required and f.key in columns)
    return required, len(columns)


def guess_kind(sheet_name: str, headers: list[str]) -> SheetKind | None:
    """Cases or recommendations, from which required columns the headers supply; None if neither fits."""
    scores = {kind: _score(kind, guess_columns(kind, headers)) for kind in SheetKind}
    complete = [kind for kind in SheetKind if scores[kind][0] == sum(1 for f in FIELDS[kind] if f.required)]
    if len(complete) == 1:
        return complete[0]
    candidates = complete or [kind for kind in SheetKind if scores[kind][0] >= 2]
    if not candidates:
        return None
    if len(candidates) > 1:
        name = sheet_name.casefold()
        if "rec" in name or "action" in name:
            return SheetKind.RECOMMENDATIONS
        return max(candidates, key=lambda kind: (scores[kind], kind is SheetKind.CASES))
    return candidates[0]


def guess_mapping(sheet: Sheet) -> SheetMapping | None:
    """The automatic guess for one sheet, as a mapping a person can check and change; None if unrecognised."""
    header_row = find_header_row(sheet)
    if header_row is None:
        return None
    headers = _texts(sheet.header_values(header_row))
    kind = guess_kind(sheet.name, headers)
    if kind is None:
        return None
    columns = guess_columns(kind, headers)
    return SheetMapping(kind, sheet.name, header_row, {key: headers[index] for key, index in columns.items()})


def layout_for(sheet: Sheet, mapping: SheetMapping) -> Layout | None:
    """Apply a mapping to a sheet: find its header row (unless given) and each field's column."""
    header_row = mapping.header_row
    if header_row is None:
        named = {normalise_header(h) for h in mapping.columns.values() if h}
        best, best_score = None, 0
        for number, values in sheet.rows[:HEADER_SEARCH_ROWS]:
            texts = {normalise_header(text) for text in _texts(values)}
            score = len(named & texts) * 100 + len(texts & _ALL_SYNONYMS)
            if score > best_score:
                best, best_score = number, score
        header_row = best
    if header_row is None:
        return None
    headers = _texts(sheet.header_values(header_row))
    columns = guess_columns(mapping.kind, headers, mapping.columns)
    missing = tuple(header for key, header in mapping.columns.items() if header is not None and key not in columns)
    return Layout(mapping.kind, header_row, tuple(headers), columns, missing)


def _complete(mapping: SheetMapping) -> bool:
    return all(f.key in mapping.columns for f in FIELDS[mapping.kind] if f.required)


def suggest_mapping(sheet_file: SheetFile, session: Session | None = None) -> ImportMapping:
    """For the wizard: a remembered mapping for each sheet whose headers were seen before, else the guess.

    A sheet that only partly looks like a cases or recommendations sheet is set aside (with the reason)
    when another sheet of the file fits completely; in a workbook that DHR Tracker exported, only the
    Cases and Recommendations sheets are taken (updates and the Home Office return are for reading).
    """
    remembered = _remembered(session) if session is not None else {}
    suggestion = ImportMapping()
    for sheet in sheet_file.sheets:
        if sheet_file.exported and sheet.name not in EXPORTED_IMPORTABLE:
            suggestion.set_aside[sheet.name] = (
                "DHR Tracker exported it for reading; only its Cases and Recommendations sheets are imported"
            )
            continue
        mapping = None
        for number, values in sheet.rows[:HEADER_SEARCH_ROWS]:
            stored = remembered.get(header_signature(values))
            if stored:
                mapping = _sheet_mapping_from_json(stored, "remembered mapping")
                mapping.sheet, mapping.header_row = sheet.name, number
                break
        mapping = mapping or guess_mapping(sheet)
        if mapping is not None:
            mapping.sheet = sheet.name
            suggestion.sheets.append(mapping)
    if any(_complete(mapping) for mapping in suggestion.sheets):
        for mapping in [m for m in suggestion.sheets if not _complete(m)]:
            missing = ", ".join(
                f.label.lower() for f in FIELDS[mapping.kind] if f.required and f.key not in mapping.columns
            )
            suggestion.set_aside[mapping.sheet or ""] = (
                f"it looks partly like a {mapping.kind.value} sheet but has no column for the {missing}"
            )
            suggestion.sheets.remove(mapping)
    return suggestion


# --- remembering (the app's wizard) -----------------------------------------------------------------


def header_signature(values: tuple) -> str:
    """The headers of a row, normalised: the same layout of sheet gives the same signature."""
    texts = [normalise_header(text) for text in _texts(values)]
    while texts and not texts[-1]:
        texts.pop()
    return "|".join(texts) if sum(1 for text in texts if text) >= 2 else ""


def _remembered(session: Session) -> dict[str, dict]:
    stored = session.get(SettingValue, REMEMBERED_KEY)
    if stored is None:
        return {}
    try:
        return check_remembered_store(json.loads(stored.value_json))
    except (ValueError, MappingError):
        return {}  # unreadable memory is forgotten, never an error: the guess still works


def remember_mapping(session: Session, sheet_file: SheetFile, mapping: ImportMapping) -> int:
    """Remember each sheet's mapping under its header signature, for the next file laid out the same way.

    Part of the caller's transaction. Keeps the most recent REMEMBERED_LIMIT layouts; returns how many
    sheets were remembered.
    """
    store = _remembered(session)
    count = 0
    only = len(sheet_file.sheets) == 1
    for sheet in sheet_file.sheets:
        sheet_mapping = mapping.for_sheet(sheet, only)
        if sheet_mapping is None:
            continue
        layout = layout_for(sheet, sheet_mapping)
        if layout is None:
            continue
        signature = header_signature(sheet.header_values(layout.header_row))
        if not signature:
            continue
        store.pop(signature, None)
        store[signature] = {"kind": sheet_mapping.kind.value, "columns": dict(sheet_mapping.columns)}
        count += 1
    while len(store) > REMEMBERED_LIMIT:
        store.pop(next(iter(store)))
    encoded = json.dumps(store, sort_keys=False, ensure_ascii=False)
    stored = session.get(SettingValue, REMEMBERED_KEY)
    if stored is None:
        session.add(SettingValue(key=REMEMBERED_KEY, value_json=encoded))
    else:
        stored.value_json = encoded
    return count


# --- mapping files ------------------------------------------------------------------------------


def _sheet_mapping_from_json(data: Any, where: str) -> SheetMapping:
    if not isinstance(data, dict):
        raise MappingError(f'In the {where}, each entry of "sheets" must be an object with "kind" and "columns".')
    unknown = set(data) - {"sheet", "kind", "header_row", "columns"}
    if unknown:
        raise MappingError(f"In the {where}, a sheet entry has keys it does not know: {', '.join(sorted(unknown))}.")
    try:
        kind = SheetKind(str(data.get("kind", "")).strip().lower())
    except ValueError:
        raise MappingError(
            f'In the {where}, "kind" must be "cases" or "recommendations", not {json.dumps(data.get("kind"))}.'
        ) from None
    sheet = data.get("sheet")
    if sheet is not None and not isinstance(sheet, str):
        raise MappingError(f'In the {where}, "sheet" must be the sheet\'s name as text.')
    header_row = data.get("header_row")
    if header_row is not None and (isinstance(header_row, bool) or not isinstance(header_row, int) or header_row < 1):
        raise MappingError(f'In the {where}, "header_row" must be a row number (1 for the first row).')
    columns = data.get("columns", {})
    if not isinstance(columns, dict):
        raise MappingError(f'In the {where}, "columns" must be an object: field name -> header text.')
    known = FIELD_BY_KEY[kind]
    for key, header in columns.items():
        if key not in known:
            close = difflib.get_close_matches(key, list(known), n=1)
            hint = f' Did you mean "{close[0]}"?' if close else f" The fields are: {', '.join(known)}."
            raise MappingError(f'In the {where}, "{key}" is not a field of a {kind.value} sheet.{hint}')
        if header is not None and (not isinstance(header, str) or not header.strip()):
            raise MappingError(
                f'In the {where}, the column for "{key}" must be a header\'s text, or null to leave it out.'
            )
    return SheetMapping(kind, sheet, header_row, dict(columns))


def mapping_from_json(data: Any, where: str = "mapping file") -> ImportMapping:
    if not isinstance(data, dict) or data.get(MAPPING_FORMAT_KEY) != MAPPING_FORMAT_VERSION:
        raise MappingError(
            f"The {where} is not a DHR Tracker column mapping: it must be a JSON object with "
            f'"{MAPPING_FORMAT_KEY}": {MAPPING_FORMAT_VERSION} (see docs/spreadsheet-import.md).'
        )
    unknown = set(data) - {MAPPING_FORMAT_KEY, "sheets", "agency_aliases"}
    if unknown:
        raise MappingError(f"The {where} has keys it does not know: {', '.join(sorted(unknown))}.")
    sheets = data.get("sheets", [])
    if not isinstance(sheets, list) or not sheets:
        raise MappingError(f'The {where} must list at least one sheet under "sheets".')
    aliases = data.get("agency_aliases", {})
    if not isinstance(aliases, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in aliases.items()):
        raise MappingError(f'In the {where}, "agency_aliases" must map a spelling to an agency\'s name, both as text.')
    return ImportMapping([_sheet_mapping_from_json(sheet, where) for sheet in sheets], dict(aliases))


def load_mapping_file(path: Path | str) -> ImportMapping:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise MappingError(f"There is no mapping file at {path}.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise MappingError(
            f"Cannot read the mapping file {path}: {getattr(error, 'strerror', None) or error}."
        ) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise MappingError(
            f"The mapping file {path.name} is not valid JSON: {error.msg} at line {error.lineno}."
        ) from None
    return mapping_from_json(data, f"mapping file {path.name}")


def check_remembered_store(value: Any) -> dict:
    """Remembered mappings as stored: signature -> {"kind", "columns"}; refuses anything else."""
    if not isinstance(value, dict):
        raise ValueError("remembered mappings must be an object")
    for signature, entry in value.items():
        if not isinstance(signature, str):
            raise ValueError("remembered mappings are keyed by header text")
        _sheet_mapping_from_json(entry, "remembered mapping")
    return value
