"""The two YAML loaders: one for case files (numbers never guessed), one for the shipped edition files.

Both are PyYAML's safe loader with duplicate keys refused and every scalar PyYAML cannot
build turned into an :class:`~scr_eligibility.errors.InputError` with its line and column.
:class:`CaseLoader` reads with the YAML 1.2 core schema made stricter (see parsing.py) and stops
composing at a limit; :class:`ShippedLoader` runs libyaml's parser with PyYAML's own rules, for
the editions this package ships and reads at every start. parsing.py is the one user.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from .errors import InputError, Problem
from .fact_values import NUMBER_LOOKALIKE, NUMBER_SYNTAX

__all__ = ["SCALAR_ERRORS", "CaseLoader", "ShippedLoader"]

# The YAML 1.2 core schema, stricter: no "+", no leading zeros, no "-0" (so that str() of a number
# read gives back exactly what was written), and yes/no/on/off left as words.
_YAML_BOOL = re.compile(r"(?:true|True|TRUE|false|False|FALSE)\Z")
_YAML_INT = re.compile(r"(?:0|-?[1-9][0-9]*)\Z")
_YAML_FLOAT = re.compile(r"(?:-?(0|[1-9][0-9]*)(\.[0-9]+([eE][-+]?[0-9]+)?|[eE][-+]?[0-9]+)"
                         r"|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN))\Z")


class CaseLoader(yaml.SafeLoader):
    """SafeLoader that refuses duplicate keys instead of silently keeping the last one.

    It also stops composing as soon as a mapping passes ``max_keys`` keys or the document passes
    ``max_values`` nodes: the pure-Python parser takes about 2 s for 40,000 keys, and it is the
    parsing, not the checking, that costs.
    """

    #: Limits while composing (None: none); parsing.py's subclass sets them.
    max_keys: int | None = None
    max_values: int | None = None
    _composed = 0

    def compose_node(self, parent: Any, index: Any) -> Any:  # noqa: D102 - PyYAML's hook
        self._composed += 1
        if self.max_values is not None and self._composed > self.max_values:
            raise InputError("the file holds too many values", [Problem(
                _mark_of(self.peek_event()), f"more than {self.max_values:,} keys, values and items",
                f"at most {self.max_values:,}", "a case file holds under 100")])
        return super().compose_node(parent, index)

    def compose_mapping_node(self, anchor: Any) -> Any:  # noqa: D102 - PyYAML's, with a limit on the keys
        start_event = self.get_event()
        tag = start_event.tag
        if tag is None or tag == "!":
            tag = self.resolve(yaml.MappingNode, None, start_event.implicit)
        node = yaml.MappingNode(tag, [], start_event.start_mark, None, flow_style=start_event.flow_style)
        if anchor is not None:
            self.anchors[anchor] = node
        while not self.check_event(yaml.MappingEndEvent):
            if len(node.value) == self.max_keys:
                raise InputError("the file has a mapping with too many keys", [Problem(
                    _mark_of(self.peek_event()), f"more than {self.max_keys:,} keys in the mapping from line "
                    f"{start_event.start_mark.line + 1}", f"at most {self.max_keys:,} keys",
                    "a fact set has under 50 facts: see `scr template`")])
            item_key = self.compose_node(node, None)
            item_value = self.compose_node(node, item_key)
            node.value.append((item_key, item_value))
        node.end_mark = self.get_event().end_mark
        return node


def _mark_of(event: Any) -> str:
    return f"line {event.start_mark.line + 1}, column {event.start_mark.column + 1}"


# The case-file loader's own resolvers: PyYAML's, with bool, int and float replaced (above).
CaseLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers
            if tag not in ("tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}
CaseLoader.add_implicit_resolver("tag:yaml.org,2002:bool", _YAML_BOOL, list("tTfF"))
CaseLoader.add_implicit_resolver("tag:yaml.org,2002:float", _YAML_FLOAT, list("-+.0123456789"))
CaseLoader.add_implicit_resolver("tag:yaml.org,2002:int", _YAML_INT, list("-0123456789"))
for _first, _resolvers in CaseLoader.yaml_implicit_resolvers.items():
    # Numbers before timestamps, as in PyYAML: "2019" is a number, "2019-03-01" a date.
    _resolvers.sort(key=lambda item: item[0] == "tag:yaml.org,2002:timestamp")


def _construct_mapping(loader: CaseLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
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
SCALAR_ERRORS = (ValueError, OverflowError, TypeError, KeyError, AttributeError, IndexError)


def _scalar_refused(node: yaml.ScalarNode, message: str, found: str, expected: str,
                    suggestion: str | None = None) -> InputError:
    return InputError(message, [Problem(_mark(node), found, expected, suggestion)])


def _shown(node: yaml.ScalarNode) -> str:
    text = repr(str(node.value)[:61])
    tag = str(node.tag).removeprefix("tag:yaml.org,2002:")
    return (text if len(text) <= 60 else text[:57] + "...") + f" tagged !!{tag}"


def _construct_int(loader: CaseLoader, node: yaml.ScalarNode) -> int:
    try:
        return _SafeConstructor.construct_yaml_int(loader, node)  # type: ignore[no-any-return]
    except SCALAR_ERRORS:
        digits = str(node.value).lstrip("+-").replace("_", "")
        if digits.isdigit() and len(digits) > 4300:  # Python's limit on converting ints to and from text
            raise _scalar_refused(node, "the file has a number too long to read",
                                  f"a number {len(str(node.value)):,} characters long",
                                  "a number of ordinary size, such as an age from 0 to 25") from None
        raise _scalar_refused(node, "the file has a value that is not what its tag says", _shown(node),
                              "a whole number") from None


def _construct_timestamp(loader: CaseLoader, node: yaml.ScalarNode) -> Any:
    try:
        return _SafeConstructor.construct_yaml_timestamp(loader, node)
    except SCALAR_ERRORS:
        if _SafeConstructor.timestamp_regexp.match(str(node.value)):  # shaped like a date, but no such day
            raise _scalar_refused(node, "the file has a date that does not exist", str(node.value)[:60],
                                  "a real date written YYYY-MM-DD",
                                  "check the day and the month (e.g. there is no 30 February)") from None
        raise _scalar_refused(node, "the file has a value that is not what its tag says", _shown(node),
                              "a date written YYYY-MM-DD") from None


def _guarded(tag: str, expected: str) -> Any:
    base = _SafeConstructor.yaml_constructors[f"tag:yaml.org,2002:{tag}"]

    def construct(loader: CaseLoader, node: yaml.ScalarNode) -> Any:
        try:
            return base(loader, node)
        except SCALAR_ERRORS:
            raise _scalar_refused(node, "the file has a value that is not what its tag says", _shown(node),
                                  expected) from None
    return construct


def _plain_digits_only(construct: Any, expected: str) -> Any:
    """A case file's !!int or !!float: refused if written as YAML 1.1 would guess (014, 0x0E, 1_4, 12:30)."""

    def strict(loader: CaseLoader, node: yaml.ScalarNode) -> Any:
        if NUMBER_LOOKALIKE.fullmatch(str(node.value).strip()):
            raise _scalar_refused(node, "the file has a number that is not written in plain decimal digits",
                                  _shown(node), expected, NUMBER_SYNTAX)
        return construct(loader, node)
    return strict


class ShippedLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """The same constructors over libyaml's parser, for the shipped edition files only.

    They are read at every start, and the pure-Python parser was most of the start-up time of
    `scr check`. Case files keep the Python parser, whose messages and limits the tests pin.
    """


for _loader in (CaseLoader, ShippedLoader):
    _loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
    _loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
    _loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
    _loader.add_constructor("tag:yaml.org,2002:float", _guarded("float", "a number"))
    _loader.add_constructor("tag:yaml.org,2002:bool", _guarded("bool", "yes or no"))
CaseLoader.add_constructor("tag:yaml.org,2002:int", _plain_digits_only(_construct_int, "a whole number"))
CaseLoader.add_constructor("tag:yaml.org,2002:float", _plain_digits_only(_guarded("float", "a number"),
                                                                               "a number"))
