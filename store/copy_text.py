"""Values rendered as PostgreSQL's ``COPY ... FROM STDIN`` text format, a whole block of rows at once.

One string per call lets the driver send it in one piece, where psycopg's ``write_row`` dumps and escapes value by
value. Each value is written as PostgreSQL parses it back to the same value: NULL as ``\\N``; text with backslash,
tab, newline and carriage return escaped; floats as Python's shortest round-trip repr (``inf``, ``-inf``, ``nan``
are input PostgreSQL accepts); dates and timestamps in ISO 8601, with the offset when aware; booleans as t/f.
A type not listed is refused, rather than written in a form that might read back differently.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy.types import Boolean, Float, Integer, Numeric, TypeEngine

NULL = "\\N"
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


class Memo(dict[Any, Any]):
    """``function`` of each value asked for, computed once per distinct value; None gives ``none``."""

    def __init__(self, function: Callable[[Any], Any], *, none: Any = None) -> None:
        super().__init__()
        self._function = function
        self[None] = none

    def __missing__(self, value: Any) -> Any:
        self[value] = found = self._function(value)
        return found


def numeric(type_: TypeEngine[Any]) -> bool:
    """Whether a column of ``type_`` holds numbers or booleans (values equal as dict keys but written apart)."""
    return isinstance(type_, (Float, Integer, Numeric, Boolean))


def text(value: Any) -> str:
    """One value in COPY text format."""
    if value is None:
        return NULL
    if isinstance(value, str):
        return value.translate(_ESCAPES)
    if isinstance(value, bool):  # before int: a bool is one
        return "t" if value else "f"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, (int, Decimal, uuid.UUID)):
        return str(value)
    if isinstance(value, datetime):  # before date: a datetime is one
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} {value!r} as COPY text (str, bool, int, float, Decimal, "
                    "UUID, date or datetime)")


def column_text(values: Sequence[Any], *, memo: bool) -> list[str]:
    """A column's values as COPY text; ``memo``: render each distinct value once (values that repeat)."""
    if memo:
        return list(map(Memo(text, none=NULL).__getitem__, values))
    # floats, by far the most common numbers here, inline; anything else through text()
    return [repr(v) if v.__class__ is float else text(v) for v in values]


def copy_block(columns: Sequence[Sequence[str]]) -> str:
    """Rows of rendered columns as one COPY text block (each row ends in a newline)."""
    if not columns or not columns[0]:
        return ""
    return "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"
