"""Every output channel calls the guard, and no module writes an output without being a channel.

Adding an output: declare it in dhr_tracker/privacy/channels.py (one line, naming its module); this
test then checks that module passes its strings through the guard with that channel.
"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import pytest

from dhr_tracker.privacy.channels import CHANNELS, NOT_OUTPUTS

ROOT = Path(__file__).resolve().parents[2]
# What writes an output: a new owner-only file, a PDF, a printed listing, the clipboard, a picture.
WRITES = re.compile(
    r"create_owner_only\(|write_pdf\(|print_table\(|print_json\(|print_csv\(|clipboard\.copy\(|\.grab\(\)\.save\("
)
FILE_WRITES = re.compile(r"create_owner_only\(|write_pdf\(")
CONSTANTS = {
    channel.key: name
    for name, channel in vars(importlib.import_module("dhr_tracker.privacy.channels")).items()
    if isinstance(channel, type(next(iter(CHANNELS.values()))))
}


def _source(module: str) -> str:
    spec = importlib.util.find_spec(module)
    assert spec is not None and spec.origin, f"{module} (named by an output channel) does not exist"
    return Path(spec.origin).read_text(encoding="utf-8")


@pytest.mark.parametrize("key", sorted(CHANNELS))
def test_each_channel_module_uses_the_guard_with_its_channel(key):
    channel = CHANNELS[key]
    for module in channel.modules:
        source = _source(module)
        assert CONSTANTS[key] in source, (
            f"{module} writes the {channel.label} but never names {CONSTANTS[key]} to the guard"
        )


def _writers() -> set[str]:
    found = set()
    for folder in ("dhr_tracker", "ui"):
        for path in (ROOT / folder).rglob("*.py"):
            if WRITES.search(path.read_text(encoding="utf-8")):
                found.add(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return found


def test_every_module_that_writes_an_output_is_a_channel():
    covered = {module for channel in CHANNELS.values() for module in channel.modules} | set(NOT_OUTPUTS)
    # The CLI's command modules print through cli.common, whose helpers (and cli.main's held output) carry the guard;
    # one that writes a file of its own (a report) is an output channel like any other module.
    commands = {
        module
        for module in _writers()
        if module.startswith("dhr_tracker.cli.") and not FILE_WRITES.search(_source(module))
    }
    # Screens copy through context.clipboard, the ClipboardGuard that carries the CLIPBOARD check.
    copiers = {
        module
        for module in _writers()
        if module.startswith("ui.") and not WRITES.search(re.sub(r"clipboard\.copy\(", "", _source(module)))
    }
    assert _writers() - covered - commands - copiers == set()
    for module in commands:
        assert "print(" not in _source(module) or "dhr_tracker.cli.common" in covered


def test_the_security_document_lists_every_channel_by_the_words_a_refusal_uses():
    text = (ROOT / "docs" / "SECURITY.md").read_text(encoding="utf-8")
    start = text.index("**Output channels**")
    paragraph = " ".join(text[start : text.index("\n\n", start)].split()).casefold()
    missing = [channel.label for channel in CHANNELS.values() if channel.label.casefold() not in paragraph]
    assert missing == [], f"docs/SECURITY.md's list of output channels does not name: {missing}"
