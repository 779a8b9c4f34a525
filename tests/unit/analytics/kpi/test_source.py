"""Source.join_one: a lookup joined once per (name, condition), however many measures of a scan ask for it."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import literal, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from analytics.kpi.conversion import rate_intervals
from analytics.kpi.source import Source


def _on(code: str) -> Callable[[FromClause], ColumnElement[bool]]:
    def on(table: FromClause) -> ColumnElement[bool]:
        return table.c.iso_code == literal(code)  # a new bound literal each call: compared by value
    return on


def test_the_same_lookup_is_joined_once() -> None:
    source = Source("opportunity")
    first = source.join_one(rate_intervals, _on("EUR"), "rate_x")
    again = source.join_one(rate_intervals, _on("EUR"), "rate_x")  # a second measure of the same scan
    assert again is first
    sql = str(select(source.base.c.id).select_from(source.from_clause()))
    assert sql.count("JOIN") == 1


def test_the_same_name_on_another_condition_is_joined_apart() -> None:
    source = Source("opportunity")
    eur = source.join_one(rate_intervals, _on("EUR"), "rate_x")
    gbp = source.join_one(rate_intervals, _on("GBP"), "rate_x")
    assert gbp is not eur and "rate_x_1" in str(select(gbp.c.rate))
    sql = str(select(source.base.c.id).select_from(source.from_clause()))
    assert sql.count("JOIN") == 2
