"""Small-number suppression: counts from 1 up to one below the threshold are shown as "fewer than N".

Anything shared beyond the coordinator (the seminar pack) shows counts this way, so that a family cannot be
identified from a small number (DOMAIN.md, "Small numbers"; the threshold is the learning.small_number_threshold
setting). Nought is shown: it identifies no one.
"""

from __future__ import annotations


def shown_count(count: int, threshold: int) -> str:
    if 0 < count < threshold:
        return f"fewer than {threshold}"
    return str(count)


def is_suppressed(count: int, threshold: int) -> bool:
    return 0 < count < threshold
