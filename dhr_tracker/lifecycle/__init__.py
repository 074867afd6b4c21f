"""The life of a review: recording its events, its stage, deadlines, RAG rating and timeline.

For screens and reports (one call, a few queries, all cases; read from the caseload overview,
`lifecycle.today.caseload_for(session)`, which keeps each as-of date's positions until a write touches a case):

    from dhr_tracker.lifecycle.overview import caseload_overview, case_overview
    overviews = caseload_overview(session, as_of)              # open cases; open_only=False for all
    for o in overviews:
        o.reference, o.facts.pseudonym, o.facts.stage            # CaseFacts: plain frozen values
        o.rag.rating, o.rag.reasons                               # Rag.RED/AMBER/GREEN/CLOSED, sentences
        for d in o.deadlines:                                     # Deadline, ordered by due date
            d.milestone, d.label, d.due, d.status, d.verdict, d.met_on, d.unit,  # counts in d.unit:
            d.days_overdue, d.slippage_days, d.paused_days                          # working or calendar days
    overview, timeline = case_overview(session, "DHR-2025-03", as_of)   # timeline: list[TimelineEvent]

Every derived view uses only the facts dated on or before its as-of date: `CaseFacts.as_of(day)`.

Pure, no database (tests, benchmarks): `facts.CaseFacts` (+ `load_case_facts(session)` to build them in six
queries), `stages.derive_stage`, `deadlines.compute_deadlines(facts, as_of, timescales, calendar)`,
`rag.rag_for(facts, deadlines, as_of, rules)`, `timeline.build_timeline(facts)`.

Recording (validated; a refusal is a ValidationError and saves nothing): `services.record_decision`,
`record_milestone`, `record_qa_submission`, `record_qa_feedback`, `record_revisions_made`,
`record_publication`, `add_parallel_process`, `update_parallel_process`, `start_pause`, `end_pause`,
`close_case`, `reopen_case`, `remove_milestone`, `remove_pause`, `refresh_stage`.
Rules for users: docs/USER_GUIDE.md.
"""
