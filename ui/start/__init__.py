"""The screens shown before the database is unlocked: start (open, create, demo) and unlock."""
