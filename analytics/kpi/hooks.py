"""Where the engine hands over to the parts built elsewhere (branch kpi-values): currency conversion and as-of
history. Each is a small protocol; the defaults here never produce a silent wrong number.

- ``CurrencyHook.convert`` turns a row's amount into the reporting currency at the row's date and may add
  preconditions (queries that must return no row). The default, ``ReportingCurrencyOnly``, is the identity for rows
  whose currency is NULL or the reporting one, and adds a precondition that finds any other: a KPI that would need a
  real conversion fails with KpiNotComputable naming the KPI, the measure and the currencies found.
- ``AsOfHook.states`` gives, for an ``as_of: true`` measure, its entity's rows as they stood at each period's end.
  There is no default: compiling such a measure without one fails with KpiNotComputable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, Protocol

from sqlalchemy import Select, select
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import FromClause

from analytics.kpi.catalog import Measure
from analytics.kpi.schema import Period
from analytics.kpi.source import Source
from analytics.kpi.zone import Clock


@dataclass(frozen=True, slots=True)
class Precondition:
    """A query that must return no row before the KPI is computed; ``message`` is raised with what it found. A
    ``warning`` does not stop the KPI: its message goes into the result's warnings (rows left out, and why)."""

    query: Select[Any]
    message: str  # "{found}" is replaced by the values of the rows found (comma-separated)
    severity: Literal["error", "warning"] = "error"


class CurrencyHook(Protocol):
    def convert(self, measure: Measure, amount: ColumnElement[Any], currency: ColumnElement[Any],
                day: ColumnElement[Any], rows: Source) -> ColumnElement[Any]:
        """``amount`` (in ``currency``) in the reporting currency at ``day`` (the row's local anchor date); what it
        reads besides may be joined to ``rows`` (Source.join_one: one row at most for each of theirs)."""
        ...

    def preconditions(self, measure: Measure, rows: FromClause, currency: ColumnElement[Any], *, kpi: str
                      ) -> tuple[Precondition, ...]:
        """Checks on the measure's rows (``rows``, with ``currency`` their currency) before the KPI runs."""
        ...


class AsOfHook(Protocol):
    def states(self, measure: Measure, *, period: Period | None, start: date | None, end: date | None,
               clock: Clock) -> tuple[FromClause, ColumnElement[Any]]:
        """The measure's entity rows as they stood at each period's end within [start, end): a FROM with the entity
        table's columns (``deleted_at`` included), and the column holding the start of the period each row is a
        state at (its end is the as-of instant)."""
        ...


@dataclass(frozen=True, slots=True)
class ReportingCurrencyOnly:
    """Amounts already in the reporting currency (or with none) pass as they are; any other currency is refused."""

    reporting: str = "USD"

    def convert(self, measure: Measure, amount: ColumnElement[Any], currency: ColumnElement[Any],
                day: ColumnElement[Any], rows: Source) -> ColumnElement[Any]:
        return amount

    def preconditions(self, measure: Measure, rows: FromClause, currency: ColumnElement[Any], *, kpi: str
                      ) -> tuple[Precondition, ...]:
        found = (select(currency).select_from(rows)
                 .where(currency.is_not(None), currency != self.reporting)
                 .distinct().order_by(currency).limit(5))
        return (Precondition(found, f"KPI {kpi}: measure {measure.name} has amounts in {{found}}, which need "
                                    f"converting into {self.reporting}, and no exchange rates were given to the "
                                    f"engine (the currency conversion is not available here)"),)
