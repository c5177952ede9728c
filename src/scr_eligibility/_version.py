"""The engine version, recorded in every decision (pyproject reads it from here)."""

__version__ = "0.1.0"
