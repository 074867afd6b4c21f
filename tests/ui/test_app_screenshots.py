"""The screenshots command (#6.10) renders every main screen, on demo data, to a PNG that is not blank."""

from __future__ import annotations

from PySide6.QtGui import QImage

from ui import screenshots
from ui.main_window import screen_classes


def test_every_main_screen_is_rendered(tmp_path, qapp):
    written = screenshots.render(tmp_path / "shots", cases=4, size=(1100, 700))
    names = [path.stem.split("-", 1)[1] for path in written]
    assert names[0] == "start" and names[-1] == "locked"
    assert len(written) == len(screen_classes()) + 2
    for path in written:
        image = QImage(str(path))
        assert not image.isNull() and image.width() >= 1100
        colours = {image.pixel(x, y) for x in range(0, image.width(), 37) for y in range(0, image.height(), 29)}
        assert len(colours) > 3, f"{path.name} looks blank"


def test_the_command_reports_a_bad_size_as_a_usage_error(capsys):
    import pytest

    with pytest.raises(SystemExit) as exit_info:
        screenshots.main(["--out", "x", "--size", "big"])
    assert exit_info.value.code == 2
    assert "not a size" in capsys.readouterr().err


def test_the_cli_command_renders_the_screens(tmp_path, qapp, capsys):
    from dhr_tracker.cli import main

    assert main(["screenshots", "--out", str(tmp_path / "cli"), "--cases", "2"]) == 0
    written = sorted((tmp_path / "cli").glob("*.png"))
    assert len(written) == len(screen_classes()) + 2
    assert main(["screenshots", "--out", str(tmp_path / "x"), "--cases", "0"]) == 1
    assert "--cases must be at least 1" in capsys.readouterr().err


def test_a_scale_qt_cannot_use_is_refused_before_qt_starts(tmp_path, capsys):
    from dhr_tracker.cli import main

    # Qt aborts the process (a segmentation fault) on a scale of 0, so the command must refuse it itself.
    assert main(["screenshots", "--out", str(tmp_path / "x"), "--scale", "0"]) == 1
    assert "--scale 0 is not a usable device pixel ratio" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()
    import pytest

    with pytest.raises(SystemExit) as exit_info:
        screenshots.main(["--out", str(tmp_path / "y"), "--scale", "-1"])
    assert exit_info.value.code == 2 and "outside 0.5 to 4" in capsys.readouterr().err
