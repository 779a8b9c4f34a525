"""Measure expressions and KPI formulas: parsed with Python's ``ast``, only a whitelist of nodes, into SQLAlchemy.

The grammar (schema.MeasureSpec): column paths (``amount``, ``opportunity.amount``), numbers, ``+ - * /``, unary
minus, parentheses and the functions ``days_between(a, b)``, ``hours_between(a, b)``, ``minutes_between(a, b)``
(b - a), ``coalesce(a, b, ...)``, ``abs(a)``, ``greatest(a, b, ...)``, ``least(a, b, ...)``. A KPI formula
(derived KPIs) is the arithmetic part only, over the names of its inputs.

Arithmetic is done in floating point on both dialects (integer columns and constants are cast) and a division by
zero is NULL, never an error (PostgreSQL) or an integer quotient (SQLite). ``greatest``/``least`` skip NULLs as
PostgreSQL's do; they are written as CASE so SQLite (whose max/min return NULL on any NULL) agrees.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable
from typing import Any, Literal

from sqlalchemy import Float, and_, case, func, literal, or_, type_coerce
from sqlalchemy.sql.elements import ColumnElement

Kind = Literal["number", "date", "datetime", "text", "boolean"]
Typed = tuple[ColumnElement[Any], Kind]
Unit = Literal["days", "hours", "minutes"]
# Resolves a column path (or a formula's input name) to its SQL and kind.
Resolver = Callable[[str], Typed]
# days/hours/minutes from a to b (b - a), each with its kind: date or datetime.
Between = Callable[[Unit, Typed, Typed], ColumnElement[Any]]

BETWEEN: dict[str, Unit] = {"days_between": "days", "hours_between": "hours", "minutes_between": "minutes"}
# name -> (fewest, most) arguments; None: no upper bound.
FUNCTIONS: dict[str, tuple[int, int | None]] = {**{name: (2, 2) for name in BETWEEN}, "coalesce": (2, None),
                                                 "abs": (1, 1), "greatest": (2, None), "least": (2, None)}
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_ARITHMETIC = (ast.Add, ast.Sub, ast.Mult, ast.Div)


class ExprError(ValueError):
    """An expression outside the grammar, or of the wrong kind (arithmetic on dates, say); the message says which."""


def parse(text: str, *, functions: bool = True) -> ast.expr:
    """The checked syntax tree of ``text``: every node is in the grammar (``functions=False``: a KPI formula)."""
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise ExprError(f"{text!r} is not an expression: {exc.msg} (column {exc.offset})") from None
    _check(tree.body, text, functions)
    return tree.body


def names(text: str, *, functions: bool = True) -> tuple[str, ...]:
    """The column paths (or a formula's input names) ``text`` reads, in order of first use."""
    found: dict[str, None] = {}

    def walk(node: ast.expr) -> None:
        path = _path(node)
        if path is not None:
            found[path] = None
        elif isinstance(node, ast.UnaryOp):
            walk(node.operand)
        elif isinstance(node, ast.BinOp):
            walk(node.left)
            walk(node.right)
        elif isinstance(node, ast.Call):
            for arg in node.args:
                walk(arg)

    walk(parse(text, functions=functions))
    return tuple(found)


def _path(node: ast.AST) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        return f"{node.value.id}.{node.attr}"
    return None


def _check(node: ast.AST, text: str, functions: bool) -> None:
    path = _path(node)
    if path is not None:
        if not all(_NAME.match(part) for part in path.split(".")) or (not functions and "." in path):
            raise ExprError(f"{path!r} in {text!r} is not {'a column path' if functions else 'an input name'}")
        if path in FUNCTIONS:
            raise ExprError(f"{path!r} in {text!r} is a function: call it, {path}(...)")
        return
    if isinstance(node, ast.Constant) and type(node.value) in (int, float):
        return
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub | ast.UAdd):
        _check(node.operand, text, functions)
        return
    if isinstance(node, ast.BinOp) and isinstance(node.op, _ARITHMETIC):
        _check(node.left, text, functions)
        _check(node.right, text, functions)
        return
    if isinstance(node, ast.Call) and functions and isinstance(node.func, ast.Name) and not node.keywords:
        name = node.func.id
        if name not in FUNCTIONS:
            raise ExprError(f"{name}() in {text!r} is not one of the functions {', '.join(FUNCTIONS)}")
        fewest, most = FUNCTIONS[name]
        if len(node.args) < fewest or (most is not None and len(node.args) > most):
            wanted = f"{fewest}" if fewest == most else f"at least {fewest}"
            raise ExprError(f"{name}() in {text!r} takes {wanted} arguments, got {len(node.args)}")
        for arg in node.args:
            _check(arg, text, functions)
        return
    shown = ast.unparse(node) if isinstance(node, ast.expr) else type(node).__name__
    allowed = (f"column paths, numbers, + - * /, parentheses and {', '.join(FUNCTIONS)}" if functions
               else "input names, numbers, + - * / and parentheses")
    raise ExprError(f"{shown!r} in {text!r} is outside the grammar: {allowed}")


def to_sql(text: str, resolve: Resolver, between: Between | None = None) -> Typed:
    """``text`` as a SQL expression and its kind; ``between`` compiles the *_between functions (None: a formula)."""
    return _Compiler(text, resolve, between).visit(parse(text, functions=between is not None))


class _Compiler:
    def __init__(self, text: str, resolve: Resolver, between: Between | None) -> None:
        self.text, self.resolve, self.between = text, resolve, between

    def visit(self, node: ast.expr) -> Typed:
        path = _path(node)
        if path is not None:
            return self.resolve(path)
        if isinstance(node, ast.Constant):
            assert isinstance(node.value, int | float)  # parse() let no other constant through
            return literal(float(node.value), Float), "number"
        if isinstance(node, ast.UnaryOp):
            value = self.number(node.operand)
            return (-value if isinstance(node.op, ast.USub) else value), "number"
        if isinstance(node, ast.BinOp):
            return self.arithmetic(node), "number"
        assert isinstance(node, ast.Call) and isinstance(node.func, ast.Name)  # parse() let nothing else through
        return self.call(node.func.id, [self.visit(arg) for arg in node.args])

    def number(self, node: ast.expr) -> ColumnElement[Any]:
        sql, kind = self.visit(node)
        if kind != "number":
            hint = " (days_between(a, b) and its kin subtract dates)" if kind in ("date", "datetime") else ""
            raise ExprError(f"{ast.unparse(node)!r} in {self.text!r} is a {kind}, arithmetic needs numbers{hint}")
        return sql

    def arithmetic(self, node: ast.BinOp) -> ColumnElement[Any]:
        left, right = self.number(node.left), self.number(node.right)
        if isinstance(node.op, ast.Add):
            return left + right
        if isinstance(node.op, ast.Sub):
            return left - right
        if isinstance(node.op, ast.Mult):
            return left * right
        return left / type_coerce(func.nullif(right, 0), Float)  # x / 0 is no value, on both dialects

    def call(self, name: str, args: list[Typed]) -> Typed:
        if name in BETWEEN:
            assert self.between is not None
            for _, kind in args:
                if kind not in ("date", "datetime"):
                    raise ExprError(f"{name}() in {self.text!r} takes dates or datetimes, got a {kind}")
            return self.between(BETWEEN[name], args[0], args[1]), "number"
        kinds = {kind for _, kind in args}
        if len(kinds) > 1:
            raise ExprError(f"{name}() in {self.text!r} mixes {' and '.join(sorted(kinds))} arguments")
        kind = kinds.pop()
        sqls = [sql for sql, _ in args]
        if name == "coalesce":
            return type_coerce(func.coalesce(*sqls), sqls[0].type), kind
        if name == "abs":
            if kind != "number":
                raise ExprError(f"abs() in {self.text!r} takes a number, got a {kind}")
            return func.abs(sqls[0]), kind
        result = sqls[0]
        for other in sqls[1:]:
            result = _pick(result, other, greater=name == "greatest")
        return result, kind


def _pick(a: ColumnElement[Any], b: ColumnElement[Any], *, greater: bool) -> ColumnElement[Any]:
    """greatest/least of two, NULL only when both are (PostgreSQL's rule, written so SQLite follows it)."""
    wins = a >= b if greater else a <= b
    return type_coerce(case((a.is_(None), b), (or_(b.is_(None), and_(wins)), a), else_=b), a.type)


def evaluate(tree: ast.expr, values: dict[str, float | None]) -> float | None:
    """A parsed KPI formula (``parse(text, functions=False)``) over its inputs' values, as to_sql computes it in SQL:
    in floating point, no value where an input has none, and x / 0 no value."""
    path = _path(tree)
    if path is not None:
        return values[path]
    if isinstance(tree, ast.Constant):
        assert isinstance(tree.value, int | float)  # parse() let no other constant through
        return float(tree.value)
    if isinstance(tree, ast.UnaryOp):
        operand = evaluate(tree.operand, values)
        return None if operand is None else (-operand if isinstance(tree.op, ast.USub) else operand)
    assert isinstance(tree, ast.BinOp)  # parse() let nothing else through a formula
    left, right = evaluate(tree.left, values), evaluate(tree.right, values)
    if left is None or right is None:
        return None
    if isinstance(tree.op, ast.Add):
        return left + right
    if isinstance(tree.op, ast.Sub):
        return left - right
    if isinstance(tree.op, ast.Mult):
        return left * right
    return None if right == 0 else left / right
