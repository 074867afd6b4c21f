"""DHR Tracker core: domain model, storage, workflow rules, reports and command line (no Qt)."""

__version__ = "0.1.0"
APPLICATION_ID = "dhr-tracker"
