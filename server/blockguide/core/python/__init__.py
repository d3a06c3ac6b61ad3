"""Everything jedi/parso, and the Python-specific analysis."""
