"""WHERE comparisons checked against field types and turned into row predicates, with SOQL's semantics.

Text comparisons ignore case (``Name = 'acme'`` matches "Acme"); ``!=`` and ``NOT IN`` also match nulls; date
literals (``TODAY``, ``LAST_N_DAYS:7``) are day ranges; datetime literals are unquoted and carry a zone.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from sandbox.common.sfids import case_safe_suffix
from sandbox.salesforce.fields import ID_TYPES, NUMBER_TYPES, STRING_TYPES, FieldDef
from sandbox.salesforce.paths import Path
from sandbox.salesforce.soql.ast import Comparison, Literal
from sandbox.salesforce.soql.dates import date_range
from sandbox.salesforce.soql.errors import SoqlError, located
from sandbox.salesforce.soql.lexer import plain
from sandbox.salesforce.timefmt import day_start, fmt_datetime, parse_datetime

Predicate = Callable[[list[Any]], bool]
_ID = re.compile(r"^[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?$")
_TYPE_WORD = {"double": "double", "currency": "double", "percent": "double", "int": "integer", "boolean": "boolean",
              "date": "date", "datetime": "dateTime"}


def category(f: FieldDef) -> str:
    if f.type in ID_TYPES:
        return "id"
    if f.type in STRING_TYPES:
        return "string"
    if f.type in NUMBER_TYPES:
        return "number"
    return f.type  # boolean, date, datetime


def normalize_id(text: str) -> str | None:
    if not _ID.match(text):
        return None
    return text if len(text) == 18 else text + case_safe_suffix(text)


class Ranged:
    """A date literal compared with a date or datetime field: ``[lo, hi)`` in the field's stored form."""

    __slots__ = ("hi", "lo")

    def __init__(self, lo: str, hi: str) -> None:
        self.lo, self.hi = lo, hi


class FilterBuilder:
    def __init__(self, *, soql: str, today: date) -> None:
        self.soql = soql
        self.today = today

    def _type_error(self, path: Path, lit: Literal) -> SoqlError:
        f = path.field
        cat = category(f)
        if cat in ("string", "id"):
            return located("INVALID_FIELD", self.soql, lit.pos, f"value of filter criterion for field '{path.dotted}' "
                           "must be of type string and should be enclosed in quotes")
        return located("INVALID_FIELD", self.soql, lit.pos, f"value of filter criterion for field '{path.dotted}' "
                       f"must be of type {_TYPE_WORD.get(f.type, f.type)} and should not be enclosed in quotes")

    def value(self, path: Path, lit: Literal) -> Any:
        """The literal in the field's stored form (strings casefolded), a Ranged, or None for null."""
        if lit.kind == "null":
            return None
        cat = category(path.field)
        if lit.kind == "dateliteral":
            rng = date_range(lit.text, self.today)
            if rng is None:
                raise located("MALFORMED_QUERY", self.soql, lit.pos, f"unexpected token: {lit.text}")
            if cat == "date":
                return Ranged(rng[0].isoformat(), rng[1].isoformat())
            if cat == "datetime":
                return Ranged(fmt_datetime(day_start(rng[0])), fmt_datetime(day_start(rng[1])))
            raise self._type_error(path, lit)
        if cat == "string" and lit.kind == "string":
            return plain(lit.text).casefold()
        if cat == "id" and lit.kind == "string":
            normalized = normalize_id(plain(lit.text))
            if normalized is None:
                raise located("INVALID_QUERY_FILTER_OPERATOR", self.soql, lit.pos, f"invalid ID field: {lit.text}")
            return normalized
        if cat == "number" and lit.kind == "number":
            return float(lit.text)
        if cat == "boolean" and lit.kind == "boolean":
            return lit.text == "TRUE"
        if cat == "date" and lit.kind == "date":
            return lit.text
        if cat == "datetime" and lit.kind == "datetime":
            parsed = parse_datetime(lit.text)
            if parsed is None:
                raise located("MALFORMED_QUERY", self.soql, lit.pos, f"unexpected token: {lit.text}")
            return fmt_datetime(parsed)
        raise self._type_error(path, lit)

    def build(self, path: Path, cmp: Comparison) -> Predicate:
        if not path.field.filterable:
            raise located("INVALID_FIELD", self.soql, cmp.field.pos,
                          f"field '{path.dotted}' can not be filtered in a query call")
        get = path.get
        folded = category(path.field) == "string"
        if cmp.op == "LIKE":
            return self._like(path, cmp, get)
        if cmp.op in ("IN", "NOT IN"):
            tests = [self._scalar(get, "=", self.value(path, lit), folded) for lit in cmp.values]
            if cmp.op == "IN":
                return lambda row: any(t(row) for t in tests)
            return lambda row: not any(t(row) for t in tests)
        value = self.value(path, cmp.values[0])
        if value is None and cmp.op not in ("=", "!="):
            raise located("MALFORMED_QUERY", self.soql, cmp.values[0].pos, "invalid operator on null: " + cmp.op)
        return self._scalar(get, cmp.op, value, folded)

    def _like(self, path: Path, cmp: Comparison, get: Callable[[list[Any]], Any]) -> Predicate:
        lit = cmp.values[0]
        if category(path.field) != "string":
            raise located("INVALID_FIELD", self.soql, cmp.field.pos,
                          f"invalid operator on field '{path.dotted}': LIKE applies to text fields only")
        if lit.kind != "string":
            raise self._type_error(path, lit)
        pattern = re.compile(_like_regex(lit.text), re.IGNORECASE | re.DOTALL)

        def like(row: list[Any]) -> bool:
            v = get(row)
            return v is not None and pattern.fullmatch(v) is not None
        return like

    @staticmethod
    def _scalar(get: Callable[[list[Any]], Any], op: str, value: Any, folded: bool) -> Predicate:
        if value is None:
            return (lambda row: get(row) is None) if op == "=" else (lambda row: get(row) is not None)
        if isinstance(value, Ranged):
            lo, hi = value.lo, value.hi
            inside: Predicate = lambda row: (v := get(row)) is not None and lo <= v < hi  # noqa: E731
            return {
                "=": inside,
                "!=": lambda row: not inside(row),
                "<": lambda row: (v := get(row)) is not None and v < lo,
                "<=": lambda row: (v := get(row)) is not None and v < hi,
                ">": lambda row: (v := get(row)) is not None and v >= hi,
                ">=": lambda row: (v := get(row)) is not None and v >= lo,
            }[op]
        key: Callable[[Any], Any] = str.casefold if folded else (lambda v: v)
        eq: Predicate = lambda row: (v := get(row)) is not None and key(v) == value  # noqa: E731
        return {
            "=": eq,
            "!=": lambda row: not eq(row),
            "<": lambda row: (v := get(row)) is not None and key(v) < value,
            "<=": lambda row: (v := get(row)) is not None and key(v) <= value,
            ">": lambda row: (v := get(row)) is not None and key(v) > value,
            ">=": lambda row: (v := get(row)) is not None and key(v) >= value,
        }[op]


def _like_regex(pattern: str) -> str:
    out = []
    i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\" and i + 1 < len(pattern) and pattern[i + 1] in "%_":
            out.append(re.escape(pattern[i + 1]))
            i += 2
            continue
        out.append(".*" if char == "%" else "." if char == "_" else re.escape(char))
        i += 1
    return "".join(out)
