"""Quality benchmark: guides for blocks of real open-source projects, scored for format, vague terms,
example validity, fact recall and invented names. `python -m bench.quality --help`."""
