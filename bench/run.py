"""DHR Tracker at national scale: build a synthetic caseload, time what the app does with it, compare with plain SQLite.

    .venv/bin/python bench/run.py                     # national: 2,000 reviews, 50,000 recommendations, ...
    .venv/bin/python bench/run.py --scale small       # a tenth of that, for a quick look
    .venv/bin/python bench/run.py --json out.json     # where to write the JSON (default: bench/results/)

The encrypted databases are built once (bulk Core inserts in one transaction, in a child process so
the generator's memory does not count) and kept in bench/results/cache/. Each run exports a plain
SQLite copy of the same data (sqlcipher_export) into a temporary folder, deleted at the end; the
baseline asks it the same questions with hand-written SQL through the standard library's sqlite3 and
hands the rows to the same pure engines (see bench/baseline.py).

Every figure is the median of several runs after one warm-up run, on a warm cache, each in a fresh
session as the app's screens use them. Both wall-clock and CPU time are recorded: every measure runs
on one thread, so on an otherwise idle machine the wall-clock time is the CPU time; when other work
shares the CPUs (the load average is printed) the CPU time is the steadier figure, and the ratio to
plain SQLite is taken on CPU time. The table says whether each target is met on each. Peak memory is the measuring process's maximum resident set
(everything: Python, Qt, SQLCipher, every measure) and, per measure, tracemalloc's peak of Python
allocations in a separate pass (tracemalloc slows Python down, so it is never on while timing).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the case-filter measure builds Qt models, headless

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path[:0] = [str(ROOT), str(BENCH)]

import baseline  # noqa: E402
import synthetic  # noqa: E402

PASSPHRASE = "benchmark passphrase, not a secret"
RESULTS = BENCH / "results"
CACHE = RESULTS / "cache"

# The targets of issue #9 (seconds unless said otherwise), for a 2-core machine.
TARGETS = {
    "unlock": 0.5,
    "dashboard": 0.3,
    "deadlines": 1.0,
    "escalations": 1.0,
    "keystroke_ms": 16.0,
    "briefing_100": 5.0,
    "briefing_40x20": 5.0,
    "peak_memory_mb": 400.0,
    "audit_verify": 1.0,
    "packs_make_40": 5.0,
    "packs_dry_run_200": 1.0,
    "packs_import_200": 1.0,  # issue #15
    # issue #19: the caseload overview (lifecycle.today) computed once, brought up to date by each write
    "first_load": 0.3,
    "dashboard_after_write": 0.05,
    "case_rows_after_write": 0.05,
    "start_screen": 1.5,  # warm, from starting the process (bench/start_time.py)
}
MAX_RATIO = 2.0


# --- building the databases ---------------------------------------------------------------------


def cache_path(scale: str, seed: int, anchor: dt.date) -> Path:
    from dhr_tracker.storage.migrate import head_revision

    return (
        CACHE
        / f"{scale}-seed{seed}-gen{synthetic.GENERATOR_VERSION}-schema{head_revision()}-{anchor.isoformat()}.dhrdb"
    )


def build_database(scale: str, seed: int, anchor: dt.date, path: Path) -> dict:
    """Create and fill one encrypted database (runs in a child process)."""
    from dhr_tracker.storage.database import create_database

    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    started = time.perf_counter()
    database = create_database(partial, PASSPHRASE)
    try:
        counts = synthetic.build(database, synthetic.SCALES[scale], seed=seed, anchor=anchor)
    finally:
        database.close()
    partial.rename(path)
    return {"seconds": round(time.perf_counter() - started, 1), "rows": counts, "bytes": path.stat().st_size}


def ensure_database(scale: str, seed: int, anchor: dt.date, rebuild: bool) -> tuple[Path, dict | None]:
    path = cache_path(scale, seed, anchor)
    if path.exists() and not rebuild:
        return path, None
    CACHE.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    print(f"Building the {scale} database (once; kept in {CACHE.relative_to(ROOT)}) ...", flush=True)
    completed = subprocess.run(
        [
            sys.executable,
            __file__,
            "--build-one",
            scale,
            "--seed",
            str(seed),
            "--as-of",
            anchor.isoformat(),
            "--out",
            str(path),
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    info = json.loads(completed.stdout.strip().splitlines()[-1])
    print(
        f"  built in {info['seconds']} s: " + ", ".join(f"{n:,} {t}" for t, n in info["rows"].items() if n), flush=True
    )
    return path, info


def export_plain(path: Path, target: Path) -> None:
    """The same data as a plain SQLite file, page for page (SQLCipher's own sqlcipher_export)."""
    from dhr_tracker.storage.database import open_database

    with open_database(path, PASSPHRASE) as database:
        raw = database.engine.raw_connection()
        try:
            connection = raw.driver_connection
            connection.execute("ATTACH DATABASE ? AS plaintext KEY ''", (str(target),))
            connection.execute("SELECT sqlcipher_export('plaintext')")
            connection.execute("DETACH DATABASE plaintext")
        finally:
            raw.close()


# --- timing ---------------------------------------------------------------------------------------


@dataclass
class Measure:
    key: str
    label: str
    seconds: float | None = None  # median
    runs: list[float] = field(default_factory=list)
    cpu_seconds: float | None = None  # median CPU time of this process: what the work costs without other load
    cpu_runs: list[float] = field(default_factory=list)
    baseline_seconds: float | None = None
    baseline_runs: list[float] = field(default_factory=list)
    baseline_cpu_seconds: float | None = None
    baseline_cpu_runs: list[float] = field(default_factory=list)
    target: float | None = None
    unit: str = "s"
    data_measure: bool = True
    note: str = ""
    error: str = ""
    peak_python_mb: float | None = None

    @property
    def ratio(self) -> float | None:
        """App CPU time over baseline CPU time: steadier than wall-clock time when other work shares the CPUs."""
        if self.cpu_seconds is None or not self.baseline_cpu_seconds:
            return None
        return self.cpu_seconds / self.baseline_cpu_seconds

    @property
    def wall_ratio(self) -> float | None:
        if self.seconds is None or not self.baseline_seconds:
            return None
        return self.seconds / self.baseline_seconds

    def _meets(self, seconds: float | None) -> bool | None:
        if self.target is None or seconds is None:
            return None
        return (seconds * 1000 if self.unit == "ms" else seconds) <= self.target

    @property
    def meets_target(self) -> bool | None:
        """On wall-clock time, as a user would see it."""
        return self._meets(self.seconds)

    @property
    def meets_target_cpu(self) -> bool | None:
        """On CPU time: what the wall-clock time is on an otherwise idle machine (everything here is one thread)."""
        return self._meets(self.cpu_seconds)

    @property
    def meets_ratio(self) -> bool | None:
        if not self.data_measure or self.ratio is None:
            return None
        return self.ratio <= MAX_RATIO


def timed(function: Callable[[], object], repeat: int) -> tuple[list[float], list[float]]:
    """Wall-clock and CPU seconds of `repeat` runs after one warm-up run (imports, caches, first page reads)."""
    function()
    walls, cpus = [], []
    for _ in range(repeat):
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
    return walls, cpus


def timed_after(
    prepare: Callable[[], object], function: Callable[[], object], repeat: int
) -> tuple[list[float], list[float]]:
    """Like `timed`, with `prepare()` (a write, an unlock) run before each run and left out of its time."""
    prepare()
    function()
    walls, cpus = [], []
    for _ in range(repeat):
        prepare()
        gc.collect()
        started, cpu_started = time.perf_counter(), time.process_time()
        function()
        walls.append(time.perf_counter() - started)
        cpus.append(time.process_time() - cpu_started)
    return walls, cpus


def python_peak_mb(function: Callable[[], object]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        function()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


class Bench:
    def __init__(self, args: argparse.Namespace, anchor: dt.date):
        self.args = args
        self.anchor = anchor
        self.measures: list[Measure] = []

    def measure(
        self,
        key: str,
        label: str,
        app: Callable[[], object],
        plain: Callable[[], object] | None = None,
        *,
        repeat: int | None = None,
        target: float | None = None,
        data_measure: bool = True,
        note: str = "",
        memory: bool = True,
        prepare: Callable[[], object] | None = None,
    ) -> Measure:
        """Time `app` (after `prepare`, untimed, before each run, if given) beside `plain`, the baseline."""
        measure = Measure(key, label, target=target, data_measure=data_measure, note=note)
        self.measures.append(measure)
        repeat = repeat or self.args.repeat
        print(f"  {label} ...", end="", flush=True)
        try:
            measure.runs, measure.cpu_runs = timed_after(prepare, app, repeat) if prepare else timed(app, repeat)
            measure.seconds, measure.cpu_seconds = statistics.median(measure.runs), statistics.median(measure.cpu_runs)
            if plain is not None:
                measure.baseline_runs, measure.baseline_cpu_runs = timed(plain, repeat)
                measure.baseline_seconds = statistics.median(measure.baseline_runs)
                measure.baseline_cpu_seconds = statistics.median(measure.baseline_cpu_runs)
            if memory:  # once more under tracemalloc (never while timing: it slows Python down)
                measure.peak_python_mb = round(python_peak_mb(app), 1)
            ratio = (
                (
                    f", plain SQLite {measure.baseline_seconds:.3f} s (CPU {measure.baseline_cpu_seconds:.3f} s; "
                    f"x{measure.ratio:.2f} on CPU)"
                )
                if measure.ratio
                else ""
            )
            print(f" {measure.seconds:.3f} s (CPU {measure.cpu_seconds:.3f} s){ratio}", flush=True)
        except Exception as error:  # an engine not written yet, or broken: report it, carry on
            measure.error = f"{type(error).__name__}: {error}"
            print(f" not measured: {measure.error}", flush=True)
            if self.args.verbose:
                traceback.print_exc()
        return measure


# --- the measures ---------------------------------------------------------------------------------


def run_measures(bench: Bench, national: Path, plain: Path, briefings: dict[str, tuple[Path, Path]]) -> None:
    from sqlalchemy import text

    from dhr_tracker.storage.database import open_database

    today = bench.anchor

    def unlock() -> None:
        with open_database(national, PASSPHRASE) as database, database.session() as session:
            session.execute(text("SELECT count(*) FROM dhr_case")).scalar()

    bench.measure(
        "unlock",
        "Unlock (key derivation, checks, first query)",
        unlock,
        lambda: baseline.unlock(plain),
        target=TARGETS["unlock"],
        data_measure=False,
        memory=False,
        note="SQLCipher 4 default key derivation (PBKDF2-HMAC-SHA512, 256,000 iterations) is deliberate",
    )

    database = open_database(national, PASSPHRASE)
    connection = baseline.connect(plain)

    def in_session(function):
        def run():
            with database.session() as session:
                return function(session)

        return run

    # Dashboard: what the Dashboard screen loads (ui.screens.dashboard.load_dashboard when it exists).
    try:
        from ui.screens.dashboard import load_dashboard

        dashboard = in_session(lambda session: load_dashboard(session, today))
        dashboard_note = "ui.screens.dashboard.load_dashboard"
    except ImportError:
        from dhr_tracker.escalation.service import escalations
        from dhr_tracker.lifecycle.overview import caseload_overview

        dashboard = in_session(lambda session: (caseload_overview(session, today), escalations(session, today)))
        dashboard_note = "caseload_overview(open) + escalations (no dashboard loader yet)"
    bench.measure(
        "dashboard",
        "Dashboard data",
        dashboard,
        lambda: baseline.dashboard(connection, today),
        target=TARGETS["dashboard"],
        note=dashboard_note,
    )

    from dhr_tracker.casework.cases import list_cases

    bench.measure(
        "case_list",
        "Case list (casework.cases.list_cases)",
        in_session(list_cases),
        lambda: baseline.case_list(connection),
    )

    rows_loader = None
    try:
        from ui.models.loaders import load_case_rows

        rows_loader = in_session(lambda session: load_case_rows(session, today))

        def plain_rows():
            from dhr_tracker.lifecycle.deadlines import compute_deadlines
            from dhr_tracker.lifecycle.rag import RagRules, rag_for

            scales, days = baseline.timescales(connection), baseline.calendar(connection)
            get = baseline.settings(connection)
            rules = RagRules(get("rag.due_soon_days"), get("rag.red_after_days_overdue"))
            result = []
            for facts in baseline.case_facts(connection):
                found = compute_deadlines(facts, today, scales, days)
                result.append((facts, found, rag_for(facts, found, today, rules)))
            return result

        bench.measure(
            "case_rows", "Case list as the Cases screen loads it (with RAG, next deadline)", rows_loader, plain_rows
        )
    except ImportError as error:
        print(f"  (Cases screen loader not available: {error})")

    def keystrokes() -> None:
        from filter_keystrokes import measure_filter_keystrokes

        rows = rows_loader() if rows_loader else None
        if rows is None:
            from ui.models.cases import CaseRow

            with database.session() as session:
                rows = [
                    CaseRow(c.id, c.reference, c.pseudonym, c.stage, c.csp_area, c.notified_on)
                    for c in list_cases(session)
                ]
        measure_filter_keystrokes(rows)  # warm-up
        timings, cpu_per_keystroke = [], []
        for _ in range(bench.args.repeat):
            cpu_started = time.process_time()
            timings.append(measure_filter_keystrokes(rows))
            cpu_per_keystroke.append((time.process_time() - cpu_started) / timings[-1].keystrokes)
        measure = Measure(
            "keystroke",
            f"One keystroke in the case filter ({len(rows):,} cases)",
            unit="ms",
            target=TARGETS["keystroke_ms"],
            data_measure=False,
            note=f"mean of {timings[0].keystrokes} keystrokes typing and deleting a reference; "
            f"worst keystroke {max(t.max_ms for t in timings):.1f} ms; no database query",
        )
        measure.runs = [t.mean_ms / 1000 for t in timings]
        measure.seconds = statistics.median(measure.runs)
        measure.cpu_runs, measure.cpu_seconds = cpu_per_keystroke, statistics.median(cpu_per_keystroke)
        bench.measures.append(measure)
        print(
            f"  {measure.label} ... {measure.seconds * 1000:.2f} ms (worst {max(t.max_ms for t in timings):.1f} ms)",
            flush=True,
        )

    try:
        keystrokes()
    except Exception as error:
        bench.measures.append(
            Measure(
                "keystroke",
                "One keystroke in the case filter",
                unit="ms",
                target=TARGETS["keystroke_ms"],
                data_measure=False,
                error=f"{type(error).__name__}: {error}",
            )
        )
        print(f"  keystroke not measured: {error}")

    def deadlines(session):
        from dhr_tracker.lifecycle.deadlines import deadlines_for_cases, timescales_from_settings
        from dhr_tracker.lifecycle.facts import load_case_facts
        from dhr_tracker.workdays import calendar_for

        return deadlines_for_cases(
            load_case_facts(session), today, timescales_from_settings(session), calendar_for(session)
        )

    bench.measure(
        "deadlines",
        "Deadlines for every case",
        in_session(deadlines),
        lambda: baseline.deadlines(connection, today),
        target=TARGETS["deadlines"],
        note="lifecycle.facts.load_case_facts + deadlines_for_cases",
    )

    def escalations(session):
        from dhr_tracker.escalation.service import escalations as assess

        return assess(session, today)

    bench.measure(
        "escalations",
        "Escalations for every agency",
        in_session(escalations),
        lambda: baseline.escalations(connection, today),
        target=TARGETS["escalations"],
        note="escalation.service.escalations",
    )

    bench.measure(
        "audit_verify",
        "Audit verify (every link, every record against its latest entry, the guards)",
        in_session(verified_trail),
        target=TARGETS["audit_verify"],
        note="security.audit.verify_chain",
    )

    database.close()
    overview_measures(bench, national, connection)
    connection.close()

    for key, (path, plain_path, copies, label) in briefings.items():
        briefing_measures(bench, key, label, path, plain_path, copies)
    pack_measures(bench)
    start_measure(bench)


def verified_trail(session) -> object:  # noqa: ANN001 - a Session
    """`audit verify` of the bench's database, which must pass: a measure of a broken trail would mean nothing."""
    from dhr_tracker.security.audit import verify_chain

    report = verify_chain(session)
    if not report.ok:
        raise RuntimeError("; ".join(report.problems()[:3]))
    return report


def start_measure(bench: Bench) -> None:
    """Start to a usable start screen, warm (issue #19): fresh app processes, offscreen (bench/start_time.py)."""
    import start_time

    measure = Measure(
        "start_screen",
        "Start to a usable start screen (warm: a fresh process, as a double-click)",
        target=TARGETS["start_screen"],
        data_measure=False,
        note="bench/start_time.py: process start to the start screen shown, imports included; "
        "CPU is the app process's own; one warm-up start first",
    )
    bench.measures.append(measure)
    print(f"  {measure.label} ...", end="", flush=True)
    try:
        result = start_time.measure(bench.args.repeat)
    except Exception as error:  # a broken start is reported, the other measures stand
        measure.error = f"{type(error).__name__}: {error}"
        print(f" not measured: {measure.error}", flush=True)
        return
    measure.runs, measure.seconds = result["runs"], result["seconds"]
    measure.cpu_runs, measure.cpu_seconds = result["cpu_runs"], result["cpu_seconds"]
    print(f" {measure.seconds:.3f} s (CPU {measure.cpu_seconds:.3f} s)", flush=True)


def pack_measures(bench: Bench) -> None:
    """Update packs (issue #15): out for 40 agencies, a 200-row pack back, beside re-keying it (bench/packs_bench.py)."""
    import packs_bench

    generator = packs_bench.measures(bench.anchor)
    try:
        for key, label, run, target, note in generator:
            bench.measure(
                key,
                label,
                run,
                target=target,
                data_measure=False,
                note=note,
                memory=False,
                repeat=1 if target is None else min(bench.args.repeat, 3),
            )
    finally:
        generator.close()


def overview_measures(bench: Bench, national: Path, connection) -> None:  # noqa: ANN001 - a sqlite3 connection
    """The caseload overview (lifecycle.today): the first load after unlock, then screens after a write.

    The writes go to a scratch copy of the database (the cached one stays as built). Each write records a
    panel meeting on one open review through the lifecycle service, in its own committed transaction, as
    the app does; the screen's load is timed after it. The baseline recomputes the same screen in full.
    """
    from sqlalchemy import select

    import ui.main_window  # noqa: F401 - the app has every screen imported before its first load
    from dhr_tracker.actionplan.progress import add_progress_update
    from dhr_tracker.lifecycle import services
    from dhr_tracker.model import Case, Recommendation
    from dhr_tracker.storage.database import open_database
    from dhr_tracker.vocabulary import MilestoneKind, RecommendationStatus, Stage
    from ui.app import freeze_start_up_objects
    from ui.models.loaders import load_case_rows
    from ui.screens.dashboard import load_dashboard

    # As ui.app.main does once the start screen is shown; here it also leaves out what the earlier measures
    # left alive, which the app's process does not hold.
    gc.collect()
    freeze_start_up_objects()
    today = bench.anchor
    scratch = Path(tempfile.mkdtemp(prefix="dhr-bench-writes-"))
    try:
        copy = scratch / national.name
        shutil.copyfile(national, copy)
        unlocked: list = []

        def unlock() -> None:
            while unlocked:
                unlocked.pop().close()
            unlocked.append(open_database(copy, PASSPHRASE))

        def dashboard() -> object:
            with unlocked[0].session() as session:
                return load_dashboard(session, today)

        bench.measure(
            "first_load",
            "Dashboard data, first load after unlock (the whole caseload overview)",
            dashboard,
            lambda: baseline.dashboard(connection, today),
            prepare=unlock,
            target=TARGETS["first_load"],
            memory=False,
            note="unlock (key derivation) untimed; lifecycle.today loads and computes every case",
        )

        database = unlocked[0]
        with database.session() as session:
            drafting = list(
                session.scalars(
                    select(Case.id)
                    .where(Case.stage.in_((Stage.COMMISSIONING, Stage.INFORMATION_GATHERING, Stage.DRAFTING)))
                    .order_by(Case.id)
                    .limit(50)
                )
            )
        turn = iter(drafting * 4)

        def write() -> None:
            with database.transaction() as session:
                case = session.get(Case, next(turn))
                services.record_milestone(session, case, MilestoneKind.PANEL_MEETING, today, today=today)

        def case_rows() -> object:
            with database.session() as session:
                return load_case_rows(session, today)

        def plain_rows() -> object:
            from dhr_tracker.lifecycle.deadlines import compute_deadlines
            from dhr_tracker.lifecycle.rag import RagRules, rag_for

            scales, days = baseline.timescales(connection), baseline.calendar(connection)
            get = baseline.settings(connection)
            rules = RagRules(get("rag.due_soon_days"), get("rag.red_after_days_overdue"))
            return [
                (facts, found, rag_for(facts, found, today, rules))
                for facts in baseline.case_facts(connection)
                for found in [compute_deadlines(facts, today, scales, days)]
            ]

        bench.measure(
            "dashboard_after_write",
            "Dashboard data after a write to one review",
            dashboard,
            lambda: baseline.dashboard(connection, today),
            prepare=write,
            target=TARGETS["dashboard_after_write"],
            memory=False,
            note="record_milestone (committed, untimed), then load_dashboard: one case recomputed",
        )
        bench.measure(
            "case_rows_after_write",
            "Cases screen list after a write to one review",
            case_rows,
            plain_rows,
            prepare=write,
            target=TARGETS["case_rows_after_write"],
            memory=False,
            note="record_milestone (committed, untimed), then load_case_rows: one case recomputed",
        )
        while unlocked:
            unlocked.pop().close()
        # The trail after those writes, in a database opened afresh: the screens' caches are not the verify's.
        database = open_database(copy, PASSPHRASE)
        with database.session() as session:
            active = list(
                session.scalars(
                    select(Recommendation.id)
                    .where(Recommendation.status == RecommendationStatus.IN_PROGRESS)
                    .order_by(Recommendation.id)
                    .limit(50)
                )
            )
        recommendations = iter(active * 4)

        def write_update() -> None:
            with database.transaction() as session:
                add_progress_update(
                    session,
                    session.get(Recommendation, next(recommendations)),
                    received_on=today,
                    text="Training delivered to the second cohort.",
                    contact_name="Lead contact",
                    today=today,
                )

        def verify() -> object:
            with database.session() as session:
                return verified_trail(session)

        bench.measure(
            "audit_verify_after_write",
            "Audit verify after writes through the app (panel meetings, then a progress update each run)",
            verify,
            prepare=write_update,
            target=TARGETS["audit_verify"],
            memory=False,
            note="add_progress_update (committed, untimed: it may settle request items), then verify_chain: "
            "the blocks those writes touched row by row, the rest by their hash",
        )
        database.close()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def briefing_measures(bench: Bench, key: str, label: str, path: Path, plain: Path, copies: int | None) -> None:
    from sqlalchemy import select

    from dhr_tracker.model import Meeting
    from dhr_tracker.storage.database import open_database

    today = bench.anchor
    database = open_database(path, PASSPHRASE)
    connection = baseline.connect(plain)
    folder = Path(tempfile.mkdtemp(prefix="dhr-bench-briefing-"))
    try:
        with database.session() as session:
            meeting_id = session.scalar(
                select(Meeting.id).where(Meeting.held_on > today).order_by(Meeting.held_on).limit(1)
            )

        def gather():
            from dhr_tracker.reports.briefing_data import gather_briefing

            with database.session() as session:
                return gather_briefing(session, session.get(Meeting, meeting_id), as_of=today)

        bench.measure(
            f"{key}_data",
            f"{label}: gathering its data",
            gather,
            lambda: baseline.briefing_data(connection, today),
            note="reports.briefing_data.gather_briefing",
        )

        def produce():
            from dhr_tracker.reports.briefing import write_briefing

            out = folder / "briefing.pdf"
            with database.session() as session, session.begin():
                write_briefing(session, session.get(Meeting, meeting_id), out, copies=copies, as_of=today)
                session.rollback()  # keep the copy register as it was, so every run does the same work
            for leftover in folder.iterdir():
                leftover.unlink()

        whole = bench.measure(
            key,
            f"{label}: the PDF{'s' if copies > 1 else ''}, end to end",
            produce,
            repeat=max(1, min(bench.args.repeat, 3)),
            target=TARGETS.get(key),
            data_measure=False,
            note="reports.briefing.write_briefing (gather, render every copy, write, register)",
        )
        from dhr_tracker.privacy.channels import BRIEFING, PDF
        from dhr_tracker.reports.briefing import briefing_story
        from dhr_tracker.reports.frame import Marking
        from dhr_tracker.reports.pseudonyms import RealNameGuard, flowable_texts

        data = gather()
        with database.session() as session:
            story = briefing_story(data, Marking.from_settings(session), copies)

        def guard():
            # What the real-name guard adds to write_briefing: loading the names, checking the data's source
            # strings (check_data) and the frame's second check of the story (render_copies' _check).
            with database.session() as session:
                names = RealNameGuard.from_session(session)
            names.check_data(data, where=BRIEFING)
            names.check(flowable_texts(story), where=PDF)

        guarded = bench.measure(
            f"{key}_guard",
            f"{label}: the real-name guard alone",
            guard,
            data_measure=False,
            note="privacy guard: names loaded, source strings and story checked (target: at most 10% of the PDF)",
        )
        if whole.seconds and guarded.seconds:
            print(f"  the guard is {guarded.seconds / whole.seconds:.1%} of the end-to-end time", flush=True)
    finally:
        connection.close()
        database.close()
        shutil.rmtree(folder, ignore_errors=True)


# --- reporting ------------------------------------------------------------------------------------


def machine() -> dict:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        model = platform.processor()
    memory_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory_gb = round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    import sqlite3

    import sqlcipher3

    cipher = sqlcipher3.connect(":memory:")
    versions = {
        "sqlcipher": cipher.execute("PRAGMA cipher_version").fetchone()[0],
        "sqlcipher_sqlite": cipher.execute("SELECT sqlite_version()").fetchone()[0],
    }
    cipher.close()
    return {
        "cpus": os.cpu_count(),
        "cpu_model": model,
        "memory_gb": memory_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "sqlite_stdlib": sqlite3.sqlite_version,
        **versions,
    }


def git_commit() -> str:
    try:
        return subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return ""


def verdict(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "**NO**")


def table(measures: list[Measure], peak_rss_mb: float) -> str:
    lines = [
        "| measure | DHR Tracker: wall clock | DHR Tracker: CPU | plain SQLite: CPU | ratio (CPU) | target | met: wall / CPU |",
        "|---|---:|---:|---:|---:|---|:---:|",
    ]

    def shown(m: Measure, seconds: float | None) -> str:
        if seconds is None:
            return "—"
        return f"{seconds * 1000:.2f} ms" if m.unit == "ms" else f"{seconds:.3f} s"

    for m in measures:
        if m.error:
            lines.append(f"| {m.label} | not measured | | | | | ({m.error[:80]}) |")
            continue
        ratio = f"{m.ratio:.2f}×" if m.ratio is not None else "—"
        target = (f"≤ {m.target:g} ms" if m.unit == "ms" else f"≤ {m.target:g} s") if m.target is not None else ""
        if m.data_measure and m.ratio is not None:
            target = (target + "; " if target else "") + f"≤ {MAX_RATIO:g}× plain"
        ratio_ok = m.meets_ratio
        wall = [c for c in (m.meets_target, ratio_ok) if c is not None]
        cpu = [c for c in (m.meets_target_cpu, ratio_ok) if c is not None]
        met = f"{verdict(all(wall))} / {verdict(all(cpu))}" if wall else ""
        lines.append(
            f"| {m.label} | {shown(m, m.seconds)} | {shown(m, m.cpu_seconds)} | {shown(m, m.baseline_cpu_seconds)} | "
            f"{ratio} | {target} | {met} |"
        )
    ok = verdict(peak_rss_mb <= TARGETS["peak_memory_mb"])
    lines.append(
        f"| Peak memory (maximum resident set of the measuring process) | {peak_rss_mb:.0f} MB | | | | "
        f"≤ {TARGETS['peak_memory_mb']:g} MB | {ok} / {ok} |"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=("national", "small"), default="national")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--as-of", type=dt.date.fromisoformat, default=None, help="the day the data is built around (default: today)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per measure after one warm-up (default: 5)")
    parser.add_argument(
        "--json", type=Path, default=None, help="write the results here (default: bench/results/<scale>-<time>.json)"
    )
    parser.add_argument("--rebuild", action="store_true", help="build the databases again even if cached")
    parser.add_argument("--no-briefing", action="store_true", help="skip the briefing measures")
    parser.add_argument("--verbose", action="store_true", help="print tracebacks of measures that fail")
    parser.add_argument("--build-one", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    anchor = args.as_of or dt.date.today()

    if args.build_one:  # the child process that builds one database
        print(json.dumps(build_database(args.build_one, args.seed, anchor, args.out)))
        return 0

    started = time.perf_counter()
    load_before = os.getloadavg()[0]
    builds = {}
    national, builds[args.scale] = ensure_database(args.scale, args.seed, anchor, args.rebuild)
    wanted = (
        {}
        if args.no_briefing
        else {
            "briefing_100": ("briefing-100", 1, "Briefing of 100 open reviews (2,500 recommendations), 1 copy"),
            "briefing_40x20": (
                "briefing-40",
                20,
                "Briefing of 40 open reviews (1,000 recommendations), 20 numbered copies",
            ),
        }
    )
    scratch = Path(tempfile.mkdtemp(prefix="dhr-bench-plain-"))
    try:
        plain = scratch / f"{args.scale}.sqlite"
        export_plain(national, plain)
        briefings = {}
        for key, (scale, copies, label) in wanted.items():
            path, builds[scale] = ensure_database(scale, args.seed, anchor, args.rebuild)
            export_plain(path, scratch / f"{scale}.sqlite")
            briefings[key] = (path, scratch / f"{scale}.sqlite", copies, label)
        print(f"Measuring on {national.name} as of {anchor:%d/%m/%Y} ({args.repeat} runs each, median):", flush=True)
        bench = Bench(args, anchor)
        run_measures(bench, national, plain, briefings)
        peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    finally:
        shutil.rmtree(scratch, ignore_errors=True)  # the plain copies never outlive the run

    scale = synthetic.SCALES[args.scale]
    report = table(bench.measures, peak_rss_mb)
    info = machine()
    info["load_average_1min"] = [round(load_before, 2), round(os.getloadavg()[0], 2)]
    header = (
        f"DHR Tracker benchmark, {args.scale} scale: {scale.cases:,} reviews, {scale.recommendations:,} recommendations, "
        f"{scale.progress_updates:,} progress updates, {scale.escalation_actions:,} escalation records; as of {anchor:%d/%m/%Y}.\n"
        f"Machine: {info['cpus']} CPUs ({info['cpu_model']}), {info['memory_gb']} GB RAM; Python {info['python']}; "
        f"SQLCipher {info['sqlcipher']} (SQLite {info['sqlcipher_sqlite']}); stdlib SQLite {info['sqlite_stdlib']}; "
        f"commit {git_commit()}.\n"
        f"Load average (1 min) at the start and end of the measures: {info['load_average_1min'][0]:.1f} and "
        f"{info['load_average_1min'][1]:.1f}"
        + (
            f" (above {info['cpus']}: other work was competing for the CPUs, so wall-clock times exceed CPU times)."
            if max(info["load_average_1min"]) > (info["cpus"] or 1)
            else "."
        )
    )
    print()
    print(header)
    print()
    print(report)
    print()
    for m in bench.measures:
        extra = [m.note] if m.note else []
        if m.peak_python_mb is not None:
            extra.append(f"peak Python allocations {m.peak_python_mb} MB")
        if extra:
            print(f"- {m.label}: {'; '.join(extra)}")

    result = {
        "scale": args.scale,
        "sizes": scale.__dict__,
        "seed": args.seed,
        "as_of": anchor.isoformat(),
        "machine": info,
        "commit": git_commit(),
        "generated_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "builds": {k: v for k, v in builds.items() if v},
        "peak_rss_mb": round(peak_rss_mb, 1),
        "targets": TARGETS,
        "max_ratio": MAX_RATIO,
        "measures": [
            {
                "key": m.key,
                "label": m.label,
                "unit": m.unit,
                "median_s": m.seconds,
                "runs_s": m.runs,
                "cpu_median_s": m.cpu_seconds,
                "cpu_runs_s": m.cpu_runs,
                "baseline_median_s": m.baseline_seconds,
                "baseline_runs_s": m.baseline_runs,
                "baseline_cpu_median_s": m.baseline_cpu_seconds,
                "baseline_cpu_runs_s": m.baseline_cpu_runs,
                "ratio_cpu": m.ratio,
                "ratio_wall": m.wall_ratio,
                "target": m.target,
                "meets_target_wall": m.meets_target,
                "meets_target_cpu": m.meets_target_cpu,
                "meets_ratio": m.meets_ratio,
                "peak_python_mb": m.peak_python_mb,
                "note": m.note,
                "error": m.error,
            }
            for m in bench.measures
        ],
        "table_markdown": report,
        "header": header,
        "seconds_total": round(time.perf_counter() - started, 1),
    }
    out = args.json or RESULTS / f"{args.scale}-{dt.datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    print(f"\nWrote {out} ({result['seconds_total']} s in all).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
