"""RAG and urgency are told by word and shape as well as colour, and their tints keep text readable (WCAG AA)."""

from __future__ import annotations

from ui.models.base import RAG_COLOURS, RAG_SHAPES, rag_text
from ui.models.case_detail import DEADLINE_SHAPES
from ui.models.dashboard import URGENCY_COLOURS, URGENCY_LABELS


def luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_each_rating_and_state_has_its_own_shape_and_word():
    assert len(set(RAG_SHAPES.values())) == 3
    assert [rag_text(r) for r in ("red", "amber", "green")] == ["▲ Red", "◆ Amber", "● Green"]
    assert len({label.split()[0] for label in URGENCY_LABELS.values()}) == len(URGENCY_LABELS)
    assert len(set(DEADLINE_SHAPES.values())) == len(DEADLINE_SHAPES)


def test_text_on_every_tint_passes_wcag_aa():
    text = "#1f2933"  # the stylesheet's body text (resources/styles)
    tints = [*RAG_COLOURS.values(), *(c for c in URGENCY_COLOURS.values() if c)]
    for tint in tints:
        assert contrast(text, tint) >= 4.5, tint
    # Red and green tints also differ in lightness, so they are told apart without hue (deuteranopia).
    assert abs(luminance(RAG_COLOURS["red"]) - luminance(RAG_COLOURS["green"])) > 0.02
