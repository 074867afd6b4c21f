"""The same data and the same questions on both engines: the encrypted file and a PostgreSQL team database.

    .venv/bin/python bench/engines.py --scale small          # a tenth of the national caseload
    .venv/bin/python bench/engines.py                        # national (2,000 reviews; needs ~2 GB RAM to move)
    .venv/bin/python bench/engines.py --server URL           # an existing, EMPTY server database instead of
                                                             # a throw-away cluster

It takes bench/run.py's cached encrypted database (building it once if needed), moves it into PostgreSQL
with `dhr-tracker move`'s own path (exchange.move, in memory), then asks both the same questions through
the app's own services, each in a fresh session as the screens do. Without --server it starts a
throw-away PostgreSQL cluster on a Unix socket (tests/postgres_server.py: `pg_config --bindir`, as the
`postgres` user when run as root) and deletes it afterwards.

The targets (issue 18): every measure on PostgreSQL within 2x of the SQLCipher figure over a Unix socket,
and the dashboard with 20 simultaneous readers within 3x of one reader. Both are on wall-clock time:
PostgreSQL does part of the work in its own server processes, which this process's CPU time does not see.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import run as local_bench  # noqa: E402

READERS = 20
MAX_RATIO = 2.0
MAX_READERS_RATIO = 3.0


def median_wall(function: Callable[[], object], repeat: int) -> float:
    function()  # warm-up: imports, caches, first page reads / plans
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        runs.append(time.perf_counter() - started)
    return statistics.median(runs)


def questions(today: dt.date) -> dict[str, tuple[str, Callable]]:
    from dhr_tracker.casework.cases import list_cases
    from dhr_tracker.escalation.service import escalations
    from dhr_tracker.lifecycle.deadlines import deadlines_for_cases, timescales_from_settings
    from dhr_tracker.lifecycle.facts import load_case_facts
    from dhr_tracker.workdays import calendar_for
    from ui.models.loaders import load_case_rows  # noqa: I001
    from ui.screens.dashboard import load_dashboard  # first: ui.models.loaders and ui.screens import each other

    return {
        "dashboard": ("Dashboard data", lambda session: load_dashboard(session, today)),
        "case_list": ("Case list (casework.cases.list_cases)", list_cases),
        "case_rows": ("Case list as the Cases screen loads it", lambda session: load_case_rows(session, today)),
        "deadlines": (
            "Deadlines for every case",
            lambda session: deadlines_for_cases(
                load_case_facts(session), today, timescales_from_settings(session), calendar_for(session)
            ),
        ),
        "escalations": ("Escalations for every agency", lambda session: escalations(session, today)),
        "audit_verify": ("Audit verify (every link, every row against the trail, the guards)", _verified),
    }


def _verified(session):
    from dhr_tracker.security.audit import verify_chain

    report = verify_chain(session)
    if not report.ok:  # a figure for a trail that does not verify would measure the wrong thing
        raise RuntimeError(f"the moved trail does not verify: {report.problems()[:3]}")
    return report


def in_session(database, function) -> Callable[[], object]:
    def run():
        with database.session() as session:
            return function(session)

    return run


def readers_at_once(database, function, readers: int) -> float:
    """Wall-clock seconds until `readers` threads, released together, have each loaded the dashboard once."""
    start = threading.Barrier(readers + 1)
    errors: list[BaseException] = []

    def reader():
        start.wait()
        try:
            in_session(database, function)()
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=reader) for _ in range(readers)]
    for thread in threads:
        thread.start()
    start.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("national", "small"), default="national")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=None)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--server", default=None, help="an empty PostgreSQL database to use (default: a throw-away cluster)"
    )
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--only", default=None, help="comma-separated measures to run (e.g. audit_verify)")
    args = parser.parse_args(argv)
    anchor = args.as_of or dt.date.today()

    from dhr_tracker.exchange.move import move_into_server, read_whole
    from dhr_tracker.storage.database import open_database
    from dhr_tracker.storage.postgres import create_team_database, open_team_database

    path, _ = local_bench.ensure_database(args.scale, args.seed, anchor, rebuild=False)
    cluster = None
    if args.server is None:
        from tests import postgres_server

        reason = postgres_server.skip_reason()
        if reason:
            print(f"Cannot start a PostgreSQL server here: {reason}.")
            return 1
        cluster = postgres_server.start_cluster()
        import psycopg

        with psycopg.connect(cluster.url(), autocommit=True) as connection:
            connection.execute("CREATE DATABASE dhr_bench")
        url = cluster.url("dhr_bench")
    else:
        url = args.server
    try:
        local = open_database(path, local_bench.PASSPHRASE, read_only=True)
        started = time.perf_counter()
        archive = read_whole(local)
        result = move_into_server(archive, url, create_team_database)
        del archive
        moved_seconds = time.perf_counter() - started
        print(f"Moved {result.cases:,} cases, {result.records:,} records into PostgreSQL in {moved_seconds:.1f} s.")
        team = open_team_database(url, read_only=True)
        rows = []
        asked = questions(anchor)
        if args.only:
            asked = {key: asked[key] for key in args.only.split(",")}
        connect_local = median_wall(
            lambda: open_database(path, local_bench.PASSPHRASE, read_only=True).close(), args.repeat
        )
        connect_team = median_wall(lambda: open_team_database(url, read_only=True).close(), args.repeat)
        rows.append(("connect", "Unlock / connect (checks, first query)", connect_local, connect_team))
        for key, (label, function) in asked.items():
            on_file = median_wall(in_session(local, function), args.repeat)
            on_server = median_wall(in_session(team, function), args.repeat)
            rows.append((key, label, on_file, on_server))
            print(f"  {label}: file {on_file:.3f} s, server {on_server:.3f} s", flush=True)
        concurrent = []
        for key in ("dashboard", "case_list") if not args.only else ():  # the whole screen, and a pure query
            function = asked[key][1]
            one = statistics.median(readers_at_once(team, function, 1) for _ in range(3))
            many = statistics.median(readers_at_once(team, function, READERS) for _ in range(3))
            concurrent.append((key, asked[key][0], one, many))
        local.close()
        team.close()
    finally:
        if cluster is not None:
            cluster.stop()

    lines = ["| measure | SQLCipher file | PostgreSQL (Unix socket) | ratio | ≤ 2× |", "|---|---:|---:|---:|:---:|"]
    for _key, label, on_file, on_server in rows:
        ratio = on_server / on_file if on_file else float("inf")
        lines.append(
            f"| {label} | {on_file:.3f} s | {on_server:.3f} s | {ratio:.2f}× | {'yes' if ratio <= MAX_RATIO else '**NO**'} |"
        )
    for _key, label, one, many in concurrent:
        readers_ratio = many / one if one else float("inf")
        lines.append(
            f"| {label}: {READERS} readers at once (threads of one process) vs one reader, on PostgreSQL | "
            f"{one:.3f} s (one) | {many:.3f} s ({READERS}) | {readers_ratio:.2f}× | "
            f"≤ 3×: {'yes' if readers_ratio <= MAX_READERS_RATIO else '**NO**'} |"
        )
    table = "\n".join(lines)
    load = os.getloadavg()[0]
    print(
        f"\nBoth engines, {args.scale} scale, as of {anchor:%d/%m/%Y}; wall clock, median of {args.repeat}; "
        f"load average {load:.1f} on {os.cpu_count()} CPUs.\n"
    )
    print(table)
    out = args.json or local_bench.RESULTS / f"engines-{args.scale}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "scale": args.scale,
                "as_of": anchor.isoformat(),
                "load_average": load,
                "moved_seconds": moved_seconds,
                "rows": [{"key": k, "label": label, "sqlcipher_s": a, "postgresql_s": b} for k, label, a, b in rows],
                "readers": READERS,
                "concurrent": [{"key": k, "one_s": a, "many_s": b} for k, _l, a, b in concurrent],
                "table_markdown": table,
            },
            indent=2,
        ),
        encoding="utf-8",
    )
    print(f"\nWrote {out}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
