"""The guided interview (`scr ask`), the questions behind it, and `scr template`.

The interview is driven through click's CliRunner. Its standard input is an :class:`Answerer`:
a stream that, each time the command reads a line, looks at what the command has printed so
far, finds the question being asked (``Question N [fact]``) and answers it from a case's facts.
So an example case can be "told" to the interview one answer at a time, in whatever order the
interview chooses, and the run records which questions were asked with which facts known.

Whether a question was worth asking is checked here against the engine directly (`evaluate`),
not with the code that chose it: some answer to it must change some determination.

Run with ``-s`` to see the number of questions asked for each example (also:
``python bench/ask_counts.py``).
"""

from __future__ import annotations

import datetime as _dt
import io
import json
import os
import random
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scr_eligibility.cli.main import main
from scr_eligibility.criteria import latest_editions
from scr_eligibility.criteria.loader import load_edition_bytes
from scr_eligibility.engine.decision import Decision
from scr_eligibility.engine.questions import decisive_questions, number_probes
from scr_eligibility.rules import ruleset_for

from scr_eligibility import evaluate, load_case, parse_facts
from scr_eligibility.errors import EditionNotFound, ScrError
from scr_eligibility.facts import DATE_FACTS, FACT_NAMES, MAX_AGE, MAX_AGE_MONTHS, TEXT_FACTS, Facts, allowed_values

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))

#: Cases of this test's own, so the interview is tested even before examples/ has files. The
#: third needs answers that change the outcome only together (a joint effect); the second
#: presumes a fact (M2: concerns count as present unless there is definitive evidence of none).
OWN_CASES: dict[str, dict[str, Any]] = {
    "own-neither-no-abuse-2016": {
        "awareness_date": "2016-05-03", "age": 12, "outcome": "neither", "abuse_or_neglect": "not_known_or_suspected",
        "parent_murdered": "no", "inter_agency_concerns": "definitive_evidence_of_none"},
    "own-harm-definitive-no-concerns-2015": {
        "awareness_date": "2015-09-01", "incident_date": "2015-08-30", "age": 7, "outcome": "seriously_harmed",
        "abuse_or_neglect": "known", "inter_agency_concerns": "definitive_evidence_of_none",
        "life_threatening_injury": "yes"},
    "own-age-unknown-wt2023": {
        "awareness_date": "2024-02-05", "outcome": "died", "location": "in_area",
        "improvements_needed": "no", "recurrent_themes": "no", "legislative_or_guidance_change": "no"},
}

_QUESTION = re.compile(r"^Question \d+ \[(\w+)\]", re.MULTILINE)


# --------------------------------------------------------------------------- driving the interview


class Answerer(io.RawIOBase):
    """Standard input that answers each prompt from what the command has printed so far.

    CliRunner reads the command's input through a text wrapper over this stream; each read
    comes here, and ``reply(printed_so_far)`` gives the next line (``None`` = end of input).
    One line is returned per read, so every prompt is answered after it is shown.
    """

    def __init__(self, reply: Callable[[str], str | None]):
        super().__init__()
        self.reply = reply

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if len(buffer) == 0:
            return 0
        sys.stdout.flush()
        line = self.reply(sys.stdout.buffer.getvalue().decode("utf-8"))  # the runner's captured output
        if line is None:
            return 0
        data = (line + "\n").encode("utf-8")
        assert len(data) <= len(buffer), "answer longer than the reader's buffer"
        buffer[: len(data)] = data
        return len(data)


def _answer_text(value: Any) -> str:
    """A fact value as a person would type it."""
    if value is None:
        return "u"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


class Interview:
    """One run of `scr ask` answered from a fact set; records every question and the facts known when asked."""

    def __init__(self, truth: Facts, start: dict[str, Any] | None = None, save: tuple[str, str] = ("", "")):
        self.truth = truth
        self.known: dict[str, Any] = dict(start or {})
        self.skipped: list[str] = []
        #: (fact, facts known before, facts answered unknown before, whether shown as needing other answers)
        self.asked: list[tuple[str, dict[str, Any], tuple[str, ...], bool]] = []
        self.save = list(save)

    def reply(self, printed: str) -> str | None:
        tail = printed.rsplit("\n", 1)[-1]
        if tail.startswith("Case reference"):
            return self.truth.case_reference or ""
        if tail.startswith("Go on to these other determinations"):
            return "y"
        if tail.startswith("Save the"):
            return self.save.pop(0) if self.save else None  # None: end of input
        questions = _QUESTION.findall(printed)
        assert tail.startswith("Answer") and questions, f"unexpected prompt: {tail!r}"
        fact = questions[-1]
        assert fact not in [a[0] for a in self.asked], f"{fact} asked twice"
        shown = printed[printed.rindex(f"[{fact}]"):]
        self.asked.append((fact, dict(self.known), tuple(self.skipped), "Together with other answers" in shown))
        value = getattr(self.truth, fact)
        if value is None:
            self.skipped.append(fact)
        else:
            self.known[fact] = value
        return _answer_text(value)

    def run(self, args: list[str] | None = None, exit_code: int = 0) -> Result:
        result = CliRunner().invoke(main, ["ask", *(args or [])], input=Answerer(self.reply), catch_exceptions=False)
        assert result.exit_code == exit_code, result.output
        return result


def _signature(decision: Decision) -> dict[tuple[str, str], tuple[str, frozenset[str]]]:
    return {(e.ref, d.id): (d.outcome, frozenset(p.outcome for p in d.possible))
            for e in decision.editions for d in e.determinations}


def _all_outcomes(decision: Decision) -> dict[tuple[str, str], str]:
    return {(e.ref, d.id): d.outcome for e in decision.editions for d in e.determinations}


def _values_to_try(fact: str) -> list[Any]:
    """Every answer a fact can take, here written out independently of the code under test."""
    values = allowed_values(fact)
    if values:
        return list(values)
    if fact == "age":
        return list(range(MAX_AGE + 1))
    if fact == "age_months":
        return list(range(MAX_AGE_MONTHS + 1))
    if fact in DATE_FACTS:  # the first of every month since the earliest edition, and each edition boundary
        days = {_dt.date(y, m, 1) for y in range(2006, _dt.date.today().year + 1) for m in range(1, 13)}
        for edition in latest_editions():
            days.add(edition.content.in_force.from_)
            if edition.content.in_force.until:
                days.add(edition.content.in_force.until + _dt.timedelta(days=1))
        return sorted(d for d in days if d <= _dt.date.today())
    return []


def _decision(facts: dict[str, Any]) -> Decision | None:
    try:
        return evaluate(facts)
    except ScrError:
        return None


def _changes_alone(fact: str, known: dict[str, Any]) -> bool:
    """Some single answer to ``fact`` changes some determination (outcome or possible outcomes)."""
    base = _signature(evaluate(known))
    return any((d := _decision({**known, fact: v})) is not None and _signature(d) != base for v in _values_to_try(fact))


#: The facts the shipped edition files name in a condition, read from their text (not from the compiler):
#: a fact no condition reads cannot take part in a joint effect.
_READ_BY_EDITIONS = frozenset(re.findall(r"fact:\s*([a-z_0-9]+)", "".join(
    p.read_text(encoding="utf-8") for p in (ROOT / "criteria" / "editions").glob("*.yaml"))))


#: The answers that say a circumstance was absent, for the contexts that lean to "no": a yes/no fact's no, and
#: a choice's "none" or "other" (the custody settings grew, so a random choice rarely gives "other").
_NEGATIVE_ANSWERS = (False, "none", "other")


def _context(rng: random.Random, known: dict[str, Any], others: list[str], filled: float,
             lean_no: bool = False) -> dict[str, Any]:
    """Known facts plus random answers to the others (each answered with chance ``filled``; with ``lean_no``
    a yes/no fact is answered no, a choice "none" or "other", four times in five, and a detail with no such
    answer left unknown), redrawn while they contradict each other (a
    contradiction is refused, so it would only waste the sample)."""
    for _ in range(20):
        context = dict(known)
        for name in others:
            if rng.random() < filled:
                values = _values_to_try(name)
                negative = [v for v in values if v in _NEGATIVE_ANSWERS]
                if lean_no and rng.random() < 0.8:
                    if negative:
                        context[name] = negative[0]
                    continue  # a detail only some cases have (remanded_to): left unknown, as "no" would leave it
                context[name] = rng.choice(values)
        try:
            parse_facts(context)
        except ScrError:
            continue
        return context
    return dict(known)


def _changes_jointly(fact: str, known: dict[str, Any], skipped: tuple[str, ...], samples: int = 400) -> bool:
    """Some answer to ``fact`` changes a determination in some context of answers to the other open facts.

    The contexts are drawn at random (seeded), each other open fact unknown or a random value; in two
    contexts of three all of them are answered, in one of those mostly no, so that an effect needing many
    answers at once (custody deciding a local review only when every other circumstance is answered no) is
    found.
    """
    others = [n for n in FACT_NAMES if n not in known and n not in skipped and n != fact and n not in DATE_FACTS
              and n not in TEXT_FACTS and n in _READ_BY_EDITIONS]
    rng = random.Random(fact)
    for sample in range(samples):
        context = _context(rng, known, others, 0.6 if sample % 3 == 0 else 1.0, lean_no=sample % 3 == 2)
        base = _decision(context)
        if base is None:
            continue
        for value in _values_to_try(fact):
            changed = _decision({**context, fact: value})
            if changed is not None and _signature(changed) != _signature(base):
                return True
    return False


def _case_params() -> list[Any]:
    params = [pytest.param(path.name, load_case(path), id=path.stem) for path in EXAMPLES]
    params += [pytest.param(name, parse_facts(facts), id=name) for name, facts in OWN_CASES.items()]
    return params


COUNTS: dict[str, tuple[int, int]] = {}


# --------------------------------------------------------------------------- the interview reaches the outcome


@pytest.mark.parametrize(("name", "truth"), _case_params())
def test_interview_from_empty_reaches_the_cases_outcome_asking_only_questions_that_matter(name: str,
                                                                                      truth: Facts) -> None:
    """Answering from a case's facts reaches the same decision as evaluating the case, and every question
    asked could have changed a determination (alone, or together with other answers when marked so)."""
    try:
        expected = evaluate(truth)
    except EditionNotFound as missing:  # an example for an edition not shipped yet
        pytest.skip(f"{name}: {missing}")
    interview = Interview(truth)
    result = interview.run()
    reached = evaluate(parse_facts(interview.known))
    assert reached.outcomes == expected.outcomes
    assert _all_outcomes(reached) == _all_outcomes(expected)
    assert f"Questions asked: {len(interview.asked)}." in result.output
    assert "Rules applied:" in result.output  # the decision table was printed
    for fact, known, skipped, joint in interview.asked:
        if joint:
            assert _changes_jointly(fact, known, skipped), f"{fact} asked but no answers change anything"
        else:
            assert _changes_alone(fact, known), f"{fact} asked but no answer to it changes a determination"
    if ".yaml" in name:  # the file name says the example's expected main outcome
        assert set(name.split(".")[-2].split("+")) <= set(expected.outcomes.values())
    COUNTS[name] = (len(interview.asked), len(truth.known()))
    print(f"\nASK-COUNT {name}: {len(interview.asked)} questions asked; the case file knows "
          f"{len(truth.known())} facts; outcomes {expected.outcomes}")


def test_examples_folder_has_cases() -> None:
    """The interview test runs over the example cases another engineer ships (at least 8 expected)."""
    assert len(EXAMPLES) >= 8, [p.name for p in EXAMPLES]


def test_starting_from_a_partial_case_file_asks_fewer_questions(tmp_path: Path) -> None:
    """A partial case file's facts are not asked again, so fewer questions reach the same decision."""
    truth = parse_facts({"awareness_date": "2017-03-02", "age": 2, "outcome": "died", "abuse_or_neglect": "suspected",
                         "looked_after": False})
    from_empty = Interview(truth)
    from_empty.run()
    partial = tmp_path / "partial.yaml"
    partial.write_text("awareness_date: 2017-03-02\noutcome: died\n", encoding="utf-8")
    from_partial = Interview(truth, start={"awareness_date": _dt.date(2017, 3, 2), "outcome": "died"})
    from_partial.run([str(partial)])
    assert len(from_partial.asked) < len(from_empty.asked)
    assert not {"awareness_date", "outcome"} & {a[0] for a in from_partial.asked}
    assert evaluate(parse_facts(from_partial.known)).outcomes == evaluate(truth).outcomes


# --------------------------------------------------------------------------- answers the interview refuses


def _ask(input_text: str, args: list[str] | None = None) -> Result:
    # The interview asks the case reference first unless the case file gives it: Enter gives none.
    given = bool(args) and "case_reference" in Path(args[0]).read_text(encoding="utf-8")  # type: ignore[index]
    return CliRunner().invoke(main, ["ask", *(args or [])], input=("" if given else "\n") + input_text)


def test_an_answer_that_is_not_a_date_is_explained_and_the_question_asked_again() -> None:
    """A date question answered with words says what was expected and asks again; the next answer is used."""
    result = _ask("banana\n2017-03-02\n")
    out = result.output
    assert "That answer cannot be used. Expected a date written YYYY-MM-DD" in out
    first, found, _ = out.partition("Question 2 [")
    assert first.count("Question 1 [awareness_date]") == 1 and first.count("Answer:") == 2
    assert found  # the second answer was taken and the interview went on


def test_an_option_number_out_of_range_is_explained_and_asked_again(tmp_path: Path) -> None:
    """A choice question answered with a number that is not an option says what was expected and asks again."""
    partial = tmp_path / "case.yaml"
    partial.write_text("awareness_date: 2017-03-02\ndeciding_nation: england\nage: 4\n", encoding="utf-8")
    result = _ask("7\ndied\n", [str(partial)])
    assert "Question 1 [outcome]" in result.output
    assert "Expected a number from 1 to 3, one of died, seriously_harmed, neither, or unknown (u); got '7'" \
        in result.output
    assert "Question 2 [" in result.output  # 'died' was taken


def test_answers_that_contradict_the_case_are_shown_and_asked_again(tmp_path: Path) -> None:
    """An awareness date before the incident, or in the future, is refused with the reason, and asked again."""
    partial = tmp_path / "case.yaml"
    partial.write_text("incident_date: 2017-03-01\n", encoding="utf-8")
    future = (_dt.date.today() + _dt.timedelta(days=3)).isoformat()
    result = _ask(f"2017-02-01\n{future}\n2017-03-02\n", [str(partial)])
    out = result.output
    assert out.count("Question 1 [awareness_date]") == 1
    assert "the authority cannot become aware of an incident before it happens" in out
    assert f"a date not after today ({_dt.date.today().isoformat()})" in out
    assert out.count("Please answer again") == 2
    assert "Question 2 [" in out


def test_yes_no_questions_accept_y_n_and_option_numbers(tmp_path: Path) -> None:
    """y / n and the option number answer a yes/no question; unknown ("u") is accepted everywhere."""
    from scr_eligibility.cli.ask import parse_answer

    question = next(q for q in decisive_questions({"awareness_date": "2017-03-02", "age": 4, "outcome": "died",
                                                   "abuse_or_neglect": "not_known_or_suspected"})
                    if q.kind == "yes_no")
    assert [parse_answer(question, t) for t in ("y", "No", "1", "2", "u", "unknown")] == [True, False, True, False,
                                                                                         None, None]


# --------------------------------------------------------------------------- stopping cleanly


def test_end_of_input_mid_interview_exits_1_without_a_traceback_or_a_file(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Input ending in the middle of the interview stops it: exit 1, a short message, nothing written."""
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["ask"], input="\n2017-03-02\n4\n")
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "Interview stopped; nothing was saved." in result.output
    assert isinstance(result.exception, SystemExit)
    assert list(tmp_path.iterdir()) == []


def test_end_of_input_at_the_second_save_prompt_keeps_only_the_file_asked_for(tmp_path: Path,
                                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """Input ending after the facts were saved, at the decision's prompt, writes nothing more and says so."""
    monkeypatch.chdir(tmp_path)
    truth = parse_facts({"awareness_date": "2017-03-02", "age": 20})
    result = Interview(truth, save=("facts.yaml",)).run(exit_code=1)
    assert [p.name for p in tmp_path.iterdir()] == ["facts.yaml"]
    assert "Interview stopped; only facts.yaml was saved." in result.output
    assert "Traceback" not in result.output


def test_ctrl_c_at_a_question_exits_1_without_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C while a question waits for an answer stops the interview like end of input does."""
    import click

    def interrupted(*args: Any, **kwargs: Any) -> str:
        raise KeyboardInterrupt

    monkeypatch.setattr(click, "prompt", interrupted)
    result = CliRunner().invoke(main, ["ask"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    assert "Interview stopped" in result.output


def test_the_facts_and_the_decision_are_saved_when_file_names_are_given(tmp_path: Path) -> None:
    """Given file names at the end, the facts are saved as YAML that `scr check` reads back to the same
    decision, and the decision as JSON; answers "unknown" are written as unknown."""
    truth = load_case(ROOT / "examples" / "m1-death-abuse-known.scr_required.yaml") if (
        ROOT / "examples" / "m1-death-abuse-known.scr_required.yaml").exists() else parse_facts(
        {"awareness_date": "2017-03-02", "age": 2, "outcome": "died", "abuse_or_neglect": "suspected"})
    facts_file, decision_file = tmp_path / "facts.yaml", tmp_path / "decision.json"
    interview = Interview(truth, save=(str(facts_file), str(decision_file)))
    interview.run()
    saved = load_case(facts_file)
    assert evaluate(saved).outcomes == evaluate(truth).outcomes
    raw = yaml.safe_load(facts_file.read_text(encoding="utf-8"))
    assert all(raw[name] == "unknown" for name in interview.skipped)
    decision = json.loads(decision_file.read_text(encoding="utf-8"))
    assert {e["edition"]: e["determinations"][0]["outcome"] for e in decision["editions"]} == evaluate(truth).outcomes
    check = CliRunner().invoke(main, ["check", str(facts_file)])
    assert check.exit_code == 0, check.output


@pytest.mark.parametrize("umask", [0o000, 0o022, 0o277])
def test_saved_facts_and_decision_are_owner_only_whatever_the_umask(tmp_path: Path, umask: int) -> None:
    """The files `scr ask` saves hold the case's facts: mode 0600 under umask 000 (or one taking the owner's
    write), new or overwritten (a file that was 0644 is tightened)."""
    truth = parse_facts({"awareness_date": "2017-03-02", "age": 2, "outcome": "died", "abuse_or_neglect": "known"})
    facts_file, decision_file = tmp_path / "facts.yaml", tmp_path / "decision.json"
    decision_file.write_text("old", encoding="utf-8")
    decision_file.chmod(0o644)
    interview = Interview(truth, save=(str(facts_file), str(decision_file)))
    old = os.umask(umask)
    try:
        result = CliRunner().invoke(main, ["ask"], input=Answerer(_confirming(interview.reply)), catch_exceptions=False)
    finally:
        os.umask(old)
    assert result.exit_code == 0, result.output
    for path in (facts_file, decision_file):
        assert path.stat().st_mode & 0o777 == 0o600, path
    assert load_case(facts_file).outcome == "died"
    assert json.loads(decision_file.read_text(encoding="utf-8"))["facts"]["outcome"] == "died"


def _confirming(reply: Callable[[str], str | None]) -> Callable[[str], str | None]:
    """Answers as ``reply`` does, and yes to "Overwrite it?"."""
    return lambda printed: "y" if printed.rsplit("\n", 1)[-1].endswith("Overwrite it? [y/N]: ") else reply(printed)


def test_nothing_is_saved_when_no_file_name_is_given(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Enter (or n) at the save prompts saves nothing."""
    monkeypatch.chdir(tmp_path)
    truth = parse_facts({"awareness_date": "2017-03-02", "age": 20, "outcome": "died"})
    Interview(truth, save=("", "n")).run()
    assert list(tmp_path.iterdir()) == []


# --------------------------------------------------------------------------- the questions themselves


def test_with_no_date_known_the_awareness_date_is_asked_first() -> None:
    """The dates choose the rules: with none known, the awareness date comes first, then the incident date."""
    questions = decisive_questions({})
    assert [q.fact for q in questions[:2]] == ["awareness_date", "incident_date"]
    assert questions[0].chooses_editions and questions[0].kind == "date"
    assert questions[0].text == Facts.model_fields["awareness_date"].json_schema_extra["question"]  # type: ignore[index]


def test_no_date_is_asked_when_the_editions_are_named() -> None:
    """With editions named (or a date given), the case's dates no longer choose the rules: no date is asked."""
    edition = latest_editions()[0].id
    facts = [q.fact for q in decisive_questions({}, editions=[edition])]
    assert not set(facts) & DATE_FACTS
    assert not {q.fact for q in decisive_questions({}, as_of=_dt.date(2017, 1, 1))} & DATE_FACTS


def test_questions_carry_allowed_answers_unknown_and_why() -> None:
    """Each question has the model's question text, its allowed answers with labels, unknown, and a reason."""
    for question in decisive_questions({"awareness_date": "2019-01-10"}):
        field = Facts.model_fields[question.fact]
        assert question.text == field.json_schema_extra["question"]  # type: ignore[index]
        assert question.unknown_allowed
        assert tuple(a.value for a in question.answers) == (allowed_values(question.fact) or ())
        assert question.why and question.impacts


def test_skipped_facts_are_never_returned() -> None:
    """Facts already answered unknown are not asked again."""
    first = decisive_questions({"awareness_date": "2019-01-10"})[0].fact
    assert first not in [q.fact for q in decisive_questions({"awareness_date": "2019-01-10"}, skip=[first])]


def test_a_presumed_fact_is_asked_although_the_outcome_is_decided() -> None:
    """M2 presumes concerns about inter-agency working unless there is definitive evidence of none: the SCR is
    required, yet that answer would change it, so it is asked."""
    facts = {"awareness_date": "2016-09-13", "age": 9, "outcome": "seriously_harmed", "abuse_or_neglect": "known",
             "normally_resident": True}
    decision = evaluate(facts)
    assert decision.outcomes["wt2015"] == "scr_required"
    assert "inter_agency_concerns" in [q.fact for q in decisive_questions(facts)]
    changed = evaluate({**facts, "inter_agency_concerns": "definitive_evidence_of_none"})
    assert changed.outcomes["wt2015"] != "scr_required"


def test_age_answers_tried_come_from_the_editions_conditions() -> None:
    """The ages tried are the numbers the conditions compare the age with, and their neighbours."""
    for edition in latest_editions():
        probes = number_probes("age", [edition])
        for leaf in ruleset_for(edition).compiled.leaves:
            if leaf.fact == "age":
                for value in leaf.value if isinstance(leaf.value, tuple) else (leaf.value,):
                    assert {value - 1, value, value + 1} & set(range(MAX_AGE + 1)) <= set(probes)


_JOINT_EDITION = b"""
id: test-joint
title: A test edition whose criterion needs two answers to change
short_title: Joint test
version: 1
in_force: {from: 2006-04-01}
summary: For tests only.
criteria:
  - id: J1
    kind: consideration
    title: Looked after in a regulated setting, or a parent murdered with a review
    text: test
    citation: test
    condition:
      any:
        - all: [{fact: looked_after, op: eq, value: true}, {fact: regulated_setting, op: eq, value: true}]
        - all: [{fact: parent_murdered, op: eq, value: true}, {fact: domestic_homicide_review, op: eq, value: true}]
determinations:
  - id: joint
    title: Joint
    outcomes:
      - {id: engaged, label: Engaged, criteria: [J1]}
      - {id: not_engaged, label: Not engaged}
"""


def test_answers_that_only_matter_together_are_still_asked() -> None:
    """When no single answer can change a determination but two together can ("(a and b) or (c and d)"),
    those facts are asked (marked as needing other answers), so the interview does not stop too early."""
    edition = load_edition_bytes(_JOINT_EDITION, "joint.yaml")
    questions = decisive_questions({}, editions=[edition])
    # (looked_after with care_leaver would be a contradiction: a care leaver has left care.)
    assert {q.fact for q in questions} == {"looked_after", "regulated_setting", "parent_murdered",
                                           "domestic_homicide_review"}
    assert all(q.needs_other_answers for q in questions)
    known: dict[str, Any] = {}
    for answer in ({"looked_after": True}, {"regulated_setting": True}):
        assert evaluate(known | answer, editions=[edition]).outcomes == {"test-joint": "undetermined"}
    assert evaluate({"looked_after": True, "regulated_setting": True}, editions=[edition]).outcomes == {
        "test-joint": "engaged"}


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.data())
def test_interviews_answered_from_any_fact_set_reach_its_decision(data: st.DataObject) -> None:
    """For any valid fact set, asking the first decisive question until none is left (answering unknown where
    the set does not know) ends at the same decision as evaluating the whole set."""
    from strategies import fact_sets

    raw = data.draw(fact_sets(dated=True) | fact_sets(dated=False))
    try:
        truth = parse_facts(raw)
        expected = evaluate(truth)
    except ScrError:
        return
    known: dict[str, Any] = {}
    skipped: list[str] = []
    for _ in FACT_NAMES:
        questions = decisive_questions(known, skip=skipped)
        if not questions:
            break
        fact = questions[0].fact
        value = getattr(truth, fact)
        if value is None:
            skipped.append(fact)
        else:
            known[fact] = value
    assert _all_outcomes(evaluate(known)) == _all_outcomes(expected)


# --------------------------------------------------------------------------- scr template


def test_the_template_loads_with_scr_check_unchanged() -> None:
    """`scr template` prints a fact set that `scr check -` accepts as it is: every fact unknown."""
    runner = CliRunner()
    template = runner.invoke(main, ["template"])
    assert template.exit_code == 0
    check = runner.invoke(main, ["check", "-", "--format", "json"], input=template.output)
    assert check.exit_code == 0, check.output
    assert json.loads(check.output)["facts"] == {name: None for name in FACT_NAMES}


def test_the_template_lists_every_fact_once_grouped_with_its_comments() -> None:
    """Every fact appears once as `name: unknown`, in rapid-review groups, with its meaning and allowed
    values, the criteria that read it, and a note that no names are needed."""
    text = CliRunner().invoke(main, ["template"]).output
    data = yaml.safe_load(text)
    assert list(data) == sorted(FACT_NAMES, key=lambda n: [g for g in _groups()].index(_group(n)))
    assert set(data.values()) == {"unknown"}
    assert "need no names of children or relatives" in text
    for name in FACT_NAMES:
        block = text.split(f"\n{name}: unknown")[0].rsplit("\n\n", 1)[-1]
        assert "# Allowed:" in block and "# Used by:" in block
    for edition in latest_editions():
        compiled = ruleset_for(edition).compiled
        for criterion, indexes in compiled.criterion_leaves.items():
            for fact in {compiled.leaves[i].fact for i in indexes}:
                block = text.split(f"\n{fact}: unknown")[0].rsplit("\n\n", 1)[-1]
                assert re.search(rf"{re.escape(edition.id)}: [^;]*\b{re.escape(criterion)}\b", " ".join(
                    line.lstrip("# ") for line in block.splitlines())), (fact, edition.id, criterion)


def _group(name: str) -> str:
    return Facts.model_fields[name].json_schema_extra["group"]  # type: ignore[index]


def _groups() -> list[str]:
    from scr_eligibility.facts import GROUPS

    return list(GROUPS)


def test_the_interview_asks_the_reference_first_and_offers_the_other_determinations() -> None:
    """The case reference, then the dates; once the main answer is settled it offers to go on, and "n" stops there
    with the same What to do now as `scr check`."""
    truth = load_case(ROOT / "examples" / "wt2018-harm-in-scotland.notify_panel.yaml")
    interview = Interview(truth)
    answered = interview.reply

    def reply(printed: str) -> str | None:
        if printed.rsplit("\n", 1)[-1].startswith("Go on to these other determinations"):
            return "n"
        return answered(printed)

    interview.reply = reply  # type: ignore[method-assign]
    out = interview.run().output
    assert out.index("Case reference") < out.index("[awareness_date]")
    assert "The main answer is settled. Still open:" in out and "Local child safeguarding practice review" in out
    assert "Stopped with the main answer settled" in out
    assert "Case EX-WT18" in out and "What to do now" in out
    assert out.index("What to do now") < out.index("Notify the Child Safeguarding Practice Review Panel\n")
    assert not {"improvements_needed", "recurrent_themes"} & {a[0] for a in interview.asked}


# --------------------------------------------------------------------------- readings chosen for the interview

_NO_CONCERNS_2011 = {"awareness_date": "2011-05-02", "incident_date": "2011-05-01", "age": 9,
                     "outcome": "seriously_harmed", "abuse_or_neglect": "known", "normally_resident": True,
                     "location": "in_area", "inter_agency_concerns": "definitive_evidence_of_none"}


def test_the_questions_are_those_that_decide_under_the_reading_chosen() -> None:
    """Working Together 2010 para 8.11: under the guidance's reading each listed situation needs concerns about
    how services worked together, so with definitive evidence of none nothing is left to ask; under the seed's
    reading each situation stands alone, so the situations' facts are asked, and each could change the answer
    under that reading."""
    assert decisive_questions(_NO_CONCERNS_2011) == []
    seed = {"lscb-discretionary-list": "seed"}
    asked = [q.fact for q in decisive_questions(_NO_CONCERNS_2011, readings=seed)]
    assert {"sexual_abuse", "violent_assault", "life_threatening_injury"} <= set(asked)
    base = _signature(evaluate(_NO_CONCERNS_2011, readings=seed))
    for fact in asked:
        assert any(_signature(evaluate({**_NO_CONCERNS_2011, fact: v}, readings=seed)) != base
                   for v in _values_to_try(fact)), fact


def test_scr_ask_applies_the_reading_given_and_records_it_in_the_saved_decision(tmp_path: Path) -> None:
    """`scr ask --reading ID=OPTION`, as `scr check` takes it: the interview asks what decides under that option,
    its decision is the one `scr check --reading` gives, and the saved JSON names the option chosen."""
    start = tmp_path / "start.yaml"
    start.write_text(yaml.safe_dump({**_NO_CONCERNS_2011, "case_reference": "R-2011-7"}), encoding="utf-8")
    truth = parse_facts({**_NO_CONCERNS_2011, "case_reference": "R-2011-7", "sexual_abuse": True,
                         "violent_assault": "none", "life_threatening_injury": False,
                         "serious_permanent_impairment": False, "parent_murdered": False})
    saved = tmp_path / "decision.json"
    interview = Interview(truth, save=("", str(saved)))
    interview.run([str(start), "--reading", "lscb-discretionary-list=seed"])
    assert interview.asked, "under the seed's reading the situations are asked"
    expected = evaluate(truth, readings={"lscb-discretionary-list": "seed"})
    assert expected.outcomes != evaluate(truth).outcomes  # the reading decides this case
    record = Decision.model_validate_json(saved.read_text(encoding="utf-8"))
    assert record.outcomes == expected.outcomes and _all_outcomes(record) == _all_outcomes(expected)
    assert json.loads(saved.read_text(encoding="utf-8"))["readings"] == {"lscb-discretionary-list": "seed"}
    refused = _ask("", [str(start), "--reading", "lscb-discretionary-list=sead"])
    assert refused.exit_code != 0 and "sead" in refused.output and "Traceback" not in refused.output
