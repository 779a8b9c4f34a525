"""What Salesforce computes on save for issue 17's objects: Auto Numbers, a Case's closed flags, a Contract's end
date and status category, a Quote's account, a territory association's derived fields."""

from __future__ import annotations

import calendar
from datetime import date
from typing import Any

from sandbox.salesforce.store import Store, record_number
from sandbox.salesforce.table import Table

Row = list[Any]


def format_auto_number(display: str, n: int) -> str:
    """``"TE-{00000}"`` and 42 -> ``"TE-00042"``: the braces' zeros give the minimum width."""
    head, _, rest = display.partition("{")
    zeros, _, tail = rest.partition("}")
    return f"{head}{n:0{len(zeros)}d}{tail}"


def auto_numbers(table: Table, row: Row) -> None:
    """Auto Number fields take the record's sequence number on create (the id's number, one more, as displayed)."""
    for f in table.obj.fields:
        if f.auto_number and row[table.columns[f.name]] is None:
            row[table.columns[f.name]] = format_auto_number(f.auto_number, record_number(row[table.ix_id]) + 1)


def add_months(start: date, months: int) -> date:
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def case(table: Table, row: Row, old: Row | None, changed: set[str], stamp: str) -> None:
    col = table.columns
    closed = row[col["Status"]] == "Closed"
    if closed and not row[col["IsClosed"]]:
        row[col["ClosedDate"]] = stamp
    if not closed:
        row[col["ClosedDate"]] = None
    row[col["IsClosed"]] = closed


def contract(table: Table, row: Row, old: Row | None, changed: set[str], stamp: str) -> None:
    """EndDate = StartDate + ContractTerm months - 1 day; StatusCode is the status's category."""
    col = table.columns
    start, term = row[col["StartDate"]], row[col["ContractTerm"]]
    row[col["EndDate"]] = (add_months(date.fromisoformat(start), int(term)).toordinal() - 1
                           if start and term else None)
    if row[col["EndDate"]] is not None:
        row[col["EndDate"]] = date.fromordinal(row[col["EndDate"]]).isoformat()
    status = row[col["Status"]]
    row[col["StatusCode"]] = "Activated" if status == "Activated" else "Draft"
    if status == "Activated" and row[col["ActivatedDate"]] is None:
        row[col["ActivatedDate"]] = stamp


def quote(store: Store, table: Table, row: Row, old: Row | None, changed: set[str], stamp: str) -> None:
    found = store.lookup(row[table.columns["OpportunityId"]])
    row[table.columns["AccountId"]] = found[1][found[0].columns["AccountId"]] if found else None


def user_territory(table: Table, row: Row, old: Row | None, changed: set[str], stamp: str) -> None:
    if old is None:
        row[table.columns["IsActive"]] = True


def object_territory(table: Table, row: Row, old: Row | None, changed: set[str], stamp: str) -> None:
    rid = row[table.columns["ObjectId"]] or ""
    row[table.columns["SobjectType"]] = "Lead" if rid.startswith("00Q") else "Account"
