"""dev.py: before starting the desktop app it checks for a display and Qt's system libraries, and says what to install."""

from __future__ import annotations

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
spec = importlib.util.spec_from_file_location("dev_script", ROOT / "dev.py")
dev = importlib.util.module_from_spec(spec)
spec.loader.exec_module(dev)


def test_no_display_is_named_before_qt_is_started():
    problem = dev.desktop_problem({}, "linux", find_library=lambda name: True)
    assert problem and "no display" in problem and "ssh -X" in problem


def test_missing_qt_libraries_are_named_with_the_packages_to_install():
    problem = dev.desktop_problem({"DISPLAY": ":0"}, "linux", find_library=lambda name: name != "libxcb-cursor.so.0")
    assert "sudo apt-get install libxcb-cursor0" in problem and "INSTALLING.md" in problem
    assert dev.desktop_problem({"DISPLAY": ":0"}, "linux", find_library=lambda name: True) is None


def test_other_platforms_and_offscreen_runs_are_not_checked():
    assert dev.desktop_problem({}, "win32", find_library=lambda name: False) is None
    assert dev.desktop_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", find_library=lambda name: False) is None


def test_help_routes_to_the_command_list(capsys):
    assert dev.main(["--help"]) == 0
    assert "python3 dev.py commands" in capsys.readouterr().out
