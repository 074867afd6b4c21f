"""Each default lives once, in dhr_tracker/settings.py; the pure engines derive theirs from it."""

from __future__ import annotations


def test_the_engines_take_their_default_thresholds_from_the_declared_settings(monkeypatch):
    """One home for each default: change a setting's declared default and the pure engines follow."""
    import dataclasses

    from dhr_tracker.lifecycle.rag import RagRules
    from dhr_tracker.settings import SETTINGS

    assert RagRules().due_soon_days == SETTINGS["rag.due_soon_days"].default
    monkeypatch.setitem(SETTINGS, "rag.due_soon_days", dataclasses.replace(SETTINGS["rag.due_soon_days"], default=21))
    assert RagRules().due_soon_days == 21
