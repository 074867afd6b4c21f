"""Fast checks of the packaging files (the PyInstaller build itself runs in packaging/build_linux.sh, not here)."""

from __future__ import annotations

import configparser
import subprocess
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"


def test_desktop_entry_has_the_keys_a_launcher_needs() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive
    entry.read(PACKAGING / "dhr-tracker.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Name"] == "DHR Tracker"
    assert section["Exec"].endswith("/dhr-tracker")
    assert section["Icon"] == "dhr-tracker"
    assert section["Terminal"] == "false"
    assert section["Categories"].endswith(";")


def test_app_icon_exists_in_every_form_the_build_uses() -> None:
    icons = ROOT / "resources" / "icons"
    assert (icons / "app-icon.svg").read_text(encoding="utf-8").lstrip().startswith("<svg")
    with Image.open(icons / "app-icon.png") as png:
        assert png.size == (256, 256)
    with Image.open(icons / "app-icon.ico") as ico:
        assert {(16, 16), (32, 32), (48, 48), (256, 256)} <= set(ico.info["sizes"])


def test_spec_lists_every_cli_module_and_ships_the_migrations_as_data() -> None:
    spec = (PACKAGING / "dhr-tracker.spec").read_text(encoding="utf-8")
    # Run only our part of the spec: the lists, before PyInstaller's build steps. PyInstaller is a build
    # tool, not a dependency, so its two helpers (third-party data files) are given as empty here.
    head = spec.split("a = Analysis(")[0].replace(
        "from PyInstaller.utils.hooks import collect_data_files, collect_submodules", ""
    )
    namespace: dict = {
        "SPECPATH": str(PACKAGING),
        "collect_data_files": lambda *args, **kwargs: [],
        "collect_submodules": lambda *args, **kwargs: [],
    }
    exec(compile(head, "dhr-tracker.spec", "exec"), namespace)
    from dhr_tracker.cli import COMMAND_MODULES

    assert set(COMMAND_MODULES) <= set(namespace["hiddenimports"])
    assert "dhr_tracker.storage.migrate" in namespace["hiddenimports"]
    assert not any("migrations" in name for name in namespace["package_modules"]("dhr_tracker"))
    targets = {target for _, target in namespace["datas"]}
    assert "dhr_tracker/storage/migrations" in targets
    assert "dhr_tracker/storage/migrations/versions" in targets
    assert "resources/reference" in targets and "resources/icons" in targets
    assert not any("__pycache__" in source for source, _ in namespace["datas"])


def test_build_script_is_valid_bash() -> None:
    script = PACKAGING / "build_linux.sh"
    assert script.stat().st_mode & 0o111, "build_linux.sh must be executable"
    subprocess.run(["bash", "-n", str(script)], check=True)
