"""The case screen: one review's overview, timeline, Home Office QA, processes and pauses, action plan and notes."""
