"""blockguide: document a block of code with a guide drafted by a local model."""

__version__ = "0.1.0"
