"""Currency conversion at the record's date: the rates read from the CRMs' raw tables and the config, the precedence
between them, and amounts with no rate left out with a warning (never counted at 1:1). Golden figures are worked out
by hand in the comments; the differential test compares with a pandas reference on a random store."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select

import store
from analytics.kpi.currency import refresh_rates
from analytics.kpi.rate_sources import OPENING
from config.models.kpi import KpiRate, KpiSettings
from store.tables import currency_rate
from tests.support.kpi_golden import add_many, run, values

NOW = datetime(2026, 1, 5, tzinfo=UTC)
START, END = date(2024, 12, 1), date(2026, 1, 1)


def _raw(engine: Engine, connection: str, obj: str, fields: dict[str, str], rows: list[dict[str, Any]]) -> None:
    """A raw table as a sync leaves it: one typed column per CRM field (store/raw.py)."""
    with engine.begin() as conn:
        raw, _ = store.ensure_raw_table(conn, connection=connection, object=obj,
                                        wanted=[store.WantedColumn(f, t, t) for f, t in fields.items()])
        table = raw.table()
        conn.execute(insert(table), [
            {"id": f"{obj}-{i}", "source_connection": connection, "source_object": obj,
             "source_id": row.pop("Id", f"{obj}-{i}"), "synced_at": NOW, "deleted_at": row.pop("deleted_at", None),
             **{raw.column_of(f).column: v for f, v in row.items()}}  # type: ignore[union-attr]
            for i, row in enumerate(rows)])


def _salesforce_rates(engine: Engine, connection: str = "crm_a") -> None:
    """A multicurrency Salesforce org, corporate USD: EUR dated (0.8 from the start, 0.5 from 1 March 2025), CAD
    with no dated rate (its CurrencyType rate, 1.25, applies throughout); a deleted dated rate counts for nothing."""
    _raw(engine, connection, "CurrencyType", {"IsoCode": "string", "ConversionRate": "number",
                                              "IsCorporate": "boolean"},
         [{"IsoCode": "USD", "ConversionRate": 1.0, "IsCorporate": True},
          {"IsoCode": "EUR", "ConversionRate": 0.5, "IsCorporate": False},
          {"IsoCode": "CAD", "ConversionRate": 1.25, "IsCorporate": False}])
    _raw(engine, connection, "DatedConversionRate", {"IsoCode": "string", "ConversionRate": "number",
                                                     "StartDate": "date"},
         [{"IsoCode": "USD", "ConversionRate": 1.0, "StartDate": OPENING},
          {"IsoCode": "EUR", "ConversionRate": 0.8, "StartDate": OPENING},
          {"IsoCode": "EUR", "ConversionRate": 0.5, "StartDate": date(2025, 3, 1)},
          {"IsoCode": "EUR", "ConversionRate": 9.0, "StartDate": date(2025, 6, 1), "deleted_at": NOW}])


def _dataverse_rates(engine: Engine, connection: str = "crm_d") -> None:
    """A Dataverse org whose base currency is EUR (named by the organization row): USD 1.25 per EUR, GBP 0.8."""
    _raw(engine, connection, "transactioncurrencies", {"isocurrencycode": "string", "exchangerate": "number"},
         [{"Id": "C-EUR", "isocurrencycode": "EUR", "exchangerate": 1.0},
          {"Id": "C-USD", "isocurrencycode": "USD", "exchangerate": 1.25},
          {"Id": "C-GBP", "isocurrencycode": "GBP", "exchangerate": 0.8}])
    _raw(engine, connection, "organizations", {"_basecurrencyid_value": "string"},
         [{"Id": "ORG", "_basecurrencyid_value": "c-eur"}])  # lookups may differ in case from the row ids


# Config rates are quoted against the reporting currency (USD): GBP from 2025, and EUR at 1.0, which must lose
# to crm_a's own EUR rates for crm_a's rows.
SETTINGS = KpiSettings(rates=[KpiRate(iso_code="GBP", start_date=date(2025, 1, 1), rate=0.5),
                              KpiRate(iso_code="EUR", start_date=date(2025, 1, 1), rate=1.0)])


def _won(i: int, connection: str, currency: str | None, amount: float, close: date, owner: str = "u1"
         ) -> dict[str, Any]:
    return {"id": f"w{i}", "source_connection": connection, "owner_id": owner, "account_id": "a1", "amount": amount,
            "currency": currency, "is_closed": True, "is_won": True, "close_date": close,
            "created_at": datetime(2024, 11, 1, tzinfo=UTC), "deleted_at": None}


def _golden(engine: Engine) -> None:
    _salesforce_rates(engine)
    _dataverse_rates(engine)
    add_many(engine, "crm_user", [{"id": "u1", "team": "east"}, {"id": "u2", "team": "west"}])
    add_many(engine, "opportunity", [
        _won(1, "crm_a", "EUR", 100, date(2025, 2, 10)),  # crm_a's EUR 0.8: 125 (config's 1.0 loses)
        _won(2, "crm_a", "EUR", 100, date(2025, 3, 10)),  # crm_a's EUR from 1 March, 0.5: 200
        _won(3, "crm_b", "EUR", 100, date(2025, 2, 10)),  # crm_b keeps no rates: config's 1.0: 100
        _won(4, "crm_a", "GBP", 100, date(2025, 2, 10)),  # crm_a has no GBP: config's 0.5: 200
        _won(5, "crm_b", "JPY", 1000, date(2025, 2, 10)),  # no JPY anywhere: left out, with a warning
        _won(6, "crm_b", "GBP", 50, date(2024, 12, 15)),  # config's GBP starts in 2025: left out, with a warning
        _won(7, "crm_a", None, 300, date(2025, 2, 1)),  # no currency: crm_a's corporate USD: 300
        _won(8, "crm_b", "USD", 70, date(2025, 2, 1), owner="u2"),  # the reporting currency: 70
        _won(9, "crm_a", "CAD", 125, date(2025, 5, 1), owner="u2"),  # CurrencyType's CAD 1.25: 100
        _won(10, "crm_d", "GBP", 80, date(2025, 5, 1), owner="u2"),  # Dataverse: 80 / 0.8 * 1.25 = 125
        _won(11, "crm_d", None, 40, date(2025, 5, 1), owner="u2"),  # crm_d's base EUR: 40 / 1 * 1.25 = 50
    ])
    refresh_rates(engine, SETTINGS, clock=lambda: NOW)


@pytest.fixture
def golden_currency(db: Engine) -> Engine:
    _golden(db)
    return db


def test_refresh_rates_reads_every_source_and_adds_each_corporate_currency(golden_currency: Engine) -> None:
    with golden_currency.connect() as conn:
        rows = {(r.source, r.iso_code, r.start_date): (r.rate, r.corporate)
                for r in conn.execute(select(currency_rate))}
    assert rows == {
        ("crm_a", "USD", OPENING): (1.0, "USD"), ("crm_a", "EUR", OPENING): (0.8, "USD"),
        ("crm_a", "EUR", date(2025, 3, 1)): (0.5, "USD"), ("crm_a", "CAD", OPENING): (1.25, "USD"),
        ("crm_d", "EUR", OPENING): (1.0, "EUR"), ("crm_d", "USD", OPENING): (1.25, "EUR"),
        ("crm_d", "GBP", OPENING): (0.8, "EUR"),
        ("config", "GBP", date(2025, 1, 1)): (0.5, "USD"), ("config", "EUR", date(2025, 1, 1)): (1.0, "USD"),
        ("config", "USD", OPENING): (1.0, "USD")}


def test_amounts_convert_at_their_date_with_the_connection_s_rates_first(golden_currency: Engine) -> None:
    result = run(golden_currency, "WON_AMOUNT", "rep", settings=SETTINGS, start=START, end=END)
    # u1: 125 + 200 + 100 + 200 + 300 = 925; u2: 70 + 100 + 125 + 50 = 345. JPY and the 2024 GBP are left out.
    assert values(result) == {("u1",): 925, ("u2",): 345}
    by_month = values(run(golden_currency, "WON_AMOUNT", "month", settings=SETTINGS, start=START, end=END))
    assert by_month == {("2024-12-01",): 0, ("2025-02-01",): 795, ("2025-03-01",): 200, ("2025-05-01",): 275}


def test_a_row_without_a_rate_is_left_out_and_named_never_counted_1_to_1(golden_currency: Engine) -> None:
    result = run(golden_currency, "WON_AMOUNT", settings=SETTINGS, start=START, end=END)
    assert values(result) == {(): 1270}  # 925 + 345: not 2320 (JPY 1000 and GBP 50 at 1:1)
    [warning] = result.warnings
    assert "GBP on 2024-12-15, JPY on 2025-02-10" in warning and "opportunity.won_amount" in warning
    assert "kpi.rates" in warning


def test_without_config_rates_the_crm_rates_still_apply_and_the_rest_is_named(golden_currency: Engine) -> None:
    bare = KpiSettings()
    refresh_rates(golden_currency, bare, clock=lambda: NOW)
    result = run(golden_currency, "WON_AMOUNT", settings=bare, start=START, end=END)
    # config's EUR and GBP gone: w3 (crm_b EUR) and w4 (crm_a GBP) join the left-out rows; 1270 - 100 - 200
    assert values(result) == {(): 970}
    assert "EUR on 2025-02-10, GBP on 2024-12-15, GBP on 2025-02-10, JPY on 2025-02-10" in result.warnings[0]


def test_a_reporting_currency_other_than_the_corporate_one(golden_currency: Engine) -> None:
    in_eur = KpiSettings(currency="EUR")
    refresh_rates(golden_currency, in_eur, clock=lambda: NOW)
    result = run(golden_currency, "WON_AMOUNT", "rep", settings=in_eur, start=START, end=END)
    # crm_a, rate(EUR) 0.8 then 0.5: w1 100, w2 100, w4 GBP none in crm_a nor config: out, w7 USD 300 * 0.8 = 240,
    # w9 CAD 125 / 1.25 * 0.5 = 50; crm_d (base EUR): w10 80 / 0.8 = 100, w11 40; crm_b: only w3 (EUR) = 100.
    assert values(result) == {("u1",): 540, ("u2",): 190}
    assert "GBP on 2025-02-10" in result.warnings[0] and "USD on 2025-02-01" in result.warnings[0]


def test_a_connection_whose_corporate_currency_is_unknown_is_named(db: Engine) -> None:
    _raw(db, "crm_x", "DatedConversionRate", {"IsoCode": "string", "ConversionRate": "number",
                                              "StartDate": "date"},
         [{"IsoCode": "EUR", "ConversionRate": 0.8, "StartDate": OPENING},
          {"IsoCode": "GBP", "ConversionRate": 0.7, "StartDate": OPENING}])
    report = refresh_rates(db, KpiSettings(), clock=lambda: NOW)
    assert report.rows == {"config": 1}
    assert report.warnings == ["connection crm_x: no corporate currency known (sync CurrencyType, whose "
                               "IsCorporate names it); its exchange rates are not used"]


# --- differential: a pandas reference of the same rules on a random store ---

def _reference(opps: list[dict[str, Any]], rates: pd.DataFrame, reporting: str) -> dict[tuple[str, str], float]:
    """The conversion rules of analytics/kpi/conversion.py, row by row, then summed per (rep, month) by pandas."""
    def rate(source: str, code: str, day: date) -> float | None:
        found = rates[(rates.source == source) & (rates.iso_code == code) & (rates.start_date <= day)]
        return None if found.empty else float(found.sort_values("start_date").rate.iloc[-1])

    corporates = dict(zip(rates.source, rates.corporate, strict=False))
    converted: list[float | None] = []
    for o in opps:
        code = o["currency"] or corporates.get(o["source_connection"], reporting)
        value: float | None = float(o["amount"]) if code == reporting else None
        for source in () if code == reporting else (o["source_connection"], "config"):
            a, b = rate(source, code, o["close_date"]), rate(source, reporting, o["close_date"])
            if a is not None and b is not None:
                value = o["amount"] / a * b
                break
        converted.append(value)
    frame = pd.DataFrame({"rep": [o["owner_id"] for o in opps], "value": converted,
                          "month": [o["close_date"].replace(day=1).isoformat() for o in opps]})
    sums = frame.groupby(["rep", "month"], as_index=False)["value"].sum(min_count=0)
    return {(str(r.rep), str(r.month)): round(float(r.value), 6) for r in sums.itertuples()}


def test_differential_against_pandas(db: Engine) -> None:
    rnd = random.Random(18)
    _salesforce_rates(db)
    codes = ["USD", "EUR", "GBP", "CAD", "JPY", None]
    starts = [date(2025, 1, 1) + timedelta(days=rnd.randrange(300)) for _ in range(6)]
    settings = KpiSettings(rates=[KpiRate(iso_code=rnd.choice(["EUR", "GBP", "CAD"]), start_date=s,
                                          rate=round(rnd.uniform(0.4, 2.0), 4)) for s in sorted(set(starts))][:4])
    opps = [_won(i, rnd.choice(["crm_a", "crm_b"]), rnd.choice(codes), round(rnd.uniform(10, 1000), 2),
                 date(2025, 1, 1) + timedelta(days=rnd.randrange(365)), owner=rnd.choice(["u1", "u2", "u3"]))
            for i in range(200)]
    add_many(db, "opportunity", opps)
    refresh_rates(db, settings, clock=lambda: NOW)
    with db.connect() as conn:
        rates = pd.DataFrame([dict(r._mapping) for r in conn.execute(select(currency_rate))])
    expected = _reference(opps, rates, "USD")
    got = values(run(db, "WON_AMOUNT", "rep,month", settings=settings, start=date(2025, 1, 1), end=date(2026, 1, 1)))
    assert got == expected
