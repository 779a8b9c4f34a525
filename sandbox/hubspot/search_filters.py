"""Search filters compiled to predicates over one record version, with HubSpot's comparison rules:

- datetimes compare as instants (filter values as epoch-ms or ISO strings), numbers numerically, ``hs_object_id``
  as a number, strings and enumerations case-insensitively for EQ/NEQ;
- IN/NOT_IN on string properties match the lower-cased stored value against the values as given, so upper-case
  values never match (HubSpot documents that such values must be lower-case);
- a record without a value fails every comparison except NEQ, NOT_IN and NOT_HAS_PROPERTY.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sandbox.hubspot.errors import ApiError
from sandbox.hubspot.records import Rec, Values
from sandbox.hubspot.schema import ObjectSchema, PropertyDef
from sandbox.hubspot.timefmt import parse_instant

OPERATORS = ("EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY", "NOT_HAS_PROPERTY",
             "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN")
RANGE_OPS = ("EQ", "LT", "LTE", "GT", "GTE", "BETWEEN")
_TOKEN_SPLIT = re.compile(r"[\s@,;]+")

Predicate = Callable[[Rec, Values, int], bool]
KeyOf = Callable[[Rec, Values, int], Any]


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _lower(text: str) -> str | None:
    return text.lower() if text else None


def parser_for(prop: PropertyDef) -> Callable[[str], Any]:
    """Text → comparison key for this property (None when the text is no value of its type)."""
    if prop.kind == "id":
        return lambda t: int(t) if t.strip().isdigit() else None
    if prop.type == "number":
        return _number
    if prop.type in ("datetime", "date"):
        return parse_instant
    return _lower


def key_of(schema: ObjectSchema, prop: PropertyDef) -> KeyOf:
    """The comparison key of a record version for ``prop`` (None: no value)."""
    if prop.kind == "id":
        return lambda rec, values, modified: rec.id
    if prop.kind == "created":
        return lambda rec, values, modified: rec.created
    if prop.kind == "modified":
        return lambda rec, values, modified: modified
    getter, parse = schema.getters[prop.name], parser_for(prop)

    def key(rec: Rec, values: Values, modified: int) -> Any:
        raw = getter(rec, values, modified)
        return parse(raw) if raw else None

    return key


@dataclass(frozen=True, slots=True)
class Filter:
    prop: PropertyDef
    op: str
    low: Any = None
    high: Any = None
    values: frozenset[Any] = frozenset()

    def key_range(self) -> tuple[Any, Any] | None:
        """Inclusive (low, high) this filter allows, for integer-keyed properties (ids, instants); None if none."""
        if self.op not in RANGE_OPS:
            return None
        return {"EQ": (self.low, self.low), "GT": (self.low + 1, None), "GTE": (self.low, None),
                "LT": (None, self.low - 1), "LTE": (None, self.low), "BETWEEN": (self.low, self.high)}[self.op]


def parse_filter(schema: ObjectSchema, raw: object, where: str) -> Filter:
    if not isinstance(raw, dict):
        raise ApiError(400, f"{where} must be an object with propertyName and operator")
    name, op = raw.get("propertyName"), raw.get("operator")
    prop = schema.props.get(str(name))
    if prop is None:
        raise ApiError(400, f"{where}: property {name!r} does not exist on {schema.name}")
    if op not in OPERATORS:
        raise ApiError(400, f"{where}: operator {op!r} is not one of {', '.join(OPERATORS)}")
    parse = parser_for(prop)

    def value(field: str) -> Any:
        given = raw.get(field)
        if given is None:
            raise ApiError(400, f"{where}: operator {op} needs {field!r}")
        text = ("true" if given else "false") if isinstance(given, bool) else str(given)
        key = parse(text)
        if key is None:
            raise ApiError(400, f"{where}: {text!r} is not a valid {prop.type} value for {prop.name}")
        return key

    if op in ("HAS_PROPERTY", "NOT_HAS_PROPERTY"):
        return Filter(prop, op)
    if op in ("IN", "NOT_IN"):
        given = raw.get("values")
        if not isinstance(given, list) or not given:
            raise ApiError(400, f"{where}: operator {op} needs a non-empty 'values' list")
        if prop.type == "string" and prop.kind == "column":
            return Filter(prop, op, values=frozenset(str(v) for v in given))  # as given: see module docstring
        return Filter(prop, op, values=frozenset(value_of(parse, v, where, prop) for v in given))
    if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        token = raw.get("value")
        if token is None or str(token) == "":
            raise ApiError(400, f"{where}: operator {op} needs 'value'")
        return Filter(prop, op, low=str(token).lower())
    if op == "BETWEEN":
        return Filter(prop, op, low=value("value"), high=value("highValue"))
    return Filter(prop, op, low=value("value"))


def value_of(parse: Callable[[str], Any], given: object, where: str, prop: PropertyDef) -> Any:
    key = parse(str(given))
    if key is None:
        raise ApiError(400, f"{where}: {given!r} is not a valid {prop.type} value for {prop.name}")
    return key


def _tokens_match(text: str, pattern: str) -> bool:
    tokens = [text, *_TOKEN_SPLIT.split(text)]
    if "*" in pattern:
        return any(fnmatch.fnmatchcase(t, pattern) for t in tokens)
    return pattern in tokens


def compile_filter(schema: ObjectSchema, f: Filter) -> Predicate:
    key = key_of(schema, f.prop)
    op, low, high, values = f.op, f.low, f.high, f.values
    if op == "HAS_PROPERTY":
        return lambda r, v, m: key(r, v, m) is not None
    if op == "NOT_HAS_PROPERTY":
        return lambda r, v, m: key(r, v, m) is None
    if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
        getter, want = schema.getters[f.prop.name], op == "CONTAINS_TOKEN"
        return lambda r, v, m: _tokens_match((getter(r, v, m) or "").lower(), low) is want
    comparisons: dict[str, Callable[[Any], bool]] = {
        "EQ": lambda k: k is not None and k == low, "NEQ": lambda k: k != low,
        "LT": lambda k: k is not None and k < low, "LTE": lambda k: k is not None and k <= low,
        "GT": lambda k: k is not None and k > low, "GTE": lambda k: k is not None and k >= low,
        "BETWEEN": lambda k: k is not None and low <= k <= high,
        "IN": lambda k: k is not None and k in values, "NOT_IN": lambda k: k not in values,
    }
    test = comparisons[op]
    return lambda r, v, m: test(key(r, v, m))
