"""Update packs at scale: packs for 40 agencies (1,000 open recommendations), and the dry run and import
of a 200-row pack, side by side with re-keying the same 200 updates through the service one by one.

    .venv/bin/python bench/packs_bench.py           # on its own: prints the figures
    (bench/run.py runs the same measures as part of the full benchmark)

The scenario is built in a temporary encrypted database (Core inserts for the caseload, the real
service for the round) and deleted at the end, with every pack written.
"""

from __future__ import annotations

import datetime as dt
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path[:0] = [str(BENCH.parent)]

PASSPHRASE = "benchmark passphrase, not a secret"
AGENCIES, RECOMMENDATIONS, BIG_PACK = 40, 1_000, 200
TARGETS = {"packs_make_40": 5.0, "packs_dry_run_200": 1.0, "packs_import_200": 1.0}
KEY, FIRST_ROW, PROGRESS, NAME, ROLE = 1, 10, 11, 15, 16


def build_scenario(folder: Path, anchor: dt.date):
    """A database with one round owed by 40 agencies: one leads 200 open recommendations, the rest share 800."""
    from sqlalchemy import insert, select

    from dhr_tracker.escalation.rounds import create_update_round
    from dhr_tracker.model import Agency, AgencyContact, Case, Recommendation
    from dhr_tracker.storage.database import create_database
    from dhr_tracker.vocabulary import AgencyKind, ContactLevel, RecommendationStatus, Stage

    database = create_database(folder / "packs.dhrdb", PASSPHRASE)
    with database.transaction() as session:
        session.execute(
            insert(Agency),
            [
                {
                    "name": f"Bench agency {n:02d}",
                    "kind": AgencyKind.OTHER,
                    "outside_kent": False,
                    "active": True,
                    "notes": "",
                }
                for n in range(AGENCIES)
            ],
        )
        agency_ids = list(
            session.scalars(select(Agency.id).where(Agency.name.like("Bench agency %")).order_by(Agency.name))
        )
        session.execute(
            insert(AgencyContact),
            [
                {
                    "agency_id": a,
                    "level": ContactLevel.LEAD,
                    "name": f"Lead {n:02d}",
                    "job_title": "DHR lead",
                    "email": f"lead{n:02d}@example.org",
                    "phone": "",
                }
                for n, a in enumerate(agency_ids)
            ],
        )
        session.execute(
            insert(Case),
            [
                {
                    "reference": f"DHR-2024-{n:03d}",
                    "pseudonym": f"Pseudonym {n}",
                    "notified_on": anchor - dt.timedelta(days=900),
                    "stage": Stage.ACTION_PLAN_MONITORING,
                    "victim_real_name": f"Imogen Quillfeather{n}",
                    "perpetrator_real_name": None,
                }
                for n in range(40)
            ],
        )
        case_ids = list(session.scalars(select(Case.id).order_by(Case.id)))
        leads = [agency_ids[0]] * BIG_PACK + [
            agency_ids[1 + n % (AGENCIES - 1)] for n in range(RECOMMENDATIONS - BIG_PACK)
        ]
        session.execute(
            insert(Recommendation),
            [
                {
                    "case_id": case_ids[n % 40],
                    "number": str(n // 40 + 1),
                    "lead_agency_id": lead,
                    "text": "Train frontline staff to recognise coercive and controlling behaviour.",
                    "action": "Deliver training; record attendance.",
                    "target_on": anchor + dt.timedelta(days=90),
                    "status": RecommendationStatus.IN_PROGRESS if n % 3 else RecommendationStatus.ACCEPTED,
                }
                for n, lead in enumerate(leads)
            ],
        )
        create_update_round(
            session,
            meeting_on=anchor + dt.timedelta(days=30),
            requested_on=anchor - dt.timedelta(days=20),
            due_on=anchor - dt.timedelta(days=5),
            note="Bench round",
        )
    return database, agency_ids[0]


def measures(anchor: dt.date | None = None):
    """Yield (key, label, run, target, note); `run()` does the work once. The generator cleans up when closed."""
    import openpyxl
    from sqlalchemy import select

    from dhr_tracker.actionplan.progress import add_progress_update
    from dhr_tracker.exchange.packs.importer import check_pack_file, import_pack_file
    from dhr_tracker.exchange.packs.make import make_packs
    from dhr_tracker.model import Recommendation, UpdateRound

    anchor = anchor or dt.date.today()
    folder = Path(tempfile.mkdtemp(prefix="dhr-bench-packs-"))
    database = None
    try:
        database, big_agency = build_scenario(folder, anchor)
        counter = iter(range(10**6))

        def make_all():
            out = folder / f"packs-{next(counter)}"
            with database.session() as session, session.begin():
                made = make_packs(session, session.scalar(select(UpdateRound)), out)
                session.rollback()  # keep the register as it was, so every run does the same work
            shutil.rmtree(out)
            return made

        made = make_all()
        assert len(made) == AGENCIES and sum(m.rows for m in made) == RECOMMENDATIONS, [m.rows for m in made]
        with database.transaction() as session:  # the 200-row pack, kept in the register
            [big] = make_packs(session, session.scalar(select(UpdateRound)), folder / "big", agency_id=big_agency)
        book = openpyxl.load_workbook(big.workbook)
        sheet = book["Update pack"]
        keys = []
        for row in range(FIRST_ROW, FIRST_ROW + BIG_PACK):
            keys.append(sheet.cell(row, KEY).value)
            sheet.cell(row, PROGRESS, "Training delivered to the second cohort; attendance recorded.")
            sheet.cell(row, NAME, "Pat Example")
            sheet.cell(row, ROLE, "DHR lead")
        returned = folder / "returned.xlsx"
        book.save(returned)
        rec_ids = [int(key[1:].split("-")[0]) for key in keys]

        def dry_run():
            with database.session() as session:
                review = check_pack_file(session, returned, today=anchor)
            assert review.ok and review.updates == BIG_PACK, review.all_problems()[:3]

        def import_once():
            with database.session() as session, session.begin():
                result = import_pack_file(session, returned, today=anchor)
                assert result.changed and result.review.updates == BIG_PACK
                session.rollback()

        def rekey():
            # What the coordinator does today: each update typed in and saved on its own (one transaction each).
            for rec_id in rec_ids:
                with database.transaction() as session:
                    add_progress_update(
                        session,
                        session.get(Recommendation, rec_id),
                        received_on=anchor,
                        text="Training delivered to the second cohort; attendance recorded.",
                        contact_name="Pat Example (DHR lead)",
                        today=anchor,
                    )

        yield (
            "packs_make_40",
            f"Update packs for {AGENCIES} agencies ({RECOMMENDATIONS:,} open recommendations), XLSX + .eml each",
            make_all,
            TARGETS["packs_make_40"],
            "exchange.packs.make.make_packs, register rolled back",
        )
        yield (
            "packs_dry_run_200",
            f"Dry run of a returned {BIG_PACK}-row pack",
            dry_run,
            TARGETS["packs_dry_run_200"],
            "read within limits, check keys, checksums, dates, statuses, real names",
        )
        yield (
            "packs_import_200",
            f"Import of the {BIG_PACK}-row pack (one transaction)",
            import_once,
            TARGETS["packs_import_200"],
            "exchange.packs.importer.import_pack_file, rolled back after each run",
        )
        yield (
            "packs_rekey_200",
            f"The same {BIG_PACK} updates re-keyed through the service one by one",
            rekey,
            None,
            "actionplan.progress.add_progress_update, one committed transaction per update (today's way)",
        )
    finally:
        if database is not None:
            database.close()
        shutil.rmtree(folder, ignore_errors=True)


def main() -> int:
    generator = measures()
    try:
        for key, label, run, target, _note in generator:
            run()  # warm-up
            walls, cpus = [], []
            for _ in range(1 if key == "packs_rekey_200" else 3):
                started, cpu_started = time.perf_counter(), time.process_time()
                run()
                walls.append(time.perf_counter() - started)
                cpus.append(time.process_time() - cpu_started)
            wall, cpu = statistics.median(walls), statistics.median(cpus)
            verdict = "" if target is None else f" (target {target:.1f} s: {'met' if wall <= target else 'NOT met'})"
            print(f"{label}: {wall:.3f} s (CPU {cpu:.3f} s){verdict}", flush=True)
    finally:
        generator.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
