"""The pseudonym rule for whole databases: no case's pseudonym may share a word with a real name.

The case service refuses such a pseudonym where it is typed (`casework.cases.check_pseudonym`, which
also covers the spreadsheet import). A JSON archive import and a restore bring in many cases at once,
written elsewhere: they call `pseudonyms_holding_names` and refuse the whole file.
"""

from __future__ import annotations

from sqlalchemy import text

from dhr_tracker.privacy.names import shared_name_words


def pseudonyms_holding_names(connection) -> list[str]:
    """References of the cases whose pseudonym shares a word with a real name of any case (a Session or
    a Connection)."""
    rows = connection.execute(
        text("SELECT reference, pseudonym, victim_real_name, perpetrator_real_name FROM dhr_case")
    ).all()
    names = [(reference, name) for reference, _, *stored in rows for name in stored if name]
    if not names:
        return []
    return sorted(reference for reference, pseudonym, *_ in rows if pseudonym and shared_name_words(pseudonym, names))


def refusal(references: list[str], what: str) -> str:
    shown = ", ".join(references[:10]) + (f" and {len(references) - 10} more" if len(references) > 10 else "")
    return (
        f"{what}: the pseudonym of case {shown} shares a word with a real name stored in it. "
        "Pseudonyms must hold no part of anyone's real name: correct them in the database the file came from, "
        "then try again."
    )
