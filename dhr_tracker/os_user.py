"""Who is running DHR Tracker, as the operating system knows it: never from environment variables.

`getpass.getuser()` reads LOGNAME, USER, LNAME and USERNAME first, so anyone could put another person's
name in the audit trail by setting one. On POSIX the name comes from the password database for the
process's effective user id; on Windows from the `GetUserNameW` API of the process's token.
"""

from __future__ import annotations

import os
import sys

# The two lookups sit behind `sys.platform` checks (not `os.name`) because mypy understands those and
# checks each branch only for its own platform: `ctypes.windll` does not exist on POSIX, nor `pwd` on Windows.
if sys.platform == "win32":  # pragma: no cover - exercised on Windows only

    def _current_user() -> str:
        import ctypes
        from ctypes import wintypes

        size = wintypes.DWORD(257)  # UNLEN + 1
        buffer = ctypes.create_unicode_buffer(size.value)
        if not ctypes.windll.advapi32.GetUserNameW(buffer, ctypes.byref(size)):
            raise OSError("GetUserNameW failed")
        return buffer.value

else:

    def _current_user() -> str:
        import pwd

        uid = os.geteuid()
        try:
            return pwd.getpwuid(uid).pw_name
        except KeyError:  # a user id with no entry in the password database (some containers)
            return f"uid {uid}"


def os_user() -> str:
    """The operating-system account this process runs as ('unknown' only if the system cannot say)."""
    try:
        return _current_user()
    except (OSError, AttributeError, ImportError):
        return "unknown"
