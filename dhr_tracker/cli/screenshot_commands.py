"""`dhr-tracker screenshots --out DIR`: render each screen of the desktop app, on demo data, to PNG files.

Qt is loaded only when the command runs (through importlib, as for the desktop app itself), so the
core and every other command stay free of it.
"""

from __future__ import annotations

import argparse
import importlib
from pathlib import Path

from dhr_tracker.errors import UserError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "screenshots", help="render each screen of the desktop app, on a fresh demo database, to PNG files (offscreen)"
    )
    parser.add_argument("--out", type=Path, required=True, help="folder for the PNG files (created if needed)")
    parser.add_argument("--cases", type=int, default=24, help="how many demo cases (default 24)")
    parser.add_argument(
        "--scale", type=float, default=1.0, help="device pixel ratio, e.g. 2 to check high DPI (0.5 to 4)"
    )
    parser.add_argument(
        "--size",
        action="append",
        metavar="WIDTHxHEIGHT",
        help="window size, e.g. 1280x720; give it more than once for several sizes, each in its own "
        "sub-folder (default: the app's default window size)",
    )
    parser.set_defaults(run=run_screenshots)


def run_screenshots(args: argparse.Namespace) -> int:
    if args.cases < 1:
        raise UserError("--cases must be at least 1.")
    # Qt crashes rather than refuse a scale of 0 or less, so the command checks it first.
    if not 0.5 <= args.scale <= 4:
        raise UserError(
            f"--scale {args.scale:g} is not a usable device pixel ratio; give a number from 0.5 to 4, "
            "for example 2 for a high-DPI check."
        )
    try:
        screenshots = importlib.import_module("ui.screenshots")
    except ImportError as error:
        raise UserError(f"The desktop app is not installed, so there is nothing to render ({error}).") from None
    sizes = [option for size in args.size or () for option in ("--size", size)]
    return screenshots.main(["--out", str(args.out), "--cases", str(args.cases), "--scale", str(args.scale), *sizes])
