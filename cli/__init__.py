"""The `scr` command line: a thin click layer over the library."""

from .main import main

__all__ = ["main"]
