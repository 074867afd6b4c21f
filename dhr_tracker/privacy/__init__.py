"""Real names never leave the database: the normalisation, name matching, guard and output channels.

No Qt, no ReportLab: the reports, exports, command line and the app all call this one core.
See docs/SECURITY.md ("The real-name guard") and DEVELOPERS.md ("Adding an output").
"""

from dhr_tracker.privacy.channels import CHANNELS, OutputChannel, output_channel
from dhr_tracker.privacy.guard import NameGuard, RealNameFound, source_fields

__all__ = ["CHANNELS", "NameGuard", "OutputChannel", "RealNameFound", "output_channel", "source_fields"]
