"""roulement: shift rostering for plants that never stop."""

__version__ = "0.1.0"
