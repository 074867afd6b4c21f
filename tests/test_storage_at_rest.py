"""No plaintext at rest: nothing the database leaves in its folder shows a name or pseudonym."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from dhr_tracker.casework.cases import create_case, update_case
from dhr_tracker.demo import build_demo_caseload
from dhr_tracker.model import Case, ProgressUpdate
from dhr_tracker.storage.database import open_database
from tests.conftest import PASSPHRASE


def words_on_disk(folder, words):
    """Every word from `words` found in any file of `folder`, as UTF-8 or UTF-16 text."""
    found = set()
    for path in folder.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            for word in words:
                if word.encode("utf-8") in data or word.encode("utf-16-le") in data:
                    found.add((path.name, word))
    return found


def test_no_name_or_pseudonym_in_any_file_during_and_after_use(database_path):
    folder = database_path.parent
    with open_database(database_path, PASSPHRASE) as database:
        with database.transaction() as session:
            build_demo_caseload(session, cases=12, seed=9, anchor=dt.date(2026, 11, 23))
            case = create_case(
                session,
                today=dt.date(2026, 11, 23),
                reference="DHR-2026-77",
                pseudonym="Zephyrine",
                victim_real_name="Ottilie Quarrington",
                perpetrator_real_name="Lucius Vexworthy",
                notified_on=dt.date(2026, 9, 1),
                csp_area="Thanet",
            )
        with database.transaction() as session:
            case = session.scalar(select(Case).where(Case.reference == "DHR-2026-77"))
            update_case(session, case, today=dt.date(2026, 11, 23), notes="Family liaison with Ottilie's sister")
            words = {"Zephyrine", "Ottilie Quarrington", "Lucius Vexworthy", "Ottilie's sister"}
            for row in session.execute(select(Case.pseudonym, Case.victim_real_name, Case.perpetrator_real_name)):
                words.update(name for name in row if name)
            words.update(session.scalars(select(ProgressUpdate.text)).all()[:5])
        # Short pseudonyms ("Jo") turn up by chance in any 300 KB of random bytes; five characters do not.
        words = {word for word in words if len(word) >= 5}
        assert len(words) > 30
        assert words_on_disk(folder, words) == set(), "plaintext found while the database was open"
    assert words_on_disk(folder, words) == set(), "plaintext found after the database was closed"
    assert sorted(path.name for path in folder.iterdir()) == [database_path.name]
