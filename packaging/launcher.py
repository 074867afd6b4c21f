"""Entry point of the packaged application: the same `dhr-tracker` command as an installed checkout.

No arguments starts the desktop app; a sub-command (check, demo, cases, ...) runs headless.

One extra for checking a build: `dhr-tracker --render-screenshots FOLDER` renders every main screen
of a throwaway encrypted demo database to PNG files, offscreen (ui.screenshots), which proves that Qt,
its plugins, the stylesheet and the icons all made it into the package.
"""

import multiprocessing
import os
import sys


def run() -> int:
    if len(sys.argv) == 3 and sys.argv[1] == "--render-screenshots":
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
        from ui.screenshots import main as screenshots

        return screenshots(["--out", sys.argv[2], "--cases", "12"])
    from dhr_tracker.cli import main

    return main()


if __name__ == "__main__":
    multiprocessing.freeze_support()  # harmless if unused; required if a worker process is ever started on Windows
    sys.exit(run())
