"""Work-arounds for defects in the Qt bindings, applied once when `ui` is imported.

PySide6 6.12.0 on CPython 3.11: every `SignalInstance.emit(...)` drops one reference to `True` that it
never took (measured: 50 emits lower `sys.getrefcount(True)` by exactly 50, whatever the signal's
signature and whether anything is connected). A desktop session emits signals all day, so `True`'s
count eventually reaches zero and the interpreter aborts with "Fatal Python error: bool_dealloc"
(the test suite hit it at exit). CPython 3.12 made True and False immortal, which hides the defect.

`True` and `False` are never freed in a healthy interpreter, so giving them a very large extra
reference count is harmless and removes the crash. Remove this once the bindings are fixed: the test
tests/ui/test_models_tables.py::test_emitting_signals_never_exhausts_true checks the symptom.
"""

from __future__ import annotations

import ctypes
import sys

EXTRA_REFERENCES = 1 << 40  # emits needed to exhaust it: far beyond any session's lifetime
_applied = False


def pin_bool_singletons() -> None:
    """Give True and False a huge reference count (no effect where they are immortal)."""
    global _applied
    if _applied or sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
        return
    for singleton in (True, False):
        refcount = ctypes.c_ssize_t.from_address(id(singleton))  # ob_refcnt is a PyObject's first field
        refcount.value += EXTRA_REFERENCES
    _applied = True


pin_bool_singletons()
