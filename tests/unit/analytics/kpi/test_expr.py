"""analytics/kpi/expr.py: the grammar is a whitelist, and arithmetic means the same on both dialects."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import Float, create_engine, literal, literal_column, null, select, type_coerce

from analytics.kpi import expr
from analytics.kpi.zone import Clock


@pytest.mark.parametrize("text", [
    "amount", "opportunity.amount", "amount * probability / 100", "-(a + b) * 2.5",
    "coalesce(discount_amount, list_price * quantity * discount_percent / 100)",
    "days_between(created_at, close_date)", "greatest(a, b, c)", "abs(a - b)",
])
def test_the_grammar_accepts(text: str) -> None:
    expr.parse(text)


@pytest.mark.parametrize(("text", "why"), [
    ("__import__('os')", "is not one of the functions"),
    ("a.b.c", "outside the grammar"),
    ("a ** 2", "outside the grammar"),
    ("a if b else c", "outside the grammar"),
    ("a == b", "outside the grammar"),
    ("True", "outside the grammar"),
    ("'text'", "outside the grammar"),
    ("amount[0]", "outside the grammar"),
    ("days_between(a)", "takes 2 arguments, got 1"),
    ("coalesce(a)", "takes at least 2 arguments"),
    ("abs", "is a function"),
    ("Amount", "is not a column path"),
    ("round(a, 2)", "is not one of the functions"),
    ("a +", "is not an expression"),
])
def test_the_grammar_refuses(text: str, why: str) -> None:
    with pytest.raises(expr.ExprError, match=why):
        expr.parse(text)


def test_formulas_take_names_and_arithmetic_only() -> None:
    assert expr.names("won / (won + lost)", functions=False) == ("won", "lost")
    with pytest.raises(expr.ExprError, match="outside the grammar: input names, numbers"):
        expr.parse("abs(won)", functions=False)
    with pytest.raises(expr.ExprError, match="is not an input name"):
        expr.parse("opportunity.won", functions=False)


def test_names_lists_column_paths_in_order() -> None:
    assert expr.names("days_between(created_at, opportunity.close_date) + created_at") == (
        "created_at", "opportunity.close_date")


def _evaluate(text: str, **row: Any) -> Any:
    """``text`` over one row of literal values, on SQLite."""
    def resolve(path: str) -> expr.Typed:
        value = row[path]
        return (type_coerce(null(), Float) if value is None else literal(value, Float)), "number"

    sql, _ = expr.to_sql(text, resolve, Clock("sqlite").between)
    with create_engine("sqlite://").connect() as conn:
        return conn.execute(select(sql)).scalar()


def test_arithmetic_is_floating_point_and_a_division_by_zero_is_null() -> None:
    assert _evaluate("a / b", a=1, b=4) == 0.25
    assert _evaluate("a / b", a=1, b=0) is None
    assert _evaluate("-a + 2 * b", a=1, b=3) == 5


def test_greatest_and_least_skip_nulls_as_postgresql_does() -> None:
    assert _evaluate("greatest(a, b)", a=None, b=3) == 3
    assert _evaluate("least(a, b)", a=2, b=None) == 2
    assert _evaluate("greatest(a, b, c)", a=1, b=7, c=3) == 7
    assert _evaluate("greatest(a, b)", a=None, b=None) is None
    assert _evaluate("coalesce(a, b)", a=None, b=5) == 5


def test_kinds_are_checked() -> None:
    def resolve(path: str) -> expr.Typed:
        return literal("2025-01-01"), ("date" if path.endswith("date") else "text")

    with pytest.raises(expr.ExprError, match="is a date, arithmetic needs numbers"):
        expr.to_sql("close_date + 1", resolve, Clock("sqlite").between)
    with pytest.raises(expr.ExprError, match="takes dates or datetimes, got a text"):
        expr.to_sql("days_between(name, close_date)", resolve, Clock("sqlite").between)
    with pytest.raises(expr.ExprError, match="mixes date and text"):
        expr.to_sql("coalesce(name, close_date)", resolve, Clock("sqlite").between)


def test_postgresql_gets_epoch_arithmetic() -> None:
    def resolve(path: str) -> expr.Typed:
        return literal_column(path), "datetime"

    sql, kind = expr.to_sql("hours_between(opened_at, closed_at)", resolve, Clock("postgresql").between)
    text = str(sql.compile(dialect=create_engine("postgresql+psycopg://").dialect))  # no connection is made
    assert kind == "number" and "EXTRACT(epoch FROM closed_at - opened_at)" in text
