"""One writer of a team database, run as its own process by tests/test_team_database.py.

    python -m tests.team_writer URL ROLE PREFIX COUNT

Signs in as ROLE and records COUNT new cases (DHR-PREFIX-01 ...), each in its own unit of work,
then changes the shared case DHR-2026-99 once per case (retrying when the other writer saved it first),
so that the two processes' audit appends and row updates really interleave.
"""

from __future__ import annotations

import datetime as dt
import sys

from dhr_tracker.casework.cases import create_case, find_case, update_case
from dhr_tracker.errors import ValidationError
from dhr_tracker.storage.postgres import open_team_database


def main(url: str, role: str, prefix: str, count: int) -> int:
    url = url.replace("postgresql://postgres@", f"postgresql://{role}@")
    conflicts = 0
    with open_team_database(url) as database:
        for number in range(1, count + 1):
            with database.transaction() as session:
                create_case(
                    session,
                    reference=f"DHR-{prefix}-{number:02d}",
                    pseudonym=f"{role} {number}",
                    notified_on=dt.date(2026, 1, 5),
                    csp_area="Swale",
                    today=dt.date(2026, 11, 23),
                )
            while True:
                try:
                    with database.transaction() as session:
                        shared = find_case(session, "DHR-2026-99")
                        update_case(session, shared, notes=f"{shared.notes}{role[0]}", today=dt.date(2026, 11, 23))
                    break
                except ValidationError as error:
                    assert error.rule == "changed_since_opened", error
                    conflicts += 1
    print(conflicts)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])))
