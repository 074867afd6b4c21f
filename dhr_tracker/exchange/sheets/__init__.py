"""Moving in from spreadsheets (CSV and XLSX import with a dry-run report) and CSV/XLSX exports.

For the app's import wizard, in order:
    sheet_file = read_sheet_file(path)                  # SheetFileError with a clear message if unreadable
    mapping = suggest_mapping(sheet_file, session)      # remembered layouts first, else the automatic guess
    ... let the person check and change mapping.sheets[i].columns (FIELDS lists what each kind can hold) ...
    result = import_sheets(session, sheet_file, mapping, dry_run=True)   # result.problems is the report
    result = import_sheets(session, sheet_file, mapping)                 # all or nothing, in the caller's transaction
    remember_mapping(session, sheet_file, mapping)
"""

from dhr_tracker.exchange.sheets.fields import CASE_FIELDS, FIELDS, RECOMMENDATION_FIELDS, Field, SheetKind
from dhr_tracker.exchange.sheets.file_error import SheetFileError
from dhr_tracker.exchange.sheets.importer import ImportResult, Problem, SheetSummary, import_sheets
from dhr_tracker.exchange.sheets.mapping import (
    ImportMapping,
    MappingError,
    SheetMapping,
    load_mapping_file,
    mapping_from_json,
    remember_mapping,
    suggest_mapping,
)
from dhr_tracker.exchange.sheets.report import write_report
from dhr_tracker.exchange.sheets.source import SheetFile, read_sheet_file

__all__ = [
    "CASE_FIELDS",
    "FIELDS",
    "RECOMMENDATION_FIELDS",
    "Field",
    "ImportMapping",
    "ImportResult",
    "MappingError",
    "Problem",
    "SheetFile",
    "SheetFileError",
    "SheetKind",
    "SheetMapping",
    "SheetSummary",
    "import_sheets",
    "load_mapping_file",
    "mapping_from_json",
    "read_sheet_file",
    "remember_mapping",
    "suggest_mapping",
    "write_report",
]
