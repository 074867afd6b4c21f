"""The update cycle and escalation: update rounds, the ladder, the engine (the letters are a report: reports.letters)."""
