"""storage.files.open_new_owner_only: every output that must not replace a file says so the same way."""

from __future__ import annotations

import os

import pytest

from dhr_tracker.errors import UserError
from dhr_tracker.storage.files import open_new_owner_only


def test_a_new_file_is_owner_only_and_an_existing_one_is_never_replaced(tmp_path):
    path = tmp_path / "report.csv"
    with open_new_owner_only(path, "w", what="the report", encoding="utf-8-sig", newline="") as handle:
        handle.write("line\r\n")
    assert path.read_bytes() == b"\xef\xbb\xbfline\r\n"
    if os.name == "posix":
        assert path.stat().st_mode & 0o777 == 0o600
    with pytest.raises(UserError) as refused:
        open_new_owner_only(path, "wb", what="the report")
    assert str(refused.value) == f"{path} already exists. Choose a new name: the report never replaces a file."
    assert path.read_bytes() == b"\xef\xbb\xbfline\r\n"  # untouched


def test_a_folder_that_is_not_there_is_a_clear_message_not_a_traceback(tmp_path):
    path = tmp_path / "no such folder" / "pack.xlsx"
    with pytest.raises(UserError) as refused:
        open_new_owner_only(path, "wb", what="an update pack", instead="a new folder")
    assert str(refused.value).startswith(f"Cannot create {path} for an update pack: ")
    assert "No such file or directory" in str(refused.value)


@pytest.mark.parametrize("writer", ["sheet report", "record report", "csv export", "xlsx export"])
def test_the_outputs_use_it(tmp_path, writer):
    from dhr_tracker.exchange.sheets.export import Table, write_csv, write_xlsx
    from dhr_tracker.exchange.sheets.report import write_report
    from dhr_tracker.exchange.sheets.results import ImportResult

    taken = tmp_path / {"xlsx export": "taken.xlsx", "csv export": "cases.csv"}.get(writer, "taken.csv")
    taken.write_text("keep me", encoding="utf-8")
    with pytest.raises(UserError, match="already exists. Choose a new"):
        if writer == "sheet report":
            write_report(ImportResult([], []), taken)
        elif writer == "record report":
            from dhr_tracker.record.report import write_report as write_record_report
            from dhr_tracker.record.runner import RecordRun

            write_record_report(taken, RecordRun(), _NoGuard(), dry_run=True)
        elif writer == "csv export":
            write_csv([Table("Cases", ("Case reference",), [])], tmp_path)
        else:
            write_xlsx([], taken)
    assert taken.read_text(encoding="utf-8") == "keep me"


class _NoGuard:
    def check(self, texts, where):  # noqa: ANN001 - the record report checks its rows first; none here
        list(texts)
