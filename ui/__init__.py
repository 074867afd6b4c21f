"""The PySide6 desktop app: calls core services, never SQL, never sqlalchemy."""

from ui import qt_workarounds  # noqa: F401 - applied on import (see the module)
