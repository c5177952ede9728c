"""The form: its page generated from the fact model, and what it sends turned into facts and options."""

from __future__ import annotations

import datetime as _dt
import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, get_args

from fastapi import Request
from fastapi.responses import Response

from ...criteria import get_edition, latest_editions
from ...dates import DATE_FORMATS, EXAMPLE, parse_date
from ...errors import EditionNotFound, InputError, Problem, ScrError
from ...facts import DATE_FACTS, FACT_NAMES, GROUPS, Facts, allowed_values, fact_text, label, parse_facts
from ..render.html import render, sentence
from ..render.view import period_words
from .adaptive import ALL, Relevance, relevance
from .errors import html_page, web_error
from .tokens import same

#: The form fields that are not facts.
OPTION_FIELDS = ("as_of", "edition", "show_all")
#: The hidden field holding the page's CSRF token.
CSRF_FIELD = "csrf"
#: The bodies a form post may have.
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

_INT_FACTS = frozenset(n for n, f in Facts.model_fields.items()
                       if int in get_args(f.annotation) and n not in DATE_FACTS)


# ---- from the request to facts and options ----

def parse_date_option(text: str, where: str) -> _dt.date:
    """The date of the rules to apply, or an InputError naming ``where``."""
    try:
        return parse_date(text)
    except ValueError:
        raise InputError("the date of the rules to apply is not valid", [Problem(
            where, repr(text)[:60], DATE_FORMATS, f"dates are written like {EXAMPLE}")],
            "request") from None


def check_editions(ids: Iterable[str], where: str) -> list[str]:
    """The edition ids as given, after checking each exists (EditionNotFound names the unknown one)."""
    chosen = []
    for edition in ids:
        edition = edition.strip()
        if edition:
            try:
                get_edition(edition)
            except EditionNotFound as error:
                error.problems = [Problem(where, p.found, p.expected, p.suggestion) for p in error.problems]
                error.source = "request"
                raise
            chosen.append(edition)
    return chosen


def _number(text: str) -> Any:
    """The age as typed: an int when it is one, a float when it is one (so the message can say so), else text."""
    if re.fullmatch(r"[+-]?\d{1,20}", text):
        return int(text)
    try:
        value = float(text)
    except ValueError:
        return text
    return value if math.isfinite(value) else text


#: The prefix of the form's fields that choose an option of a declared reading (``reading.<id>``).
READING_PREFIX = "reading."


def form_readings(values: Mapping[str, list[str]]) -> dict[str, str] | None:
    """The options of readings the form chose (a blank answer is the reading's default); checked when evaluated."""
    chosen = {name[len(READING_PREFIX):]: (items or [""])[0].strip() for name, items in values.items()
              if name.startswith(READING_PREFIX)}
    return {reading: option for reading, option in chosen.items() if option} or None


def api_readings(data: Any) -> tuple[Any, dict[str, str] | None]:
    """The request body's facts, and the readings chosen under its key ``readings`` (a mapping of id to option)."""
    if not isinstance(data, dict) or "readings" not in data:
        return data, None
    data = dict(data)
    readings = data.pop("readings")
    if readings is None:
        return data, None
    if not isinstance(readings, dict) or not all(isinstance(v, str) for v in readings.values()):
        raise InputError("readings must map reading ids to options", [Problem(
            "readings", repr(readings)[:60], "an object such as {\"lscb-discretionary-list\": \"seed\"}",
            "GET /v1/criteria/{edition} lists each edition's readings and their options")], "request")
    return data, readings


@dataclass(frozen=True)
class ReadingChoice:
    """One declared reading on the form: its question and its options, the default first."""

    id: str
    question: str
    options: tuple[tuple[str, str], ...]
    chosen: str


def reading_choices(values: Mapping[str, list[str]]) -> tuple[ReadingChoice, ...]:
    """Every reading the newest editions declare, once, for the form's "which reading" questions."""
    seen: dict[str, ReadingChoice] = {}
    for edition in latest_editions():
        for reading in edition.content.readings:
            if reading.id not in seen:
                default = reading.option(reading.default)
                options = (("", f"Default: {default.says}"),) + tuple(
                    (o.id, o.says) for o in reading.options if o.id != reading.default)
                seen[reading.id] = ReadingChoice(reading.id, " ".join(reading.question.split()), options,
                                                 first(values, READING_PREFIX + reading.id).strip())
    return tuple(seen.values())


def form_to_data(values: Mapping[str, list[str]]) -> dict[str, Any]:
    """The form's fact fields as the mapping :func:`parse_facts` reads.

    Blank and "unknown" answers are left out (unknown); yes/no and enumerated answers are
    passed on as typed, so :func:`parse_facts` checks them and words the messages exactly as
    the CLI does. Fields that are not facts are passed on too, to be reported as unknown facts.
    """
    data: dict[str, Any] = {}
    problems = []
    for name, items in values.items():
        if name in OPTION_FIELDS or name.startswith(READING_PREFIX):
            continue
        if len(items) != 1:
            problems.append(Problem(name, f"{len(items)} answers", "one answer"))
            continue
        text = items[0].strip()
        if text == "":
            continue
        data[name] = _number(text) if name in _INT_FACTS else text
    if problems:
        raise InputError("the case has facts that are not valid", problems, "form")
    return data


def form_options(values: Mapping[str, list[str]]) -> tuple[_dt.date | None, list[str] | None]:
    """The form's "as of" date and edition override."""
    as_of_text = (values.get("as_of") or [""])[0]
    as_of = parse_date_option(as_of_text, "as_of") if as_of_text.strip() else None
    editions = check_editions(values.get("edition", []), "edition")
    return as_of, editions or None


async def form_values(request: Request) -> dict[str, list[str]]:
    """Every field the form sent, each with its answers in order (a file field counts as an empty answer)."""
    form = await request.form()
    values: dict[str, list[str]] = {}
    for key, value in form.multi_items():
        values.setdefault(key, []).append(value if isinstance(value, str) else "")
    return values


def media_type(request: Request) -> str:
    """The body's media type, without parameters (``application/json; charset=utf-8`` -> ``application/json``)."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


async def posted_form(request: Request) -> tuple[dict[str, list[str]], ScrError | None]:
    """The fields a form post sent (without its CSRF token), and why it is refused, if it is.

    Refused: a body that is not a form (a JSON body sent here is not an empty case), and a post
    whose token does not match the one the guard keeps in the cookie, that is, one not sent from
    a page of this server (see :class:`~scr_eligibility.cli.web.guard.Guard`).
    """
    if media_type(request) not in FORM_TYPES:
        found = request.headers.get("content-type")
        return {}, web_error("unsupported_media_type", "the form was sent in a form this server does not read", [
            Problem("Content-Type header", repr(found) if found is not None else "none",
                    "application/x-www-form-urlencoded, as the form sends it", "send the form from its page")])
    values = await form_values(request)
    sent = values.pop(CSRF_FIELD, [])
    if len(sent) != 1 or not same(sent[0], request.state.csrf):
        found = "no token" if not sent else "a token that does not match" if len(sent) == 1 else f"{len(sent)} tokens"
        return values, web_error("forbidden", "the form was not sent from this server's own page", [Problem(
            CSRF_FIELD, found, "the token of the page this server showed",
            "send the answers again from this page (a form older than the server's last start has a stale token)")])
    return values, None


def first(values: Mapping[str, list[str]], name: str) -> str:
    return (values.get(name) or [""])[0]


# ---- the form page ----

@dataclass(frozen=True)
class QuestionView:
    """One question of the form, with its answer so far and its problems."""

    name: str
    question: str
    hint: str
    kind: str  # choice, date, number or text
    current: str
    choices: tuple[tuple[str, str], ...] = ()
    chosen: str = ""
    problems: tuple[Problem, ...] = ()
    #: Where the form shows it: "now", "more" (folded away) or "hidden" (carried, not asked).
    place: str = "now"


@dataclass(frozen=True)
class EditionBox:
    id: str
    short_title: str
    period: str
    checked: bool


@dataclass(frozen=True)
class FormView:
    """Everything the form page shows."""

    groups: tuple[tuple[str, tuple[QuestionView, ...]], ...]
    editions: tuple[EditionBox, ...]
    as_of: str
    message: str | None = None
    #: ``(anchor, text)`` per problem, for the summary at the top.
    summary: tuple[tuple[str, str], ...] = ()
    as_of_problems: tuple[Problem, ...] = ()
    edition_problems: tuple[Problem, ...] = ()
    readings: tuple[ReadingChoice, ...] = ()
    reading_problems: tuple[Problem, ...] = ()
    #: "dates" (the first step), "case" (the questions for those dates) or "all".
    mode: str = "all"

    def shown(self, place: str) -> tuple[tuple[str, tuple[QuestionView, ...]], ...]:
        """The groups with only the questions shown at ``place``."""
        groups = ((g, tuple(q for q in qs if q.place == place)) for g, qs in self.groups)
        return tuple((g, qs) for g, qs in groups if qs)


def _choices(name: str) -> tuple[tuple[str, str], ...] | None:
    """The answers of a question with fixed answers, Unknown first; None for free answers."""
    values = allowed_values(name)
    if values is None:
        return None
    if values == (True, False):
        return (("unknown", "Unknown"), ("yes", "Yes"), ("no", "No"))
    return (("unknown", "Unknown"),) + tuple((str(v), sentence(label(v))) for v in values)


def _question(name: str, values: Mapping[str, list[str]], problems: tuple[Problem, ...], place: str = "now"
              ) -> QuestionView:
    _, question, hint = fact_text(name)
    place = "now" if problems else place
    current = first(values, name).strip()
    choices = _choices(name)
    if choices is not None:
        offered = {v for v, _ in choices}
        # Blank is unknown; an answer the form does not offer is shown unselected, beside its error.
        chosen = "unknown" if not current else current.lower() if current.lower() in offered else ""
        return QuestionView(name, question, hint, "choice", current, choices, chosen, problems, place)
    kind = "date" if name in DATE_FACTS else "number" if name in _INT_FACTS else "text"
    return QuestionView(name, question, hint, kind, current, problems=problems, place=place)


def _groups() -> list[tuple[str, list[str]]]:
    """The facts by group, in the order of GROUPS (then any group not listed)."""
    groups: dict[str, list[str]] = {group: [] for group in GROUPS}
    for name in FACT_NAMES:
        groups.setdefault(fact_text(name)[0], []).append(name)
    return [(group, names) for group, names in groups.items() if names]


def form_view(values: Mapping[str, list[str]] | None = None, error: ScrError | None = None,
              shown: Relevance = ALL) -> FormView:
    """The form with ``values`` filled in; with ``error``, its problems beside their fields and in a summary.

    ``shown``: which questions it asks (:mod:`.adaptive`); every question by default.
    """
    values = values or {}
    by_field: dict[str, list[Problem]] = {}
    problems = list(error.problems) if error else []
    summary = []
    for problem in problems:
        named = problem.location in FACT_NAMES or problem.location in OPTION_FIELDS or problem.location == "readings"
        by_field.setdefault(problem.location if named else "", []).append(problem)
        where = fact_text(problem.location)[1] if problem.location in FACT_NAMES else problem.location
        text = f"{where}: found {problem.found}; expected {problem.expected}"
        if problem.suggestion:
            text += f" ({problem.suggestion})"
        summary.append((f"q-{problem.location}" if named else "facts", text))
    ticked = {v.strip() for v in values.get("edition", [])}
    return FormView(
        groups=tuple((group, tuple(_question(n, values, tuple(by_field.get(n, ())), shown.place(n))
                                   for n in names)) for group, names in _groups()),
        editions=tuple(EditionBox(e.id, e.content.short_title, period_words(e.content.in_force.from_,
                                                                           e.content.in_force.until), e.id in ticked)
                       for e in latest_editions()),
        as_of=first(values, "as_of").strip(),
        message=error.message if error is not None else None,
        summary=tuple(summary),
        as_of_problems=tuple(by_field.get("as_of", ())),
        edition_problems=tuple(by_field.get("edition", ())),
        readings=reading_choices(values),
        reading_problems=tuple(p for key, ps in by_field.items() if key == "readings" for p in ps),
        mode=shown.mode,
    )


def render_form(values: Mapping[str, list[str]] | None = None, error: ScrError | None = None, *, csrf: str,
                shown: Relevance = ALL) -> str:
    """The form page's body, generated from the Facts model; with ``error``, its problems beside the fields.

    ``csrf``: the token the page's form sends back (the guard's, from the request's state); ``shown``:
    which questions it asks.
    """
    return render("form.html", form=form_view(values, error, shown), csrf=csrf)


def follow_case(values: Mapping[str, list[str]]) -> Relevance:
    """Which questions the form asks for the answers so far (all of them when the answers are not valid)."""
    try:
        facts = parse_facts(form_to_data(values), "form")
        as_of, editions = form_options(values)
    except ScrError:
        return ALL
    return relevance(values, facts, as_of, editions)


def login_page(wrong: bool, csrf: str) -> Response:
    """The page asking for the token (401); ``wrong``: the one given did not match."""
    return html_page("Access token", render("login.html", wrong=wrong, csrf=csrf), status=401)


__all__ = ["CSRF_FIELD", "FORM_TYPES", "OPTION_FIELDS", "READING_PREFIX", "FormView", "QuestionView", "ReadingChoice",
           "api_readings", "check_editions", "follow_case", "form_options", "form_readings", "form_to_data", "form_values",
           "form_view", "login_page", "media_type", "parse_date_option", "posted_form",
           "render_form"]
