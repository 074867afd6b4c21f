"""One root for every error a user can cause: the command line and the app's task runner catch only it."""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import dhr_tracker
from dhr_tracker.errors import UserError


def _core_exception_classes() -> list[type[BaseException]]:
    found: dict[str, type[BaseException]] = {}
    for module_info in pkgutil.walk_packages(dhr_tracker.__path__, "dhr_tracker."):
        if ".migrations." in module_info.name or module_info.name.endswith("__main__"):
            continue  # Alembic's scripts run only inside a migration
        module = importlib.import_module(module_info.name)
        for _, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, BaseException) and value.__module__ == module.__name__:
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return list(found.values())


def test_every_error_the_core_defines_is_a_user_error():
    classes = _core_exception_classes()
    assert len(classes) > 10  # storage, settings, validation, sheets, reports... all found
    strays = sorted(f"{cls.__module__}.{cls.__qualname__}" for cls in classes if not issubclass(cls, UserError))
    assert strays == []


def test_a_storage_error_and_a_setting_error_carry_their_sentence_for_the_command_line():
    from pathlib import Path

    from dhr_tracker.settings import SettingError
    from dhr_tracker.storage.errors import DatabaseMissing

    missing = DatabaseMissing(Path("nowhere.dhrdb"))
    assert isinstance(missing, UserError) and "There is no database" in missing.message
    setting = SettingError("Idle lock must be a whole number of minutes.")
    assert isinstance(setting, ValueError) and setting.message.startswith("Idle lock")
