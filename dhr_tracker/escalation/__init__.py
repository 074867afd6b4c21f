"""The update cycle and escalation: update rounds, the ladder, the engine, and the letters."""
