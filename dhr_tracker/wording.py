"""Small rules of written English for what people read: lists joined with "and", counted nouns. Pure Python."""

from __future__ import annotations

from collections.abc import Iterable


def join_and(items: Iterable[str], *, empty: str = "") -> str:
    """'A', 'A and B', 'A, B and C' (no Oxford comma, as en-GB house style has it); `empty` for none."""
    words = [item for item in items if item]
    if not words:
        return empty
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 agency', '3 agencies'."""
    return f"{count} {singular if count == 1 else (plural_form or singular + 's')}"
