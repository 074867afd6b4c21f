"""Allow `python -m dhr_tracker`."""

from dhr_tracker.cli import main

raise SystemExit(main())
