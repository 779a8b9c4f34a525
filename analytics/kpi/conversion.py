"""Amounts converted into the reporting currency at each row's own date, in SQL (SQLite and PostgreSQL alike).

``currency_rate`` holds, per source (a connection, or ``config``), how many units of a currency one unit of the
source's corporate currency buys from a start date on. A row's amount in the reporting currency R is

    amount / rate(source, row currency, day) * rate(source, R, day)

with ``day`` the row's anchor date in the org's zone and ``rate(s, c, d)`` the rate of c in s with the latest start
date on or before d. **Precedence**: the source is the row's own connection when that connection has a rate at the
day for both currencies (the CRM's rates are what its users see); otherwise ``config`` (``kpi.rates``, quoted
against R). A row already in R needs no rate. A row without a currency is in its connection's corporate currency
when the connection keeps rates, else in R.

A row whose currency has no rate at its day in either source is never counted at 1:1: its converted amount is NULL,
so every aggregate leaves it out, and the hook's warning lists the (currency, day) pairs (``KpiResult.warnings``).

Each rate is a join, not a subquery per row and amount: ``currency_rate`` as intervals (a rate holds from its start
date until the next start date of the same source and code, ``rate_intervals``), LEFT JOINed on the one holding the
row's day; the four joins are made once for every amount of the rows converted with the same currency and day (the
measures of a shared scan), and a planner sees their true cost (PostgreSQL priced the correlated subqueries so high
that it JIT-compiled every scan, which took longer than the scan).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Float, String, and_, case, cast, func, literal, null, or_, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause, Subquery

from analytics.kpi.catalog import Measure
from analytics.kpi.hooks import Precondition
from analytics.kpi.source import Source
from store.tables import currency_rate

CONFIG_SOURCE = "config"
MISSING_SHOWN = 20  # (currency, day) pairs a warning lists at most


@dataclass(frozen=True, slots=True)
class Conversion:
    """One converted amount and what it was made from (``missing_rates`` reads the parts)."""

    value: ColumnElement[Any]  # the amount in the reporting currency; NULL where no rate applies
    amount: ColumnElement[Any]
    currency: ColumnElement[Any]  # the row's effective currency
    day: ColumnElement[Any]


@dataclass(frozen=True, slots=True)
class Converter:
    reporting: str
    corporates: Mapping[str, str]  # source -> its corporate currency, as currency_rate holds them

    @classmethod
    def load(cls, conn: Connection, reporting: str) -> Converter:
        rows = conn.execute(select(currency_rate.c.source, currency_rate.c.corporate).distinct()).all()
        return cls(reporting, {str(source): str(corporate) for source, corporate in rows})

    def currency_of(self, currency: ColumnElement[Any], source: ColumnElement[Any]) -> ColumnElement[Any]:
        """The row's currency: its own code, else its connection's corporate currency, else the reporting one."""
        fallback: ColumnElement[Any] = literal(self.reporting)
        crm = {s: c for s, c in self.corporates.items() if s != CONFIG_SOURCE}
        if crm:
            fallback = case(crm, value=source, else_=literal(self.reporting))
        return func.coalesce(func.nullif(currency, ""), fallback)

    def convert(self, amount: ColumnElement[Any], currency: ColumnElement[Any], source: ColumnElement[Any],
                day: ColumnElement[Any], rows: Source) -> Conversion:
        """``amount`` of ``rows`` converted; the four rates it needs are joined to ``rows`` (once for all its
        amounts converted with the same currency and day)."""
        code = self.currency_of(currency, source)
        number = cast(amount, Float)

        def via(src: ColumnElement[Any], name: str) -> ColumnElement[Any]:
            return (number / _rate(rows, src, code, day, f"rate_{name}_from")
                    * _rate(rows, src, literal(self.reporting), day, f"rate_{name}_to"))

        value = case((code == self.reporting, number),
                     else_=func.coalesce(via(source, "own"), via(literal(CONFIG_SOURCE), "config")))
        return Conversion(value, amount, code, day)


def rate_intervals(name: str) -> Subquery:
    """``currency_rate`` with each rate's end: the next start date of the same source and code (NULL: none)."""
    r = currency_rate.c
    until = func.lead(r.start_date).over(partition_by=(r.source, r.iso_code), order_by=r.start_date)
    return select(r.source, r.iso_code, r.start_date, r.rate, until.label("until")).subquery(name)


def _rate(rows: Source, source: ColumnElement[Any], code: ColumnElement[Any], day: ColumnElement[Any], name: str
          ) -> ColumnElement[Any]:
    """The rate of ``code`` in ``source`` in force on ``day`` (the one with the latest start date up to it): at most
    one interval holds a day, as (source, code, start date) is currency_rate's primary key."""
    def on(table: FromClause) -> ColumnElement[bool]:
        c = table.c
        return and_(c.source == source, c.iso_code == code, c.start_date <= day,
                    or_(c.until.is_(None), c.until > day))

    rate: ColumnElement[Any] = rows.join_one(rate_intervals, on, name).c.rate
    return rate


@dataclass(frozen=True, slots=True)
class DatedRates:
    """The engine's currency hook (analytics/kpi/hooks.py CurrencyHook) on ``currency_rate``."""

    converter: Converter

    @classmethod
    def load(cls, conn: Connection, reporting: str) -> DatedRates:
        return cls(Converter.load(conn, reporting))

    def convert(self, measure: Measure, amount: ColumnElement[Any], currency: ColumnElement[Any],
                day: ColumnElement[Any], rows: Source) -> ColumnElement[Any]:
        return self.converter.convert(amount, currency, _connection_of(currency), day, rows).value

    def preconditions(self, measure: Measure, rows: FromClause, currency: ColumnElement[Any], *, kpi: str
                      ) -> tuple[Precondition, ...]:
        """A warning listing the (currency, day) pairs of the rows an amount but no rate left out."""
        pair = func.coalesce(currency, "no currency") + literal(" on ") + cast(rows.c.day, String)
        found = (select(pair).select_from(rows).where(rows.c.amount.is_not(None), rows.c.v.is_(None))
                 .group_by(pair).order_by(pair).limit(MISSING_SHOWN))
        return (Precondition(found, f"KPI {kpi}: measure {measure.name} leaves out the amounts with no exchange "
                                    f"rate into {self.converter.reporting}: {{found}} (the first {MISSING_SHOWN} at "
                                    "most; sync the CRM's rates, or add kpi.rates in crmhub.yaml)", "warning"),)


def _connection_of(currency: ColumnElement[Any]) -> ColumnElement[Any]:
    """The connection a row came from: ``source_connection`` of the table its currency column is read from."""
    table = getattr(currency, "table", None)
    columns = getattr(table, "c", None)
    if columns is None or "source_connection" not in columns:
        return null()  # no connection known: the config's rates only
    found: ColumnElement[Any] = columns.source_connection
    return found
