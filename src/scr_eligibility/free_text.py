"""Free text about a case (an event's note): short, and never a person's name or a date of birth.

Case files keep identities out by having no field that asks for one, refusing any field they do
not know, and capping every text (:func:`.fact_values.normalise`). A note is free text, so it
needs more: :func:`note_problems` applies the same length and printable-text rule as a case
file's text facts, then refuses what looks like a person's name (a title before a capitalised
word, "named X" or "called X", two capitalised words in a row that are not the words of public
bodies) and anything that looks like a date of birth (the words, or any full date: the event's
own date is given on its own, so a note has no need of one). The rules are heuristics that err
towards refusing; each refusal says what to write instead (a role, "the mother"; the case
reference).
"""

from __future__ import annotations

import re

from .errors import Problem
from .fact_values import BadValue, Kind, normalise

#: The longest note accepted, in characters.
MAX_NOTE = 500

_NOTE_KIND = Kind("text", f"text of at most {MAX_NOTE} characters on one line", max_text=MAX_NOTE,
                  too_high="keep the note short: the rationale in a sentence or two")

# Capitalised words that are the titles of public bodies, roles, documents and places in the
# guidance, not parts of a person's name (compared lower-case).
_BODY_WORDS = frozenset("""
    a an the and of for in on at to by with from or no not
    panel child children childrens children's safeguarding practice review reviews rapid serious case cases
    local authority authorities council county city borough district metropolitan royal london
    partnership partnerships partners partner board boards lscb lscbs chair national independent
    ofsted secretary state department education health nhs trust integrated care icb police constabulary
    service services social school academy college hospital clinic team group unit office court family
    youth justice offending probation prison custody secure home homes institution
    mental act review's panel's cspr cspra scr scrs dhr domestic homicide coroner inquest
    working together guidance report notification decision meeting letter email minutes response
    north south east west northern southern eastern western greater central upon
    england wales scotland ireland northern uk united kingdom british
    monday tuesday wednesday thursday friday saturday sunday
    january february march april may june july august september october november december
    i we they he she it this that these those our their his her
""".split())

_TITLE = re.compile(r"\b(?:Mr|Mrs|Ms|Miss|Mx|Dr|Master|Sir|Dame|Lady|Lord)\.?\s+[A-Z][a-z]+")
_CALLED = re.compile(r"\b(?:[Nn]amed|called|known as|aka|née|nee)\s+[A-Z][a-z]+")
_CAPITALISED = re.compile(r"[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)*")
_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*")

_BIRTH_WORDS = re.compile(r"\b(?:d\.?o\.?b\b\.?|date of birth|birth ?date|born)", re.IGNORECASE)
_MONTHS = ("jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|june|july|"
           "august|september|october|november|december")
_FULL_DATE = re.compile(
    r"\b\d{4}-\d{1,2}-\d{1,2}\b|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})\.?,?\s+\d{{4}}\b"
    rf"|\b(?:{_MONTHS})\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b",
    re.IGNORECASE)

_ROLE_HINT = "refer to people by their role (the mother, the social worker) and to the case by its reference"


def looks_like_a_name(text: str) -> str | None:
    """The part of ``text`` that looks like a person's name, or None."""
    for pattern in (_TITLE, _CALLED):
        found = pattern.search(text)
        if found:
            return found.group(0)
    run: list[str] = []
    for word in _WORD.findall(text) + [""]:
        if _CAPITALISED.fullmatch(word) and word.lower() not in _BODY_WORDS:
            run.append(word)
        elif len(run) >= 2:
            return " ".join(run)  # the whole run ("Phoned Jane Doe"), so the message shows the name
        else:
            run = []
    return None


def looks_like_a_birth_date(text: str) -> str | None:
    """The part of ``text`` that looks like a date of birth (or any full date), or None."""
    for pattern in (_BIRTH_WORDS, _FULL_DATE):
        found = pattern.search(text)
        if found:
            return found.group(0)
    return None


def note_problems(text: str, field: str = "note") -> list[Problem]:
    """Every reason ``text`` may not be kept as a note (none when it may), each naming ``field``."""
    try:
        normalise(field, text, _NOTE_KIND)
    except BadValue as bad:
        return [bad.problem]
    problems = []
    name = looks_like_a_name(text)
    if name is not None:
        problems.append(Problem(field, f"{name!r} (looks like a person's name)", "a note without names",
                                _ROLE_HINT))
    birth = looks_like_a_birth_date(text)
    if birth is not None:
        problems.append(Problem(field, f"{birth!r} (looks like a date of birth)" if _BIRTH_WORDS.search(birth)
                                else f"{birth!r} (a full date: it could be a date of birth)", "a note without dates of birth "
                                "or other full dates", "the event's date goes in its own field; a child's date "
                                "of birth belongs in the case file only"))
    return problems


__all__ = ["MAX_NOTE", "looks_like_a_birth_date", "looks_like_a_name", "note_problems"]
