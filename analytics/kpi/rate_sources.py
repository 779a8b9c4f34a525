"""Exchange rates as the CRMs keep them, read from the typed raw tables their objects land in (store/raw.py).

- Salesforce (a multicurrency org): ``DatedConversionRate`` (advanced currency management: IsoCode, ConversionRate,
  StartDate) gives dated rates; ``CurrencyType`` (IsoCode, ConversionRate, IsCorporate) names the corporate currency
  and gives the one rate of each currency that has no dated rate (an org without advanced currency management).
- Dataverse: ``transactioncurrencies`` (isocurrencycode, exchangerate), one rate per currency and no history, and
  ``organizations`` (``_basecurrencyid_value``), which names the base currency the rates are quoted against.

A rate is how many units of the currency one unit of the source's corporate (base) currency buys, from its start date
until the next start date of the same currency; an undated rate starts at OPENING. When the object naming the
corporate currency was not synced, the one currency whose every rate is 1 is taken; when none or several are, the
connection's rates are left out with a warning that says what to sync.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, select

from store import RawTable, list_raw_tables

OPENING = date(1, 1, 1)  # where a rate without a start date begins: before any record


@dataclass(frozen=True, slots=True)
class Rate:
    source: str  # a connection's name, or "config"
    iso_code: str
    start_date: date
    rate: float  # units of iso_code per unit of corporate
    corporate: str


def crm_rates(conn: Connection) -> tuple[list[Rate], list[str]]:
    """Every connection's rates from its raw tables, and warnings about what could not be read."""
    raws = {(t.connection, t.object): t for t in list_raw_tables(conn)}
    rates: list[Rate] = []
    warnings: list[str] = []
    for connection in sorted({c for c, _ in raws}):
        for read in (_salesforce, _dataverse):
            found, problems = read(conn, connection, raws)
            rates += found
            warnings += problems
    return rates, warnings


def _rows(conn: Connection, raw: RawTable, fields: Sequence[str]) -> tuple[list[dict[str, Any]], list[str]]:
    """The live rows of a raw table, by CRM field (plus ``source_id``); a field it lacks is named, not guessed."""
    columns = {f: raw.column_of(f) for f in fields}
    missing = sorted(f for f, c in columns.items() if c is None)
    if missing:
        return [], [f"connection {raw.connection}: {raw.object} was synced without {', '.join(missing)} "
                    f"(raw table {raw.name}); list every field in connections.{raw.connection}.objects."
                    f"{raw.object}.fields or leave fields out, so its exchange rates can be read"]
    table = raw.table()
    picked = [table.c.source_id, *(table.c[c.column].label(f) for f, c in columns.items() if c is not None)]
    rows = conn.execute(select(*picked).where(table.c.deleted_at.is_(None))).mappings().all()
    return [dict(r) for r in rows], []


def _unit_code(rates: Sequence[tuple[str, float]]) -> str | None:
    """The one currency whose every rate is 1 (the corporate currency's), if exactly one is."""
    codes = {code for code, _ in rates}
    ones = sorted(c for c in codes if all(rate == 1.0 for code, rate in rates if code == c))
    return ones[0] if len(ones) == 1 else None


def _salesforce(conn: Connection, connection: str, raws: dict[tuple[str, str], RawTable]
                ) -> tuple[list[Rate], list[str]]:
    types, dated = raws.get((connection, "CurrencyType")), raws.get((connection, "DatedConversionRate"))
    if types is None and dated is None:
        return [], []
    currencies, warnings = _rows(conn, types, ("IsoCode", "ConversionRate", "IsCorporate")) if types else ([], [])
    periods, more = _rows(conn, dated, ("IsoCode", "ConversionRate", "StartDate")) if dated else ([], [])
    warnings += more
    corporate = next((str(r["IsoCode"]) for r in currencies if r["IsCorporate"]), None) or _unit_code(
        [(str(r["IsoCode"]), float(r["ConversionRate"])) for r in periods])
    if corporate is None:
        return [], [*warnings, f"connection {connection}: no corporate currency known (sync CurrencyType, whose "
                               "IsCorporate names it); its exchange rates are not used"]
    rates = [Rate(connection, str(r["IsoCode"]), r["StartDate"] or OPENING, float(r["ConversionRate"]), corporate)
             for r in periods if r["IsoCode"] and r["ConversionRate"]]
    dated_codes = {r.iso_code for r in rates}
    rates += [Rate(connection, str(r["IsoCode"]), OPENING, float(r["ConversionRate"]), corporate)
              for r in currencies if r["IsoCode"] and r["ConversionRate"] and r["IsoCode"] not in dated_codes]
    return rates, warnings


def _dataverse(conn: Connection, connection: str, raws: dict[tuple[str, str], RawTable]
               ) -> tuple[list[Rate], list[str]]:
    currencies_raw = raws.get((connection, "transactioncurrencies"))
    if currencies_raw is None:
        return [], []
    currencies, warnings = _rows(conn, currencies_raw, ("isocurrencycode", "exchangerate"))
    organizations = raws.get((connection, "organizations"))
    orgs, more = _rows(conn, organizations, ("_basecurrencyid_value",)) if organizations else ([], [])
    warnings += more
    code_of = {str(r["source_id"]).lower(): str(r["isocurrencycode"]) for r in currencies if r["isocurrencycode"]}
    bases = {code_of.get(str(o["_basecurrencyid_value"]).lower()) for o in orgs if o["_basecurrencyid_value"]}
    corporate = next(iter(bases)) if len(bases) == 1 and None not in bases else _unit_code(
        [(str(r["isocurrencycode"]), float(r["exchangerate"])) for r in currencies if r["exchangerate"]])
    if corporate is None:
        return [], [*warnings, f"connection {connection}: no base currency known (sync organizations, whose "
                               "basecurrencyid names it); its exchange rates are not used"]
    return [Rate(connection, str(r["isocurrencycode"]), OPENING, float(r["exchangerate"]), corporate)
            for r in currencies if r["isocurrencycode"] and r["exchangerate"]], warnings
