"""The web pages, from the Jinja2 templates in ``templates/`` and the stylesheet ``static/style.css``.

Autoescape is on: every value a template shows is escaped as :func:`html.escape` escapes it
(quotes too), unless it is markup a template or macro made. The stylesheet is inlined in every
page and allowed by its hash in the Content-Security-Policy (:data:`CSP`), computed here from
the file, so a page needs no other request.

Templates are written one element or phrase to a line, for reading; :func:`join_lines` joins
them back when a template is loaded, so the pages stay compact. A line break (with the
indentation after it) disappears where the line before ends a tag (``>``, ``%}``, ``#}``) or the
next begins one (``<``, ``{%``, ``{#``); anywhere else it becomes one space. So a space between
a tag and the text after it must be written on one line.
"""

from __future__ import annotations

import base64
import datetime as _dt
import hashlib
import html
from collections.abc import Callable, Iterable, Mapping
from functools import cache
from importlib.resources import files
from typing import Any

import jinja2
from markupsafe import Markup

from ..._version import __version__
from ...dates import today
from ...engine.decision import Decision
from ...facts import FACT_NAMES, KINDS, MAX_TEXT, allowed_values, fact_text, label
from .todo import INFERRED, undated_words
from .view import STATUS_WORDS, decision_view, verdict

_HERE = files(__package__)
#: The stylesheet of every page, exactly as shipped in ``static/style.css``.
CSS = (_HERE / "static" / "style.css").read_text(encoding="utf-8")
_CSS_HASH = base64.b64encode(hashlib.sha256(CSS.encode("utf-8")).digest()).decode("ascii")
#: The Content-Security-Policy of every response: nothing but the inline stylesheet, by its hash.
CSP = (f"default-src 'none'; style-src 'sha256-{_CSS_HASH}'; img-src 'self' data:; form-action 'self'; "
       "frame-ancestors 'none'; base-uri 'none'")

_TAG_END = (">", "%}", "#}")
_TAG_START = ("<", "{%", "{#")


def join_lines(source: str) -> str:
    """A template's lines joined back (see the module documentation)."""
    out: list[str] = []
    for line in (raw.strip() for raw in source.splitlines()):
        if not line:
            continue
        if out and not (out[-1].endswith(_TAG_END) or line.startswith(_TAG_START)):
            out.append(" ")
        out.append(line)
    return "".join(out)


class _Loader(jinja2.BaseLoader):
    """The package's own templates, lines joined; they never change while the server runs."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        path = _HERE / "templates" / template
        if not path.is_file():
            raise jinja2.TemplateNotFound(template)
        return join_lines(path.read_text(encoding="utf-8")), str(path), lambda: True


def _escape(value: Any) -> Markup:
    # Escaped as html.escape does (' as &#x27;, " as &quot;), as the pages were before templates.
    return value if isinstance(value, Markup) else Markup(html.escape(str(value), quote=True))


def sentence(text: str) -> str:
    """``text`` with a capital first letter."""
    return text[:1].upper() + text[1:]


def long_date(day: _dt.date) -> str:
    """``Friday 2 June 2017``."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def question(name: str) -> str:
    """A fact's question (or a name that is not a fact, as it is)."""
    return fact_text(name)[1] if name in FACT_NAMES else name


def given(name: str, value: Any) -> str:
    """A known fact's value in words (free text, such as the case reference, as given)."""
    if isinstance(value, _dt.date):
        return f"{long_date(value)} ({value.isoformat()})"
    return sentence(label(value)) if allowed_values(name) is not None else str(value)


@cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=_Loader(), autoescape=True, finalize=_escape, undefined=jinja2.StrictUndefined)
    env.filters.update(sentence=sentence, long_date=long_date, question=question, squash=lambda t: " ".join(t.split()))
    env.globals.update(version=__version__, INFERRED=INFERRED, STATUS_WORDS=STATUS_WORDS, FACT_NAMES=FACT_NAMES, KINDS=KINDS,
                       MAX_TEXT=MAX_TEXT, verdict=verdict, given=given, today=today,
                       undated_words=undated_words)
    return env


def render(template: str, **context: Any) -> Markup:
    """``template`` rendered with ``context``."""
    return Markup(environment().get_template(template).render(**context))


def page(title: str, body: str) -> str:
    """A whole page: ``body`` (markup a template made) in the frame every page shares."""
    return environment().get_template("page.html").render(title=title, body=Markup(body), css=Markup(CSS))


def render_decision(decision: Decision, values: Mapping[str, Iterable[str]], *, csrf: str = "") -> Markup:
    """The decision page's body: outcomes first, then why, what is open, the duties, the facts given.

    ``values`` are the fields the form sent, carried in hidden fields so the answers can be
    changed or downloaded without being kept on the server; ``csrf`` is the token the page's
    buttons send back (the web server's; empty for a page no server will receive).
    """
    hidden = [(name, value) for name, items in values.items() for value in items]
    return render("decision.html", view=decision_view(decision), hidden=hidden, csrf=csrf)


def render_summary(decision: Decision) -> Markup:
    """The printable one-page summary: what to do now, the outcomes, and the criteria met with their citations."""
    return render("summary.html", view=decision_view(decision))


__all__ = ["CSP", "CSS", "join_lines", "page", "render", "render_decision", "render_summary"]
