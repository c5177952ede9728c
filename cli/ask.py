"""`scr ask`: an interview that asks only the questions whose answers can change the decision.

The questions, their order and their allowed answers all come from the library
(:func:`scr_eligibility.engine.questions.decisive_questions`); this module only talks to the
user: it reads an answer, explains what was expected when it cannot use it, and shows the
running decision after every answer.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

import click

from ..dates import DATE_FORMATS, EXAMPLE, parse_date
from ..errors import ScrError
from ..files import open_private
from ..facts import Facts, age_on, label, parse_facts
from .params import DATE, READINGS

#: What a user may type for "I don't know".
UNKNOWN_WORDS = frozenset({"u", "unknown", "?", "not known", "don't know", "dont know"})
_YES = frozenset({"y", "yes", "true"})
_NO = frozenset({"n", "no", "false"})


class _Stop(Exception):
    """The user ended the interview (Ctrl-C or end of input)."""


def _key(text: str) -> str:
    """An answer written loosely ("Seriously harmed", "on-remand") as a value id."""
    return text.strip().lower().replace(" ", "_").replace("-", "_").replace("'", "")


class _Unusable(ValueError):
    """An answer the question cannot take; the message says what was expected."""


def parse_answer(question: Any, text: str) -> Any:
    """The value an answer stands for (``None`` for unknown), or :class:`_Unusable` saying what was expected.

    Accepted: the value id, the number of an option, yes/no (y/n) for yes/no questions,
    a number for a number question, a date (YYYY-MM-DD or DD/MM/YYYY), and "unknown" (or "u").
    Only the shape is checked here; the fact model checks the value against the case.
    """
    raw = text.strip()
    if raw.lower() in UNKNOWN_WORDS:
        return None
    if question.kind == "date":
        try:
            return parse_date(raw)
        except ValueError:
            raise _Unusable(f"{DATE_FORMATS} (for example {EXAMPLE}), or unknown (u); got {raw!r}") from None
    if question.kind == "number":
        if raw.isdigit():
            return int(raw)
        raise _Unusable(f"a whole number (for example 14), or unknown (u); got {raw!r}")
    values = [a.value for a in question.answers]
    if question.kind == "yes_no" and raw.lower() in _YES | _NO:
        return raw.lower() in _YES
    if raw.isdigit() and 1 <= int(raw) <= len(values):
        return values[int(raw) - 1]
    for answer in question.answers:
        if isinstance(answer.value, str) and _key(raw) in (answer.value, _key(answer.label)):
            return answer.value
    numbers = f"a number from 1 to {len(values)}"
    if question.kind == "yes_no":
        raise _Unusable(f"yes or no (y / n), {numbers}, or unknown (u); got {raw!r}")
    ids = ", ".join(str(v) for v in values)
    raise _Unusable(f"{numbers}, one of {ids}, or unknown (u); got {raw!r}")


def _prompt(text: str) -> str:
    """One line from the user; Ctrl-C and end of input end the interview."""
    try:
        return str(click.prompt(text, default="", show_default=False, prompt_suffix=": "))
    except (click.Abort, EOFError, KeyboardInterrupt):
        raise _Stop() from None


def _show_question(number: int, question: Any) -> None:
    click.echo("")
    click.echo(f"Question {number} [{question.fact}]: {question.text}")
    if question.description and question.description != question.text:
        click.echo(f"  ({question.description})")
    click.echo(f"  Why it matters: {question.why}")
    for i, answer in enumerate(question.answers, 1):
        shown = "" if answer.label in (str(answer.value), "yes", "no") else f" - {answer.label}"
        value = label(answer.value) if isinstance(answer.value, bool) else answer.value
        click.echo(f"    {i}. {value}{shown}")
    if not question.answers:
        click.echo(f"  Answer with {question.expected}.")
    else:
        click.echo("    u. unknown")


def _outcome_lines(decision: Any) -> list[str]:
    """The running decision: one line per edition, its main outcome and how many of its other answers are open."""
    lines = []
    for edition in decision.editions:
        primary, others = edition.primary, edition.determinations[1:]
        line = f"  {edition.short_title} ({edition.ref}): {primary.title}: {primary.label}"
        if others:
            still = sum(not d.decided for d in others)
            line += f" [other answers: {len(others) - still} decided, {still} open]"
        lines.append(line)
    return lines or ["  (no edition of the rules applies yet)"]


def _known_answers(facts: Facts) -> dict[str, Any]:
    """The facts as given, leaving out an age the model worked out from the dates."""
    known = facts.model_dump(exclude_none=True)
    if facts.date_of_birth and facts.incident_date and facts.age == age_on(facts.date_of_birth, facts.incident_date):
        known.pop("age", None)
    return known


def _ask_one(number: int, question: Any, answers: dict[str, Any], options: dict[str, Any]) -> Any:
    """Ask until the answer is usable with the rest of the case; returns the new decision."""
    from ..engine import evaluate

    _show_question(number, question)
    while True:
        text = _prompt("Answer")
        try:
            value = parse_answer(question, text)
        except _Unusable as unusable:
            click.echo(f"  That answer cannot be used. Expected {unusable}.")
            continue
        trial = dict(answers)
        if value is None:
            trial.pop(question.fact, None)
        else:
            trial[question.fact] = value
        try:
            decision = evaluate(parse_facts(trial), **options)
        except ScrError as error:  # a contradiction with earlier facts, or a date no edition covers
            click.echo(f"  That answer does not fit the case: {error}")
            click.echo("  Please answer again (or u for unknown).")
            continue
        answers.clear()
        answers.update(trial)
        return decision


def _main_settled(decision: Any, questions: list[Any]) -> bool:
    """Every edition's main answer is decided and no question left can change one."""
    if not decision.editions or any(not e.primary.decided for e in decision.editions):
        return False
    primaries = {(e.ref, e.primary.id) for e in decision.editions}
    return not any((i.edition, i.determination) in primaries for q in questions for i in q.impacts)


def _go_on(decision: Any) -> bool:
    """Ask whether to go on to the other determinations once the main answer is settled."""
    others = sorted({d.title for e in decision.editions for d in e.determinations[1:] if not d.decided})
    click.echo("")
    click.echo("The main answer is settled. Still open: " + "; ".join(others) + ".")
    answer = _prompt("Go on to these other determinations? (y / n, Enter for yes)").strip().lower()
    return answer not in _NO


def _save(prompt: str, write: Any, saved: list[str]) -> None:
    """Offer to save; an empty answer (or n) saves nothing. A file that exists is overwritten only if confirmed."""
    while True:
        name = _prompt(prompt).strip()
        if name.lower() in ("", "n", "no", "none"):
            return
        path = Path(name)
        if path.exists():
            try:
                if not click.confirm(f"  {name} exists. Overwrite it?", default=False):
                    continue
            except (click.Abort, EOFError, KeyboardInterrupt):
                raise _Stop() from None
        try:
            with open_private(path, "w") as out:
                out.write(write())
        except OSError as error:
            click.echo(f"  Could not write {name}: {error.strerror or error}. Give another name, or Enter for none.")
            continue
        click.echo(f"  Saved {name}.")
        saved.append(name)
        return


def facts_yaml(answers: dict[str, Any], unknown: list[str]) -> str:
    """The fact set as YAML in the model's field order; facts answered unknown are written ``unknown``."""
    from ..engine.cases import case_file

    return case_file(answers, ["# Fact set saved by `scr ask`. Facts not asked about are left out (unknown)."],
                     unknown)


@click.command()
@click.argument("case", required=False, type=click.Path(dir_okay=False, allow_dash=True))
@click.option("--as-of", type=DATE, default=None,
              help="Apply the rules in force on this date instead of the case's own date.")
@click.option("--edition", "editions", multiple=True, metavar="ID",
              help="Apply this edition (id or id@version); repeat for several. See `scr editions`.")
@READINGS
def ask(case: str | None, as_of: _dt.date | None, editions: tuple[str, ...], readings: dict[str, str]) -> None:
    """Interview: ask only the questions that can change the decision, most decisive first.

    Start from nothing, or from the partial case file CASE. Answer each question with the value,
    the number of an option, yes/no, or u for unknown. After each answer the current outcome
    under each edition is shown; the interview stops when nothing still unknown can change it.
    You can then save the facts (YAML) and the decision (JSON).
    """
    from ..engine import evaluate, load_case
    from ..engine.questions import decisive_questions
    from .render import render_json, render_table

    options: dict[str, Any] = {"as_of": as_of, "editions": list(editions) or None, "readings": readings or None}
    facts = load_case(case) if case else Facts()
    answers = _known_answers(facts)
    decision = evaluate(facts, **options)
    answered_unknown: list[str] = []
    saved: list[str] = []
    try:
        click.echo("Answer each question with the value, the number of an option, yes/no, or u for unknown.")
        if "case_reference" not in answers:
            reference = _prompt("Case reference (a pseudonymous reference, no names; Enter for none)").strip()
            if reference:
                answers["case_reference"] = reference
                decision = evaluate(parse_facts(answers), **options)
        click.echo("Now:")
        click.echo("\n".join(_outcome_lines(decision)))
        number = 0
        offered = False
        while True:
            questions = decisive_questions(parse_facts(answers), skip=answered_unknown, **options)
            if not questions:
                break
            if not offered and _main_settled(decision, questions):
                offered = True
                if not _go_on(decision):
                    break
            question = questions[0]
            number += 1
            decision = _ask_one(number, question, answers, options)
            if question.fact not in answers:
                answered_unknown.append(question.fact)
            click.echo("Now:")
            click.echo("\n".join(_outcome_lines(decision)))
        click.echo("")
        message = "Nothing still unknown can change these answers"
        if answered_unknown:
            message += ", apart from the facts answered unknown (" + ", ".join(answered_unknown) + ")"
        if questions:
            message = "Stopped with the main answer settled; the other determinations are left open"
        click.echo(message + ".")
        click.echo(f"Questions asked: {number}.")
        click.echo("")
        click.echo(render_table(decision))
        click.echo("")
        final = decision
        _save("Save the facts as YAML to (file name, Enter for none)",
              lambda: facts_yaml(answers, answered_unknown), saved)
        _save("Save the decision as JSON to (file name, Enter for none)", lambda: render_json(final) + "\n", saved)
    except (_Stop, KeyboardInterrupt):
        click.echo("", err=True)
        click.echo("Interview stopped; " + (f"only {', '.join(saved)} was saved." if saved else "nothing was saved."),
                   err=True)
        click.get_current_context().exit(1)
