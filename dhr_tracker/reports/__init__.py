"""ReportLab PDFs: the marked-document frame, the pseudonym guard, the KCSP briefing, the action plan, the letters.

Build any new report on `dhr_tracker.reports.frame` (see its docstring): it marks every page, embeds
the fonts, checks for real names and writes the file safely.
"""

from dhr_tracker.reports.frame import (
    CopyLabel,
    DocumentInfo,
    Marking,
    content_width,
    data_table,
    encrypt_pdf,
    escape,
    render_copies,
    render_pdf,
    report_styles,
    write_pdf,
)
from dhr_tracker.reports.pseudonyms import RealNameFound, RealNameGuard

__all__ = [
    "CopyLabel",
    "DocumentInfo",
    "Marking",
    "RealNameFound",
    "RealNameGuard",
    "content_width",
    "data_table",
    "encrypt_pdf",
    "escape",
    "render_copies",
    "render_pdf",
    "report_styles",
    "write_pdf",
]
