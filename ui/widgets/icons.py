"""Icons by name from resources/icons (SVG or PNG); a missing icon is an empty icon, never an error.

Line icons are drawn in one slate colour; for the Selected mode (white text on the accent colour in the
navigation) the same SVG is drawn again in white.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QByteArray, QSize, Qt
from PySide6.QtGui import QIcon, QImage, QPainter, QPixmap
from PySide6.QtSvg import QSvgRenderer

from dhr_tracker.resources import resources_root

LINE_COLOUR = "#3e5368"
SELECTED_COLOUR = "#ffffff"
SIZES = (16, 20, 24, 32, 40, 48, 64)  # 40 and 64: the navigation at 2x


def _recoloured(svg: str, colour: str, size: int) -> QPixmap:
    """The SVG drawn at `size` pixels (sharp at every size, unlike scaling one bitmap) in another colour."""
    renderer = QSvgRenderer(QByteArray(svg.replace(LINE_COLOUR, colour).encode("utf-8")))
    if not renderer.isValid():
        return QPixmap()
    image = QImage(QSize(size, size), QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    renderer.render(painter)
    painter.end()
    return QPixmap.fromImage(image)


@cache
def icon(name: str) -> QIcon:
    if not name:
        return QIcon()
    folder = resources_root() / "icons"
    svg = folder / f"{name}.svg"
    if svg.exists():
        result = QIcon(str(svg))
        text = svg.read_text(encoding="utf-8")
        if LINE_COLOUR in text:
            for size in SIZES:
                pixmap = _recoloured(text, SELECTED_COLOUR, size)
                if not pixmap.isNull():
                    result.addPixmap(pixmap, QIcon.Mode.Selected)
        return result
    png = folder / f"{name}.png"
    return QIcon(str(png)) if png.exists() else QIcon()
