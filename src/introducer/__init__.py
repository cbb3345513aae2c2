"""introducer: a command-line matchmaker for proactive introductions."""

__version__ = "0.1.0"
