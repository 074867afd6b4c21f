"""The registry of main screens, in navigation order (Ctrl+1 is the first).

The main window builds one instance of each class listed in SCREENS, passing the AppContext, and
adds the settings screen at the end. A screen class subclasses `ui.screens.base.Screen` (or provides
the same attributes): `key`, `title`, `icon_name`, `__init__(self, context)`, `refresh()`, `clear()`,
and optionally `has_unsaved_changes()`, `save_changes()`, `open_item(item)`, `find()`, `new_case()`,
`remember()`.
"""

from __future__ import annotations

from ui.screens.agencies import AgenciesScreen  # noqa: E402
from ui.screens.case.screen import CaseScreen  # noqa: E402
from ui.screens.cases import CasesScreen  # noqa: E402
from ui.screens.dashboard import DashboardScreen  # noqa: E402
from ui.screens.escalations import EscalationsScreen  # noqa: E402
from ui.screens.figures import FiguresScreen  # noqa: E402
from ui.screens.meetings import MeetingsScreen  # noqa: E402

SCREENS: list[type] = [
    DashboardScreen,
    CasesScreen,
    CaseScreen,
    AgenciesScreen,
    EscalationsScreen,
    MeetingsScreen,
    FiguresScreen,
]
