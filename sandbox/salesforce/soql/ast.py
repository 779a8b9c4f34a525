"""The parsed shape of a SOQL statement, before it is checked against the org's schema."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class FieldRef:
    path: str
    pos: int


@dataclass(frozen=True, slots=True)
class CountCall:
    field: FieldRef | None  # None: COUNT()
    alias: str | None
    pos: int


@dataclass(frozen=True, slots=True)
class FieldsCall:
    kind: str  # ALL, STANDARD, CUSTOM
    pos: int


SelectItem = FieldRef | CountCall | FieldsCall


@dataclass(frozen=True, slots=True)
class Literal:
    kind: str  # string, number, boolean, null, date, datetime, dateliteral
    text: str
    pos: int


@dataclass(frozen=True, slots=True)
class Comparison:
    field: FieldRef
    op: str  # =, !=, <, <=, >, >=, LIKE, IN, NOT IN
    values: tuple[Literal, ...]  # one, except for IN / NOT IN


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: str  # AND, OR
    items: tuple[Condition, ...]


@dataclass(frozen=True, slots=True)
class Not:
    item: Condition


Condition = Comparison | BoolOp | Not


@dataclass(frozen=True, slots=True)
class OrderItem:
    field: FieldRef
    descending: bool
    nulls_first: bool | None  # None: the default (ASC -> first, DESC -> last)


@dataclass(slots=True)
class Query:
    text: str
    select: list[SelectItem]
    obj: str
    obj_pos: int
    alias: str | None = None
    where: Condition | None = None
    order: list[OrderItem] = field(default_factory=list)
    limit: int | None = None
    offset: int | None = None
