"""Renderers of a decision and of the editions. The engine never formats text.

:mod:`.view` works out what to show (the presentation model); :mod:`.text` (the terminal's
table), :mod:`.markdown`, :mod:`.json` and :mod:`.html` (the web pages, from Jinja2 templates)
only word and lay it out. :mod:`.listings` lists the editions and their criteria. The HTML
renderer is not imported here, so the terminal's commands never load Jinja2.
"""

from __future__ import annotations

from .json import render_json
from .listings import render_criteria, render_editions
from .markdown import render_markdown
from .text import render_table

__all__ = ["render_criteria", "render_editions", "render_json", "render_markdown", "render_table"]
