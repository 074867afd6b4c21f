"""The life of a review: recording its events (services), its stage, deadlines, RAG rating and timeline.

Pure, no database: `facts` (CaseFacts), `stages.derive_stage`, `deadlines.compute_deadlines`, `rag.rag_for`,
`timeline.build_timeline`. With a Session: `services` (record milestones, decision, QA rounds, publication,
processes, pauses, closure, re-opening) and `overview` (caseload_overview, case_overview).
"""
