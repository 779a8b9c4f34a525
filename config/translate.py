"""Pydantic validation errors as ConfigProblems, with messages of our own.

Pydantic's messages sit next to ``input_value``, and a few quote the input; ours are built from the error type
and its context only, and name the type of a wrong value, never the value itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from pydantic import BaseModel, ValidationError

from config.errors import ConfigProblem, did_you_mean, quoted_list
from config.locate import Location, locate
from config.models.base import PROBLEM_ERROR_TYPE

_QUOTED = re.compile(r"'([^']*)'")
# Errors that only echo another one: a default computed from a field that is itself invalid.
_CONSEQUENCES = frozenset({"default_factory_not_called"})


def problems_from(error: ValidationError, *, root: type[BaseModel]) -> list[ConfigProblem]:
    problems: list[ConfigProblem] = []
    for details in error.errors(include_url=False, include_context=True, include_input=True):
        if details["type"] in _CONSEQUENCES:
            continue
        where = locate(root, details["loc"])
        message = _message(details, where)
        if where.is_key:
            message = f"invalid name: {message}"
        problems.append(ConfigProblem(where.path, message))
    return problems


def _message(details: Mapping[str, Any], where: Location) -> str:
    kind: str = details["type"]
    ctx: Mapping[str, Any] = details.get("ctx") or {}
    value = details.get("input")
    if kind in _BY_TYPE:
        return _BY_TYPE[kind](ctx, value, where, details)
    for prefix, expected in _EXPECTED_TYPE.items():
        if kind.startswith(prefix):
            return f"expected {expected}, got {_describe(value)}"
    # Remaining pydantic messages are generic sentences ("Input should be a finite number"), never the input.
    return str(details["msg"])


def _describe(value: object) -> str:
    """What kind of value this is, in YAML terms, without showing it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal number"
    if isinstance(value, str):
        return "an empty string" if not value else "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a mapping"
    return f"a {type(value).__name__}"


def _unknown_key(ctx: Mapping[str, Any], value: Any, where: Location, details: Mapping[str, Any]) -> str:
    name = str(details["loc"][-1])
    # As written in the file: a field's alias where it has one (``from``, which Python cannot name a field).
    allowed = [f.alias or n for n, f in where.owner.model_fields.items()] if where.owner is not None else []
    hint = did_you_mean(name, allowed)
    if hint:
        return "unknown key" + hint
    return f"unknown key (allowed here: {', '.join(allowed)})" if allowed else "unknown key"


def _choice(ctx: Mapping[str, Any], value: Any, where: Location, details: Mapping[str, Any]) -> str:
    expected = str(ctx.get("expected", ""))
    hint = did_you_mean(value, _QUOTED.findall(expected)) if isinstance(value, str) else ""
    return f"expected {expected}" + hint


def _bad_tag(ctx: Mapping[str, Any], value: Any, where: Location, details: Mapping[str, Any]) -> str:
    tags = _QUOTED.findall(str(ctx.get("expected_tags", "")))
    discriminator = str(ctx.get("discriminator", "")).strip("'")
    tag = str(ctx.get("tag", ""))
    return f"unknown {discriminator} '{tag}'; expected one of {quoted_list(tags)}" + did_you_mean(tag, tags)


def _missing_tag(ctx: Mapping[str, Any], value: Any, where: Location, details: Mapping[str, Any]) -> str:
    discriminator = str(ctx.get("discriminator", "")).strip("'")
    return f"required key '{discriminator}' is missing"


def _custom(ctx: Mapping[str, Any], value: Any, where: Location, details: Mapping[str, Any]) -> str:
    return str(ctx.get("message", details["msg"]))


def _value_error(ctx: Mapping[str, Any], value: Any, where: Location, details: Mapping[str, Any]) -> str:
    # Our validators raise ValueError with messages that never include the value.
    return str(ctx.get("error", details["msg"]))


def _too_short(ctx: Mapping[str, Any], value: Any, where: Location, details: Mapping[str, Any]) -> str:
    minimum = ctx.get("min_length", 1)
    if _about_text(details):
        return "must not be empty" if minimum == 1 else f"must be at least {minimum} characters long"
    return f"must have at least {minimum} entr{'y' if minimum == 1 else 'ies'}"


def _too_long(ctx: Mapping[str, Any], value: Any, where: Location, details: Mapping[str, Any]) -> str:
    maximum = ctx.get("max_length")
    if _about_text(details):
        return f"must be at most {maximum} characters long"
    return f"must have at most {maximum} entries"


def _about_text(details: Mapping[str, Any]) -> bool:
    return str(details["type"]).startswith("string_") or isinstance(details.get("input"), str)


def _bound(text: str, key: str) -> Callable[..., str]:
    return lambda ctx, value, where, details: f"{text} {_number(ctx.get(key))}"


def _number(limit: object) -> str:
    # Float fields carry float limits: "at most 1", not "at most 1.0".
    return str(int(limit)) if isinstance(limit, float) and limit.is_integer() else str(limit)


_Builder = Callable[[Mapping[str, Any], Any, Location, Mapping[str, Any]], str]

_BY_TYPE: dict[str, _Builder] = {
    "missing": lambda ctx, value, where, details: "required key is missing",
    "extra_forbidden": _unknown_key,
    "literal_error": _choice,
    "enum": _choice,
    "union_tag_invalid": _bad_tag,
    "union_tag_not_found": _missing_tag,
    PROBLEM_ERROR_TYPE: _custom,
    "value_error": _value_error,
    "assertion_error": _value_error,
    "too_short": _too_short,
    "string_too_short": _too_short,
    "too_long": _too_long,
    "string_too_long": _too_long,
    "greater_than": _bound("must be greater than", "gt"),
    "greater_than_equal": _bound("must be at least", "ge"),
    "less_than": _bound("must be less than", "lt"),
    "less_than_equal": _bound("must be at most", "le"),
    "string_pattern_mismatch": _bound("must match the pattern", "pattern"),
    "invalid_key": lambda ctx, value, where, details: (
        f"unknown key; keys are names, this one is {_describe(value)}"
    ),
    "int_from_float": lambda ctx, value, where, details: f"expected an integer, got {_describe(value)}",
}

# Error type prefix -> what was expected; covers *_type and *_parsing errors of each family.
_EXPECTED_TYPE: dict[str, str] = {
    "int_": "an integer",
    "float_": "a number",
    "bool_": "true or false",
    "string_": "a string",
    "dict_": "a mapping",
    "model_": "a mapping",
    "list_": "a list",
    "path_": "a file path",
    "url_": "a URL",
}
