"""Entry point of the packaged application: the same `dhr-tracker` command as an installed checkout.

No arguments starts the desktop app; a sub-command (check, demo, cases, ...) runs headless.
"""

import multiprocessing
import sys

from dhr_tracker.cli import main

if __name__ == "__main__":
    multiprocessing.freeze_support()  # harmless if unused; required if a worker process is ever started on Windows
    sys.exit(main())
