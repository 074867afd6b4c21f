"""From reviews to learning: themes, implementation assessments, repeated recommendations (the annual figures are a report: reports.figures)."""
