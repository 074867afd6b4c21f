"""A clearly fictional demo caseload: cases at every stage, agencies, action plans and update histories.

Every name here is invented. The victims and perpetrators have (fictional) real names on purpose, so
that every export and report can be checked for leaks. The same seed and anchor date give the same data.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

from dateutil.relativedelta import relativedelta
from sqlalchemy import select
from sqlalchemy.orm import Session

from dhr_tracker.dates import today_uk
from dhr_tracker.lifecycle.facts import facts_from_case
from dhr_tracker.lifecycle.stages import derive_stage
from dhr_tracker.model import (
    Agency,
    AgencyContact,
    Attendee,
    Case,
    CspArea,
    Meeting,
    Milestone,
    ParallelProcess,
    Pause,
    ProgressUpdate,
    Publication,
    QARound,
    Recommendation,
)
from dhr_tracker.progress import NO_PROGRESS, Progress
from dhr_tracker.progress import step as progress_step  # `step` is a loop variable below
from dhr_tracker.storage.database import Database, create_database
from dhr_tracker.vocabulary import (
    AgencyKind,
    ContactLevel,
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
from dhr_tracker.workdays import calendar_for

FIRST_NAMES = [
    "Imogen",
    "Delphine",
    "Marguerite",
    "Rosalind",
    "Petronella",
    "Ottoline",
    "Wilhelmina",
    "Clementine",
    "Aurelia",
    "Philippa",
    "Georgiana",
    "Henrietta",
    "Evangeline",
    "Seraphina",
    "Lavinia",
    "Euphemia",
]
MALE_NAMES = [
    "Barnaby",
    "Crispin",
    "Ptolemy",
    "Leopold",
    "Montague",
    "Ambrose",
    "Lysander",
    "Octavius",
    "Peregrine",
    "Thaddeus",
    "Cornelius",
    "Bartholomew",
    "Erasmus",
    "Jolyon",
    "Fitzgerald",
    "Aldous",
]
SURNAMES = [
    "Quillfeather",
    "Ashcombe-Voss",
    "Thistlewood",
    "Brackenbury",
    "Fennimore",
    "Wolstenholme",
    "Pendragon-Hale",
    "Marchbanks",
    "Trelawney",
    "Featherstonehaugh",
    "Hollingsworth",
    "Castellane",
    "Dunkerley",
    "Abernethy",
    "Winterbottom",
    "Kettleborough",
]
PSEUDONYMS = [
    "Alex",
    "Sam",
    "Jo",
    "Robin",
    "Charlie",
    "Frankie",
    "Jamie",
    "Morgan",
    "Riley",
    "Taylor",
    "Casey",
    "Jordan",
    "Avery",
    "Quinn",
    "Rowan",
    "Sky",
    "Ellis",
    "Harley",
    "Kit",
    "Lee",
    "Nico",
    "Remy",
    "Sasha",
    "Toni",
]
CONTACT_FIRST = ["Pat", "Chris", "Lesley", "Terry", "Hilary", "Dale", "Jan", "Kim", "Leigh", "Mel", "Nat", "Shay"]
CONTACT_LAST = ["Example", "Sample", "Specimen", "Placeholder", "Testwell", "Mockford", "Dummett", "Fictitious"]
RECOMMENDATION_TEXTS = [
    (
        "Ensure routine enquiry about domestic abuse is made at every antenatal contact.",
        "Audit of enquiry rates; refresher training for midwives.",
    ),
    (
        "Review the referral pathway from the emergency department to the IDVA service.",
        "Agree a written pathway; publish to staff; audit in six months.",
    ),
    (
        "Strengthen information sharing between housing and the police at MARAC.",
        "Housing officer to attend every MARAC; update the protocol.",
    ),
    (
        "Train GP practice staff to recognise coercive and controlling behaviour.",
        "Deliver training to all practices; record attendance.",
    ),
    (
        "Make sure safeguarding supervision covers cases where the perpetrator is a carer.",
        "Update the supervision policy; audit a sample of records.",
    ),
    (
        "Improve recording of the victim's voice in adult social care assessments.",
        "Change the assessment template; audit compliance.",
    ),
    ("Raise awareness of economic abuse among frontline staff.", "Publish a briefing; include in induction."),
    (
        "Ensure probation risk assessments consider new relationships.",
        "Update guidance; check at quality assurance panels.",
    ),
    (
        "Share the learning from this review with partners across Kent and Medway.",
        "Lessons-learnt seminar; seven-minute briefing.",
    ),
    (
        "Review how missed mental health appointments are followed up.",
        "Introduce a did-not-attend protocol with a safeguarding prompt.",
    ),
    ("Publish national guidance on domestic abuse and older people.", "Government department to consider and respond."),
]
PROGRESS_TEXTS = [
    "Working group formed; draft plan circulated.",
    "Training delivered to the first cohort.",
    "Policy revised and awaiting sign-off by the board.",
    "Audit under way; results expected next quarter.",
    "Action completed; evidence to follow.",
    "Evidence submitted: audit report and training records.",
]

# Every stage, so that a demo of ten cases or more shows the whole life of a review.
STAGE_CYCLE = [
    Stage.NOTIFICATION,
    Stage.DECISION,
    Stage.COMMISSIONING,
    Stage.INFORMATION_GATHERING,
    Stage.DRAFTING,
    Stage.PARTNERSHIP_SIGNOFF,
    Stage.HOME_OFFICE_QA,
    Stage.PUBLICATION,
    Stage.ACTION_PLAN_MONITORING,
    Stage.CLOSED,
    Stage.DRAFTING,
    Stage.INFORMATION_GATHERING,
    Stage.ACTION_PLAN_MONITORING,
    Stage.HOME_OFFICE_QA,
]
# Months before the anchor date at which a case at this stage was notified.
STAGE_AGE_MONTHS = {
    Stage.NOTIFICATION: 0,
    Stage.DECISION: 1,
    Stage.COMMISSIONING: 3,
    Stage.INFORMATION_GATHERING: 6,
    Stage.DRAFTING: 10,
    Stage.PARTNERSHIP_SIGNOFF: 14,
    Stage.HOME_OFFICE_QA: 18,
    Stage.PUBLICATION: 24,
    Stage.ACTION_PLAN_MONITORING: 30,
    Stage.CLOSED: 40,
}


class _DemoBuilder:
    def __init__(self, session: Session, seed: int, anchor: dt.date):
        self.session = session
        self.random = random.Random(seed)
        self.anchor = anchor
        self.calendar = calendar_for(session)
        self.areas = list(session.scalars(select(CspArea).order_by(CspArea.name)))
        self.agencies = list(session.scalars(select(Agency).order_by(Agency.name)))
        self.local_agencies = [a for a in self.agencies if a.kind is not AgencyKind.GOVERNMENT_DEPARTMENT]
        self.departments = [a for a in self.agencies if a.kind is AgencyKind.GOVERNMENT_DEPARTMENT]

    def day(self, start: dt.date, low: int, high: int) -> dt.date:
        return min(start + dt.timedelta(days=self.random.randint(low, high)), self.anchor)

    def working_day(self, start: dt.date, low: int, high: int) -> dt.date:
        """A day as `day` gives, moved to the next working day (or, past the anchor, the one before) if it is not one."""
        day = self.day(start, low, high)
        later = day
        while not self.calendar.is_working_day(later):
            later += dt.timedelta(days=1)
        if later <= self.anchor:
            return later
        while not self.calendar.is_working_day(day) and day > start:
            day -= dt.timedelta(days=1)
        return day

    def contact_name(self) -> str:
        return f"{self.random.choice(CONTACT_FIRST)} {self.random.choice(CONTACT_LAST)}"

    def add_contacts(self) -> None:
        for agency in self.agencies:
            if agency.contacts:
                continue
            for level in (
                ContactLevel.LEAD,
                ContactLevel.SENIOR_MANAGER,
                ContactLevel.STEERING_GROUP_MEMBER,
                ContactLevel.CHIEF_OFFICER,
            ):
                name = self.contact_name()
                slug = name.lower().replace(" ", ".")
                agency.contacts.append(
                    AgencyContact(
                        level=level,
                        name=name,
                        job_title=level.label,
                        email=f"{slug}@example.invalid",
                        phone="",
                    )
                )

    def add_case(self, index: int, stage: Stage) -> Case:
        rng = self.random
        victim = f"{rng.choice(FIRST_NAMES)} {rng.choice(SURNAMES)}"
        perpetrator = f"{rng.choice(MALE_NAMES)} {rng.choice(SURNAMES)}"
        notified = self.anchor - relativedelta(months=STAGE_AGE_MONTHS[stage]) - dt.timedelta(days=rng.randint(3, 25))
        cross_border = index % 9 == 8
        case = Case(
            reference=f"DEMO-{index + 1}",  # renumbered per year once every case exists
            pseudonym=PSEUDONYMS[index % len(PSEUDONYMS)]
            + (f" {index // len(PSEUDONYMS) + 1}" if index >= len(PSEUDONYMS) else ""),
            victim_real_name=victim,
            perpetrator_real_name=perpetrator,
            date_of_death=notified - dt.timedelta(days=rng.randint(1, 10)),
            notified_on=notified,
            csp_area=None if cross_border else self.areas[index % len(self.areas)],
            commissioning_partnership="East Sussex CSP" if cross_border else "KCSP",
            guidance_profile=GuidanceProfile.DARDR
            if notified >= dt.date(2025, 6, 1) and index % 2
            else GuidanceProfile.DHR_2016,
            stage=stage,
            independent_chair=f"{self.contact_name()} (independent chair)"
            if stage not in (Stage.NOTIFICATION, Stage.DECISION)
            else "",
            notes="Fictional demo case.",
        )
        self.session.add(case)
        self.add_history(case, stage)
        case.stage = derive_stage(facts_from_case(case))  # the stage the recorded facts show
        return case

    def milestone(
        self, case: Case, kind: MilestoneKind, on: dt.date, agency: Agency | None = None, note: str = ""
    ) -> dt.date:
        case.milestones.append(Milestone(kind=kind, occurred_on=on, agency=agency, note=note))
        return on

    def add_history(self, case: Case, stage: Stage) -> None:
        rng = self.random
        order = list(STAGE_AGE_MONTHS)
        reached = order.index(stage)
        on = case.notified_on
        if reached < order.index(Stage.COMMISSIONING):
            if stage is Stage.DECISION:  # decided to review; commissioning not yet begun
                case.decision = Decision.REVIEW
                on = self.milestone(case, MilestoneKind.DECISION, self.day(on, 14, 28))
                self.milestone(case, MilestoneKind.HOME_OFFICE_INFORMED, self.day(on, 1, 7))
            return
        if stage is Stage.CLOSED and rng.random() < 0.5:
            on = self.milestone(case, MilestoneKind.DECISION, self.day(on, 14, 28), note="Criteria not met")
            case.decision = Decision.NO_REVIEW
            self.milestone(case, MilestoneKind.HOME_OFFICE_INFORMED, self.day(on, 1, 7))
            self.milestone(case, MilestoneKind.CLOSED, self.day(on, 8, 14), note="No review: Home Office informed")
            return
        case.decision = Decision.REVIEW
        decided = on = self.milestone(case, MilestoneKind.DECISION, self.day(on, 14, 35))
        on = self.milestone(case, MilestoneKind.HOME_OFFICE_INFORMED, self.day(on, 1, 7))
        if case.guidance_profile is GuidanceProfile.DARDR:
            on = self.milestone(case, MilestoneKind.SCOPING_COMPLETED, self.day(on, 7, 21))
        on = self.milestone(case, MilestoneKind.CHAIR_APPOINTED, self.day(on, 10, 30))
        if reached < order.index(Stage.INFORMATION_GATHERING):
            return
        on = self.milestone(case, MilestoneKind.TERMS_OF_REFERENCE_AGREED, self.day(on, 14, 30))
        imr_agencies = rng.sample(self.local_agencies, k=rng.randint(3, 6))
        for agency in imr_agencies:
            # Letters go out, and IMRs arrive, on working days.
            asked = self.milestone(case, MilestoneKind.IMR_REQUESTED, self.working_day(on, 1, 5), agency)
            if reached > order.index(Stage.INFORMATION_GATHERING) or rng.random() < 0.5:
                self.milestone(case, MilestoneKind.IMR_RECEIVED, self.working_day(asked, 30, 70), agency)
        self.milestone(case, MilestoneKind.FAMILY_CONTACTED, self.day(on, 5, 20), note="Advocate offered (AAFDA)")
        if rng.random() < 0.4:
            trial = ParallelProcess(
                kind=ParallelProcessKind.CRIMINAL_TRIAL,
                started_on=self.day(case.notified_on, 20, 60),
                status=ProcessStatus.ONGOING,
                note="Crown Court",
            )
            case.parallel_processes.append(trial)
            pause_start = self.day(on, 20, 40)
            concluded = reached > order.index(Stage.DRAFTING)
            pause_end = self.day(pause_start, 60, 120) if concluded else None
            if concluded:
                trial.status, trial.concluded_on = ProcessStatus.CONCLUDED, pause_end
            case.pauses.append(
                Pause(
                    reason="Paused pending the criminal trial",
                    parallel_process=trial,
                    starts_on=pause_start,
                    ends_on=pause_end,
                    home_office_told_on=self.day(pause_start, 1, 10),
                )
            )
        if rng.random() < 0.3:
            case.parallel_processes.append(
                ParallelProcess(
                    kind=ParallelProcessKind.INQUEST, status=ProcessStatus.PENDING, note="Inquest opened and adjourned"
                )
            )
        if reached < order.index(Stage.DRAFTING):
            return
        on = max(m.occurred_on for m in case.milestones)
        for _ in range(rng.randint(2, 4)):
            on = self.milestone(case, MilestoneKind.PANEL_MEETING, self.day(on, 20, 45))
        if reached < order.index(Stage.PARTNERSHIP_SIGNOFF):
            return
        on = self.milestone(case, MilestoneKind.DRAFT_REPORT, self.day(on, 20, 40))
        self.add_recommendations(case, decided, imr_agencies, reached >= order.index(Stage.PUBLICATION))
        on = self.milestone(case, MilestoneKind.PARTNERSHIP_SIGNOFF, self.day(on, 14, 40))
        if reached < order.index(Stage.HOME_OFFICE_QA):
            return
        rounds = 2 if rng.random() < 0.4 else 1
        for number in range(1, rounds + 1):
            submitted = self.day(on, 7, 20)
            panel = self.day(submitted, 40, 80)
            letter = self.day(panel, 7, 20)
            final = number == rounds
            answered = final and reached > order.index(Stage.HOME_OFFICE_QA)
            outcome = (QAOutcome.APPROVED if answered else None) if final else QAOutcome.RESUBMISSION_REQUIRED
            if answered and rng.random() < 0.5:
                outcome = QAOutcome.APPROVED_SUBJECT_TO_REVISIONS
            case.qa_rounds.append(
                QARound(
                    round_number=number,
                    submitted_on=submitted,
                    panel_on=panel if (answered or not final) else None,
                    feedback_letter_on=letter if outcome else None,
                    feedback_reference=f"HO/QA/{case.reference}/{number}" if outcome else "",
                    outcome=outcome,
                    revisions_listed="Clarify the chronology; strengthen the family's voice."
                    if outcome in (QAOutcome.RESUBMISSION_REQUIRED, QAOutcome.APPROVED_SUBJECT_TO_REVISIONS)
                    else "",
                    revisions_made_on=self.day(letter, 10, 30)
                    if outcome is QAOutcome.APPROVED_SUBJECT_TO_REVISIONS
                    else None,
                )
            )
            on = letter
        if reached <= order.index(Stage.PUBLICATION):
            return  # at the publication stage: approved, not yet published
        published = self.day(on, 20, 40)
        case.publication = Publication(
            published_on=published,
            website_removal_on=published + relativedelta(months=12),
            sent_to_library_on=self.day(published, 1, 10),
            family_told_on=published - dt.timedelta(days=3),
            sent_to_commissioner_on=self.day(published, 1, 10)
            if case.guidance_profile is GuidanceProfile.DARDR
            else None,
        )
        if stage is Stage.CLOSED:
            done = self.milestone(case, MilestoneKind.ACTION_PLAN_COMPLETE, self.day(published, 200, 300))
            self.milestone(case, MilestoneKind.CLOSED, self.day(done, 5, 20))

    def add_recommendations(self, case: Case, decided: dt.date, imr_agencies: list[Agency], advanced: bool) -> None:
        rng = self.random
        for number in range(1, rng.randint(3, 8) + 1):
            text, action = rng.choice(RECOMMENDATION_TEXTS)
            national = text.startswith("Publish national")
            from_imr = not national and rng.random() < 0.4
            lead = (
                rng.choice(self.departments)
                if national
                else rng.choice(imr_agencies if from_imr else self.local_agencies)
            )
            if case.stage is Stage.CLOSED:
                status = RecommendationStatus.IMPLEMENTED
            elif advanced:
                status = rng.choice(
                    [
                        RecommendationStatus.IN_PROGRESS,
                        RecommendationStatus.IN_PROGRESS,
                        RecommendationStatus.COMPLETED_AWAITING_EVIDENCE,
                        RecommendationStatus.IMPLEMENTED,
                        RecommendationStatus.ACCEPTED,
                    ]
                )
            else:
                status = rng.choice([RecommendationStatus.PROPOSED, RecommendationStatus.ACCEPTED])
            recommendation = Recommendation(
                number=f"{'IMR-' if from_imr else ''}{number}",
                source=RecommendationSource.IMR if from_imr else RecommendationSource.OVERVIEW_REPORT,
                source_agency=lead if from_imr else None,
                lead_agency=lead,
                scope=Scope.NATIONAL if national else rng.choice([Scope.LOCAL, Scope.LOCAL, Scope.REGIONAL]),
                text=text,
                action=action,
                key_milestones="",
                target_on=self.anchor + relativedelta(months=rng.randint(-6, 9)),
                status=status,
                status_changed_on=self.day(decided, 200, 400),
            )
            if rng.random() < 0.3:
                recommendation.supporting_agencies.append(rng.choice([a for a in self.local_agencies if a is not lead]))
            if status in (RecommendationStatus.IMPLEMENTED, RecommendationStatus.COMPLETED_AWAITING_EVIDENCE):
                recommendation.completed_on = self.day(decided, 300, 600)
                recommendation.outcome = "Action completed; practice audited."
            if status is RecommendationStatus.IMPLEMENTED and recommendation.completed_on is not None:  # (set above)
                recommendation.signed_off_on = self.day(recommendation.completed_on, 10, 60)
                recommendation.signoff_minute_reference = f"SG/{recommendation.signed_off_on:%Y}/{rng.randint(10, 99)}"
            lead_contact = lead.contact_at(ContactLevel.LEAD)
            received = self.day(decided, 120, 200)
            for step in range(rng.randint(0, 4) if status is not RecommendationStatus.PROPOSED else 0):
                received = self.day(received, 60, 100)
                recommendation.updates.append(
                    ProgressUpdate(
                        received_on=received,
                        contact=lead_contact,
                        contact_name=lead_contact.name if lead_contact else "Lead contact",
                        text=PROGRESS_TEXTS[min(step, len(PROGRESS_TEXTS) - 1)],
                        evidence_reference=f"EV-{case.reference}-{number}-{step + 1}",
                    )
                )
            recommendation.case = case
            self.session.add(recommendation)

    def add_meetings(self) -> None:
        for months in (-6, 0, 5):
            held = self.anchor + relativedelta(months=months, day=1) + relativedelta(weekday=2)  # first Wednesday-ish
            if months == 0 and held <= self.anchor:
                held = self.anchor + dt.timedelta(days=17)
            meeting = Meeting(
                kind=MeetingKind.KCSP,
                held_on=held,
                agenda_item="7",
                title="Kent Community Safety Partnership",
                location="Sessions House, Maidstone",
            )
            for position, organisation in enumerate(
                [
                    "Kent County Council",
                    "Kent Police",
                    "Kent Fire and Rescue Service",
                    "Medway Council",
                    "NHS Kent and Medway ICB",
                    "Probation Service",
                    "Office of the Police and Crime Commissioner",
                    "Kent Community Safety Team",
                ]
            ):
                meeting.attendees.append(
                    Attendee(position=position, name=self.contact_name(), organisation=organisation)
                )
            self.session.add(meeting)


def build_demo_caseload(
    session: Session,
    *,
    cases: int = 14,
    seed: int = 1,
    anchor: dt.date | None = None,
    update_rounds: bool = False,
    progress: Progress = NO_PROGRESS,
) -> list[Case]:
    """Add `cases` fictional cases (every stage appears from ten cases up) to a database with reference data.

    With `update_rounds`, also two rounds of update requests with replies and escalation actions, leaving
    agencies at every level of the ladder on the anchor date (the demo database has them).
    """
    if cases < 1:
        raise ValueError("A demo needs at least one case.")
    builder = _DemoBuilder(session, seed, anchor or today_uk())
    builder.add_contacts()
    session.flush()
    steps = cases + 2  # each case, then the meetings and learning, then the update rounds
    made = []
    for index in range(cases):
        progress_step(progress, index, steps, f"Adding demo case {index + 1} of {cases}…")
        made.append(builder.add_case(index, STAGE_CYCLE[index % len(STAGE_CYCLE)]))
    progress_step(progress, cases, steps, "Adding the meetings and the learning…")
    # References count up within each year of notification, as the coordinator numbers them.
    counters: dict[int, int] = {}
    for case in sorted(made, key=lambda case: (case.notified_on, case.pseudonym)):
        counters[case.notified_on.year] = counters.get(case.notified_on.year, 0) + 1
        case.reference = f"DHR-{case.notified_on.year}-{counters[case.notified_on.year]:02d}"
    builder.add_meetings()
    session.flush()
    from dhr_tracker.learning.demo_learning import add_demo_learning

    add_demo_learning(session, seed=seed, anchor=builder.anchor)
    if update_rounds:
        from dhr_tracker.escalation.demo_rounds import add_demo_update_rounds

        progress_step(progress, cases + 1, steps, "Adding the update rounds…")
        add_demo_update_rounds(session, builder.anchor)
    progress_step(progress, steps, steps, "Saving the demo…")
    return made


def create_demo_database(
    path: Path | str,
    passphrase: str,
    *,
    cases: int = 14,
    seed: int = 1,
    anchor: dt.date | None = None,
    progress: Progress = NO_PROGRESS,
) -> Database:
    """A new encrypted database holding the demo caseload (the file is removed again if anything fails or
    `progress` is cancelled)."""
    database = create_database(path, passphrase)
    try:
        with database.transaction() as session:
            build_demo_caseload(session, cases=cases, seed=seed, anchor=anchor, update_rounds=True, progress=progress)
    except BaseException:
        database.close()
        Path(path).unlink(missing_ok=True)
        raise
    return database
