"""One 'today' for every service: the UK date (dates.today_uk), whatever the machine's time zone."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_no_service_asks_the_machine_for_its_local_date():
    # date.today() is the machine's local date: just after midnight in the UK it is still yesterday on a
    # machine set to UTC-5, so a reply received "today" would be refused as in the future.
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for folder in ("dhr_tracker", "ui")
        for path in sorted((ROOT / folder).rglob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
        if re.search(r"\bdate\.today\(\)", line)
    ]
    assert offenders == []
