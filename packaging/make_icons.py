"""Render resources/icons/app-icon.svg to the PNG (Linux, window icon) and the multi-size ICO (Windows).

Run after changing the SVG:  .venv/bin/python packaging/make_icons.py
Uses Qt's SVG renderer offscreen and Pillow (installed with ReportLab) to write the ICO.
"""

from __future__ import annotations

import io
import os
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image  # noqa: E402
from PySide6.QtCore import QBuffer, QIODevice, Qt  # noqa: E402
from PySide6.QtGui import QGuiApplication, QImage, QPainter  # noqa: E402
from PySide6.QtSvg import QSvgRenderer  # noqa: E402

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SIZES = (16, 24, 32, 48, 64, 128, 256)


def render(renderer: QSvgRenderer, size: int) -> Image.Image:
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    return Image.open(io.BytesIO(bytes(buffer.data()))).convert("RGBA")


def main() -> None:
    app = QGuiApplication([])  # noqa: F841 - QPainter needs an application object
    renderer = QSvgRenderer(str(ICONS / "app-icon.svg"))
    if not renderer.isValid():
        raise SystemExit(f"{ICONS / 'app-icon.svg'} is not a valid SVG.")
    images = {size: render(renderer, size) for size in SIZES}
    images[256].save(ICONS / "app-icon.png")
    images[256].save(
        ICONS / "app-icon.ico", sizes=[(size, size) for size in SIZES], append_images=[images[s] for s in SIZES[:-1]]
    )
    print(f"Wrote {ICONS / 'app-icon.png'} and {ICONS / 'app-icon.ico'} ({', '.join(map(str, SIZES))} px).")


if __name__ == "__main__":
    main()
