"""A long fuzz run: generated inputs through the library, and a sample through the CLI.

    python bench/fuzz.py [--inputs N] [--seed S] [--cli-sample M] [--show K]

Draws N inputs (default 100,000) from a seeded random generator (no Hypothesis), of
these kinds, in turn:

* ``value``: an arbitrary nested JSON value, or a mapping of fact names (and junk
  keys) to awkward values (huge, nested, NaN, wrong type, escape codes);
* ``mutant``: a realistic valid case (bench/cases.py) with one or two fields mutated:
  wrong type, misspelt key, out-of-range value, extra key, None, huge string, nested object;
* ``json`` / ``yaml``: such a case or value written as JSON or as a hand-typed YAML
  file, then damaged a few characters at a time (deleted, doubled, a token inserted);
* ``soup``: text made of JSON/YAML tokens and YAML's special syntax (tags, aliases,
  anchors, merge keys, documents, .nan, 5,000-digit numbers, tabs, NUL, BOM);
* ``bytes``: random bytes;
* ``number``: a valid case file (YAML or JSON) with one fact written as YAML 1.1 would have
  guessed a number: a leading zero (014, 0012), a base prefix (0x0E, 0o17, 0b101), underscores
  (1_4) or colons (12:30). Expected: a text fact (the case reference) keeps exactly what was
  written; any other fact is refused with a problem naming it (or, in JSON, its line and
  column). A number read as a number is unexpected;
* ``keys``: a mapping of 60 to 40,000 misspelt or junk keys (with a few real facts), as a
  Python mapping, JSON or YAML. Expected: refused, with at most MAX_PROBLEMS problems listed
  (and one counting the rest), in under a second each; the slowest is printed.

Every input goes through the library in this process (values: ``parse_facts`` then
``evaluate``; text and bytes: ``parsing.decode`` and ``parsing.parse_text`` first). Every
(N / M)-th input also goes through ``scr check - --format json`` with click's CliRunner.
The allowed outcomes are a Decision or a ScrError (CLI: exit 0 with a decision, or exit 1
with "Error:" and no traceback). The run prints how many inputs it tried, how many were
decided, how many were refused with a documented error and how many did anything else;
each of the last is printed with the input that caused it. Exit status 1 if any did.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import random
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # cases.py beside this file

from cases import date_range, full_case, hide_unknowns  # noqa: E402
from click.testing import CliRunner  # noqa: E402

from scr_eligibility import Decision, evaluate, parse_facts  # noqa: E402
from scr_eligibility.cli import main  # noqa: E402
from scr_eligibility.errors import ScrError  # noqa: E402
from scr_eligibility.facts import BOOL_FACTS, DATE_FACTS, FACT_NAMES, MAX_PROBLEMS, TEXT_FACTS  # noqa: E402
from scr_eligibility.parsing import decode, parse_text  # noqa: E402

KINDS = ("value", "mutant", "json", "yaml", "soup", "bytes", "number", "keys")

#: Numbers as YAML 1.1 (or Python's int()) would have guessed them: none may be read as a number.
LOOKALIKES = ["014", "0012", "00", "-014", "0x0E", "0X1f", "+0x1", "0o17", "0b101", "1_4", "1_000", "12:30",
              "1:20:30", "-1:00", "014.5", "1_0.5", "0_0"]
#: The most seconds one ``keys`` input may take ("well under a second").
KEYS_SECONDS = 1.0

AWKWARD_STRINGS = ["unknown", "Unknown", "yes", "no", "Y", "", " ", "2019-02-30", "2019-13-01", "31/03/2019",
                   "2999-01-01", "1899-12-31", "died", "Seriously harmed", "not known or suspected", "dead",
                   "\x1b[2J", "\u2028", "\ud800", "\x00", "é", "14", "-1", "NaN", "inf", "1e400", "true"]

TOKENS = ["outcome", "age", "looked_after", "incident_date", "awareness_date", "case_reference", ":", ": ", "\n",
          "  ", "- ", "[", "]", "{", "}", ",", '"', "'", "#", "&a ", "*a", "&b [*a, *a, *a]", "!!python/object:os.system ",
          "!!python/name:os.system", "!!binary ", "!!set ", "!!str ", "!!int ", "!!float ", "!!timestamp ",
          "!!omap ", "!!pairs ", "!custom ", "<<: ", "<<: *a", "---\n", "...\n", "%YAML 1.1\n", "%TAG ! x\n",
          "? ", "|\n", ">\n", "|-\n", ".nan", ".inf", "-.inf", "0x1F", "0o17", "0b101", "1_000", "1:20", "1e400",
          "1.0e+400", "NaN", "Infinity", "-Infinity", "2019-02-30", "2019-03-01", "2019-03-01 10:00:00",
          "2019-03-01T10:00:00Z", "yes", "no", "~", "null", "true", "died", "9" * 5000, "0x" + "f" * 5000, "\t",
          "\x00", "\ufeff", "\u2028", "\x85", "é", "\\u0000", "\\ud800", "-", "=", "\r\n", "\r"]


def dumps(value: Any, **options: Any) -> str:
    """json.dumps that can write ints of any length: such text is exactly what the loader must refuse.

    Python's 4,300-digit conversion limit is lifted only while writing, and put back, so the
    library under test always runs with the default limit.
    """
    limit = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        return json.dumps(value, default=str, **options)
    finally:
        sys.set_int_max_str_digits(limit)


class Generator:
    """Seeded inputs of every kind; the same seed gives the same inputs."""

    def __init__(self, seed: int):
        self.rng = random.Random(seed)
        self.dates = date_range()
        self.number = 0
        self._many: dict[int, tuple[dict[str, Any], str, str]] = {}

    # ---------------------------------------------------------------- values

    def scalar(self) -> Any:
        r = self.rng
        return r.choice([
            lambda: None, lambda: r.random() < 0.5, lambda: r.randint(-30, 40), lambda: r.randint(-2**70, 2**70),
            lambda: r.uniform(-1e6, 1e6), lambda: r.choice([float("nan"), float("inf"), -float("inf"), 0.0, 14.0]),
            lambda: r.choice(AWKWARD_STRINGS), lambda: self.text(r.randint(0, 12)),
            lambda: "x" * r.choice([199, 200, 201, 65_535, 65_536, 70_000]),
            lambda: 10 ** r.randint(4290, 4400), lambda: r.choice(FACT_NAMES),
        ])()

    def text(self, length: int) -> str:
        r = self.rng
        alphabet = r.choice(["abcdefghijklmnopqrstuvwxyz_", "0123456789-:. ", "".join(map(chr, range(0, 0x250)))])
        return "".join(r.choice(alphabet) for _ in range(length))

    def json_value(self, depth: int = 0) -> Any:
        r = self.rng
        roll = r.random()
        if depth > 5 or roll < 0.5:
            return self.scalar()
        if roll < 0.75:
            return [self.json_value(depth + 1) for _ in range(r.randint(0, 4))]
        return {self.key(): self.json_value(depth + 1) for _ in range(r.randint(0, 5))}

    def key(self) -> Any:
        r = self.rng
        roll = r.random()
        if roll < 0.7:
            return r.choice(FACT_NAMES)
        if roll < 0.85:
            return self.misspell(r.choice(FACT_NAMES))
        return self.text(r.randint(0, 10))

    def misspell(self, name: str) -> str:
        r = self.rng
        at = r.randrange(len(name))
        how = r.choice(["drop", "double", "swap", "case", "space"])
        if how == "drop":
            return name[:at] + name[at + 1:]
        if how == "double":
            return name[:at] + name[at] + name[at:]
        if how == "swap" and at + 1 < len(name):
            return name[:at] + name[at + 1] + name[at] + name[at + 2:]
        if how == "space":
            return name.replace("_", " ")
        return name[:at] + name[at].upper() + name[at + 1:]

    def valid_case(self) -> dict[str, Any]:
        self.number += 1
        return hide_unknowns(self.rng, full_case(self.rng, self.number, *self.dates))

    def out_of_range(self, name: str) -> Any:
        r = self.rng
        if name == "age":
            return r.choice([-1, -100, 26, 130, 2**63, 18, 25, 0])
        if name in DATE_FACTS:
            return r.choice(["2999-01-01", "1899-12-31", "2019-02-29", "0001-01-01", "9999-12-31", "2005-01-01",
                             _dt.date(r.randint(1, 9999), r.randint(1, 12), r.randint(1, 28)).isoformat()])
        if name in BOOL_FACTS:
            return r.choice(["maybe", 2, -1, "y", "n", "0", "1"])
        return self.text(r.randint(1, 20))

    def mutant(self) -> dict[str, Any]:
        r = self.rng
        case: dict[str, Any] = self.valid_case()
        for _ in range(r.randint(1, 2)):
            name = r.choice(FACT_NAMES)
            how = r.choice(["wrong_type", "misspelt_key", "out_of_range", "extra_key", "none", "huge_string",
                            "nested_object"])
            if how == "wrong_type":
                case[name] = r.choice([1, 1.5, "x", [1], {"a": 1}, True, "14", 20190301, [], {}])
            elif how == "misspelt_key":
                case[self.misspell(name)] = case.pop(name, None)
            elif how == "out_of_range":
                case[name] = self.out_of_range(name)
            elif how == "extra_key":
                case[self.text(r.randint(1, 15))] = self.json_value(3)
            elif how == "none":
                case[name] = None
            elif how == "huge_string":
                case[name] = "y" * r.choice([201, 65_536, 1_000_000])
            else:
                case[name] = {name: case.get(name), "nested": [case.get(name)]}
        return case

    # ---------------------------------------------------------------- text

    def as_yaml(self, data: Any) -> str:
        if not isinstance(data, dict):
            return dumps(data)

        def show(value: Any) -> str:
            if value is None:
                return self.rng.choice(["unknown", "", "~", "null"])
            if isinstance(value, bool):
                return self.rng.choice(["yes", "true", "Yes"] if value else ["no", "false", "No"])
            return dumps(value) if isinstance(value, (list, dict, int, float)) else str(value)
        return "".join(f"{key}: {show(value)}\n" for key, value in data.items())

    def damage(self, text: str) -> str:
        r = self.rng
        for _ in range(r.choice([0, 0, 1, 1, 2, 3, 6])):
            at = r.randint(0, len(text))
            how = r.choice(["delete", "double", "insert"])
            if how == "delete":
                text = text[:at] + text[at + 1:]
            elif how == "double":
                text = text[:at] + text[at:at + 1] + text[at:]
            else:
                text = text[:at] + r.choice(TOKENS) + text[at:]
        return text

    def soup(self) -> str:
        r = self.rng
        return "".join(r.choice(TOKENS) if r.random() < 0.8 else self.text(r.randint(0, 4))
                       for _ in range(r.randint(0, 30)))

    def number_case(self) -> NumberCase:
        """A valid case with one fact written as a number lookalike, as a YAML or a JSON file."""
        r = self.rng
        case = self.valid_case()
        field = r.choice(["case_reference", "age", "age_months", "deciding_authority"] + list(FACT_NAMES))
        written = r.choice(LOOKALIKES)
        case.pop(field, None)
        if r.random() < 0.5:
            return NumberCase(self.as_yaml(case) + f"{field}: {written}\n", field, written, "yaml")
        body = dumps(case)
        return NumberCase((body[:-1] + ", " if case else "{") + f'"{field}": {written}}}', field, written, "json")

    def many_keys(self) -> Any:
        """A mapping of many misspelt or junk keys with a few real facts: a dict, JSON or YAML.

        The misspelt keys of each size are drawn once and reused (drawing 40,000 keys for every
        input would make the run slow, not the library); the real facts and the form vary.
        """
        r = self.rng
        count = _pick_count(r)
        if count not in self._many:
            junk = {f"{self.misspell(r.choice(FACT_NAMES))}{i}": "died" for i in range(count)}
            self._many[count] = (junk, dumps(junk)[1:], "".join(f"{key}: died\n" for key in junk))
        junk, json_tail, yaml_tail = self._many[count]
        real = dict(list(self.valid_case().items())[:3])
        form = r.choice(["dict", "json", "yaml"])
        if form == "dict":
            return {**real, **junk}
        if form == "json":
            return (dumps(real)[:-1] + ", " if real else "{") + json_tail
        return self.as_yaml(real) + yaml_tail

    def draw(self, kind: str) -> Any:
        r = self.rng
        if kind == "number":
            return self.number_case()
        if kind == "keys":
            return self.many_keys()
        if kind == "value":
            return self.json_value() if r.random() < 0.4 else {self.key(): self.json_value(2)
                                                                  for _ in range(r.randint(0, 8))}
        if kind == "mutant":
            return self.mutant()
        base = self.valid_case() if r.random() < 0.6 else (self.mutant() if r.random() < 0.5 else self.json_value())
        if kind == "json":
            return self.damage(dumps(base, ensure_ascii=r.random() < 0.5))
        if kind == "yaml":
            return self.damage(self.as_yaml(base))
        if kind == "soup":
            return self.soup()
        return bytes(r.getrandbits(8) for _ in range(r.randint(0, 120)))


class NumberCase:
    """A case file (``fmt`` yaml or json) with ``field`` written as ``written`` (a number lookalike)."""

    def __init__(self, text: str, field: str, written: str, fmt: str):
        self.text, self.field, self.written, self.fmt = text, field, written, fmt

    def __repr__(self) -> str:
        return f"NumberCase({self.field}: {self.written}, {self.text!r})"


def _pick_count(r: random.Random) -> int:
    return r.choices([60, 199, 200, 201, 1_000, 5_000, 40_000], weights=[25, 15, 10, 10, 20, 15, 5])[0]


# -------------------------------------------------------------------- running


def number_outcome(item: NumberCase) -> str:
    """'decision' (a YAML text fact kept as written) or 'error' (refused naming the fact: in JSON every such
    number is refused, as JSON allows none of them); anything else raises."""
    kept = item.fmt == "yaml" and item.field in TEXT_FACTS
    try:
        facts = parse_facts(parse_text(decode(item.text.encode("utf-8"), "<fuzz>"), "<fuzz>"))
    except ScrError as error:
        if kept:
            raise AssertionError(f"the text fact {item.field} was refused: {error}") from None
        if item.field not in {p.location for p in error.problems}:
            raise AssertionError(f"refused without naming {item.field}: {error}") from None
        return "error"
    value = getattr(facts, item.field, None)
    if kept:
        if value != item.written:
            raise AssertionError(f"{item.field}: {item.written} was read as {value!r}")
        return "decision"
    raise AssertionError(f"{item.field}: {item.written} was accepted (as {value!r})")


def keys_outcome(item: Any, slowest: list[float]) -> str:
    """'error' within KEYS_SECONDS, with at most MAX_PROBLEMS + 1 problems; anything else raises.

    The time is this process's CPU time: what the input costs, not what other processes on the
    machine took meanwhile.
    """
    started = time.process_time()
    try:
        value = parse_text(decode(item.encode("utf-8"), "<fuzz>"), "<fuzz>") if isinstance(item, str) else item
        parse_facts(value)
    except ScrError as error:
        seconds = time.process_time() - started
        slowest[0] = max(slowest[0], seconds)
        if seconds > KEYS_SECONDS:
            raise AssertionError(f"took {seconds:.2f} s to refuse") from None
        if len(error.problems) > MAX_PROBLEMS + 1:
            raise AssertionError(f"{len(error.problems)} problems listed") from None
        return "error"
    raise AssertionError("a mapping of misspelt keys was accepted")


def through_library(item: Any) -> str:
    """'decision' or 'error'; anything else raises."""
    try:
        if isinstance(item, (str, bytes)):
            data = item if isinstance(item, bytes) else item.encode("utf-8", "surrogatepass")
            value = parse_text(decode(data, "<fuzz>"), "<fuzz>")
        else:
            value = item
        decision = evaluate(parse_facts(value))
    except ScrError:
        return "error"
    if not isinstance(decision, Decision):
        raise AssertionError(f"evaluate returned {type(decision).__name__}, not a Decision")
    return "decision"


def cli_text(item: Any) -> bytes:
    """The input as the bytes standard input would carry: a lone surrogate is written as the library path
    writes it ("surrogatepass"), for the CLI to refuse as not UTF-8; click's runner cannot encode it."""
    if isinstance(item, NumberCase):
        item = item.text
    if isinstance(item, bytes):
        return item
    return (item if isinstance(item, str) else dumps(item)).encode("utf-8", "surrogatepass")


def through_cli(runner: CliRunner, item: Any) -> str:
    """'decision' or 'error'; anything else raises AssertionError saying what happened."""
    result = runner.invoke(main, ["check", "-", "--format", "json"], input=cli_text(item))
    if "Traceback" in result.output:
        raise AssertionError("a traceback in the output:\n" + result.output[-2000:])
    if result.exit_code == 0 and result.exception is None:
        if not json.loads(result.output).get("editions"):
            raise AssertionError("exit 0 without a decision: " + result.output[:500])
        return "decision"
    if result.exit_code == 1 and isinstance(result.exception, SystemExit) and "Error: " in result.output:
        return "error"
    detail = "".join(traceback.format_exception(result.exception)) if result.exception else ""
    raise AssertionError(f"exit {result.exit_code}: {result.output[:500]!r}\n{detail[-2000:]}")


def shown(item: Any, limit: int = 400) -> str:
    try:
        text = repr(item)
    except ValueError:  # an int of more digits than repr() allows
        text = f"<{type(item).__name__} too large to repr>"
    return text if len(text) <= limit else text[:limit] + f"... ({len(text):,} characters)"


def run(inputs: int, seed: int, cli_sample: int, show: int) -> int:
    generator = Generator(seed)
    runner = CliRunner()
    every = max(1, inputs // cli_sample) if cli_sample else 0
    library: Counter[str] = Counter()
    cli: Counter[str] = Counter()
    by_kind: Counter[tuple[str, str]] = Counter()
    unexpected: list[tuple[str, int, str, Any, str]] = []
    slowest = [0.0]  # seconds, the slowest "keys" input
    started = time.perf_counter()
    for number in range(inputs):
        kind = KINDS[number % len(KINDS)]
        item = generator.draw(kind)
        try:
            if kind == "number":
                outcome = number_outcome(item)
            elif kind == "keys":
                outcome = keys_outcome(item, slowest)
            else:
                outcome = through_library(item)
        except Exception as error:  # noqa: BLE001 - counting and showing these is the point
            outcome = "unexpected"
            unexpected.append(("library", number, kind, item, "".join(traceback.format_exception(error))[-1500:]))
        library[outcome] += 1
        by_kind[(kind, outcome)] += 1
        if every and number % every == 0:
            try:
                cli[through_cli(runner, item)] += 1
            except Exception as error:  # noqa: BLE001
                cli["unexpected"] += 1
                unexpected.append(("cli", number, kind, item, str(error)[-1500:]))
        if (number + 1) % 10_000 == 0:
            print(f"  {number + 1:,} inputs, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    elapsed = time.perf_counter() - started

    print(f"fuzz run: seed {seed}, {inputs:,} inputs in {elapsed:.0f} s")
    print(f"library: {sum(library.values()):,} tried: {library['decision']:,} decisions, "
          f"{library['error']:,} documented errors, {library['unexpected']:,} unexpected")
    for kind in KINDS:
        print(f"  {kind:7} {by_kind[(kind, 'decision')]:>7,} decisions {by_kind[(kind, 'error')]:>7,} errors "
              f"{by_kind[(kind, 'unexpected')]:>5,} unexpected")
    print(f"  the slowest of the keys inputs was refused in {slowest[0] * 1000:.0f} ms of CPU time "
          f"(limit {KEYS_SECONDS:.0f} s)")
    print(f"CLI (scr check -, every {every:,}th input): {sum(cli.values()):,} tried: {cli['decision']:,} decisions, "
          f"{cli['error']:,} documented errors (exit 1), {cli['unexpected']:,} unexpected")
    for where, number, kind, item, detail in unexpected[:show]:
        print(f"\nUNEXPECTED ({where}) input #{number} ({kind}): {shown(item)}\n{detail}")
    if len(unexpected) > show:
        print(f"\n... and {len(unexpected) - show} more unexpected outcomes")
    return 1 if unexpected else 0


def main_() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--inputs", type=int, default=100_000, help="how many inputs (default 100,000)")
    parser.add_argument("--seed", type=int, default=7, help="random seed (default 7)")
    parser.add_argument("--cli-sample", type=int, default=2_000, help="how many of them also go through the CLI")
    parser.add_argument("--show", type=int, default=20, help="how many unexpected outcomes to print in full")
    args = parser.parse_args()
    return run(args.inputs, args.seed, args.cli_sample, args.show)


if __name__ == "__main__":
    sys.exit(main_())
