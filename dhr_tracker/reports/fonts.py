"""The report fonts: Liberation Sans from resources/fonts, registered with ReportLab and embedded in every PDF."""

from __future__ import annotations

import threading

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from dhr_tracker.resources import resource_path

FAMILY = "DHRSans"
REGULAR = "DHRSans"
BOLD = "DHRSans-Bold"
ITALIC = "DHRSans-Italic"
BOLD_ITALIC = "DHRSans-BoldItalic"

_FILES = {
    REGULAR: "LiberationSans-Regular.ttf",
    BOLD: "LiberationSans-Bold.ttf",
    ITALIC: "LiberationSans-Italic.ttf",
    BOLD_ITALIC: "LiberationSans-BoldItalic.ttf",
}
_lock = threading.Lock()
_registered = False


def register_fonts() -> None:
    """Register the embedded family once per process (safe to call from any thread, any number of times).

    TrueType fonts are always embedded (as subsets) by ReportLab, so a PDF never depends on the
    reader's system fonts. A missing font file raises FileNotFoundError saying to reinstall.
    """
    global _registered
    with _lock:
        if _registered:
            return
        for name, filename in _FILES.items():
            pdfmetrics.registerFont(TTFont(name, str(resource_path("fonts", filename))))
        pdfmetrics.registerFontFamily(FAMILY, normal=REGULAR, bold=BOLD, italic=ITALIC, boldItalic=BOLD_ITALIC)
        # <b> and <i> inside paragraphs resolve through these mappings.
        addMapping(FAMILY, 0, 0, REGULAR)
        addMapping(FAMILY, 1, 0, BOLD)
        addMapping(FAMILY, 0, 1, ITALIC)
        addMapping(FAMILY, 1, 1, BOLD_ITALIC)
        _registered = True
