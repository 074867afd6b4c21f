"""From reviews to learning: themes, implementation assessments, repeated recommendations, annual figures."""
