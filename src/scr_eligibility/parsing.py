"""Reading JSON and YAML text safely: case files and criteria files both come through here.

Safe loading only (no YAML tags that build objects), duplicate keys refused, NaN and
infinities refused, a size limit and a nesting limit, and every failure an
:class:`~scr_eligibility.errors.InputError` that says where (line and column) and what.
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

#: A case file is a few hundred bytes; anything past this is not a case file.
MAX_BYTES = 1_000_000
#: Fact sets are flat; criteria files nest a few levels. Deeper input is refused before it can hurt.
MAX_DEPTH = 32
#: Values counted after YAML aliases are expanded.
MAX_VALUES = 100_000


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of silently keeping the last one."""


def _construct_mapping(loader: _UniqueKeyLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    if not isinstance(node, yaml.MappingNode):  # "!!map text": PyYAML would fail unpacking the text
        raise InputError("the file has a value that is not what its tag says", [Problem(
            _mark(node), f"{node.id} tagged !!map", "a mapping")])
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        try:
            hash(key)
        except TypeError:
            raise InputError("the file is not valid YAML", [Problem(
                _mark(key_node), "a mapping key that is a list or mapping", "a plain key such as outcome")]) from None
        if key in mapping:
            raise InputError("the file has a duplicate key", [Problem(
                _mark(key_node), f"{key!r} a second time", "each key once",
                "remove one of the two; which one is meant cannot be guessed")])
        mapping[key] = loader.construct_object(value_node, deep=deep)  # type: ignore[no-untyped-call]
    return mapping


def _mark(node: yaml.Node) -> str:
    return f"line {node.start_mark.line + 1}, column {node.start_mark.column + 1}"




_SafeConstructor = yaml.constructor.SafeConstructor

# PyYAML's scalar constructors raise plain Python errors on values they cannot build, which
# escaped as tracebacks: an int of more than 4,300 digits (ValueError), a date that does not
# exist such as 2019-02-30 (ValueError), and a value forced by an explicit tag that does not
# fit it: "!!int abc" (ValueError), "!!bool maybe" (KeyError), "!!timestamp soon"
# (AttributeError). Each is the user's to correct, so each is an InputError with its place.
_SCALAR_ERRORS = (ValueError, OverflowError, TypeError, KeyError, AttributeError, IndexError)


def _scalar_refused(node: yaml.ScalarNode, message: str, found: str, expected: str,
                    suggestion: str | None = None) -> InputError:
    return InputError(message, [Problem(_mark(node), found, expected, suggestion)])


def _shown(node: yaml.ScalarNode) -> str:
    text = repr(str(node.value)[:61])
    tag = str(node.tag).removeprefix("tag:yaml.org,2002:")
    return (text if len(text) <= 60 else text[:57] + "...") + f" tagged !!{tag}"


def _construct_int(loader: _UniqueKeyLoader, node: yaml.ScalarNode) -> int:
    try:
        return _SafeConstructor.construct_yaml_int(loader, node)  # type: ignore[no-any-return]
    except _SCALAR_ERRORS:
        digits = str(node.value).lstrip("+-").replace("_", "")
        if digits.isdigit() and len(digits) > 4300:  # Python's limit on converting ints to and from text
            raise _scalar_refused(node, "the file has a number too long to read",
                                  f"a number {len(str(node.value)):,} characters long",
                                  "a number of ordinary size, such as an age from 0 to 25") from None
        raise _scalar_refused(node, "the file has a value that is not what its tag says", _shown(node),
                              "a whole number") from None


def _construct_timestamp(loader: _UniqueKeyLoader, node: yaml.ScalarNode) -> Any:
    try:
        return _SafeConstructor.construct_yaml_timestamp(loader, node)
    except _SCALAR_ERRORS:
        if _SafeConstructor.timestamp_regexp.match(str(node.value)):  # shaped like a date, but no such day
            raise _scalar_refused(node, "the file has a date that does not exist", str(node.value)[:60],
                                  "a real date written YYYY-MM-DD",
                                  "check the day and the month (e.g. there is no 30 February)") from None
        raise _scalar_refused(node, "the file has a value that is not what its tag says", _shown(node),
                              "a date written YYYY-MM-DD") from None


def _guarded(tag: str, expected: str) -> Any:
    base = _SafeConstructor.yaml_constructors[f"tag:yaml.org,2002:{tag}"]

    def construct(loader: _UniqueKeyLoader, node: yaml.ScalarNode) -> Any:
        try:
            return base(loader, node)
        except _SCALAR_ERRORS:
            raise _scalar_refused(node, "the file has a value that is not what its tag says", _shown(node),
                                  expected) from None
    return construct


class _FastUniqueKeyLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same constructors over libyaml's parser, for the shipped edition files only.

    They are read at every start, and the pure-Python parser was most of the start-up time of
    `scr check`. Case files keep the Python parser, whose messages and limits the tests pin.
    """


for _loader in (_UniqueKeyLoader, _FastUniqueKeyLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
    _loader.add_constructor("tag:yaml.org,2002:float", _guarded("float", "a number"))
    _loader.add_constructor("tag:yaml.org,2002:bool", _guarded("bool", "yes or no"))


def _reject_constant(name: str) -> Any:
    raise ValueError(name)


def _unique_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


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
        except json.JSONDecodeError as error:
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
            loader = _FastUniqueKeyLoader if shipped else _UniqueKeyLoader
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
        except _SCALAR_ERRORS as error:
            # Any other value PyYAML cannot build: the input's fault, never a traceback.
            raise InputError("the file has a value that cannot be read", [Problem(
                source, str(error)[:200], "plain values (text, numbers, dates, yes/no)")], source) from None
    _check_values(value, source)
    return value


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
