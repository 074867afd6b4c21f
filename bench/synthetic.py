"""A synthetic, fictional caseload of any size, written with bulk Core inserts in one transaction.

Every name and text here is invented. The shape follows the real process (see dhr_tracker/demo.py,
which builds a small demo through the services): each case has the milestones of the stages it has
passed, recommendations exist from the draft report on, agencies are asked for updates in monthly
rounds, and late requests climb the escalation ladder.
"""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict
from dataclasses import dataclass

from dateutil.relativedelta import relativedelta
from sqlalchemy import insert, select

from dhr_tracker.demo import PSEUDONYMS as DEMO_PSEUDONYMS
from dhr_tracker.model import (
    Agency,
    AgencyContact,
    Attendee,
    Case,
    CspArea,
    EscalationAction,
    Meeting,
    Milestone,
    ParallelProcess,
    Pause,
    ProgressUpdate,
    Publication,
    QARound,
    Recommendation,
    UpdateRequest,
    UpdateRequestItem,
    UpdateRound,
    recommendation_supporting_agency,
)
from dhr_tracker.storage.database import Database
from dhr_tracker.vocabulary import (
    AgencyKind,
    ContactLevel,
    ContactMethod,
    Decision,
    GuidanceProfile,
    MeetingKind,
    MilestoneKind,
    ParallelProcessKind,
    ProcessStatus,
    QAOutcome,
    RecommendationSource,
    RecommendationStatus,
    Scope,
    Stage,
)

GENERATOR_VERSION = 2  # bump when the data changes, so cached databases are rebuilt


@dataclass(frozen=True)
class Scale:
    name: str
    cases: int
    recommendations: int
    progress_updates: int
    escalation_actions: int
    agencies: int  # in all, including the seeded Kent ones
    csp_areas: int
    update_rounds: int  # monthly rounds of update requests, the newest this month
    open_only: bool = False  # every case open (the briefing databases)
    attendees: int = 8


SCALES = {
    # The national caseload of issue #9: every review in England and Wales.
    "national": Scale("national", 2000, 50_000, 400_000, 40_000, agencies=400, csp_areas=300, update_rounds=96),
    # The same shape at a tenth: a quick run while developing.
    "small": Scale("small", 200, 5_000, 40_000, 4_000, agencies=60, csp_areas=40, update_rounds=36),
    # Briefing databases: a briefing covers every open review, so each has exactly its open reviews.
    "briefing-100": Scale(
        "briefing-100",
        100,
        2_500,
        20_000,
        2_000,
        agencies=60,
        csp_areas=12,
        update_rounds=24,
        open_only=True,
        attendees=20,
    ),
    # A few rows of everything, for the test that the baseline asks the same questions as the app.
    "tiny": Scale("tiny", 40, 400, 1_500, 300, agencies=40, csp_areas=14, update_rounds=8),
    "briefing-40": Scale(
        "briefing-40", 40, 1_000, 8_000, 800, agencies=45, csp_areas=12, update_rounds=24, open_only=True, attendees=20
    ),
}

# How a national caseload is spread over the stages (closed and monitoring reviews dominate).
STAGE_WEIGHTS = {
    Stage.NOTIFICATION: 2,
    Stage.DECISION: 2,
    Stage.COMMISSIONING: 3,
    Stage.INFORMATION_GATHERING: 8,
    Stage.DRAFTING: 8,
    Stage.PARTNERSHIP_SIGNOFF: 3,
    Stage.HOME_OFFICE_QA: 7,
    Stage.PUBLICATION: 3,
    Stage.ACTION_PLAN_MONITORING: 26,
    Stage.CLOSED: 38,
}
# A briefing database: open reviews only, most of them with an action plan.
OPEN_STAGE_WEIGHTS = {
    Stage.NOTIFICATION: 1,
    Stage.DECISION: 1,
    Stage.COMMISSIONING: 2,
    Stage.INFORMATION_GATHERING: 4,
    Stage.DRAFTING: 4,
    Stage.PARTNERSHIP_SIGNOFF: 3,
    Stage.HOME_OFFICE_QA: 5,
    Stage.PUBLICATION: 3,
    Stage.ACTION_PLAN_MONITORING: 17,
}
STAGE_AGE_MONTHS = {  # (fewest, most) months between notification and the anchor date
    Stage.NOTIFICATION: (0, 0),
    Stage.DECISION: (1, 1),
    Stage.COMMISSIONING: (2, 4),
    Stage.INFORMATION_GATHERING: (5, 9),
    Stage.DRAFTING: (9, 14),
    Stage.PARTNERSHIP_SIGNOFF: (13, 18),
    Stage.HOME_OFFICE_QA: (16, 24),
    Stage.PUBLICATION: (22, 30),
    Stage.ACTION_PLAN_MONITORING: (26, 72),
    Stage.CLOSED: (36, 132),
}
ORDER = list(STAGE_AGE_MONTHS)
HAS_PLAN = {
    Stage.PARTNERSHIP_SIGNOFF,
    Stage.HOME_OFFICE_QA,
    Stage.PUBLICATION,
    Stage.ACTION_PLAN_MONITORING,
    Stage.CLOSED,
}

PSEUDONYMS = DEMO_PSEUDONYMS  # the demo's: pseudonyms only, never a real name
FIRST = ["Imogen", "Delphine", "Marguerite", "Rosalind", "Petronella", "Ottoline", "Wilhelmina", "Clementine"]
LAST = [
    "Quillfeather",
    "Thistlewood",
    "Brackenbury",
    "Fennimore",
    "Wolstenholme",
    "Marchbanks",
    "Trelawney",
    "Castellane",
]
CONTACT_FIRST = ["Pat", "Chris", "Lesley", "Terry", "Hilary", "Dale", "Jan", "Kim", "Leigh", "Mel", "Nat", "Shay"]
CONTACT_LAST = ["Example", "Sample", "Specimen", "Placeholder", "Testwell", "Mockford", "Dummett", "Fictitious"]
REC_TEXTS = [
    "Ensure routine enquiry about domestic abuse is made at every antenatal contact.",
    "Review the referral pathway from the emergency department to the IDVA service.",
    "Strengthen information sharing between housing and the police at MARAC.",
    "Train GP practice staff to recognise coercive and controlling behaviour.",
    "Make sure safeguarding supervision covers cases where the perpetrator is a carer.",
    "Improve recording of the victim's voice in adult social care assessments.",
    "Raise awareness of economic abuse among frontline staff.",
    "Ensure probation risk assessments consider new relationships.",
    "Review how missed mental health appointments are followed up.",
    "Publish national guidance on domestic abuse and older people.",
]
ACTIONS = [
    "Agree a written pathway; audit in six months.",
    "Deliver training; record attendance.",
    "Update the policy; audit a sample of records.",
    "Publish a briefing; include in induction.",
]
PROGRESS = [
    "Working group formed; draft plan circulated.",
    "Training delivered to the first cohort.",
    "Policy revised and awaiting sign-off by the board.",
    "Audit under way; results expected next quarter.",
    "Action completed; evidence to follow.",
    "Evidence submitted: audit report and training records.",
]
AGENCY_KINDS = [kind for kind in AgencyKind if kind is not AgencyKind.GOVERNMENT_DEPARTMENT]
CHUNK = 20_000  # rows per executemany call: bounded memory, still one transaction


class _Rows:
    """Rows for every table, with explicit ids so that foreign keys need no round trips."""

    def __init__(self) -> None:
        self.tables: dict[str, list[dict]] = defaultdict(list)
        self.next_id: dict[str, int] = defaultdict(int)

    def add(self, table, **values) -> int:  # noqa: ANN001 - a Table or mapped class
        name = getattr(table, "__tablename__", None) or table.name
        if "id" in values or name in ("update_request_item", "recommendation_supporting_agency"):
            self.tables[name].append(values)
            return values.get("id", 0)
        self.next_id[name] += 1
        values["id"] = self.next_id[name]
        self.tables[name].append(values)
        return values["id"]


class Generator:
    def __init__(
        self, scale: Scale, seed: int, anchor: dt.date, areas: list[int], agencies: list[tuple[int, AgencyKind]]
    ):
        self.scale = scale
        self.rng = random.Random(seed)
        self.anchor = anchor
        self.rows = _Rows()
        self.areas = areas
        self.agencies = agencies
        self.local_agencies = [
            agency_id for agency_id, kind in agencies if kind is not AgencyKind.GOVERNMENT_DEPARTMENT
        ]
        self.departments = [
            agency_id for agency_id, kind in agencies if kind is AgencyKind.GOVERNMENT_DEPARTMENT
        ] or self.local_agencies
        # A few agencies lead most recommendations nationally (police, health trusts, councils).
        self.agency_weights = [1.0 / (rank + 3) for rank in range(len(self.local_agencies))]
        self.lead_contacts: dict[int, tuple[int, str]] = {}
        self.case_decided: dict[int, dt.date] = {}
        self.now = dt.datetime.combine(anchor, dt.time(9, 0), tzinfo=dt.UTC)

    # --- helpers -------------------------------------------------------------------------------
    def day(self, start: dt.date, low: int, high: int) -> dt.date:
        return min(start + dt.timedelta(days=self.rng.randint(low, high)), self.anchor)

    def name(self) -> str:
        return f"{self.rng.choice(CONTACT_FIRST)} {self.rng.choice(CONTACT_LAST)}"

    # --- reference data ------------------------------------------------------------------------
    def contacts(self) -> None:
        for agency_id, _ in self.agencies:
            for level in (
                ContactLevel.LEAD,
                ContactLevel.SENIOR_MANAGER,
                ContactLevel.STEERING_GROUP_MEMBER,
                ContactLevel.CHIEF_OFFICER,
            ):
                name = f"{self.name()} {agency_id}-{level.value[:2]}"
                contact_id = self.rows.add(
                    AgencyContact,
                    agency_id=agency_id,
                    level=level,
                    name=name,
                    job_title=level.label,
                    email=f"contact{agency_id}.{level.value}@example.invalid",
                    phone="",
                )
                if level is ContactLevel.LEAD:
                    self.lead_contacts[agency_id] = (contact_id, name)

    # --- cases ---------------------------------------------------------------------------------
    def stages(self) -> list[Stage]:
        weights = OPEN_STAGE_WEIGHTS if self.scale.open_only else STAGE_WEIGHTS
        stages, counts = list(weights), list(weights.values())
        chosen = [
            stages[index % len(stages)] for index in range(min(len(stages), self.scale.cases))
        ]  # every stage once
        chosen += self.rng.choices(stages, counts, k=self.scale.cases - len(chosen))
        self.rng.shuffle(chosen)
        return chosen

    def milestone(
        self, case_id: int, kind: MilestoneKind, on: dt.date, agency_id: int | None = None, note: str = ""
    ) -> dt.date:
        self.rows.add(
            Milestone, case_id=case_id, kind=kind, occurred_on=on, agency_id=agency_id, note=note, recorded_at=self.now
        )
        return on

    def cases(self) -> None:
        counters: dict[int, int] = defaultdict(int)
        planned = []
        for index, stage in enumerate(self.stages()):
            low, high = STAGE_AGE_MONTHS[stage]
            notified = (
                self.anchor
                - relativedelta(months=self.rng.randint(low, high))
                - dt.timedelta(days=self.rng.randint(3, 25))
            )
            planned.append((notified, index, stage))
        planned.sort()
        for notified, index, stage in planned:
            counters[notified.year] += 1
            cross_border = index % 23 == 22
            profile = (
                GuidanceProfile.DARDR if notified >= dt.date(2025, 6, 1) and index % 2 else GuidanceProfile.DHR_2016
            )
            case_id = self.rows.add(
                Case,
                reference=f"DHR-{notified.year}-{counters[notified.year]:04d}",
                pseudonym=f"{PSEUDONYMS[index % len(PSEUDONYMS)]} {index // len(PSEUDONYMS) + 1}",
                victim_real_name=f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)}-{index}",
                perpetrator_real_name=f"{self.rng.choice(CONTACT_FIRST)} {self.rng.choice(LAST)}-{index}",
                date_of_death=notified - dt.timedelta(days=self.rng.randint(1, 10)),
                notified_on=notified,
                csp_area_id=None if cross_border else self.areas[index % len(self.areas)],
                commissioning_partnership="East Sussex CSP" if cross_border else "KCSP",
                guidance_profile=profile,
                stage=stage,
                decision=None,
                independent_chair="" if stage in (Stage.NOTIFICATION, Stage.DECISION) else f"{self.name()} (chair)",
                notes="Fictional benchmark case.",
                created_at=self.now,
                updated_at=self.now,
            )
            self.history(case_id, notified, stage, profile)

    def history(self, case_id: int, notified: dt.date, stage: Stage, profile: GuidanceProfile) -> None:
        rng, reached = self.rng, ORDER.index(stage)
        case_row = self.rows.tables["dhr_case"][-1]
        if reached < ORDER.index(Stage.COMMISSIONING):
            return
        if stage is Stage.CLOSED and rng.random() < 0.3:
            on = self.milestone(case_id, MilestoneKind.DECISION, self.day(notified, 14, 28), note="Criteria not met")
            case_row["decision"] = Decision.NO_REVIEW
            self.milestone(case_id, MilestoneKind.HOME_OFFICE_INFORMED, self.day(on, 1, 7))
            self.milestone(case_id, MilestoneKind.CLOSED, self.day(on, 8, 14), note="No review: Home Office informed")
            return
        case_row["decision"] = Decision.REVIEW
        decided = on = self.milestone(case_id, MilestoneKind.DECISION, self.day(notified, 14, 35))
        self.case_decided[case_id] = decided
        on = self.milestone(case_id, MilestoneKind.HOME_OFFICE_INFORMED, self.day(on, 1, 7))
        if profile is GuidanceProfile.DARDR:
            on = self.milestone(case_id, MilestoneKind.SCOPING_COMPLETED, self.day(on, 7, 21))
        on = self.milestone(case_id, MilestoneKind.CHAIR_APPOINTED, self.day(on, 10, 30))
        if reached < ORDER.index(Stage.INFORMATION_GATHERING):
            return
        on = self.milestone(case_id, MilestoneKind.TERMS_OF_REFERENCE_AGREED, self.day(on, 14, 30))
        imr_agencies = rng.sample(self.local_agencies, k=min(len(self.local_agencies), rng.randint(3, 6)))
        latest = on
        for agency_id in imr_agencies:
            asked = self.milestone(case_id, MilestoneKind.IMR_REQUESTED, self.day(on, 1, 5), agency_id)
            if reached > ORDER.index(Stage.INFORMATION_GATHERING) or rng.random() < 0.5:
                latest = max(
                    latest, self.milestone(case_id, MilestoneKind.IMR_RECEIVED, self.day(asked, 30, 70), agency_id)
                )
        self.milestone(case_id, MilestoneKind.FAMILY_CONTACTED, self.day(on, 5, 20), note="Advocate offered")
        if rng.random() < 0.35:
            trial = self.rows.add(
                ParallelProcess,
                case_id=case_id,
                kind=ParallelProcessKind.CRIMINAL_TRIAL,
                status=ProcessStatus.ONGOING,
                started_on=self.day(notified, 20, 60),
                expected_end_on=None,
                concluded_on=None,
                note="Crown Court",
            )
            starts = self.day(on, 20, 40)
            concluded = reached > ORDER.index(Stage.DRAFTING)
            ends = self.day(starts, 60, 120) if concluded else None
            if concluded:
                process = self.rows.tables["parallel_process"][-1]
                process["status"], process["concluded_on"] = ProcessStatus.CONCLUDED, ends
            self.rows.add(
                Pause,
                case_id=case_id,
                reason="Paused pending the criminal trial",
                parallel_process_id=trial,
                starts_on=starts,
                ends_on=ends,
                home_office_told_on=self.day(starts, 1, 10),
            )
            latest = max(latest, ends or starts)
        if rng.random() < 0.25:
            self.rows.add(
                ParallelProcess,
                case_id=case_id,
                kind=ParallelProcessKind.INQUEST,
                status=ProcessStatus.PENDING,
                started_on=None,
                expected_end_on=None,
                concluded_on=None,
                note="Inquest opened and adjourned",
            )
        if reached < ORDER.index(Stage.DRAFTING):
            return
        on = latest
        for _ in range(rng.randint(2, 4)):
            on = self.milestone(case_id, MilestoneKind.PANEL_MEETING, self.day(on, 20, 45))
        if reached < ORDER.index(Stage.PARTNERSHIP_SIGNOFF):
            return
        on = self.milestone(case_id, MilestoneKind.DRAFT_REPORT, self.day(on, 20, 40))
        if reached < ORDER.index(Stage.HOME_OFFICE_QA):
            return
        on = self.milestone(case_id, MilestoneKind.PARTNERSHIP_SIGNOFF, self.day(on, 14, 40))
        rounds = 2 if rng.random() < 0.4 else 1
        for number in range(1, rounds + 1):
            submitted = self.day(on, 7, 20)
            panel = self.day(submitted, 40, 80)
            letter = self.day(panel, 7, 20)
            final = number == rounds
            answered = final and reached > ORDER.index(Stage.HOME_OFFICE_QA)
            outcome = (QAOutcome.APPROVED if answered else None) if final else QAOutcome.RESUBMISSION_REQUIRED
            if answered and rng.random() < 0.5:
                outcome = QAOutcome.APPROVED_SUBJECT_TO_REVISIONS
            revised = outcome in (QAOutcome.RESUBMISSION_REQUIRED, QAOutcome.APPROVED_SUBJECT_TO_REVISIONS)
            self.rows.add(
                QARound,
                case_id=case_id,
                round_number=number,
                submitted_on=submitted,
                panel_on=panel if (answered or not final) else None,
                feedback_letter_on=letter if outcome else None,
                feedback_reference=f"HO/QA/{case_id}/{number}" if outcome else "",
                outcome=outcome,
                revisions_listed="Clarify the chronology." if revised else "",
                revisions_made_on=self.day(letter, 10, 30) if revised else None,
            )
            on = letter
        if reached < ORDER.index(Stage.PUBLICATION):
            return
        published = self.day(on, 20, 40)
        self.rows.add(
            Publication,
            case_id=case_id,
            published_on=published,
            website_removal_on=published + relativedelta(months=12),
            sent_to_library_on=self.day(published, 1, 10),
            family_told_on=published - dt.timedelta(days=3),
            sent_to_commissioner_on=self.day(published, 1, 10) if profile is GuidanceProfile.DARDR else None,
        )
        if stage is Stage.CLOSED:
            done = self.milestone(case_id, MilestoneKind.ACTION_PLAN_COMPLETE, self.day(published, 200, 300))
            self.milestone(case_id, MilestoneKind.CLOSED, self.day(done, 5, 20))

    # --- action plans --------------------------------------------------------------------------
    def recommendations(self) -> list[tuple[int, int, RecommendationStatus, dt.date]]:
        """Spread the recommendations over the cases with an action plan; returns (id, agency, status, decided)."""
        cases = [
            row for row in self.rows.tables["dhr_case"] if row["stage"] in HAS_PLAN and row["id"] in self.case_decided
        ]
        weights = [self.rng.uniform(0.5, 1.5) for _ in cases]
        total = sum(weights)
        counts = [max(1, int(self.scale.recommendations * w / total)) for w in weights]
        for position in self.rng.sample(range(len(cases)), k=len(cases)):
            if sum(counts) >= self.scale.recommendations:
                break
            counts[position] += 1
        while sum(counts) > self.scale.recommendations:
            position = self.rng.randrange(len(cases))
            if counts[position] > 1:
                counts[position] -= 1
        made = []
        for case, count in zip(cases, counts):
            decided = self.case_decided[case["id"]]
            advanced = ORDER.index(case["stage"]) >= ORDER.index(Stage.PUBLICATION)
            for number in range(1, count + 1):
                text = self.rng.choice(REC_TEXTS)
                national = text.startswith("Publish national")
                from_imr = not national and self.rng.random() < 0.4
                lead = (
                    self.rng.choice(self.departments)
                    if national
                    else self.rng.choices(self.local_agencies, self.agency_weights)[0]
                )
                if case["stage"] is Stage.CLOSED:
                    status = RecommendationStatus.IMPLEMENTED
                elif advanced:
                    status = self.rng.choice(
                        [
                            RecommendationStatus.IN_PROGRESS,
                            RecommendationStatus.IN_PROGRESS,
                            RecommendationStatus.COMPLETED_AWAITING_EVIDENCE,
                            RecommendationStatus.IMPLEMENTED,
                            RecommendationStatus.ACCEPTED,
                        ]
                    )
                else:
                    status = self.rng.choice([RecommendationStatus.PROPOSED, RecommendationStatus.ACCEPTED])
                completed = signed = None
                if status in (RecommendationStatus.IMPLEMENTED, RecommendationStatus.COMPLETED_AWAITING_EVIDENCE):
                    completed = self.day(decided, 300, 600)
                if status is RecommendationStatus.IMPLEMENTED:
                    signed = self.day(completed, 10, 60)
                rec_id = self.rows.add(
                    Recommendation,
                    case_id=case["id"],
                    number=f"{'IMR-' if from_imr else ''}{number}",
                    source=RecommendationSource.IMR if from_imr else RecommendationSource.OVERVIEW_REPORT,
                    source_agency_id=lead if from_imr else None,
                    lead_agency_id=lead,
                    scope=Scope.NATIONAL if national else self.rng.choice([Scope.LOCAL, Scope.LOCAL, Scope.REGIONAL]),
                    text=text,
                    action=self.rng.choice(ACTIONS),
                    key_milestones="",
                    target_on=self.anchor + relativedelta(months=self.rng.randint(-9, 9)),
                    completed_on=completed,
                    outcome="Action completed; practice audited." if completed else "",
                    status=status,
                    status_changed_on=self.day(decided, 200, 400),
                    not_accepted_reason="",
                    signed_off_on=signed,
                    signoff_minute_reference=f"SG/{signed:%Y}/{self.rng.randint(10, 99)}" if signed else "",
                    created_at=self.now,
                )
                if self.rng.random() < 0.2:
                    supporting = self.rng.choice(self.local_agencies)
                    if supporting != lead:
                        self.rows.add(recommendation_supporting_agency, recommendation_id=rec_id, agency_id=supporting)
                made.append((rec_id, lead, status, decided))
        return made

    def progress_updates(self, recs: list[tuple[int, int, RecommendationStatus, dt.date]]) -> None:
        eligible = [rec for rec in recs if rec[2] is not RecommendationStatus.PROPOSED] or recs
        remaining = self.scale.progress_updates
        per_rec = [remaining // len(eligible)] * len(eligible)
        for position in self.rng.sample(range(len(eligible)), k=remaining - sum(per_rec)):
            per_rec[position] += 1
        for (rec_id, lead, _, decided), count in zip(eligible, per_rec):
            contact_id, contact_name = self.lead_contacts[lead]
            span = max(1, (self.anchor - decided).days - 120)
            days = sorted(self.rng.randrange(span) for _ in range(count))
            for step, offset in enumerate(days):
                self.rows.add(
                    ProgressUpdate,
                    recommendation_id=rec_id,
                    received_on=decided + dt.timedelta(days=120 + offset),
                    contact_id=contact_id,
                    contact_name=contact_name,
                    text=PROGRESS[min(step, len(PROGRESS) - 1)],
                    evidence_reference=f"EV-{rec_id}-{step + 1}",
                    corrects_id=None,
                    recorded_at=self.now,
                )

    # --- meetings, update rounds and escalation -------------------------------------------------
    def meetings(self) -> list[dt.date]:
        """Quarterly partnership meetings for eleven years; the next one has the briefing's attendees."""
        held: list[tuple[dt.date, int]] = []
        month = self.anchor - relativedelta(years=11, day=1)
        while month <= self.anchor + relativedelta(months=9):
            if month.month in (1, 4, 7, 10):
                day = month + relativedelta(weekday=2)  # the first Wednesday
                held.append(
                    (
                        day,
                        self.rows.add(
                            Meeting,
                            kind=MeetingKind.KCSP,
                            held_on=day,
                            agenda_item="7",
                            title="Community Safety Partnership",
                            location="County Hall",
                        ),
                    )
                )
            month += relativedelta(months=1)
        next_id = next(meeting_id for day, meeting_id in held if day > self.anchor)
        for position in range(self.scale.attendees):
            self.rows.add(
                Attendee,
                meeting_id=next_id,
                position=position,
                name=self.name(),
                organisation=f"Partner organisation {position + 1}",
            )
        return [day for day, _ in held]

    def rounds(self, recs: list[tuple[int, int, RecommendationStatus, dt.date]], meetings: list[dt.date]) -> None:
        by_agency: dict[int, list[int]] = defaultdict(list)
        for rec_id, lead, status, _ in recs:
            if status is not RecommendationStatus.PROPOSED:
                by_agency[lead].append(rec_id)
        agencies = sorted(by_agency)
        late_requests: list[tuple[int, dt.date, dt.date | None]] = []
        for back in range(self.scale.update_rounds, 0, -1):
            requested = self.anchor - relativedelta(months=back - 1, day=1) - relativedelta(days=10)
            due = requested + dt.timedelta(days=28)
            meeting_on = next((day for day in meetings if day >= due), due + dt.timedelta(days=30))
            round_id = self.rows.add(
                UpdateRound, meeting_id=None, meeting_on=meeting_on, requested_on=requested, due_on=due, note=""
            )
            recent = back <= 2
            for agency_id in self.rng.sample(agencies, k=max(1, int(len(agencies) * 0.8))):
                late = self.rng.random() < (0.55 if recent else 0.6)
                if recent and self.rng.random() < 0.5:
                    received = None
                elif late:
                    received = None if self.rng.random() < 0.04 else due + dt.timedelta(days=self.rng.randint(3, 70))
                else:
                    received = due - dt.timedelta(days=self.rng.randint(0, 20))
                if received is not None and received > self.anchor:
                    received = None
                request_id = self.rows.add(
                    UpdateRequest,
                    round_id=round_id,
                    agency_id=agency_id,
                    requested_on=requested,
                    due_on=due,
                    received_on=received,
                )
                pool = by_agency[agency_id]
                for rec_id in self.rng.sample(pool, k=min(len(pool), self.rng.randint(1, 5))):
                    self.rows.add(
                        UpdateRequestItem,
                        request_id=request_id,
                        recommendation_id=rec_id,
                        settled_on=received,
                        progress_update_id=None,
                    )
                if (received is None and due < self.anchor) or (received is not None and received > due):
                    late_requests.append((request_id, due, received))
        self.escalation_actions(late_requests)

    def escalation_actions(self, late: list[tuple[int, dt.date, dt.date | None]]) -> None:
        if not late:
            return
        target = self.scale.escalation_actions
        counts = [self.rng.randint(1, 4) for _ in late]
        while sum(counts) < target:  # more than four: repeated chasers at the top level
            counts[self.rng.randrange(len(counts))] += 1
        while sum(counts) > target:
            position = self.rng.randrange(len(counts))
            counts[position] -= 1 if counts[position] > 0 else 0
        for (request_id, due, received), count in zip(late, counts):
            taken = due
            for step in range(count):
                level = min(step + 1, 4)
                taken = taken + dt.timedelta(days=7 + 7 * min(step, 3))
                if received is not None and taken >= received:
                    taken = received - dt.timedelta(days=1)
                self.rows.add(
                    EscalationAction,
                    request_id=request_id,
                    level=level,
                    taken_on=min(taken, self.anchor),
                    recipient=self.name(),
                    recipient_role=["Lead contact", "Senior manager", "KCSP Working Group", "Chief officer"][level - 1],
                    method=ContactMethod.LETTER if level > 2 else ContactMethod.EMAIL,
                    note="",
                    recorded_at=self.now,
                )


def add_reference_data(
    database: Database, scale: Scale, rng: random.Random
) -> tuple[list[int], list[tuple[int, AgencyKind]]]:
    """Top up the seeded Kent areas and agencies to the scale's numbers (national: every CSP in England and Wales)."""
    with database.transaction() as session:
        areas = list(session.scalars(select(CspArea.id).order_by(CspArea.id)))
        existing = len(areas)
        if scale.csp_areas > existing:
            session.execute(
                insert(CspArea),
                [
                    {"name": f"Community Safety Partnership {number:03d}", "districts": "", "active": True}
                    for number in range(existing + 1, scale.csp_areas + 1)
                ],
            )
        seeded = session.execute(select(Agency.id, Agency.kind).order_by(Agency.id)).all()
        if scale.agencies > len(seeded):
            session.execute(
                insert(Agency),
                [
                    {
                        "name": f"Partner agency {number:03d}",
                        "kind": rng.choice(AGENCY_KINDS),
                        "outside_kent": True,
                        "active": True,
                        "notes": "",
                    }
                    for number in range(len(seeded) + 1, scale.agencies + 1)
                ],
            )
        areas = list(session.scalars(select(CspArea.id).order_by(CspArea.id)))
        agencies = [
            (agency_id, kind) for agency_id, kind in session.execute(select(Agency.id, Agency.kind).order_by(Agency.id))
        ]
    return areas, agencies


INSERT_ORDER = [
    "agency_contact",
    "dhr_case",
    "milestone",
    "parallel_process",
    "pause",
    "qa_round",
    "publication",
    "recommendation",
    "recommendation_supporting_agency",
    "progress_update",
    "meeting",
    "attendee",
    "update_round",
    "update_request",
    "update_request_item",
    "escalation_action",
]


def build(database: Database, scale: Scale, *, seed: int = 1, anchor: dt.date) -> dict[str, int]:
    """Fill a new database (reference data seeded) with the scale's caseload; return the row count of each table."""
    from dhr_tracker.model import Base

    rng = random.Random(seed * 7919)
    areas, agencies = add_reference_data(database, scale, rng)
    generator = Generator(scale, seed, anchor, areas, agencies)
    generator.contacts()
    generator.cases()
    recs = generator.recommendations()
    generator.progress_updates(recs)
    meetings = generator.meetings()
    generator.rounds(recs, meetings)
    tables = Base.metadata.tables
    counts = {}
    with database.transaction() as session:
        connection = session.connection()
        for name in INSERT_ORDER:
            rows = generator.rows.tables.get(name, [])
            for start in range(0, len(rows), CHUNK):
                connection.execute(insert(tables[name]), rows[start : start + CHUNK])
            counts[name] = len(rows)
            generator.rows.tables[name] = []  # free as we go
        # Loaded in bulk, outside the audited sessions: the trail records the result as its baseline.
        from dhr_tracker.security.audit import record_baseline

        record_baseline(connection, "synthetic benchmark caseload")
    return counts
