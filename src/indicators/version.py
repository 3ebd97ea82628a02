"""The package version: one home, read by the public API, the command line and run.json."""

__version__ = "0.1.0"
