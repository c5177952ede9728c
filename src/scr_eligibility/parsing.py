"""Reading JSON and YAML text safely: case files and criteria files both come through here.

Safe loading only (no YAML tags that build objects), duplicate keys refused, NaN and
infinities refused, a size limit, a nesting limit and a limit on the keys of a mapping, and
every failure an :class:`~scr_eligibility.errors.InputError` that says where (line and
column) and what.

Numbers are never guessed. Case files are read with the YAML 1.2 core schema's rules, made
stricter: only ``true``/``false`` are yes/no, and only plain decimal digits (``14``, ``-3``,
``2.5``, ``1e3``) are numbers. YAML 1.1 (PyYAML's default) read ``014`` as octal 12, ``0x0E``
and ``1_4`` as 14, and ``12:30`` as 750 (base 60); such text is now kept as the text it is,
so a text fact (the case reference) keeps it exactly as written and a number fact refuses it,
naming the fact. JSON allows none of these forms; its error then says so, naming the key.
The shipped edition files keep PyYAML's rules (and libyaml's speed): they are the package's own.
"""

from __future__ import annotations

import json
import math
import re
from os import PathLike
from pathlib import Path
from typing import Any, TextIO

import yaml

from .errors import InputError, Problem
from .fact_values import MAX_KEYS, NUMBER_LOOKALIKE, NUMBER_SYNTAX
from .yaml_loaders import SCALAR_ERRORS, CaseLoader, ShippedLoader

#: A case file is a few hundred bytes; anything past this is not a case file.
MAX_BYTES = 1_000_000
#: Fact sets are flat; criteria files nest a few levels. Deeper input is refused before it can hurt.
MAX_DEPTH = 32
#: Values counted after YAML aliases are expanded.
MAX_VALUES = 100_000
# MAX_KEYS (200, from fact_values): keys of any one mapping. A fact set has under 50 facts and a
# suite file a handful of keys; a mapping of more is refused as soon as the reader reaches key
# MAX_KEYS + 1 (a YAML case file is not read further), so 40,000 misspelt keys cost what 200 do.
#: Nodes (keys, values, list items) a YAML case file may hold before aliases are expanded: a case
#: file has under 100 and a suite file a few hundred. The pure-Python YAML parser takes tens of
#: microseconds a node, so this bounds the time any YAML case file can take to about half a second.
MAX_NODES = 10_000


class _CaseLoader(CaseLoader):
    """The case-file loader with this module's limits."""

    max_keys = MAX_KEYS
    max_values = MAX_NODES


__all__ = ["MAX_BYTES", "MAX_DEPTH", "MAX_KEYS", "MAX_NODES", "MAX_VALUES", "NUMBER_LOOKALIKE", "NUMBER_SYNTAX", "decode",
           "load_data", "parse_text", "read_source"]


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    if len(pairs) > MAX_KEYS:
        raise _TooManyKeys(len(pairs))
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


class _TooManyKeys(ValueError):
    def __init__(self, count: int):
        super().__init__(count)
        self.count = count


class _DuplicateKey(ValueError):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def decode(data: bytes, source: str) -> str:
    """Bytes to text: UTF-8 only, no NUL bytes, within the size limit, not empty."""
    if len(data) > MAX_BYTES:
        raise InputError("the file is too large", [Problem(
            source, f"{len(data):,} bytes", f"at most {MAX_BYTES:,} bytes", "a case file is a few hundred bytes")], source)
    if b"\x00" in data:
        raise InputError("the file is binary, not text", [Problem(
            source, "binary content (NUL bytes)", "a UTF-8 JSON or YAML text file")], source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError("the file is not UTF-8 text", [Problem(
            f"{source}, byte {error.start}", f"byte 0x{data[error.start]:02x}", "UTF-8 text",
            "save the file as UTF-8")], source) from None
    if not text.strip():
        raise InputError("the file is empty", [Problem(source, "no content", "a JSON or YAML mapping of facts")], source)
    return text


def parse_text(text: str, source: str, fmt: str | None = None, *, shipped: bool = False) -> Any:
    """Parse JSON or YAML text. ``fmt`` is 'json', 'yaml' or None (JSON if it looks like JSON).

    ``shipped`` files (the editions this package ships) are parsed by libyaml, when PyYAML has it.
    """
    if fmt is None:
        fmt = "json" if text.lstrip().startswith(("{", "[")) else "yaml"
    if fmt == "json":
        try:
            value = json.loads(text, parse_constant=_reject_constant, object_pairs_hook=_unique_pairs)
        except _DuplicateKey as dup:
            raise InputError("the file has a duplicate key", [Problem(
                source, f"{dup.key!r} a second time", "each key once",
                "remove one of the two; which one is meant cannot be guessed")], source) from None
        except _TooManyKeys as many:
            raise InputError("the file has a mapping with too many keys", [Problem(
                source, f"a mapping of {many.count:,} keys", f"at most {MAX_KEYS:,} keys",
                "a fact set has under 50 facts: see `scr template`")], source) from None
        except json.JSONDecodeError as error:
            number = _json_number_problem(text, error)
            if number is not None:
                raise InputError("the file has a number that is not written in plain decimal digits", [number],
                                 source) from None
            raise InputError("the file is not valid JSON", [Problem(
                f"line {error.lineno}, column {error.colno}", error.msg, "valid JSON")], source) from None
        except ValueError as error:
            if "integer string conversion" in str(error):
                # Python's own limit (4,300 digits); its message advises a Python setting, which
                # means nothing to the person who typed the case file.
                raise InputError("the file has a number too long to read", [Problem(
                    _long_number_at(text, source), "a number of more than 4,300 digits",
                    "a number of ordinary size, such as an age from 0 to 25")], source) from None
            raise InputError("the file has a number JSON does not allow", [Problem(
                source, str(error), "a finite number")], source) from None
        except RecursionError:
            raise _too_deep(source) from None
    else:
        try:
            loader = ShippedLoader if shipped else _CaseLoader
            value = yaml.load(text, Loader=loader)  # noqa: S506 - SafeLoader subclasses
        except InputError as error:
            error.source = source
            raise
        except yaml.MarkedYAMLError as error:
            mark = error.problem_mark or error.context_mark
            where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else source
            found = error.problem or "text YAML cannot read"
            expected = "valid YAML"
            suggestion = None
            # PyYAML words its problems "expected X, but found Y" / "found character ...": drop the
            # verbs, which the message adds itself ("found ...; expected ...").
            if found.startswith("expected ") and ", but found " in found:  # a tag's wrong kind of node
                expected, found = found.removeprefix("expected ").split(", but found ", 1)
            for verb in ("but found ", "found "):
                if found.startswith(verb):
                    found = found[len(verb):]
                    if verb == "but found " and error.context:
                        expected = error.context.removeprefix("expected ")
                    break
            if "'\\t'" in found:
                suggestion = "YAML does not allow tab characters here: use spaces"
            if "tag:yaml.org,2002:merge" in str(error):
                found = "a YAML merge key (<<)"
                expected = "each fact written out in full"
            elif "could not determine a constructor" in str(error):
                found = "a YAML tag that would build an object"
                expected = "plain values (text, numbers, dates, yes/no)"
                suggestion = "case files hold facts only; tags such as !!python/object are refused"
            raise InputError("the file is not valid YAML", [Problem(where, found, expected, suggestion)], source) from None
        except yaml.YAMLError as error:
            raise InputError("the file is not valid YAML", [Problem(source, str(error), "valid YAML")], source) from None
        except RecursionError:
            raise _too_deep(source) from None
        except SCALAR_ERRORS as error:
            # Any other value PyYAML cannot build: the input's fault, never a traceback.
            raise InputError("the file has a value that cannot be read", [Problem(
                source, str(error)[:200], "plain values (text, numbers, dates, yes/no)")], source) from None
    _check_values(value, source)
    return value


_NUMBER_CHARS = re.compile(r"[-+0-9a-zA-Z_:.]*")
_KEY_BEFORE = re.compile(r'"((?:[^"\\]|\\.){0,100})"\s*:\s*\Z')


def _json_number_problem(text: str, error: json.JSONDecodeError) -> Problem | None:
    """The problem when JSON stopped inside a number written as YAML 1.1 would read it (014, 0x0E, 1_4, 12:30).

    JSON allows none of these forms; its own message ("Expecting ',' delimiter") does not say so,
    nor which key the number was for, so both are found here.
    """
    start = error.pos
    while start > 0 and start > error.pos - 100 and _NUMBER_CHARS.fullmatch(text[start - 1]):
        start -= 1
    token = _NUMBER_CHARS.match(text, start)
    written = token.group() if token else ""
    if not NUMBER_LOOKALIKE.fullmatch(written):
        return None
    line = text.count("\n", 0, start) + 1
    column = start - (text.rfind("\n", 0, start) + 1) + 1
    where = f"line {line}, column {column}"
    key = _KEY_BEFORE.search(text[max(0, start - 300):start])
    name = key.group(1) if key and key.group(1).isprintable() else None
    return Problem(name or where, f"{written[:40]} at {where}" if name else written[:40],
                   "a number in plain decimal digits, or text in quotes", NUMBER_SYNTAX)


def _long_number_at(text: str, source: str) -> str:
    """The line and column of the first run of more than 4,300 digits (the JSON decoder does not say)."""
    match = re.search(r"[0-9]{4301}", text)
    if match is None:
        return source
    line = text.count("\n", 0, match.start()) + 1
    column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
    return f"line {line}, column {column}"


def _too_deep(source: str) -> InputError:
    return InputError("the file is nested too deeply", [Problem(
        source, f"more than {MAX_DEPTH} levels", f"at most {MAX_DEPTH} levels")], source)


def _check_values(value: Any, source: str) -> None:
    """Refuse NaN, infinities and nesting deeper than MAX_DEPTH, wherever they are."""
    stack: list[tuple[Any, int, str]] = [(value, 0, "")]
    seen = 0
    while stack:
        item, depth, path = stack.pop()
        seen += 1
        if seen > MAX_VALUES:  # YAML aliases can make a small file expand without bound
            raise InputError("the file holds too many values", [Problem(
                source, f"more than {MAX_VALUES:,} values", f"at most {MAX_VALUES:,}")], source)
        if depth > MAX_DEPTH:
            raise _too_deep(source)
        if isinstance(item, float) and not math.isfinite(item):
            raise InputError("the file has a number that is not finite", [Problem(
                path or source, repr(item), "a finite number")], source)
        if isinstance(item, dict):
            stack.extend((v, depth + 1, f"{path}.{k}" if path else str(k)) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, depth + 1, f"{path}[{i}]") for i, v in enumerate(item))


def read_source(path: str | Path | TextIO) -> tuple[str, str]:
    """Read a file path, ``-`` for standard input, or an open text stream. Returns (text, source name)."""
    if hasattr(path, "read"):
        stream: Any = path
        data = stream.read()
        name = getattr(stream, "name", "<stdin>")
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogateescape")
        return decode(data, str(name)), str(name)
    if str(path) == "-":
        import sys

        return decode(sys.stdin.buffer.read(MAX_BYTES + 1), "<stdin>"), "<stdin>"
    if not isinstance(path, (str, PathLike)):  # Path(None) would raise a bare TypeError
        raise InputError("a case must be read from a file path, - (standard input) or an open text stream", [Problem(
            "source", f"a value of type {type(path).__name__}", "a path such as case.yaml, -, or an open file")])
    file = Path(path)
    name = str(path)
    try:
        with file.open("rb") as handle:
            data = handle.read(MAX_BYTES + 1)
    except FileNotFoundError:
        raise InputError("the file does not exist", [Problem(name, "no such file", "a path to a case file")], name) from None
    except IsADirectoryError:
        raise InputError("that is a folder, not a file", [Problem(name, "a folder", "a path to a case file")], name) from None
    except OSError as error:
        raise InputError("the file cannot be read", [Problem(name, error.strerror or str(error), "a readable file")], name) from None
    return decode(data, name), name


def load_data(path: str | Path | TextIO) -> tuple[Any, str]:
    """Read and parse a JSON or YAML file (by extension, else by content). Returns (value, source)."""
    text, name = read_source(path)
    suffix = Path(name).suffix.lower()
    fmt = "json" if suffix == ".json" else "yaml" if suffix in (".yaml", ".yml") else None
    return parse_text(text, name, fmt), name


# --------------------------------------------------------------------------- JSON Lines


class JsonLine:
    """One non-blank line of a JSON Lines text, as :func:`json_lines` read it.

    ``number`` is the 1-based line number (blank lines counted). ``value`` is the JSON
    object on the line, or None when the line holds none; then ``reason`` says why ("not
    JSON" or "not a JSON object") and ``detail`` what was found.
    """

    __slots__ = ("detail", "number", "reason", "value")

    def __init__(self, number: int, value: dict[str, Any] | None, reason: str = "", detail: str = "") -> None:
        self.number = number
        self.value = value
        self.reason = reason
        self.detail = detail

    def __repr__(self) -> str:
        return f"JsonLine({self.number}, {self.value!r}, {self.reason!r}, {self.detail!r})"


def json_lines(data: bytes | str, source: str) -> list[JsonLine]:
    """The lines of a JSON Lines text (records, as `scr log export` writes them), each read on its own.

    Bytes must be UTF-8 (a leading byte-order mark is dropped); anything else is an
    :class:`InputError` naming the first bad byte. Lines are split at ``\\n`` only (JSON
    text may hold U+2028 and other characters ``str.splitlines`` breaks at); blank lines
    are skipped. A line that is not a JSON object is returned with its reason, not raised,
    so that each caller decides whether one bad line stops the rest.
    """
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise InputError("the file is not UTF-8 JSON Lines", [Problem(
                f"byte {error.start}", f"byte 0x{data[error.start]:02x}",
                "UTF-8 text, one JSON object per line")], source) from None
    lines = []
    for number, line in enumerate(data.removeprefix("\ufeff").split("\n"), start=1):
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as error:
            lines.append(JsonLine(number, None, "not JSON", str(error)))
            continue
        except RecursionError:
            lines.append(JsonLine(number, None, "not JSON", "nested too deeply to read"))
            continue
        if isinstance(value, dict):
            lines.append(JsonLine(number, value))
        else:
            lines.append(JsonLine(number, None, "not a JSON object", f"a JSON {type(value).__name__}"))
    return lines
